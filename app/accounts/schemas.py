"""Form inputs of the account pages."""

from __future__ import annotations

import msgspec


class LoginForm(msgspec.Struct, kw_only=True):
    username: str = ""
    password: str = ""
    next: str = "/"


class RegisterForm(msgspec.Struct, kw_only=True):
    username: str = ""
    password: str = ""
    password_again: str = ""
    display_name: str = ""
