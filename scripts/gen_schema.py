#!/usr/bin/env python3
"""Write (or check) the JSON Schema of the EU4 analysis payload.

    python scripts/gen_schema.py            # regenerate docs/eu4-analysis.schema.json
    python scripts/gen_schema.py --check    # exit 1 when the committed file is out of date

The schema is ``msgspec.json.schema(Eu4Analysis)`` (kernel/src/kernel/eu4/types.py),
pretty-printed with sorted keys; tests/kernel/eu4/test_schema.py fails when it is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "eu4-analysis.schema.json"


def schema_text() -> str:
    import msgspec

    from kernel.eu4.types import Eu4Analysis

    schema = msgspec.json.schema(Eu4Analysis)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, do not write")
    args = parser.parse_args(argv)
    text = schema_text()
    current = SCHEMA.read_text(encoding="utf-8") if SCHEMA.exists() else ""
    if args.check:
        if current != text:
            print(
                f"{SCHEMA.relative_to(ROOT)} is out of date: run scripts/gen_schema.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if current != text:
        SCHEMA.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "kernel" / "src"))
    sys.exit(main())
