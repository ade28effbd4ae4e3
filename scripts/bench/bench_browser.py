#!/usr/bin/env python3
"""Benchmark local analysis in Chromium: drop → rendered analysis, cold, warm and hot,
next to jomini (pdx.tools' parser, Rust → Wasm) parsing the same save in the same browser
and in Node.

    .venv/bin/python scripts/bench/bench_browser.py [--rounds N] [--database-url URL] [--write]
    .venv/bin/python scripts/bench/bench_browser.py --melt [--write]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

1. Starts the app (``python -m app serve --migrate``, embedded PostgreSQL unless
   ``--database-url``) on loopback, and Debian's chromium through Playwright.
2. For each round, a new browser profile on disk (``launch_persistent_context`` with an
   empty user-data directory: HTTP cache and V8's code cache, as a returning visitor's
   browser keeps them) opens the home page and is given the 17.5 MB-gamestate EU4 save of
   ../shared/corpus (1 MB zip) through the drop zone's file input:
   - cold: nothing cached: the runtime (17 MB) is downloaded, compiled and started;
   - warm: a new page (a later visit, PAUSE seconds on: the browser writes its code cache
     in the background): the bundle comes from the HTTP cache and the compiled Wasm from
     the code cache; the runtime starts again in a new worker;
   - hot: the same page again: the worker's runtime is already running;
   - preloaded: a new page of /local, which starts the runtime as it opens (the home page
     starts it when a file is dragged into the window or the pointer reaches the drop
     zone); the file is given once the runtime is ready;
   - warm, private window: a new incognito-like context (HTTP cache in memory, no code
     cache), its second page;
   - Stellaris: the corpus's 60 MB-gamestate Stellaris save in a new page of /local, once
     the runtime (and its helpers) run.
   Times are the page's own (local.js: drop handler to the analysis in the page) with
   the worker's steps (runtime, read, parse, render).
3. jomini in Chromium: ``parseText`` of the gamestate (the zip's 17.5 MB entry) on a page
   of the same origin (its ES build, Wasm inlined, served to the page by Playwright's
   router; nothing of the app is involved) and jomini in Node
   (scripts/bench/bench_jomini.mjs).
   jomini only parses: the analysis and the rendering have no counterpart in it.

``--melt`` measures melting instead (nothing else): the corpus's largest binary EU4 save
(``MELT_SAVE``) analysed in a fresh page of /local (runtime already started), then melted
with its Melt button (click to download), ``--rounds`` times. The site's token table is
the corpus pair's ``tokens.txt`` (no complete EU4 table is distributable): the melt writes
every field the table does not name as its id, and the analysis finds little of what it
looks for, so both run over the whole file but the figures are of that table.

Prints a table; ``--write`` replaces the section between ``<!-- bench_browser:begin -->``
and ``<!-- bench_browser:end -->`` (``bench_browser_melt`` with ``--melt``) in
docs/benchmarks.md. A benchmark, not a test: it
asserts nothing about time. Run ./scripts/setup first.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from harness import (
    BENCH,
    CHROMIUM,
    CORPUS,
    LARGE,
    ROOT,
    launch_chromium,
    log,
    median,
    run_json,
    start_app,
    write_section,
)

SECTION = "bench_browser"
MELT_SECTION = "bench_browser_melt"
MELT_SAVE = CORPUS / "aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4"  # the largest binary one
PAIR_TOKENS = CORPUS / "binary-pair" / "tokens.txt"
MELT_STEPS = ("tokens", "read", "melt")
JOMINI_ES = ROOT / "node_modules" / "jomini" / "dist" / "es" / "index.js"
STEPS = ("runtime", "read", "parse", "render")
# How many helpers the worker starts (app/static/local/worker.js: HELPERS).
HELPERS_JS = "Math.min(2, Math.max(0, (navigator.hardwareConcurrency || 1) - 1))"


LABELS = {
    "cold": "cold: nothing cached (download + compile + start the runtime)",
    "warm": "warm: a later visit, bundle and compiled Wasm cached (runtime started again)",
    "hot": "hot: same page, runtime already running",
    "preloaded": "warm, preloaded: /local opened, runtime started before the drop",
    "private": "warm, private window: HTTP cache only (no code cache), runtime started again",
    "stellaris": "Stellaris, 60 MB gamestate: /local opened, runtime started before the drop",
}
# The largest Stellaris save of the corpus (issue 19.1: <= 5 s warm).
STELLARIS = CORPUS.parent / "stellaris" / "pjmagee_UNE_ironman_2250.11.15_v3.14.sav"
PAUSE = 3.0  # seconds between visits: Chromium writes the Wasm code cache in the background


def visit(
    context: Any, path: str, times: int, *, preload: bool = False, save: Path = LARGE
) -> list[dict[str, float]]:
    """Open ``path`` in a new page of ``context`` and analyse the save ``times`` times
    (the first in a new runtime, the rest in the running one)."""
    page = context.new_page()
    page.goto(path)
    if preload:
        page.wait_for_selector("[data-local-analysis][data-runtime=ready]")
        # ... and its helpers (they start with it), as when the file comes a moment later.
        page.wait_for_function(
            "(n) => n === 0 || document.querySelector('[data-local-analysis]').dataset.helpers"
            " == n",
            arg=page.evaluate(HELPERS_JS),
            timeout=120_000,
        )
    rows = [analyze(page, save) for _ in range(times)]
    page.close()
    return rows


def analyze(page: Any, path: Path) -> dict[str, float]:
    """Give ``path`` to the drop zone and wait for the analysis; the page's timings (s)."""
    page.set_input_files("[data-local-analysis] input[type=file]", str(path))
    page.wait_for_function(
        "() => ['done', 'failed'].includes("
        "document.querySelector('[data-local-analysis]').dataset.state)",
        timeout=600_000,
    )
    root = page.locator("[data-local-analysis]")
    if root.get_attribute("data-state") != "done":
        raise SystemExit("local analysis failed: " + page.locator("[data-status]").inner_text())
    times = {"total": float(root.get_attribute("data-ms") or "nan") / 1000}
    for step in STEPS:
        item = page.locator(f"[data-steps] li[data-step={step}]")
        times[step] = float(item.get_attribute("data-ms") or "nan") / 1000
    times["parts"] = float(root.get_attribute("data-parts") or "0")
    # Reset the state so that the next analysis is waited for properly.
    page.evaluate("document.querySelector('[data-local-analysis]').dataset.state = ''")
    return times


def jomini_in_browser(context: Any, url: str, gamestate: bytes, repeats: int) -> list[float]:
    """jomini's parseText of ``gamestate`` in a page of the app's origin (seconds each)."""
    page = context.new_page()
    page.route(
        f"{url}/__bench/jomini.js",
        lambda route: route.fulfill(body=JOMINI_ES.read_bytes(), content_type="text/javascript"),
    )
    page.route(
        f"{url}/__bench/gamestate",
        lambda route: route.fulfill(body=gamestate, content_type="application/octet-stream"),
    )
    page.goto(url + "/local")  # the app's page: same origin, same CSP
    times: list[float] = page.evaluate(
        """async (repeats) => {
            const { Jomini } = await import("/__bench/jomini.js");
            const data = new Uint8Array(await (await fetch("/__bench/gamestate")).arrayBuffer());
            const parser = await Jomini.initialize();
            const out = [];
            for (let i = 0; i < repeats; i += 1) {
                const start = performance.now();
                parser.parseText(data, { encoding: "windows1252" }, (q) => q.at("/__none__"));
                out.push((performance.now() - start) / 1000);
            }
            return out;
        }""",
        repeats,
    )
    page.close()
    return times


def jomini_in_node(path: Path, repeats: int) -> list[float]:
    result = run_json(
        ["node", str(BENCH / "bench_jomini.mjs"), str(path), "windows1252", str(repeats)]
    )
    parse: list[float] = result["parse"]
    return parse


def melt(page: Any) -> dict[str, float]:
    """Press Melt on the analysed save and wait for the download; the page's timings (s):
    ``total`` from the click to the file handed to the browser, and the worker's steps."""
    root = page.locator("[data-local-analysis]")
    with page.expect_download(timeout=600_000):
        page.locator("[data-melt] button").click()
    page.wait_for_function(
        "() => ['done', 'failed'].includes("
        "document.querySelector('[data-local-analysis]').dataset.melt)",
        timeout=600_000,
    )
    if root.get_attribute("data-melt") != "done":
        raise SystemExit("melting failed: " + page.locator("[data-melt-status]").inner_text())
    times = {"total": float(root.get_attribute("data-melt-ms") or "nan") / 1000}
    for step in MELT_STEPS:
        item = page.locator(f"[data-melt-steps] li[data-step={step}]")
        times[step] = float(item.get_attribute("data-ms") or "nan") / 1000
    return times


def melt_report(analysed: list[dict[str, float]], melted: list[dict[str, float]]) -> str:
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    analysis, melting = median_of(analysed, "total"), median_of(melted, "total")
    return "\n".join(
        [
            f"Save: `{MELT_SAVE.name}` ({MELT_SAVE.stat().st_size / 1e6:.1f} MB zip, the "
            "corpus's largest binary EU4 save), the corpus pair's `tokens.txt` as the site's "
            f"table. Chromium `{chromium.strip()}` headless, {platform.machine()}, "
            f"{len(melted)} rounds in one page of /local (runtime started), medians in seconds.",
            "",
            "| case | seconds | steps |",
            "|---|---|---|",
            f"| analyse: drop → rendered | **{analysis:.2f}** | parse + analyse "
            f"{median_of(analysed, 'parse'):.2f}, render {median_of(analysed, 'render'):.2f} |",
            f"| melt: click → download | **{melting:.2f}** | "
            + ", ".join(f"{step} {median_of(melted, step):.2f}" for step in MELT_STEPS)
            + " |",
            "",
            f"Melting / analysing: {melting / analysis:.2f}x (the issue's bound: 2x).",
        ]
    )


def bench_melt(args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    if not (MELT_SAVE.is_file() and PAIR_TOKENS.is_file()):
        raise SystemExit(f"{MELT_SAVE} or {PAIR_TOKENS} is missing (../shared/corpus)")
    analysed: list[dict[str, float]] = []
    melted: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="chronicle-bench-") as tmp:
        tokens = Path(tmp) / "tokens"
        tokens.mkdir()
        shutil.copyfile(PAIR_TOKENS, tokens / "eu4.txt")
        os.environ["TOKENS_DIR"] = str(tokens)  # start_app passes the environment on
        app = start_app(Path(tmp) / "var", 1, args.database_url, 64)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                context = browser.new_context(base_url=app.url, accept_downloads=True)
                page = context.new_page()
                page.goto("/local")
                page.wait_for_selector("[data-local-analysis][data-runtime=ready]")
                for round_no in range(args.rounds):
                    analysed.append(analyze(page, MELT_SAVE))
                    melted.append(melt(page))
                    log(
                        f"round {round_no + 1}: analyse {analysed[-1]['total']:.2f} s, "
                        f"melt {melted[-1]['total']:.2f} s"
                    )
                browser.close()
        finally:
            app.stop()
    text = melt_report(analysed, melted)
    print(text)
    if args.write:
        write_section(
            MELT_SECTION,
            text,
            "Melting in the browser (`scripts/bench/bench_browser.py --melt`)",
            "```sh\n./scripts/setup && .venv/bin/python scripts/bench/bench_browser.py "
            "--melt --rounds 1 --write\n```",
        )


def median_of(rows: list[dict[str, float]], key: str) -> float:
    return median(row[key] for row in rows)


def report(
    results: dict[str, list[dict[str, float]]],
    jomini: dict[str, list[float]],
    size: int,
    rounds: int,
) -> str:
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    lines = [
        f"Save: `{LARGE.name}` ({size / 1e6:.1f} MB zip, 17.5 MB gamestate). Chromium "
        f"`{chromium.strip()}` headless (Playwright), {platform.machine()}, "
        f"{rounds} rounds, medians in seconds (and the best drop → rendered). Each round: a "
        "new browser profile (empty caches) for the first four rows and the Stellaris one "
        f"(`{STELLARIS.name}`), a new private context for the private window. Parts: how "
        "many sections of the save the worker's helpers parsed, per round (0: the worker "
        "parsed it all: a helper was not running yet, or the save is not split).",
        "",
        "| case | drop → rendered | runtime | read | parse + analyse | render | parts |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, label in LABELS.items():
        rows = results[case]
        cells = [f"{median_of(rows, key):.2f}" for key in ("total", *STEPS)]
        best = min(row["total"] for row in rows)
        parts = "/".join(str(int(row["parts"])) for row in rows)
        lines.append(
            f"| {label} | **{cells[0]}** (best {best:.2f}) | "
            + " | ".join(cells[1:])
            + f" | {parts} |"
        )
    lines += [
        "",
        "| jomini parse of the gamestate (no analysis, no rendering) | seconds |",
        "|---|---|",
        f"| jomini in Chromium (same page origin, Wasm) | {median(jomini['browser']):.2f} |",
        f"| jomini in Node 20 (scripts/bench/bench_jomini.mjs) | {median(jomini['node']):.2f} |",
        "",
        "Ratios (ours / jomini in Chromium): hot drop → rendered "
        f"{median_of(results['hot'], 'total') / median(jomini['browser']):.1f}x, "
        f"our parse + analyse step alone "
        f"{median_of(results['hot'], 'parse') / median(jomini['browser']):.1f}x.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--melt", action="store_true", help="measure melting the largest binary save instead"
    )
    args = parser.parse_args()
    if args.melt:
        bench_melt(args)
        return
    if not LARGE.is_file():
        raise SystemExit(f"{LARGE} is missing (../shared/corpus)")
    with zipfile.ZipFile(io.BytesIO(LARGE.read_bytes())) as archive:
        gamestate = archive.read("gamestate")

    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict[str, float]]] = {case: [] for case in LABELS}
    jomini: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="chronicle-bench-") as tmp:
        app = start_app(Path(tmp) / "var", 1, args.database_url, 64)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for round_no in range(args.rounds):
                    profile = launch_chromium(
                        playwright, Path(tmp) / f"profile-{round_no}", base_url=app.url
                    )
                    results["cold"].append(visit(profile, "/", 1)[0])
                    time.sleep(PAUSE)
                    warm, hot = visit(profile, "/", 2)
                    results["warm"].append(warm)
                    results["hot"].append(hot)
                    results["preloaded"].append(visit(profile, "/local", 1, preload=True)[0])
                    results["stellaris"].append(
                        visit(profile, "/local", 1, preload=True, save=STELLARIS)[0]
                    )
                    profile.close()
                    private = browser.new_context(base_url=app.url)
                    visit(private, "/", 1)
                    time.sleep(PAUSE)
                    results["private"].append(visit(private, "/", 1)[0])
                    private.close()
                    log(
                        f"round {round_no + 1}: "
                        + ", ".join(
                            f"{case} {rows[-1]['total']:.2f} s" for case, rows in results.items()
                        )
                    )
                context = browser.new_context(base_url=app.url)
                jomini["browser"] = jomini_in_browser(context, app.url, gamestate, 5)
                context.close()
                browser.close()
        finally:
            app.stop()
        path = Path(tmp) / "gamestate"
        path.write_bytes(gamestate)
        jomini["node"] = jomini_in_node(path, 5)
    text = report(results, jomini, LARGE.stat().st_size, args.rounds)
    print(text)
    if args.write:
        write_section(
            SECTION, text, "Local analysis in the browser (`scripts/bench/bench_browser.py`)"
        )


if __name__ == "__main__":
    main()
