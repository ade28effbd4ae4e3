"""The committed JSON Schema matches the Structs; payloads round-trip through JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec

import kernel
from kernel.eu4.types import Eu4Analysis


def test_committed_schema_is_up_to_date(repo_root: Path) -> None:
    committed = json.loads((repo_root / "docs" / "eu4-analysis.schema.json").read_text("utf-8"))
    assert committed == msgspec.json.schema(Eu4Analysis), (
        "docs/eu4-analysis.schema.json is out of date: run scripts/gen_schema.py"
    )


def test_gen_schema_check_passes(repo_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "gen_schema.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_payload_round_trips_and_validates(poland: Eu4Analysis, modded: Eu4Analysis) -> None:
    for analysis in (poland, modded):
        data = msgspec.json.encode(analysis)
        assert msgspec.json.decode(data, type=Eu4Analysis) == analysis


def test_structs_built_by_the_running_build(poland: Eu4Analysis) -> None:
    # Under the mypyc build the analysis modules are compiled and build these Structs.
    import importlib

    analyze_module = importlib.import_module("kernel.eu4._analysis")
    types_module = importlib.import_module("kernel.eu4.types")
    assert types_module.__file__ is not None and types_module.__file__.endswith(".py")
    if kernel.COMPILED:
        assert analyze_module.__file__ is not None
        assert not analyze_module.__file__.endswith(".py")
    assert type(poland) is Eu4Analysis and type(poland.info).__module__ == "kernel.eu4.types"
