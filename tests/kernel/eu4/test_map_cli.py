"""``python -m kernel map`` as a subprocess: a corpus save drawn with the corpus bundle,
and every way it can refuse (exit 2, one readable ``error:`` line, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from support.corpus import save_file
from support.gamedata import ENGLISH, Imported, write_bundle

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kernel", "map", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def refused(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a refusal (exit 2)."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def korea() -> Path:
    return save_file(KOREA)


def test_full_size_by_default(korea: Path, corpus_bundle: Imported, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    done = run(korea, "--gamedata", corpus_bundle.root, "-o", out)
    assert done.returncode == 0, done.stderr
    with Image.open(out) as drawn:
        assert drawn.format == "PNG" and drawn.size == (5632, 2048)


def test_options(korea: Path, corpus_bundle: Imported, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    done = run(
        korea, "--gamedata", corpus_bundle.root, "--mode", "religion", "--scale", "0.25",
        "--date", "1444.11.11", "--focus", "KOR", "--no-borders", "--language", "klingon",
        "-o", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Image.open(out) as drawn:
        assert drawn.size == (1408, 512)


def test_refusals(korea: Path, corpus_bundle: Imported, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    data = str(corpus_bundle.root)
    line = refused(run(korea, "--gamedata", data, "--mode", "weather", "-o", out))
    assert "'weather'" in line and "political" in line and "religion" in line
    line = refused(run(korea, "--gamedata", data, "--date", "1300.1.1", "-o", out))
    assert "1300.1.1 is outside the save" in line
    line = refused(run(korea, "--gamedata", data, "--date", "last week", "-o", out))
    assert "not a date" in line
    line = refused(run(korea, "--gamedata", data, "--scale", "3", "-o", out))
    assert "scale 3" in line
    line = refused(run(korea, "--gamedata", data, "--focus", "XYZ", "-o", out))
    assert "'XYZ'" in line
    assert not out.exists()


def test_without_fitting_game_data(korea: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    line = refused(run(korea, "--gamedata", tmp_path / "empty", "-o", out))
    assert "no game-data bundle" in line and "EU4 1.37.5" in line and "gamedata build" in line
    write_bundle(tmp_path / "data", version="1.37.5", names={"english": ENGLISH})
    line = refused(run(korea, "--gamedata", tmp_path / "data", "-o", out))
    assert line == "error: game-data bundle eu4-1.37.5 has no map: import the game again"
    done = subprocess.run(
        [sys.executable, "-m", "kernel", "map", str(korea), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "CHRONICLE_GAMEDATA_DIR"},
    )
    assert "--gamedata" in refused(done)
    assert not out.exists()


def test_usage_errors_exit_2(korea: Path) -> None:
    assert run(korea).returncode == 2  # no -o
    assert run(korea, "--scale", "big", "-o", "x.png").returncode == 2
