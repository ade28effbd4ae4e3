"""Accounts: users, sessions, API keys, authorization helpers."""
