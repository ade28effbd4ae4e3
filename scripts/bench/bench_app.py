#!/usr/bin/env python3
"""Benchmark the web app: requests per second and p50/p99 latency at several concurrency
levels, with the app idle and while large saves parse, the event loop's lag, the save page
with its analysis cache off, and the hop into the kernel's process pool.

    .venv/bin/python scripts/bench/bench_app.py [--clients 1,8,32] [--requests N] [--write]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

1. The process-pool hop: ``KernelPool.run`` (the path every kernel call of the app takes)
   with a no-op job against calling it in-process, one call at a time and many in flight,
   and the same for a small save (1.6 KB). In this process, before any app starts.
2. Starts the app (``python -m app serve --migrate``: one uvicorn worker, ``--workers``
   kernel processes, the analysis cache on) on a free loopback port with a private
   VAR_DIR (embedded PostgreSQL, local storage) or ``--database-url``, makes a user with an
   API key and uploads the 17.5 MB EU4 save of ../shared/corpus (its page and API answer
   are the ones read).
3. For each phase, "idle" then "during uploads" (``--upload-clients`` threads uploading
   distinct copies of that save back to back, so each is parsed, stored and inserted,
   never a 409), and for each number of concurrent clients of ``--clients``: asyncio
   clients (httpx, one keep-alive connection each) share a fixed number of GETs of each
   target: the home page, the save page, ``GET /api/saves`` (a page of 20 saves) and
   ``GET /api/saves/{id}`` (that save with its 3.5 MB analysis, fewer requests).
4. Event-loop lag, measured from outside during every phase: a separate process sends
   ``OPTIONS /api/saves`` every 20 ms on its own connection and times each answer.
   Litestar answers OPTIONS itself: no database, no file, no template, so the time is
   loopback + HTTP parsing + waiting for the event loop. The idle app's time is the floor;
   what is above it under load is time a ready request waited for the one uvicorn
   worker's loop (a blocked loop or a long queue of other requests' work). It is a proxy,
   not an in-process loop monitor. Reported for a quiet window at the start of each phase
   (no page-view clients) and for each row.
5. The app again with the analysis cache off (``ANALYSIS_CACHE_MB=0``: every view fetches
   the 3.5 MB payload, decodes it and renders the analysis): the save page only, at
   ``--cache-off-clients`` clients, idle and during uploads (the other targets do not use
   the cache, so they are not measured twice).

Loopback only, bounded loops (fixed counts; the probe stops with its phase, capped; the
uploaders stop with their phase or when the ``--copies`` run out). The load generator
runs on the same machine as the app: on a 2-core machine the clients take CPU from the
server, so absolute numbers are lower than with a separate client host. ``--write``
replaces the section between ``<!-- bench_app:begin -->`` and ``<!-- bench_app:end -->``
in docs/benchmarks.md. A benchmark, not a test: it asserts nothing about time. Run
./scripts/setup first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx
from harness import (
    CORPUS,
    LARGE,
    ROOT,
    SMALL,
    App,
    Uploaders,
    api_key,
    log,
    median,
    ms,
    percentile,
    start_app,
    upload,
    variants,
    write_section,
)

SECTION = "bench_app"
HEADING = "Web app: load, page views while saves parse, and the pool hop"
PROBE_PATH = "/api/saves"
PROBE_INTERVAL = 0.02  # seconds between lag probes
PROBE_CAP = 50_000  # probes per phase at most
QUIET_SECONDS = 3.0  # the "no page views" lag window of each phase
PHASES = ("idle", "during uploads")

sys.path.insert(0, str(ROOT))  # the app's modules, for the pool hop


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
                ("small save, 1.6 KB (parse_save)", parse_save, (str(SMALL),), max(1, calls // 5)),
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
                        median(local) * 1e6,
                        percentile(hop, 0.5) * 1e6,
                        percentile(hop, 0.99) * 1e6,
                        pipelined,
                    )
                )
            return hops
        finally:
            pool.stop()

    return asyncio.run(run())


# --- page views --------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    path: str
    share: float  # of --requests


@dataclass
class Run:
    phase: str
    target: str
    clients: int
    seconds: float
    latencies: list[float]
    errors: int
    started: float  # time.monotonic() (comparable with the probe process's clock)
    ended: float
    lag: list[float] = field(default_factory=list)  # the probes answered meanwhile

    @property
    def count(self) -> int:
        return len(self.latencies)

    def row(self) -> str:
        p50 = percentile(self.latencies, 0.5) * 1000
        p99 = percentile(self.latencies, 0.99) * 1000
        return (
            f"| {self.phase} | {self.target} | {self.clients} | {self.count} | "
            f"{self.count / self.seconds:,.1f} | {p50:,.1f} | {p99:,.1f} | {self.errors} | "
            f"{ms(self.lag, 0.5)} | {ms(self.lag, 0.99)} | {len(self.lag)} |"
        )


async def _drive(url: str, path: str, total: int, clients: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    remaining = total
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:

        async def client() -> None:
            nonlocal remaining, errors
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await http.get(path)
                await response.aread()
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors


def measure(url: str, phase: str, target: Target, total: int, clients: int) -> Run:
    started_mono = time.monotonic()
    started = time.perf_counter()
    latencies, errors = asyncio.run(_drive(url, target.path, total, clients))
    seconds = time.perf_counter() - started
    return Run(
        phase, target.label, clients, seconds, latencies, errors, started_mono, time.monotonic()
    )


# --- event-loop lag probe ------------------------------------------------------------------


def _probe(port: int, stop: Event, out: Connection) -> None:
    """In its own process (so the load generator's GIL does not delay it): OPTIONS every
    PROBE_INTERVAL seconds on one keep-alive connection until ``stop``; sends back
    (time.monotonic() at the start, seconds, status) of each."""
    samples: list[tuple[float, float, int]] = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        while not stop.is_set() and len(samples) < PROBE_CAP:
            at = time.monotonic()
            started = time.perf_counter()
            conn.request("OPTIONS", PROBE_PATH)
            response = conn.getresponse()
            response.read()
            samples.append((at, time.perf_counter() - started, response.status))
            stop.wait(PROBE_INTERVAL)
    finally:
        conn.close()
        out.send(samples)
        out.close()


@dataclass
class Probe:
    port: int
    samples: list[tuple[float, float, int]] = field(default_factory=list)

    def __enter__(self) -> Probe:
        context = multiprocessing.get_context("spawn")  # uploader threads may be running
        self._stop = context.Event()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_probe, args=(self.port, self._stop, send))
        self._process.start()
        send.close()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.samples = self._receive.recv()
        self._process.join(timeout=60)

    def window(self, start: float, end: float) -> list[float]:
        return [seconds for at, seconds, _ in self.samples if start <= at and at < end]


@dataclass
class Quiet:
    """The probes of a phase's first seconds, before the page-view clients start."""

    phase: str
    values: list[float]

    def row(self) -> str:
        top = f"{max(self.values) * 1000:,.1f}" if self.values else ""
        return (
            f"| {self.phase} | {len(self.values)} | {ms(self.values, 0.5)} | "
            f"{ms(self.values, 0.99)} | {top} |"
        )


# --- the run -------------------------------------------------------------------------------


@dataclass
class Result:
    """What one app (cache on, or cache off) gave."""

    name: str
    runs: list[Run] = field(default_factory=list)
    quiet: list[Quiet] = field(default_factory=list)
    uploads: Uploaders | None = None


def run_phase(
    app: App, phase: str, targets: list[Target], levels: list[int], requests: int
) -> tuple[list[float], list[Run]]:
    """The quiet window (its probes), then every target at every level, with the lag probe
    running (the caller starts the uploads of the phase, if any, first)."""
    with Probe(app.port) as probe:
        quiet_start = time.monotonic()
        time.sleep(QUIET_SECONDS)
        quiet_end = time.monotonic()
        runs = []
        for clients in levels:
            log(f"  {phase}: {clients} clients …")
            for target in targets:
                total = max(clients, round(requests * target.share))
                runs.append(measure(app.url, phase, target, total, clients))
    for run in runs:
        run.lag = probe.window(run.started, run.ended)
    return probe.window(quiet_start, quiet_end), runs


def run_app(
    name: str,
    cache_mb: int,
    args: argparse.Namespace,
    copies: list[bytes],
    make_targets: Callable[[str], list[Target]],
    levels: list[int],
    requests: int,
) -> Result:
    """Start the app with ``cache_mb`` of analysis cache, upload the save, warm every
    target, then both phases."""
    result = Result(name)
    suffix = "" if cache_mb else f", {name}"
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        log(f"starting the app ({name}) …")
        app = start_app(Path(tmp) / "var", args.workers, args.database_url, cache_mb)
        try:
            auth = api_key(app)
            targets = make_targets(upload(app, auth, args.save))
            for target in targets:  # warm: templates compiled, the analysis cached
                measure(app.url, "warm-up", target, 10, 2)
            for phase in PHASES:
                log(f"phase: {phase} ({name}) …")
                with contextlib.ExitStack() as stack:
                    if phase == "during uploads":
                        result.uploads = Uploaders(app.url, auth, copies, args.upload_clients)
                        stack.enter_context(result.uploads)
                    quiet, runs = run_phase(app, phase + suffix, targets, levels, requests)
                result.quiet.append(Quiet(phase + suffix, quiet))
                result.runs += runs
        finally:
            app.stop()
    return result


# --- report ------------------------------------------------------------------------------


def uploads_note(result: Result) -> str:
    uploads = result.uploads
    if uploads is None or not uploads.times:
        return ""
    ok = sum(1 for s in uploads.statuses if s == 201)
    return (
        f'"During uploads" ({result.name}): {uploads.clients} clients uploading distinct '
        f"copies of the 17.5 MB save back to back ({len(uploads.times)} uploads, {ok} stored "
        f"with 201, {statistics.mean(uploads.times):.2f} s each on average: stream, parse "
        f"in the pool, store, insert)"
        + (
            "; the copies ran out before the phase ended, so its last rows ran partly "
            "without uploads."
            if uploads.dry_at is not None
            else ", uploading for the whole phase."
        )
    )


def report(results: list[Result], hops: list[Hop], args: argparse.Namespace) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores; app: 1 uvicorn worker, {args.workers} kernel "
        f"workers; clients: asyncio + httpx, one keep-alive connection each, on the same "
        f"machine; Python {sys.version.split()[0]}.",
        "",
        f"Event-loop lag proxy (the last three columns): `OPTIONS {PROBE_PATH}` every "
        f"{PROBE_INTERVAL * 1000:.0f} ms from a separate process, timed while the row ran. "
        "Litestar answers it without database, file or template, so its time is loopback + "
        "HTTP + waiting for the one event loop; above the floor of the lag-probe table below "
        '(no page views) is time a ready request waited for the loop. "Cache off" is '
        "ANALYSIS_CACHE_MB=0: every view fetches the 3.5 MB payload, decodes it and renders "
        "the analysis.",
        "",
        "| phase | GET | clients | requests | req/s | p50 ms | p99 ms | not 200 "
        "| lag p50 ms | lag p99 ms | probes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(run.row() for result in results for run in result.runs),
        "",
        f"| lag probe, no page views ({QUIET_SECONDS:.0f} s) | probes | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *(q.row() for result in results for q in result.quiet),
    ]
    for result in results:
        note = uploads_note(result)
        if note:
            lines += ["", note]
    lines += [
        "",
        "| pool hop (KernelPool.run) | in-process µs | pool p50 µs | pool p99 µs "
        "| hop overhead µs | pool calls/s, many in flight |",
        "|---|---:|---:|---:|---:|---:|",
        *(h.row() for h in hops),
    ]
    return "\n".join(lines)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels, comma-separated")
    parser.add_argument(
        "--requests", type=positive, default=200, help="GETs per target and level (API detail: 1/5)"
    )
    parser.add_argument(
        "--cache-off-clients", type=positive, default=4, help="clients of the cache-off rows"
    )
    parser.add_argument(
        "--cache-off-requests", type=positive, default=75, help="GETs of each cache-off row"
    )
    parser.add_argument("--upload-clients", type=positive, default=2, help="concurrent uploaders")
    parser.add_argument(
        "--copies", type=positive, default=120, help="distinct large saves at most, per app"
    )
    parser.add_argument(
        "--workers", type=positive, default=os.cpu_count() or 1, help="kernel workers"
    )
    parser.add_argument("--hop-calls", type=positive, default=2000, help="calls per pool-hop row")
    parser.add_argument("--database-url", default=None, help="default: embedded PostgreSQL")
    parser.add_argument("--save", type=Path, default=LARGE, help="the large save")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    levels = [positive(n) for n in args.clients.split(",") if n.strip()]
    if not levels:
        parser.error("--clients names no concurrency level")
    if not args.save.is_file() or not SMALL.is_file():
        sys.exit(f"corpus not found at {CORPUS}")

    log("measuring the pool hop …")
    hops = measure_hop(args.workers, args.hop_calls)
    log("building distinct copies of the large save …")
    copies = variants(args.save, args.copies)
    cache_on = run_app(
        "cache on",
        128,
        args,
        copies,
        lambda save_id: [
            Target("home page", "/", 1.0),
            Target("save page", f"/saves/{save_id}", 1.0),
            Target("API: saves list", "/api/saves", 1.0),
            Target("API: save + analysis (3.5 MB)", f"/api/saves/{save_id}", 0.2),
        ],
        levels,
        args.requests,
    )
    if args.database_url:  # one database for both apps: the copies it stored would be 409s
        copies = variants(args.save, args.copies)
    cache_off = run_app(
        "cache off",
        0,
        args,
        copies,
        lambda save_id: [Target("save page", f"/saves/{save_id}", 1.0)],
        [args.cache_off_clients],
        args.cache_off_requests,
    )
    results = [cache_on, cache_off]
    errors = sum(run.errors for result in results for run in result.runs)
    if errors:
        log(f"warning: {errors} requests did not answer 200")
    text = report(results, hops, args)
    print(text)
    if args.write:
        write_section(SECTION, text, f"{HEADING} (`scripts/bench/bench_app.py`)")


if __name__ == "__main__":
    main()
