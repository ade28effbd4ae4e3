#!/usr/bin/env python3
"""Benchmark the kernel against jomini (pdx.tools' Rust/Wasm parser), all in one run.

    .venv/bin/python scripts/bench_kernel.py [--repeats N] [--quick] [--write]

On the largest text gamestates of ../shared/corpus (EU4 17.5 MB, Stellaris 39 MB and
60 MB) it times, best of N runs each:

- jomini 0.10 in Node: parse only (document built, one value queried) and parse -> JSON;
- our kernel compiled by mypyc (.venv): parse only (bytes -> document) and bytes -> JSON;
- the same source as the pure wheel on CPython (.venv-pure);
- the pure wheel under Pyodide (CPython 3.14 on Wasm) in Node: parse only.

It prints seconds, MB/s and the ratio to jomini's time for the same operation (above
1.0 we are faster). ``--write`` replaces the table in docs/benchmarks.md. This is a
benchmark, not a test: it asserts nothing about time. Run ./scripts/setup first.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saves"
WORKER = ROOT / "scripts" / "bench_kernel_worker.py"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- bench_kernel:begin -->"
END = "<!-- bench_kernel:end -->"

# (label, zip in the corpus, entry, encoding for jomini)
FILES = [
    (
        "EU4 gamestate 17.5 MB",
        "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4",
        "gamestate",
        "windows1252",
    ),
    (
        "Stellaris gamestate 39 MB",
        "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav",
        "gamestate",
        "utf8",
    ),
    (
        "Stellaris gamestate 60 MB",
        "stellaris/pjmagee_UNE_ironman_2250.11.15_v3.14.sav",
        "gamestate",
        "utf8",
    ),
]


@dataclass
class Row:
    file: str
    runner: str
    op: str
    seconds: float
    size: int
    ratio: float | None


def run_json(cmd: list[str]) -> dict[str, object]:
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def best(times: object) -> float:
    assert isinstance(times, list)
    return min(float(t) for t in times)


def measure(label: str, path: Path, encoding: str, repeats: int, pure_repeats: int) -> list[Row]:
    size = path.stat().st_size
    rows: list[Row] = []
    jomini = run_json(["node", "scripts/bench_jomini.mjs", str(path), encoding, str(repeats)])
    reference = {op: best(jomini[op]) for op in ("parse", "json")}
    for op in ("parse", "json"):
        rows.append(Row(label, "jomini (Rust→Wasm, Node)", op, reference[op], size, 1.0))

    def add(runner: str, result: dict[str, object], ops: tuple[str, ...]) -> None:
        for op in ops:
            seconds = best(result[op])
            rows.append(Row(label, runner, op, seconds, size, reference[op] / seconds))

    compiled = run_json([".venv/bin/python", str(WORKER), str(path), str(repeats)])
    if compiled["compiled"] is not True:
        sys.exit(".venv has the pure kernel installed; run ./scripts/setup")
    add("kernel, mypyc (CPython 3.11)", compiled, ("parse", "json"))
    pure = run_json([".venv-pure/bin/python", str(WORKER), str(path), str(pure_repeats)])
    add("kernel, pure (CPython 3.11)", pure, ("parse", "json"))
    pyodide = run_json(
        [
            "node",
            "scripts/pyodide_run.mjs",
            "--file",
            str(path),
            str(WORKER),
            f"/data/{path.name}",
            "1",
            "parse",
        ]
    )
    add("kernel, pure (Pyodide 3.14, Node)", pyodide, ("parse",))
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| file | runner | operation | seconds | MB/s | vs jomini |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in rows:
        op = "parse only" if r.op == "parse" else "bytes → JSON"
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}x"
        mbs = r.size / r.seconds / 1e6
        lines.append(f"| {r.file} | {r.runner} | {op} | {r.seconds:.3f} | {mbs:.1f} | {ratio} |")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc:
        doc += f"\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (best kept)")
    parser.add_argument("--quick", action="store_true", help="only the EU4 file")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")
    files = FILES[:1] if args.quick else FILES
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, rel, entry, encoding in files:
            path = Path(tmp) / f"{Path(rel).stem}.{entry}"
            with zipfile.ZipFile(CORPUS / rel) as zf:
                path.write_bytes(zf.read(entry))
            print(f"measuring {label} …", file=sys.stderr, flush=True)
            rows.extend(measure(label, path, encoding, args.repeats, max(1, args.repeats // 3)))
    text = table(rows)
    print(text)
    if args.write:
        write_doc(text)
        print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
