#!/usr/bin/env python3
"""Benchmark the map in Chromium (app/static/map/): how soon it is drawn, mode switches,
the timelapse's frame rate at world 1:2, and the bytes a browser downloads for it.

    .venv/bin/python scripts/bench/bench_map.py [--rounds N] [--database-url URL] [--write]

(Run it as a file: it imports scripts/bench/harness.py as ``harness``.)

1. Imports the corpus EU4 install (../shared/corpus/gamedata/eu4-1.31.6) into a game-data
   directory, starts the app on it (``python -m app serve --migrate``) and uploads the
   17.5 MB-gamestate JBB save of the corpus (2024 to 2087: a timeline to replay).
2. Per round, a new browser context (empty HTTP cache: "cold") opens the save page, then
   a second page of the same context ("warm": the index image and scripts cached):
   - map visible: from the map section's arrival in the page (the analysis shown; the
     island starts at once) to the map drawn on the canvas (map.js's ``data-map-ms``);
   - mode switch: every mode of the menu, the time map.js takes from the choice to the
     frame drawn (``data-render-ms``: colours, painting 5632x2048 pixels, borders, the
     blit and the legend);
   - timelapse: played a day per step "as fast as drawn" for 5 s; frames drawn per
     second (each frame: replay to the day, paint 2816x1024 pixels, blit). Headless
     Chromium paints at most 60 frames per second.
3. Bytes: the encoded (transfer) size of every response the map needed on the cold page:
   the province-index image, the layers JSON and the map's scripts; webm-muxer (only
   fetched when a video is exported) apart.

Prints a table; ``--write`` replaces the ``bench_map`` section of docs/benchmarks.md. A
benchmark, not a test: it asserts nothing about time. Run ./scripts/setup first.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import (
    CHROMIUM,
    LARGE,
    ROOT,
    api_key,
    launch_chromium,
    log,
    median,
    start_app,
    upload,
    write_section,
)

SECTION = "bench_map"
GAME = ROOT.parent / "shared" / "corpus" / "gamedata" / "eu4-1.31.6"
MUXER = ROOT / "app" / "static" / "vendor" / "webm-muxer.mjs"
TIMELAPSE_SECONDS = 5.0
READY = "[data-map][data-map-ready]"
MAP_JS = """() => document.querySelector("[data-map][data-map-ready]").map"""


def section(page: Any, name: str) -> str:
    value: str = page.evaluate(f"() => document.querySelector('[data-map]').dataset.{name}")
    return value


def open_page(context: Any, url: str) -> tuple[Any, float, list[Any]]:
    """A new page of ``url`` with its map drawn: (page, ms to the map, its responses)."""
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    return page, float(section(page, "mapMs")), responses


def mode_switches(page: Any) -> dict[str, float]:
    keys: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('[data-map-mode] option')].map((o) => o.value)"
    )
    times: dict[str, float] = {}
    for key in [*keys[1:], keys[0]]:
        page.select_option("[data-map-mode]", key)
        page.wait_for_function(
            "(key) => document.querySelector('[data-map]').dataset.mode === key", arg=key
        )
        times[key] = float(section(page, "renderMs"))
    return times


def timelapse_fps(page: Any) -> float:
    page.click("[data-map-timelapse]")
    page.select_option("[data-map-unit]", "day")
    page.select_option("[data-map-speed]", "max")
    page.click("[data-map-play]")
    time.sleep(TIMELAPSE_SECONDS)
    stats: dict[str, float] = page.evaluate(f"() => ({MAP_JS})().timelapse.stats")
    page.click("[data-map-play]")
    return stats["frames"] / stats["ms"] * 1000


def transfer_sizes(responses: list[Any]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for response in responses:
        url = response.url
        if "provinces.bin.gz" in url:
            kind = "index image (provinces.bin.gz)"
        elif url.split("?")[0].endswith("/map.json"):
            kind = "layers (map.json)"
        elif "/static/map/" in url:
            kind = "scripts (app/static/map/*.js)"
        else:
            continue
        body = response.request.sizes()["responseBodySize"]
        sizes[kind] = sizes.get(kind, 0) + body
    return sizes


def report(results: dict[str, Any], rounds: int) -> str:
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    modes: dict[str, list[float]] = results["modes"]
    lines = [
        f"Save: `{LARGE.name}` on the corpus EU4 1.31.6 bundle (5632x2048). Chromium "
        f"`{chromium.strip()}` headless (Playwright, software rendering), "
        f"{platform.machine()}, {os.cpu_count()} cores, {rounds} rounds, medians.",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| map visible after the analysis is shown, cold (nothing cached) | "
        f"**{median(results['cold']):.0f} ms** | ≤ 1000 ms |",
        f"| map visible after the analysis is shown, warm (image and scripts cached) | "
        f"**{median(results['warm']):.0f} ms** | ≤ 1000 ms |",
        f"| mode switch, median of all modes (slowest: "
        f"{max(modes, key=lambda k: median(modes[k]))} "
        f"{max(median(v) for v in modes.values()):.0f} ms) | "
        f"**{median([t for v in modes.values() for t in v]):.0f} ms** | ≤ 100 ms |",
        f"| timelapse at world 1:2 (2816x1024), a day per frame | "
        f"**{median(results['fps']):.0f} frames/s** | ≥ 30 |",
        f"| map assets sent to a browser (compressed, transfer sizes) | "
        f"**{sum(results['bytes'].values()) / 1e6:.2f} MB** | ≤ 3 MB |",
        "",
        "| mode | switch (ms) |",
        "|---|---|",
        *(f"| {key} | {median(times):.0f} |" for key, times in modes.items()),
        "",
        "| asset | bytes sent |",
        "|---|---|",
        *(f"| {kind} | {size:,} |" for kind, size in sorted(results["bytes"].items())),
        f"| webm-muxer (only when a video is exported) | {MUXER.stat().st_size:,} (uncompressed) |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    for needed in (LARGE, GAME):
        if not needed.exists():
            raise SystemExit(f"{needed} is missing (../shared/corpus)")

    from playwright.sync_api import sync_playwright

    from kernel.gamedata.build import build

    results: dict[str, Any] = {"cold": [], "warm": [], "fps": [], "modes": {}, "bytes": {}}
    with tempfile.TemporaryDirectory(prefix="chronicle-bench-") as tmp:
        gamedata = Path(tmp) / "gamedata"
        build(GAME, out_root=gamedata, warn=lambda _: None)
        os.environ["GAMEDATA_DIR"] = str(gamedata)
        app = start_app(Path(tmp) / "var", 1, args.database_url, 256)
        try:
            save_id = upload(app, api_key(app), LARGE)
            url = f"/saves/{save_id}"
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for round_no in range(args.rounds):
                    context = browser.new_context(
                        base_url=app.url, viewport={"width": 1280, "height": 900}
                    )
                    cold_page, cold, responses = open_page(context, url)
                    results["bytes"] = transfer_sizes(responses)
                    cold_page.close()
                    page, warm, _ = open_page(context, url)
                    for key, ms in mode_switches(page).items():
                        results["modes"].setdefault(key, []).append(ms)
                    fps = timelapse_fps(page)
                    results["cold"].append(cold)
                    results["warm"].append(warm)
                    results["fps"].append(fps)
                    context.close()
                    log(
                        f"round {round_no + 1}: map cold {cold:.0f} ms, warm {warm:.0f} ms, "
                        f"timelapse {fps:.0f} frames/s"
                    )
                browser.close()
        finally:
            app.stop()
    text = report(results, args.rounds)
    print(text)
    if args.write:
        write_section(SECTION, text, "The map in the browser (`scripts/bench/bench_map.py`)")


if __name__ == "__main__":
    main()
