#!/usr/bin/env python3
"""Load the web app: requests per second and p50/p99 latency at several concurrency
levels, with the app idle and while large saves upload, and the event loop's lag.

    .venv/bin/python scripts/load_app.py [--clients 1,8,32] [--requests N] [--write]

1. Starts the app (``python -m app serve --migrate``: one uvicorn worker, ``--workers``
   kernel processes) on a free loopback port with a private VAR_DIR (embedded PostgreSQL,
   local storage) or ``--database-url``, makes a user with an API key and uploads the
   17.5 MB EU4 save of ../shared/corpus (its page and API answer are the ones read).
2. For each phase, "idle" then "during uploads" (``--upload-clients`` threads uploading
   distinct copies of that save back to back, so each is parsed, stored and inserted),
   and for each number of concurrent clients of ``--clients``: asyncio clients (httpx, one
   keep-alive connection each) share a fixed number of GETs of each target: the home
   page, the save page, ``GET /api/saves`` (a page of 20 saves) and ``GET /api/saves/{id}``
   (that save with its 3.5 MB analysis, fewer requests). Prints requests per second and
   p50/p99 latency.
3. Event-loop lag, measured from outside: a separate process sends ``OPTIONS /api/saves``
   every 20 ms on its own connection and times each answer. Litestar answers OPTIONS
   itself: no database, no file, no template, so the time is loopback + HTTP parsing +
   waiting for the event loop. The idle app's time is the floor; what is above it under
   load is time a ready request waited for the one uvicorn worker's loop (a blocked loop or
   a long queue of other requests' work). It is a proxy, not an in-process loop monitor.
   Reported per phase for a quiet window (no page-view clients) and for each concurrency
   level.

What scripts/bench_app.py already measures is not repeated: the save page with the
analysis cache off and the process-pool hop; its 4-client page-view rows are the same kind
of number as this script's rows, which add concurrency levels, the API and the lag.

Loopback only, bounded loops (fixed counts; the probe stops with its phase, capped).
The load generator runs on the same machine as the app: on a 2-core machine the clients
take CPU from the server, so absolute numbers are lower than with a separate client host.
``--write`` replaces the section between ``<!-- load_app:begin -->`` and
``<!-- load_app:end -->`` in docs/benchmarks.md. A benchmark, not a test: it asserts
nothing about time. Run ./scripts/setup first.
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
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx
from _apphelpers import (
    CORPUS,
    DOC,
    LARGE,
    ROOT,
    Uploaders,
    api_key,
    log,
    percentile,
    start_app,
    variants,
    write_section,
)

BEGIN = "<!-- load_app:begin -->"
END = "<!-- load_app:end -->"
PROBE_PATH = "/api/saves"
PROBE_INTERVAL = 0.02  # seconds between lag probes
PROBE_CAP = 50_000  # probes per phase at most
QUIET_SECONDS = 3.0  # the "no page views" lag window of each phase


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
            f"{_ms(self.lag, 0.5)} | {_ms(self.lag, 0.99)} | {len(self.lag)} |"
        )


def _ms(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:,.1f}" if values else ""


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
            f"| {self.phase} | {len(self.values)} | {_ms(self.values, 0.5)} | "
            f"{_ms(self.values, 0.99)} | {top} |"
        )


# --- the run -------------------------------------------------------------------------------


def run_phase(
    url: str, port: int, phase: str, targets: list[Target], levels: list[int], requests: int
) -> tuple[Quiet, list[Run]]:
    """The quiet window, then every target at every level, with the lag probe running
    (the caller starts the uploads of the phase, if any, first)."""
    with Probe(port) as probe:
        quiet_start = time.monotonic()
        time.sleep(QUIET_SECONDS)
        quiet_end = time.monotonic()
        runs = []
        for clients in levels:
            log(f"  {phase}: {clients} clients …")
            for target in targets:
                total = max(clients, round(requests * target.share))
                runs.append(measure(url, phase, target, total, clients))
    for run in runs:
        run.lag = probe.window(run.started, run.ended)
    return Quiet(phase, probe.window(quiet_start, quiet_end)), runs


def report(
    runs: list[Run], quiet: list[Quiet], uploads: Uploaders | None, args: argparse.Namespace
) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores; app: 1 uvicorn worker, {args.workers} kernel "
        f"workers, analysis cache on; clients: asyncio + httpx, one keep-alive connection "
        f"each, on the same machine; Python {sys.version.split()[0]}.",
        "",
        f"Event-loop lag proxy (the last three columns): `OPTIONS {PROBE_PATH}` every "
        f"{PROBE_INTERVAL * 1000:.0f} ms from a separate process, timed while the row ran. "
        "Litestar answers it without database, file or template, so its time is loopback + "
        "HTTP + waiting for the one event loop; above the floor of the first table below "
        "(no page views) is time a ready request waited for the loop.",
        "",
        "| phase | GET | clients | requests | req/s | p50 ms | p99 ms | not 200 "
        "| lag p50 ms | lag p99 ms | probes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(run.row() for run in runs),
        "",
        f"| lag probe, no page views ({QUIET_SECONDS:.0f} s) | probes | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *(q.row() for q in quiet),
    ]
    if uploads is not None and uploads.times:
        ok = sum(1 for s in uploads.statuses if s == 201)
        lines += [
            "",
            f'"During uploads": {args.upload_clients} clients uploading distinct copies of '
            f"the 17.5 MB save back to back ({len(uploads.times)} uploads, {ok} stored with "
            f"201, {statistics.mean(uploads.times):.2f} s each on average: stream, parse in "
            f"the pool, store, insert)"
            + (
                "; the copies ran out before the phase ended, so its last rows ran partly "
                "without uploads."
                if uploads.dry_at is not None
                else ", uploading for the whole phase."
            ),
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels, comma-separated")
    parser.add_argument(
        "--requests", type=int, default=200, help="GETs per target and level (API detail: 1/5)"
    )
    parser.add_argument("--upload-clients", type=int, default=2, help="concurrent uploaders")
    parser.add_argument("--copies", type=int, default=120, help="distinct large saves at most")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="kernel workers")
    parser.add_argument("--database-url", default=None, help="default: embedded PostgreSQL")
    parser.add_argument("--save", type=Path, default=LARGE, help="the large save")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",") if n.strip()]
    if not args.save.is_file():
        sys.exit(f"corpus not found at {CORPUS}")

    log("building distinct copies of the large save …")
    copies = variants(args.save, args.copies)
    runs: list[Run] = []
    quiet: list[Quiet] = []
    uploads: Uploaders | None = None
    with tempfile.TemporaryDirectory(prefix="load-app-") as tmp:
        log("starting the app …")
        app = start_app(Path(tmp) / "var", args.workers, args.database_url, cache_mb=128)
        try:
            auth = api_key(app)
            with httpx.Client(base_url=app.url, timeout=600, auth=auth) as http:
                response = http.post(
                    "/api/saves", files={"file": (args.save.name, args.save.read_bytes())}
                )
                response.raise_for_status()
                save_id = response.json()["save_id"]
            targets = [
                Target("home page", "/", 1.0),
                Target("save page", f"/saves/{save_id}", 1.0),
                Target("API: saves list", "/api/saves", 1.0),
                Target("API: save + analysis (3.5 MB)", f"/api/saves/{save_id}", 0.2),
            ]
            port = int(app.url.rsplit(":", 1)[1])
            for target in targets:  # warm: templates compiled, the analysis cached
                measure(app.url, "warm-up", target, 10, 2)
            for phase in ("idle", "during uploads"):
                log(f"phase: {phase} …")
                with contextlib.ExitStack() as stack:
                    if phase == "during uploads":
                        uploads = Uploaders(app.url, auth, copies, args.upload_clients)
                        stack.enter_context(uploads)
                    window, done = run_phase(app.url, port, phase, targets, levels, args.requests)
                quiet.append(window)
                runs += done
        finally:
            app.stop()
    errors = sum(run.errors for run in runs)
    if errors:
        log(f"warning: {errors} requests did not answer 200")
    text = report(runs, quiet, uploads, args)
    print(text)
    if args.write:
        write_section(BEGIN, END, "Web app under load (`scripts/load_app.py`)", text)
        log(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
