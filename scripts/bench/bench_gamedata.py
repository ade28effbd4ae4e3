#!/usr/bin/env python3
"""Benchmark the game-data import and the bundle it writes.

    .venv/bin/python scripts/bench/bench_gamedata.py [--repeats N] [--write]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

On the corpus's EU4 1.31.6 install (../shared/corpus/gamedata/eu4-1.31.6) it measures:

- the import (``kernel.gamedata.build.build``) with the compiled kernel (.venv) and the
  pure one (.venv-pure), best and median of N runs, each in one process (the first run
  pays the imports); target 20 s;
- the bundle's file sizes against the targets: names + world of one language at most
  1.5 MB compressed, the map (map.json.gz + provinces.bin.gz) at most 3 MB;
- loading the names (``kernel.gamedata.read_names``: gunzip + msgspec decode) under
  Pyodide in Node (scripts/pyodide_run.mjs, the pure wheel), first call and best of N;
  target 200 ms. The world is timed too.

``--write`` replaces the section between ``<!-- bench_gamedata:begin -->`` and
``<!-- bench_gamedata:end -->`` in docs/benchmarks.md. A benchmark, not a test: it
asserts nothing. Run ./scripts/setup first.
"""

from __future__ import annotations

import argparse
import sys

from harness import (
    ROOT,
    SCRIPTS,
    best,
    log,
    median,
    python_version,
    run_json,
    scratch_dir,
    write_section,
)

GAME = ROOT.parent / "shared" / "corpus" / "gamedata" / "eu4-1.31.6"
PYODIDE_RUN = str(SCRIPTS / "pyodide_run.mjs")
SECTION = "bench_gamedata"
IMPORT_TARGET = 20.0
NAMES_TARGET = 1_500_000
MAP_TARGET = 3_000_000
LOAD_TARGET = 0.200

# Run by each venv's Python: N imports into OUT, then the times and the manifest as JSON.
IMPORT_CODE = """
import json, sys, time
import kernel
from kernel.gamedata.build import build
game, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
times, warnings = [], []
for _ in range(n):
    started = time.perf_counter()
    manifest = build(game, out_root=out, warn=warnings.append)
    times.append(time.perf_counter() - started)
print(json.dumps({"times": times, "compiled": kernel.COMPILED, "id": manifest.id,
                  "files": manifest.files, "counts": [manifest.counts.countries,
                  manifest.counts.provinces, manifest.counts.names]}))
"""

# Run under Pyodide: the bundle's files arrive as /data/<name>; laid out as a game-data
# folder, then read_names and read_world timed.
LOAD_CODE = """
import json, os, shutil, sys, time
started = time.perf_counter()
import kernel
kernel_imported = time.perf_counter() - started
started = time.perf_counter()
from kernel.gamedata import read_names, read_world
imported = time.perf_counter() - started
bundle, n = sys.argv[1], int(sys.argv[2])
root = "/tmp/gamedata"
os.makedirs(f"{root}/{bundle}", exist_ok=True)
for name in os.listdir("/data"):
    shutil.copy(f"/data/{name}", f"{root}/{bundle}/{name}")
result = {"import kernel": [kernel_imported], "import kernel.gamedata": [imported]}
for label, read in (("names", lambda: read_names(root, bundle, "english")),
                    ("world", lambda: read_world(root, bundle))):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    result[label] = times
print(json.dumps(result))
"""


# Run by .venv's Python (compiled): the analysis of a save without game data and with it
# (the bundle chosen and its World read: the achievements that need geography), runs
# interleaved so that both see the same machine; then the join of the bundle's names with
# the payload's keys (``used_names``), which pages and the API do once per save, bundle
# and language (then cached).
ANALYZE_CODE = """
import json, sys, time
import msgspec
from kernel.eu4 import analyze
from kernel.gamedata import read_names, used_names
save, root, bundle, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(save, "rb").read()
names = read_names(root, bundle, "english")
analyze(data, gamedata=root)  # warm: the World is read once per process
plain, with_data, join = [], [], []
for _ in range(n):
    started = time.perf_counter()
    msgspec.to_builtins(analyze(data))  # the payload as pages see it, in both runs
    plain.append(time.perf_counter() - started)
    started = time.perf_counter()
    payload = msgspec.to_builtins(analyze(data, gamedata=root))
    with_data.append(time.perf_counter() - started)
    started = time.perf_counter()
    used_names(payload, names)
    join.append(time.perf_counter() - started)
print(json.dumps({"plain": plain, "with": with_data, "join": join}))
"""
ANALYZED = ROOT.parent / "shared" / "corpus" / "saves" / "eu4"
ANALYZED_SAVE = ANALYZED / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
NAMES_SLOWDOWN_TARGET = 0.05


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not GAME.is_dir():
        sys.exit(f"corpus install not found at {GAME}")
    lines: list[str] = []
    with scratch_dir("bench-gamedata-") as work:
        rows = []
        result: dict[str, object] = {}
        for label, python, n in (
            ("compiled kernel (mypyc)", ROOT / ".venv/bin/python", args.repeats),
            ("pure kernel", ROOT / ".venv-pure/bin/python", max(1, args.repeats // 2)),
        ):
            log(f"importing with the {label}, {n} run(s) …")
            out = work / label.split()[0]
            result = run_json([str(python), "-c", IMPORT_CODE, str(GAME), str(out), str(n)])
            times = [float(t) for t in result["times"]]  # type: ignore[attr-defined]
            rows.append(
                f"| {label} (CPython {python_version(python)}) | {best(times):.2f} | "
                f"{median(times):.2f} | {n} | {'yes' if max(times) <= IMPORT_TARGET else 'NO'} |"
            )
        ident = str(result["id"])
        files: dict[str, int] = result["files"]  # type: ignore[assignment]
        countries, provinces, names = result["counts"]  # type: ignore[misc]
        bundle = work / "pure" / ident
        log("loading the names under Pyodide …")
        cmd = ["node", PYODIDE_RUN]
        for name in ("manifest.json", "names.english.json.gz", "world.json.gz"):
            cmd += ["--file", str(bundle / name)]
        loads = run_json([*cmd, "-c", LOAD_CODE, ident, str(args.repeats)])
        log("analysing a save without and with game data …")
        analysed = run_json(
            [
                str(ROOT / ".venv/bin/python"), "-c", ANALYZE_CODE, str(ANALYZED_SAVE),
                str(work / "compiled"), ident, str(args.repeats),
            ]
        )

    names_world = files["names.english.json.gz"] + files["world.json.gz"]
    map_size = files["map.json.gz"] + files["provinces.bin.gz"]
    lines += [
        f"Corpus install EU4 1.31.6 ({countries} countries, {provinces} provinces, "
        f"{names} names, English only; the bitmap is 5632x2048).",
        "",
        "**Import** (target ≤ 20 s):",
        "",
        "| kernel | best (s) | median (s) | runs | within target |",
        "|---|---:|---:|---:|---|",
        *rows,
        "",
        "**Bundle sizes** (gzip):",
        "",
        "| file(s) | size | target |",
        "|---|---:|---:|",
        *[f"| {name} | {_mb(size)} | |" for name, size in files.items()],
        f"| names + world, one language | {_mb(names_world)} | ≤ {_mb(NAMES_TARGET)} "
        f"{'(ok)' if names_world <= NAMES_TARGET else '(OVER)'} |",
        f"| map (map.json.gz + provinces.bin.gz) | {_mb(map_size)} | ≤ {_mb(MAP_TARGET)} "
        f"{'(ok)' if map_size <= MAP_TARGET else '(OVER)'} |",
        "",
        "**Loading under Pyodide** (Node, the pure wheel as built, its .py compiled on "
        "import; `import kernel` (msgspec and the whole kernel) is paid once by the page for "
        "the analysis too; `read_names` / `read_world`: gunzip + msgspec decode; target "
        "≤ 200 ms for the names):",
        "",
        "| what | first call (ms) | best (ms) | runs |",
        "|---|---:|---:|---:|",
    ]
    for label in ("import kernel", "import kernel.gamedata", "names", "world"):
        times = loads[label]
        lines.append(
            f"| {label} | {times[0] * 1000:.1f} | {best(times) * 1000:.1f} | {len(times)} |"
        )
    plain, with_data, join = analysed["plain"], analysed["with"], analysed["join"]
    slower = median(with_data) / median(plain) - 1
    lines += [
        "",
        f"**Analysis with game data** (compiled; `{ANALYZED_SAVE.name}`, 17.5 MB gamestate, "
        "the payload as pages see it; with: the bundle chosen and its World read for the "
        "achievements that need geography; target ≤ 5% slower):",
        "",
        "| | best (s) | median (s) | runs |",
        "|---|---:|---:|---:|",
        f"| analysis without game data | {best(plain):.3f} | {median(plain):.3f} | {len(plain)} |",
        f"| analysis with game data | {best(with_data):.3f} | {median(with_data):.3f} | "
        f"{len(with_data)} |",
        f"| names joined to its keys (`used_names`, once per save, bundle and language, "
        f"then cached) | {best(join):.3f} | {median(join):.3f} | {len(join)} |",
        "",
        f"Analysis median with / without: {slower * 100:+.1f}% "
        f"({'within' if slower <= NAMES_SLOWDOWN_TARGET else 'OVER'} the 5% target). The "
        "names join is paid when a page or API answer first names the save, not by the "
        f"analysis: {median(join) / median(plain) * 100:.0f}% of the analysis time, once.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(
            SECTION,
            text,
            "Game data: the import and its bundle (`scripts/bench/bench_gamedata.py`)",
            intro="```\n./scripts/setup && .venv/bin/python scripts/bench/bench_gamedata.py "
            "--write\n```",
        )


if __name__ == "__main__":
    main()
