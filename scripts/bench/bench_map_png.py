#!/usr/bin/env python3
"""Benchmark the server's map PNG (kernel.eu4.map.render).

    .venv/bin/python scripts/bench/bench_map_png.py [--repeats N] [--write]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

Imports the corpus's EU4 1.31.6 install into a scratch bundle, analyses two corpus saves
with it (the Korea start: over 256 colours, an RGB PNG; the modded 17.5 MB save: a palette
PNG), computes their layers, then times, best and median of N, in this process: drawing
the full 5632x2048 political map, encoding it as PNG at zlib levels 1, 3 and 6 (the file
sizes too), the save page's quarter-size image and the 1200x630 OpenGraph image. Target:
the full map well under 1 s. The renderer is not compiled by mypyc (numpy and Pillow do the
pixel work), so the kernel's build does not change these figures; the layers' time does.

``--write`` replaces the section between ``<!-- bench_map_png:begin -->`` and
``<!-- bench_map_png:end -->`` in docs/benchmarks.md. A benchmark, not a test. (The map in
the browser: scripts/bench/bench_map.py.)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from harness import ROOT, best, log, median, python_version, scratch_dir, write_section

GAME = ROOT.parent / "shared" / "corpus" / "gamedata" / "eu4-1.31.6"
SAVES = ROOT.parent / "shared" / "corpus" / "saves" / "eu4"
CORPUS_SAVES = (
    "atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4",
    "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4",
)
SECTION = "bench_map_png"
TARGET = 1.0
LEVELS = (1, 3, 6)


def timed(job: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - started)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    import kernel
    from kernel.eu4 import analyze
    from kernel.eu4.map import layers
    from kernel.eu4.map.render import encode, og_image, read_image, render
    from kernel.gamedata import read_names, read_world
    from kernel.gamedata.build import build

    rows: list[str] = []
    with scratch_dir("bench-map-") as work:
        manifest = build(GAME, out_root=work, warn=lambda _: None)
        root, bundle = str(work), manifest.id
        image = read_image(root, bundle)
        assert image.info is not None
        world, names = read_world(root, bundle), read_names(root, bundle, "english")
        for name in CORPUS_SAVES:
            log(name)
            analysis = analyze((SAVES / name).read_bytes(), gamedata=root)
            info = image.info

            def compute(a: Any = analysis, i: Any = info) -> Any:
                return layers(a, world=world, names=names, info=i, bundle=bundle)

            made, drawn = timed(compute, args.repeats)
            times, picture = timed(lambda m=drawn: render(m, image), args.repeats)
            kind = f"{picture.mode} ({'palette' if picture.mode == 'P' else '3 bytes a pixel'})"
            rows.append(f"| {name} | layers | {best(made):.3f} | {median(made):.3f} | |")
            rows.append(f"| | draw 5632x2048, {kind} | {best(times):.3f} | {median(times):.3f} | |")
            for level in LEVELS:
                spent, data = timed(lambda p=picture, lv=level: encode(p, lv), args.repeats)
                total = best(times) + best(spent)
                rows.append(
                    f"| | PNG level {level}: {len(data) / 1e6:.2f} MB | {best(spent):.3f} | "
                    f"{median(spent):.3f} | draw + encode {total:.3f} s"
                    f"{' (ok)' if total <= TARGET else ' (over)'} |"
                )
            quarter, _ = timed(lambda m=drawn: encode(render(m, image, scale=0.25)), args.repeats)
            rows.append(
                f"| | the page's image (scale 0.25), drawn and encoded | {best(quarter):.3f} | "
                f"{median(quarter):.3f} | |"
            )
            og, _ = timed(lambda m=drawn: og_image(m, image), args.repeats)
            rows.append(f"| | OpenGraph 1200x630 | {best(og):.3f} | {median(og):.3f} | |")
    kernel_kind = "compiled" if kernel.COMPILED else "pure"
    text = "\n".join(
        [
            f"{python_version('python3')}, {kernel_kind} kernel, {args.repeats} runs each; "
            f"the corpus bundle EU4 {manifest.version}. Target: the full map (draw + "
            f"encode) ≤ {TARGET:g} s.",
            "",
            "| save | step | best (s) | median (s) | |",
            "|---|---|---:|---:|---|",
            *rows,
            "",
            "The server writes level 1 (`render.PNG_LEVEL`), the fastest to encode; level 6 "
            "writes files a quarter to a third smaller for about 0.06 to 0.1 s more. Each "
            "picture is drawn once per save and then served from var/cache/maps, so either "
            "would do; a map with at most 256 colours is a palette PNG (a third of the "
            "bytes to filter and compress).",
        ]
    )
    print(text)
    if args.write:
        write_section(
            SECTION,
            text,
            "Map: the server's PNG (`scripts/bench/bench_map_png.py`)",
            "```\n./scripts/setup && .venv/bin/python scripts/bench/bench_map_png.py --write\n```",
        )


if __name__ == "__main__":
    main()
