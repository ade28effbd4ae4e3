#!/usr/bin/env python3
"""Benchmark the web app: save-page views while large saves parse, and the pool hop.

    .venv/bin/python scripts/bench_app.py [--views N] [--clients C] [--write]

1. Starts the app (``python -m app serve --migrate``) on a free loopback port with a
   private VAR_DIR (embedded PostgreSQL, local storage) or ``--database-url``, creates a
   user and an API key, and uploads the 17.5 MB EU4 save of ../shared/corpus (a 1 MB
   zip: 17.5 MB gamestate).
2. Page views: ``--clients`` threads fetch its save page until ``--views`` views are done
   (and the same for the home page), first with the app otherwise idle, then while
   ``--upload-clients`` threads upload large saves (distinct copies of the same save, so
   each is parsed, stored and inserted, never a 409). Prints views per second and
   p50/p99 latency.
3. The process-pool hop: ``KernelPool.run`` (the path every kernel call of the app takes)
   with a no-op job against calling it in-process, one call at a time and many in flight,
   and the same for a small save (1.6 KB).

Loopback only, bounded loops (fixed counts). ``--write`` replaces the section between
``<!-- bench_app:begin -->`` and ``<!-- bench_app:end -->`` in docs/benchmarks.md. This is
a benchmark, not a test: it asserts nothing about time. Run ./scripts/setup first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from _apphelpers import (
    CORPUS,
    DOC,
    LARGE,
    ROOT,
    SMALL,
    Uploaders,
    api_key,
    log,
    percentile,
    start_app,
    variants,
    write_section,
)

BEGIN = "<!-- bench_app:begin -->"
END = "<!-- bench_app:end -->"

sys.path.insert(0, str(ROOT))


# --- load ------------------------------------------------------------------------------


@dataclass
class Views:
    label: str
    count: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def row(self) -> str:
        p50 = percentile(self.latencies, 0.5) * 1000
        p99 = percentile(self.latencies, 0.99) * 1000
        return f"| {self.label} | {self.count} | {self.per_second:.1f} | {p50:.0f} | {p99:.0f} |"


def measure_views(url: str, path: str, views: int, clients: int, label: str) -> Views:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [views]

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=120) as http:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                response = http.get(path)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
                        errors += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Views(label, views, time.perf_counter() - started, latencies, errors)


# --- the pool hop ------------------------------------------------------------------------


@dataclass
class Hop:
    label: str
    in_process_us: float
    pool_p50_us: float
    pool_p99_us: float
    pipelined_per_second: float

    def row(self) -> str:
        overhead = self.pool_p50_us - self.in_process_us
        return (
            f"| {self.label} | {self.in_process_us:,.1f} | {self.pool_p50_us:,.1f} | "
            f"{self.pool_p99_us:,.1f} | {overhead:,.1f} | {self.pipelined_per_second:,.0f} |"
        )


def measure_hop(workers: int, calls: int) -> list[Hop]:
    from app.saves.parsing import noop, parse_save
    from app.saves.pool import KernelPool

    async def run() -> list[Hop]:
        pool = KernelPool(workers)
        pool.start()
        try:
            hops = []
            jobs: list[tuple[str, Callable[..., object], tuple[object, ...], int]] = [
                ("no-op job", noop, (1,), calls),
                ("small save, 1.6 KB (parse_save)", parse_save, (str(SMALL),), calls // 5),
            ]
            for label, job, args, n in jobs:
                for _ in range(50):  # warm: workers imported, the job's code loaded
                    await pool.run(job, *args)
                    job(*args)
                local = []
                for _ in range(n):
                    started = time.perf_counter()
                    job(*args)
                    local.append(time.perf_counter() - started)
                hop = []
                for _ in range(n):
                    started = time.perf_counter()
                    await pool.run(job, *args)
                    hop.append(time.perf_counter() - started)
                started = time.perf_counter()
                await asyncio.gather(*(pool.run(job, *args) for _ in range(n)))
                pipelined = n / (time.perf_counter() - started)
                hops.append(
                    Hop(
                        label,
                        statistics.median(local) * 1e6,
                        percentile(hop, 0.5) * 1e6,
                        percentile(hop, 0.99) * 1e6,
                        pipelined,
                    )
                )
            return hops
        finally:
            pool.stop()

    return asyncio.run(run())


# --- report ------------------------------------------------------------------------------


def report(
    views: list[Views], uploads: list[Uploaders], hops: list[Hop], args: argparse.Namespace
) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores; app: 1 uvicorn worker, {args.workers} kernel "
        f"workers; {args.clients} page-view clients; Python {sys.version.split()[0]}.",
        "",
        "| page views | views | views/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
        *(v.row() for v in views),
    ]
    times = [t for u in uploads for t in u.times]
    statuses = [s for u in uploads for s in u.statuses]
    if times:
        ok = sum(1 for s in statuses if s == 201)
        lines += [
            "",
            f'"During uploads": {args.upload_clients} clients uploading distinct copies of '
            f"the 17.5 MB save back to back ({len(times)} uploads in all, {ok} stored with "
            f"201), {statistics.mean(times):.2f} s each on average (stream, parse in the "
            f'pool, store, insert). "Cache off" is ANALYSIS_CACHE_MB=0: every view '
            f"fetches the 3.5 MB payload, decodes it and renders the analysis.",
        ]
    lines += [
        "",
        "| pool hop (KernelPool.run) | in-process µs | pool p50 µs | pool p99 µs "
        "| hop overhead µs | pool calls/s, many in flight |",
        "|---|---:|---:|---:|---:|---:|",
        *(h.row() for h in hops),
    ]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    write_section(BEGIN, END, "Web app (`scripts/bench_app.py`)", text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--views", type=int, default=300, help="page views per measurement")
    parser.add_argument("--clients", type=int, default=4, help="concurrent page-view clients")
    parser.add_argument("--upload-clients", type=int, default=2, help="concurrent uploaders")
    parser.add_argument("--copies", type=int, default=40, help="distinct large saves at most")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="kernel workers")
    parser.add_argument("--hop-calls", type=int, default=2000, help="calls per pool-hop row")
    parser.add_argument("--database-url", default=None, help="default: embedded PostgreSQL")
    parser.add_argument("--save", type=Path, default=LARGE, help="the large save to view")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not args.save.is_file() or not SMALL.is_file():
        sys.exit(f"corpus not found at {CORPUS}")

    log("measuring the pool hop …")
    hops = measure_hop(args.workers, args.hop_calls)
    log("building distinct copies of the large save …")
    copies = variants(args.save, args.copies)  # each app gets its own database: reused
    views: list[Views] = []
    uploads: list[Uploaders] = []
    runs = [("cache on", 128, args.views, True), ("cache off", 0, max(20, args.views // 4), False)]
    for name, cache_mb, count, with_home in runs:
        with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
            log(f"starting the app ({name}) …")
            app = start_app(Path(tmp) / "var", args.workers, args.database_url, cache_mb)
            try:
                auth = api_key(app)
                with httpx.Client(base_url=app.url, timeout=600, auth=auth) as http:
                    response = http.post(
                        "/api/saves", files={"file": (args.save.name, args.save.read_bytes())}
                    )
                    response.raise_for_status()
                    page = f"/saves/{response.json()['save_id']}"
                measure_views(app.url, page, 10, 2, "warm-up")
                measure_views(app.url, "/", 10, 2, "warm-up")
                log(f"page views, app idle ({name}) …")
                views.append(
                    measure_views(app.url, page, count, args.clients, f"save page ({name}), idle")
                )
                if with_home:
                    views.append(
                        measure_views(app.url, "/", count, args.clients, "home page, idle")
                    )
                log(f"page views while large saves upload ({name}) …")
                with Uploaders(app.url, auth, copies, args.upload_clients) as running:
                    views.append(
                        measure_views(
                            app.url,
                            page,
                            count,
                            args.clients,
                            f"save page ({name}), during uploads",
                        )
                    )
                    if with_home:
                        views.append(
                            measure_views(
                                app.url, "/", count, args.clients, "home page, during uploads"
                            )
                        )
                uploads.append(running)
            finally:
                app.stop()
    errors = sum(v.errors for v in views)
    if errors:
        log(f"warning: {errors} page views did not answer 200")
    text = report(views, uploads, hops, args)
    print(text)
    if args.write:
        write_doc(text)
        log(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
