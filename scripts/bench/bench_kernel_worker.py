"""Time the kernel on one file, in whatever Python runs this (compiled, pure, Pyodide).

    python scripts/bench/bench_kernel_worker.py FILE REPEATS [OPERATION ...]

Operations: parse (text bytes -> document), json (text bytes -> JSON text), binary (an
EU4 binary gamestate -> document, no token table), inflate (a zipped save -> its
decompressed entries), analyze (a whole EU4 save -> its analysis), stellaris (a whole
Stellaris save -> its analysis). Prints one JSON object:
{"compiled": bool, "python": "3.x", "parse": [seconds per run], "json": [...]}.
Used by scripts/bench/bench_kernel.py. It does not import harness.py: kept free of
anything but the kernel and the stdlib so that it runs unchanged under Pyodide.
"""

from __future__ import annotations

import json
import sys
import time

import kernel
from kernel.eu4 import analyze
from kernel.stellaris import analyze as analyze_stellaris


def main() -> None:
    path, repeats = sys.argv[1], int(sys.argv[2])
    operations = sys.argv[3:] or ["parse", "json"]
    with open(path, "rb") as f:
        data = f.read()
    result: dict[str, object] = {
        "compiled": kernel.COMPILED,
        "python": sys.version.split()[0],
        "bytes": len(data),
    }
    for op in operations:
        times: list[float] = []
        for _ in range(repeats):
            start = time.perf_counter()
            if op == "parse":
                kernel.parse_text(data)
            elif op == "json":
                kernel.json_bytes(data)
            elif op == "binary":
                kernel.decode_binary(data, "eu4")
            elif op == "inflate":
                kernel.open_archive(data)
            elif op == "analyze":
                analyze(data)
            elif op == "stellaris":
                analyze_stellaris(data)
            else:
                raise SystemExit(f"unknown operation {op}")
            times.append(time.perf_counter() - start)
        result[op] = times
    print(json.dumps(result))


main()
