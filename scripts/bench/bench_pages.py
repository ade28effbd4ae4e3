#!/usr/bin/env python3
"""Server time of the EU4 analysis pages (issue 17.6): the save page with every section,
and country pages, for the 17.5 MB-gamestate corpus save, from a warm cache.

The app runs as in production (``python -m app serve``, a private VAR_DIR: embedded
PostgreSQL unless --database-url, local storage), the save is uploaded once, and one
view of its page is fetched so that its payload is decoded and kept (the analysis cache
is warm). Then every request asks for a view not seen before, so the page is rendered
anew from the kept payload (the rendered-HTML cache never answers): the save page sorted
by each column of the countries table (every section rendered: the entry partial), the
same with the country filter, and the page of every country of the table. Times are the
client's wall clock on loopback, one request at a time (the server's time plus about a
millisecond of HTTP); best, median and worst of each kind.

    .venv/bin/python scripts/bench/bench_pages.py [--write] [--database-url URL]

(Run it as a file, from the repository root: it imports scripts/bench/harness.py.)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from app.analysis.view import COUNTRY_SORTS
from scripts.bench.harness import (
    LARGE,
    api_key,
    best,
    log,
    median,
    scratch_dir,
    start_app,
    upload,
    write_section,
)

SECTION = "pages"
SORTS = COUNTRY_SORTS  # the save page sorted by each column of the countries table
TARGETS = {"save page": 0.300, "save page, filtered": 0.300, "country page": 0.100}


def timed(http: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = http.get(path)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed


def run(database_url: str | None) -> dict[str, list[float]]:
    with scratch_dir("bench-pages") as var:
        app = start_app(var, workers=2, database_url=database_url, cache_mb=512)
        try:
            save_id = upload(app, api_key(app), LARGE)
            with httpx.Client(base_url=app.url, timeout=120) as http:
                base = f"/saves/{save_id}"
                tags = [
                    row["tag"]
                    for row in http.get(f"/api/saves/{save_id}").json()["analysis"]["countries"]
                ]
                # Warm: the payload decoded and kept, the templates compiled (a country's
                # page of the last country, which is then not measured).
                timed(http, base)
                timed(http, f"{base}/countries/{tags.pop()}")
                out: dict[str, list[float]] = {
                    "save page": [],
                    "save page, filtered": [],
                    "country page": [],
                }
                for sort in SORTS:
                    for order in ("asc", "desc"):
                        if (sort, order) == ("development", "desc"):
                            continue  # the default view: rendered while warming
                        query = f"?csort={sort}&corder={order}"
                        out["save page"].append(timed(http, base + query))
                        out["save page, filtered"].append(
                            timed(http, base + query + "&cf=great_powers")
                        )
                for tag in tags:
                    out["country page"].append(timed(http, f"{base}/countries/{tag}"))
                return out
        finally:
            app.stop()


def report(results: dict[str, list[float]]) -> str:
    lines = [
        f"Machine: 2 cores; Python {sys.version.split()[0]}; save: `{LARGE.name}` "
        "(17.5 MB gamestate); each request a view not rendered before, the payload "
        "decoded and kept (warm cache).",
        "",
        "| page | requests | best ms | median ms | worst ms | target ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, times in results.items():
        lines.append(
            f"| {name} | {len(times)} | {best(times) * 1000:.0f} | {median(times) * 1000:.0f}"
            f" | {max(times) * 1000:.0f} | {TARGETS[name] * 1000:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="default: embedded PostgreSQL")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    log("starting the app, uploading the save")
    text = report(run(args.database_url))
    print(text)
    if args.write:
        write_section(
            SECTION,
            text,
            "Analysis pages: the save page and country pages (`scripts/bench/bench_pages.py`)",
            "```sh\n.venv/bin/python scripts/bench/bench_pages.py --write\n```",
        )


if __name__ == "__main__":
    main()
