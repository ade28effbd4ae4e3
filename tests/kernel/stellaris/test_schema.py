"""The committed JSON Schema of the Stellaris payload matches its Structs; payloads
round-trip through JSON."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
from support.corpus import save_file

from kernel.stellaris import analyze
from kernel.stellaris.types import StellarisAnalysis


def test_committed_schema_is_up_to_date(repo_root: Path) -> None:
    path = repo_root / "docs" / "stellaris-analysis.schema.json"
    committed = json.loads(path.read_text("utf-8"))
    assert committed == msgspec.json.schema(StellarisAnalysis), (
        "docs/stellaris-analysis.schema.json is out of date: run scripts/gen_schema.py"
    )


def test_payload_round_trips() -> None:
    rel = "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav"
    analysis = analyze(save_file(rel).read_bytes())
    data = msgspec.json.encode(analysis)
    assert msgspec.json.decode(data, type=StellarisAnalysis) == analysis
