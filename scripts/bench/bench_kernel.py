#!/usr/bin/env python3
"""Benchmark the kernel against jomini (pdx.tools' Rust/Wasm parser), all in one run.

    .venv/bin/python scripts/bench/bench_kernel.py [--repeats N] [--quick] [--write]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

On the largest text gamestates of ../shared/corpus (EU4 17.5 MB, Stellaris 39 MB and
60 MB) it times, best of N runs each:

- jomini 0.10 in Node: parse only (document built, one value queried) and parse -> JSON;
- our kernel compiled by mypyc (.venv): parse only (bytes -> document) and bytes -> JSON;
- the same source as the pure wheel on CPython (.venv-pure);
- the pure wheel under Pyodide (CPython 3.14 on Wasm) in Node: parse only;
- the EU4 analysis of the whole 17.5 MB save (inflate, parse, analyze) compiled, pure
  and under Pyodide, against jomini's parse -> JSON of its gamestate;
- EU4 binary gamestates (20-32 MB): decoding compiled and pure, and inflating the zip
  shown apart (jomini's npm package has no binary parser to compare with).

It prints the best and the median of the runs (and how many), MB/s and the ratio of the
best times to jomini's for the same operation (above 1.0 we are faster). ``--write``
replaces the section between ``<!-- bench_kernel:begin -->`` and
``<!-- bench_kernel:end -->`` in docs/benchmarks.md. This is a benchmark, not a test: it
asserts nothing about time. Run ./scripts/setup first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import BENCH, SAVES, SCRIPTS, best, log, median, run_json, write_section

WORKER = BENCH / "bench_kernel_worker.py"
JOMINI = str(BENCH / "bench_jomini.mjs")
PYODIDE_RUN = str(SCRIPTS / "pyodide_run.mjs")  # beside the build scripts: tests use it too
SECTION = "bench_kernel"
STELLARIS_SECTION = "bench_kernel_stellaris"

# EU4 binary (ironman-style) saves: (label, zip in the corpus, gamestate entry)
BINARY_FILES = [
    ("EU4 binary 20 MB (1.22)", "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4", "game.eu4"),
    ("EU4 binary 30 MB (1.22)", "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4", "game.eu4"),
    ("EU4 binary 32 MB (1.23)", "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4", "gamestate"),
]

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
    """One measurement: the best of its runs (``seconds``, what the ratio compares) and
    their median."""

    file: str
    runner: str
    op: str
    times: list[float]
    size: int
    reference: float | None  # jomini's best for the same operation, if any

    @property
    def seconds(self) -> float:
        return best(self.times)

    @property
    def ratio(self) -> float | None:
        return None if self.reference is None else self.reference / self.seconds


def measure(label: str, path: Path, encoding: str, repeats: int, pure_repeats: int) -> list[Row]:
    size = path.stat().st_size
    rows: list[Row] = []
    jomini = run_json(["node", JOMINI, str(path), encoding, str(repeats)])
    reference = {op: best(jomini[op]) for op in ("parse", "json")}
    for op in ("parse", "json"):
        rows.append(Row(label, "jomini (Rust→Wasm, Node)", op, jomini[op], size, reference[op]))

    def add(runner: str, result: dict[str, Any], ops: tuple[str, ...]) -> None:
        for op in ops:
            rows.append(Row(label, runner, op, result[op], size, reference[op]))

    compiled = run_json([".venv/bin/python", str(WORKER), str(path), str(repeats)])
    if compiled["compiled"] is not True:
        sys.exit(".venv has the pure kernel installed; run ./scripts/setup")
    add("kernel, mypyc (CPython 3.11)", compiled, ("parse", "json"))
    pure = run_json([".venv-pure/bin/python", str(WORKER), str(path), str(pure_repeats)])
    add("kernel, pure (CPython 3.11)", pure, ("parse", "json"))
    pyodide = run_json(
        [
            "node",
            PYODIDE_RUN,
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


def measure_binary(
    label: str, zipped: Path, path: Path, repeats: int, pure_repeats: int
) -> list[Row]:
    """Decoding a binary gamestate (no token table: names are resolved when read), and
    inflating the whole zip, which is shown apart."""
    size = path.stat().st_size
    rows: list[Row] = []
    for runner, python, n in (
        ("kernel, mypyc (CPython 3.11)", ".venv/bin/python", repeats),
        ("kernel, pure (CPython 3.11)", ".venv-pure/bin/python", pure_repeats),
    ):
        decoded = run_json([python, str(WORKER), str(path), str(n), "binary"])
        rows.append(Row(label, runner, "binary", decoded["binary"], size, None))
        inflated = run_json([python, str(WORKER), str(zipped), str(n), "inflate"])
        rows.append(Row(label, runner, "inflate", inflated["inflate"], size, None))
    return rows


def measure_analyze(
    label: str, zipped: Path, gamestate: Path, repeats: int, op: str = "analyze"
) -> list[Row]:
    """The analysis of the whole save (inflate + parse + analysis; ``op``: "analyze" EU4,
    "stellaris"), against jomini's parse -> JSON of its gamestate (what pdx.tools does
    before its own analysis)."""
    size = gamestate.stat().st_size
    jomini = run_json(["node", JOMINI, str(gamestate), "windows1252", "3"])
    reference = best(jomini["json"])
    rows = [Row(label, "jomini (Rust→Wasm, Node)", "json", jomini["json"], size, reference)]
    for runner, cmd, n in (
        ("kernel, mypyc (CPython 3.11)", [".venv/bin/python"], repeats),
        ("kernel, pure (CPython 3.11)", [".venv-pure/bin/python"], max(1, repeats // 3)),
        ("kernel, pure (Pyodide 3.14, Node)", ["node", PYODIDE_RUN], 1),
    ):
        if cmd[0] == "node":
            args = [*cmd, "--file", str(zipped), str(WORKER), f"/data/{zipped.name}"]
        else:
            args = [*cmd, str(WORKER), str(zipped)]
        result = run_json([*args, str(n), op])
        rows.append(Row(label, runner, op, result[op], size, reference))
    return rows


OPERATIONS = {
    "parse": "parse only",
    "json": "bytes → JSON",
    "binary": "binary → document",
    "inflate": "inflate the zip",
    "analyze": "save → EU4 analysis",
    "stellaris": "save → Stellaris analysis",
}


def table(rows: list[Row]) -> str:
    lines = [
        "| file | runner | operation | seconds (best) | median | runs | MB/s | vs jomini |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        op = OPERATIONS[r.op]
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}x"
        mbs = r.size / r.seconds / 1e6
        lines.append(
            f"| {r.file} | {r.runner} | {op} | {r.seconds:.3f} | {median(r.times):.3f} | "
            f"{len(r.times)} | {mbs:.1f} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (best kept)")
    parser.add_argument("--quick", action="store_true", help="only the EU4 file")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--stellaris", action="store_true", help="only the analysis of the Stellaris saves"
    )
    args = parser.parse_args()
    if not SAVES.is_dir():
        sys.exit(f"corpus not found at {SAVES}")
    if args.stellaris:
        stellaris(args)
        return
    files = FILES[:1] if args.quick else FILES
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, rel, entry, encoding in files:
            path = Path(tmp) / f"{Path(rel).stem}.{entry}"
            with zipfile.ZipFile(SAVES / rel) as zf:
                path.write_bytes(zf.read(entry))
            log(f"measuring {label} …")
            rows.extend(measure(label, path, encoding, args.repeats, max(1, args.repeats // 3)))
        label, rel, entry, _ = FILES[0]
        gamestate = Path(tmp) / f"{Path(rel).stem}.{entry}"
        log(f"measuring the EU4 analysis of {label} …")
        rows.extend(measure_analyze(label, SAVES / rel, gamestate, args.repeats))
        for label, rel, entry in BINARY_FILES[:1] if args.quick else BINARY_FILES:
            path = Path(tmp) / f"{Path(rel).stem}.{entry}"
            with zipfile.ZipFile(SAVES / rel) as zf:
                path.write_bytes(zf.read(entry))
            log(f"measuring {label} …")
            rows.extend(
                measure_binary(label, SAVES / rel, path, args.repeats, max(1, args.repeats // 3))
            )
    text = table(rows)
    print(text)
    if args.write:
        write_section(SECTION, text, "Kernel: parsing and JSON (`scripts/bench/bench_kernel.py`)")


def stellaris(args: argparse.Namespace) -> None:
    """The Stellaris analysis of each Stellaris save of the corpus (issue 16.6)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, rel, entry, _ in FILES[1:]:
            path = Path(tmp) / f"{Path(rel).stem}.{entry}"
            with zipfile.ZipFile(SAVES / rel) as zf:
                path.write_bytes(zf.read(entry))
            log(f"measuring the Stellaris analysis of {label} …")
            rows.extend(measure_analyze(label, SAVES / rel, path, args.repeats, "stellaris"))
    text = table(rows)
    print(text)
    if args.write:
        write_section(
            STELLARIS_SECTION,
            text,
            "Kernel: the Stellaris analysis (`scripts/bench/bench_kernel.py --stellaris`)",
            "The whole save (inflate, parse what the analysis reads, analyse), best of the "
            "runs; jomini's bytes → JSON of the gamestate as the reference. Target (issue "
            "16.6): the 60 MB gamestate ≤ 1.5 s compiled.",
        )


if __name__ == "__main__":
    main()
