#!/usr/bin/env python3
"""Write (or check) the JSON Schemas of the analysis payloads.

    python scripts/gen_schema.py            # regenerate docs/*-analysis.schema.json
    python scripts/gen_schema.py --check    # exit 1 when a committed file is out of date

Each schema is ``msgspec.json.schema`` of a payload Struct (``Eu4Analysis`` in
kernel/src/kernel/eu4/types.py, ``StellarisAnalysis`` in
kernel/src/kernel/stellaris/types.py), pretty-printed with sorted keys;
tests/kernel/eu4/test_schema.py and tests/kernel/stellaris/test_schema.py fail when one is
stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "eu4-analysis.schema.json"
STELLARIS_SCHEMA = ROOT / "docs" / "stellaris-analysis.schema.json"


def _text(payload: type) -> str:
    import msgspec

    schema = msgspec.json.schema(payload)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_texts() -> dict[Path, str]:
    from kernel.eu4.types import Eu4Analysis
    from kernel.stellaris.types import StellarisAnalysis

    return {SCHEMA: _text(Eu4Analysis), STELLARIS_SCHEMA: _text(StellarisAnalysis)}


def schema_text() -> str:
    """The EU4 schema's text."""
    return schema_texts()[SCHEMA]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, do not write")
    args = parser.parse_args(argv)
    status = 0
    for path, text in schema_texts().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if args.check:
            print(
                f"{path.relative_to(ROOT)} is out of date: run scripts/gen_schema.py",
                file=sys.stderr,
            )
            status = 1
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "kernel" / "src"))
    sys.exit(main())
