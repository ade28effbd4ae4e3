"""The kernel workers parse at a lower CPU priority than the app (issue 19.3): while
saves parse, page views get the cores first (docs/benchmarks.md, bench_app.py)."""

from __future__ import annotations

import time

import psutil

from app.saves.parsing import WORKER_NICENESS
from app.settings import KernelSettings


def test_kernel_workers_run_below_the_app(make_settings, serve_app, workers):
    wanted = min(19, psutil.Process().nice() + WORKER_NICENESS)
    with serve_app(make_settings(kernel=KernelSettings(workers=2))):
        found = workers(2)
        deadline = time.monotonic() + 30  # each lowers itself as it starts
        while any(process.nice() != wanted for process in found):
            assert time.monotonic() < deadline, [process.nice() for process in found]
            time.sleep(0.05)
        assert psutil.Process().nice() < wanted  # the app itself is not lowered
