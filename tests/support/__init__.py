"""Helpers of the test-suite, imported as a normal package (``from support.corpus import
CORPUS``): pytest puts ``tests/`` on ``sys.path`` (``pythonpath`` in pyproject.toml).

- ``support.corpus``: where the real-file corpus is, and skipping when a file is absent;
- ``support.html``: the one HTML parser of the web tests;
- ``support.saves``: crafted saves: text and binary token streams, and zips built by hand;
- ``support.http``: the app served on loopback and a browser-like HTTP client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
"""The repository root (the directory holding pyproject.toml)."""
