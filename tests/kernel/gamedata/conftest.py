"""Fixtures of the game-data import tests: the corpus install imported once per session
(``corpus_bundle``), and a tiny hand-written install (``mini``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.corpus import corpus_dir
from support.gamedata import Imported, mini_install

from kernel.gamedata.build import build

GAME = "gamedata/eu4-1.31.6"


@pytest.fixture(scope="session")
def corpus_game() -> Path:
    """The EU4 1.31.6 game folder of the corpus (skips when absent)."""
    return corpus_dir(GAME)


@pytest.fixture(scope="session")
def corpus_bundle(corpus_game: Path, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The corpus install imported once for the whole session."""
    root = tmp_path_factory.mktemp("gamedata")
    warnings: list[str] = []
    manifest = build(corpus_game, out_root=root, warn=warnings.append)
    return Imported(root, manifest, warnings)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A tiny complete install (see support.gamedata.mini_install)."""
    return mini_install(tmp_path / "game")
