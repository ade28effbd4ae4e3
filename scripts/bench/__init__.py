"""Benchmarks and measurements; harness.py is what they share."""
