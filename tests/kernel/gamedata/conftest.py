"""Fixtures of the game-data import tests: a tiny hand-written install (``mini``); the
corpus install imported once per session (``corpus_bundle``) is in tests/conftest.py,
shared with the app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gamedata import mini_install


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A tiny complete install (see support.gamedata.mini_install)."""
    return mini_install(tmp_path / "game")
