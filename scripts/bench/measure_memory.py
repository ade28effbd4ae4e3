#!/usr/bin/env python3
"""Peak memory of the EU4 analysis of the 17.5 MB-gamestate corpus save (issue 19.4):
compiled and pure CPython (the child process's peak resident set, and the same child's
peak when it only imports the kernel and reads the file, as the baseline), and the pure
kernel under Pyodide in Node (the size of the WebAssembly heap after the analysis: it
only grows, so it is the peak; and before, as the baseline). The browser splits a save
this large between the worker and a helper (``kernel.eu4.SplitSave``, one helper on this
2-core machine): each has a heap of its own, measured apart (the helper's part and its
answer are made first, by the pure kernel on CPython). Best of one run each: memory does
not vary with load.

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
# The split (the browser's path): the helper's part and answer, made on CPython ...
PREPARE = """
import sys
from kernel.eu4 import SplitSave, parse_part
split = SplitSave(open(sys.argv[1], "rb").read(), 1)
[(key, part)] = split.parts()
open(sys.argv[2], "wb").write(part)
open(sys.argv[3], "wb").write(parse_part(part, key))
"""
# ... the helper: its part in, its answer out ...
PYODIDE_HELPER = """
import sys
import pyodide_js
from kernel.eu4 import parse_part
part = open(sys.argv[1], "rb").read()
before = pyodide_js._module.HEAP8.length
parse_part(part, "provinces")
print(before, pyodide_js._module.HEAP8.length)
"""
# ... and the worker: the save in (the part goes to the helper), the helper's answer back.
PYODIDE_WORKER = """
import sys
import pyodide_js
from kernel.eu4 import SplitSave
data = open(sys.argv[1], "rb").read()
answer = open(sys.argv[2], "rb").read()
before = pyodide_js._module.HEAP8.length
split = SplitSave(data, 1)
split.parts()  # handed to the helper (the browser frees them once sent)
split.parse_rest()
split.analyze([answer])
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


def pyodide(tmp: Path, code: str = PYODIDE, files: tuple[Path, ...] = (SAVE,)) -> tuple[int, int]:
    """(baseline, peak) WebAssembly heap bytes of ``code`` given ``files`` (/data/<name>)."""
    script = tmp / "memory.py"
    script.write_text(code)
    args = ["node", str(ROOT / "scripts/pyodide_run.mjs")]
    for path in files:
        args += ["--file", str(path)]
    args += [str(script), *(f"/data/{path.name}" for path in files)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    before, after = (int(n) for n in done.stdout.split()[-2:])
    return before, after


def pyodide_split(tmp: Path) -> list[tuple[str, int, int]]:
    """The worker's and the helper's heaps when the save is analysed in two parts."""
    part, answer = tmp / "provinces.part", tmp / "provinces.answer"
    subprocess.run(
        [str(ROOT / ".venv-pure/bin/python"), "-c", PREPARE, str(SAVE), str(part), str(answer)],
        check=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=""),
    )
    return [
        (
            "kernel, pure (Pyodide, Node), split: the worker",
            *pyodide(tmp, PYODIDE_WORKER, (SAVE, answer)),
        ),
        ("kernel, pure (Pyodide, Node), split: its helper", *pyodide(tmp, PYODIDE_HELPER, (part,))),
    ]


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
    log("measuring the split (the browser's worker and its helper) …")
    rows += pyodide_split(tmp)
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
