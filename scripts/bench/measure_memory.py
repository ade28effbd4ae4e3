#!/usr/bin/env python3
"""Peak memory of the EU4 analysis of the 17.5 MB-gamestate corpus save (issue 19.4):
compiled and pure CPython (the child process's peak resident set, and the same child's
peak when it only imports the kernel and reads the file, as the baseline), and the pure
kernel under Pyodide in Node (the size of the WebAssembly heap after the analysis: it
only grows, so it is the peak; and before, as the baseline). Best of one run each: memory
does not vary with load.

    .venv/bin/python scripts/bench/measure_memory.py [--write]

(Run it as a file, from the repository root: it imports scripts/bench/harness.py.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.bench.harness import LARGE, ROOT, log, write_section

SAVE = LARGE
SECTION = "memory"
# In the child: read the file, optionally analyse it, then report the peak RSS (KiB).
CHILD = """
import resource, sys
from kernel.eu4 import analyze
data = open(sys.argv[1], "rb").read()
if sys.argv[2] == "analyze":
    analyze(data)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
PYODIDE = """
import sys
import pyodide_js
from kernel.eu4 import analyze
data = open(sys.argv[1], "rb").read()
before = pyodide_js._module.HEAP8.length
analyze(data)
print(before, pyodide_js._module.HEAP8.length)
"""


def cpython(python: str) -> tuple[int, int]:
    """(baseline, peak) resident bytes of a child analysing the save."""
    env = dict(os.environ, PYTHONPATH="")
    out = []
    for mode in ("read", "analyze"):
        done = subprocess.run(
            [python, "-c", CHILD, str(SAVE), mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        out.append(int(done.stdout.split()[-1]) * 1024)
    return out[0], out[1]


def pyodide(tmp: Path) -> tuple[int, int]:
    script = tmp / "memory.py"
    script.write_text(PYODIDE)
    done = subprocess.run(
        [
            "node",
            str(ROOT / "scripts/pyodide_run.mjs"),
            "--file",
            str(SAVE),
            str(script),
            f"/data/{SAVE.name}",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    before, after = (int(n) for n in done.stdout.split()[-2:])
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with zipfile.ZipFile(SAVE) as zf:
        gamestate = zf.getinfo("gamestate").file_size
    rows = []
    for label, python in (
        ("kernel, mypyc (CPython 3.11)", str(ROOT / ".venv/bin/python")),
        ("kernel, pure (CPython 3.11)", str(ROOT / ".venv-pure/bin/python")),
    ):
        log(f"measuring {label} …")
        rows.append((label, *cpython(python)))
    log("measuring the pure kernel under Pyodide (Node) …")
    tmp = ROOT / "build" / "memory"
    tmp.mkdir(parents=True, exist_ok=True)
    rows.append(("kernel, pure (Pyodide, Node: WebAssembly heap)", *pyodide(tmp)))
    mb = 1e6
    lines = [
        f"EU4 gamestate {gamestate / mb:.1f} MB (`{SAVE.name}`), the whole save analysed.",
        "",
        "| runner | baseline MB | peak MB | peak - baseline MB | (peak - baseline) / gamestate |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, base, peak in rows:
        grown = peak - base
        lines.append(
            f"| {label} | {base / mb:.0f} | {peak / mb:.0f} | {grown / mb:.0f} | "
            f"{grown / gamestate:.1f}x |"
        )
    text = "\n".join(lines)
    print(text)
    print(json.dumps({"gamestate": gamestate, "rows": rows}))
    if args.write:
        write_section(
            SECTION,
            text,
            "Memory of the EU4 analysis (`scripts/bench/measure_memory.py`)",
            "Baseline: the process with the kernel imported and the file read (CPython), or "
            "the WebAssembly heap with the runtime started and the kernel imported "
            "(Pyodide). Target (issue 19.4): peak <= 4x the gamestate, compiled and in the "
            "browser.",
        )


if __name__ == "__main__":
    main()
