"""``python -m kernel gamedata build|list`` as a subprocess: output, warnings, errors and
exit codes (0 ok, 1 rejected input with one ``error:`` line, 2 usage)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.gamedata import MINI_COLORS, MINI_MAP, write_bmp


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kernel", "gamedata", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_build_and_list(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    done = run("build", mini, "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"wrote {out / 'eu4-1.31.6'}"
    assert "game: eu4 1.31.6" in lines
    assert "mods: none" in lines
    assert "countries: 2, provinces: 3, names: 17" in lines
    assert "languages: english, french" in lines
    assert any(line.strip().startswith("provinces.bin.gz: ") for line in lines)
    listed = run("list", out)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "eu4-1.31.6\tEU4 1.31.6 data\tenglish, french\t2 countries, 3 provinces, 17 names"
    ]


def test_build_with_a_mod_and_warnings(mini: Path, tmp_path: Path) -> None:
    mod = tmp_path / "mod"
    (mod / "map").mkdir(parents=True)
    (mod / "descriptor.mod").write_text('name = "My Mod"\nversion = "0.1"\n')
    (mod / "map/definition.csv").write_text("province;r;g;b;n;x\n1;128;34;64;A;x\nbad row\n")
    done = run("build", mini, "--mod", mod, "-o", tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "mods: My Mod 0.1" in done.stdout.splitlines()
    assert f"warning: {mod / 'map/definition.csv'}:3: " in done.stderr
    (bundle,) = os.listdir(tmp_path / "data")
    assert bundle.startswith("eu4-1.31.6-my-mod-")


def test_rejected_input_exits_1(mini: Path, tmp_path: Path) -> None:
    done = run("build", tmp_path / "nowhere", "-o", tmp_path / "data")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    write_bmp(mini / "map/provinces.bmp", MINI_MAP, MINI_COLORS, bits=32)
    done = run("build", mini, "-o", tmp_path / "data")
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "provinces.bmp: 32-bit" in done.stderr
    assert "Traceback" not in done.stderr
    assert os.listdir(tmp_path / "data") == []
    done = run("list", tmp_path / "nowhere")
    assert done.returncode == 1 and done.stderr.startswith("error: ")


def test_usage_errors_exit_2(mini: Path) -> None:
    assert run("build", mini).returncode == 2  # no -o
    assert run().returncode == 2
    assert run("frobnicate").returncode == 2


def test_list_of_an_empty_folder(tmp_path: Path) -> None:
    done = run("list", tmp_path)
    assert done.returncode == 0
    assert done.stdout == ""
    assert "no game-data bundles" in done.stderr
