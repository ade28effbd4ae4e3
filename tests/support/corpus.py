"""The real-file corpus: ``../shared/corpus`` beside the repository, or ``$CHRONICLE_CORPUS``.

The files are real saves and game files collected for testing (see its SOURCES.md); they
are read in place and never copied into the project. Tests that need one ask for it with
``corpus_file`` (or ``save_file`` for a path under ``saves/``), which skips the test with
the reason when the corpus or the file is absent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from support import ROOT

CORPUS: Final = Path(os.environ.get("CHRONICLE_CORPUS") or ROOT.parent / "shared" / "corpus")
SAVES: Final = CORPUS / "saves"
EU4: Final = SAVES / "eu4"
PAIR: Final = EU4 / "binary-pair"
"""meta.bin (EU4bin), its melt meta.bin.melted (EU4txt) and the 26 tokens its fields use."""


def _skip(path: Path) -> None:
    import pytest

    where = "the corpus" if CORPUS.is_dir() else f"the corpus (not found at {CORPUS})"
    pytest.skip(
        f"{path.relative_to(CORPUS) if path.is_relative_to(CORPUS) else path} is not in "
        f"{where}; set CHRONICLE_CORPUS or add ../shared/corpus"
    )


def corpus_file(rel: str | Path) -> Path:
    """The corpus file at ``rel`` (relative to the corpus); skips the test when absent."""
    path = CORPUS / rel
    if not path.is_file():
        _skip(path)
    return path


def save_file(rel: str | Path) -> Path:
    """``corpus_file("saves/" + rel)``."""
    return corpus_file(Path("saves") / rel)


def corpus_dir(rel: str | Path = "") -> Path:
    """The corpus folder at ``rel`` (the corpus itself by default); skips when absent."""
    path = CORPUS / rel
    if not path.is_dir():
        _skip(path)
    return path


def corpus_files(rel: str | Path = "", pattern: str = "*") -> list[Path]:
    """Every file under the corpus folder ``rel`` (recursively, without dot files), sorted;
    ``[]`` when absent: for parametrizing at collection time, where nothing can skip."""
    folder = CORPUS / rel
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and not p.name.startswith("."))


def eu4_save_files() -> list[Path]:
    """The EU4 saves of the corpus (the files directly in saves/eu4), sorted; ``[]`` when
    absent (for parametrizing)."""
    return sorted(p for p in EU4.iterdir() if p.is_file()) if EU4.is_dir() else []


def eu4_saves() -> list[Path]:
    """``eu4_save_files()``, skipping the test when the corpus is absent."""
    corpus_dir(EU4)
    return eu4_save_files()
