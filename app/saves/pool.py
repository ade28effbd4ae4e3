"""The kernel process pool: parsing never runs on the event loop.

mypyc-compiled code holds the GIL, so threads would not parse in parallel: the kernel runs
in worker processes (``spawn``: no inherited event loop, threads or sockets). The pool is
started and stopped with the app (lifespan).

Each worker is a one-process executor of its own, lent to one job at a time, so that a job
can be stopped without touching the others:

- a job past the wall-clock limit (``KERNEL_PARSE_TIMEOUT``) has its process killed and
  replaced; the request fails with ``SaveRejected`` (a readable 422: the file is too
  costly to read here);
- a worker that dies mid-parse (a crash, the OOM killer) breaks its executor for good; it
  is replaced, and the request that hit it fails with ``ParserCrashed``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from app.saves.parsing import ParsedSave, SaveRejected, background, noop, parse_save
from app.settings import Settings

T = TypeVar("T")

logger = logging.getLogger(__name__)


class ParserCrashed(Exception):
    """The worker parsing the file died or failed unexpectedly (not a clean rejection)."""


class KernelPool:
    def __init__(
        self,
        workers: int,
        tokens_dir: str | None = None,
        gamedata_dir: str | None = None,
        *,
        timeout: float | None = None,
        max_payload: int | None = None,
    ) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.tokens_dir = tokens_dir  # where the workers find eu4.txt (binary saves)
        self.gamedata_dir = gamedata_dir  # game-data bundles (achievements that need them)
        self.timeout = timeout if timeout and timeout > 0 else None  # seconds per job
        self.max_payload = max_payload  # bytes of an analysis's JSON (parse_save refuses more)
        self._free: asyncio.Queue[ProcessPoolExecutor] | None = None
        self._all: list[ProcessPoolExecutor] = []
        self._ready: dict[ProcessPoolExecutor, Future[int]] = {}  # warming up

    def start(self) -> None:
        if self._free is None:
            self._free = asyncio.Queue()
            for _ in range(self.workers):
                self._free.put_nowait(self._spawn())

    def _spawn(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=background
        )
        # Start the process now (importing the kernel), not on first use; a job waits for
        # this before its time limit starts (a new worker's start is not the file's cost).
        self._ready[executor] = executor.submit(noop, 0)  # unpickled by importing parsing
        self._all.append(executor)
        return executor

    def stop(self) -> None:
        executors, self._all, self._free = self._all, [], None
        self._ready.clear()
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)

    @property
    def running(self) -> bool:
        return self._free is not None

    async def parse(self, path: str) -> ParsedSave:
        """Parse the save at ``path`` in a worker. Raises SaveRejected (also when it takes
        longer than the limit) or ParserCrashed."""
        result: ParsedSave = await self.run(
            parse_save, path, self.tokens_dir, self.gamedata_dir, self.max_payload, what=path
        )
        return result

    async def run(self, job: Callable[..., T], *args: Any, what: str = "a job") -> T:
        """``job(*args)`` in a worker (a module-level function: it is pickled by name).
        Raises SaveRejected as the job raised it or past the time limit, ParserCrashed for
        anything else."""
        free = self._free
        if free is None:
            raise RuntimeError("the kernel pool is not running")
        executor = await free.get()
        if not _healthy(executor):  # its worker died while idle (killed, OOM)
            executor = self._replace(executor)
        loop = asyncio.get_running_loop()
        try:
            started = self._ready.pop(executor, None)
            if started is not None:
                await asyncio.wrap_future(started)
            future = loop.run_in_executor(executor, job, *args)
            return await asyncio.wait_for(future, self.timeout)
        except SaveRejected:
            raise
        except TimeoutError:
            logger.error(
                "the kernel took over %g s on %s; its worker is replaced", self.timeout, what
            )
            executor = self._replace(executor, kill=True)
            raise SaveRejected(
                f"reading this file took longer than this site allows ({self.timeout:g} s): "
                "it is far larger or more complex than a real save"
            ) from None
        except BrokenProcessPool as exc:
            logger.error("a kernel worker died while running %s; it is replaced", what)
            executor = self._replace(executor)
            self._sweep(free)  # whatever killed it (the OOM killer) may have hit others
            raise ParserCrashed("the parser process died while reading this file") from exc
        except Exception as exc:
            logger.exception("the kernel failed on %s", what)
            raise ParserCrashed(f"the parser failed on this file ({type(exc).__name__})") from exc
        finally:
            if self._free is free:  # not stopped meanwhile
                free.put_nowait(executor)
            elif executor in self._all:
                executor.shutdown(wait=False, cancel_futures=True)

    def _sweep(self, free: asyncio.Queue[ProcessPoolExecutor]) -> None:
        """Replace the idle executors whose worker is dead."""
        for _ in range(free.qsize()):
            executor = free.get_nowait()
            free.put_nowait(executor if _healthy(executor) else self._replace(executor))

    def _replace(self, old: ProcessPoolExecutor, *, kill: bool = False) -> ProcessPoolExecutor:
        if kill:
            # The standard library (before 3.14's kill_workers) has no public way to stop
            # a running job: kill the executor's one process.
            for process in list(getattr(old, "_processes", {}).values()):
                process.kill()
        old.shutdown(wait=False, cancel_futures=True)
        self._ready.pop(old, None)
        if old in self._all:
            self._all.remove(old)
        return self._spawn()


def _healthy(executor: ProcessPoolExecutor) -> bool:
    """The executor works and its worker process is alive (the standard library keeps
    both private: ``_broken`` is set once it noticed a death, ``is_alive`` notices now)."""
    if getattr(executor, "_broken", False):
        return False
    processes = getattr(executor, "_processes", None) or {}
    return all(process.is_alive() for process in list(processes.values()))


def pool_from_settings(settings: Settings, workers: int = 0) -> KernelPool:
    """The pool of ``settings`` (``workers``: overrides the settings' count when > 0)."""
    kernel = settings.kernel
    return KernelPool(
        workers or kernel.workers,
        kernel.tokens_dir,
        str(settings.gamedata_path),
        timeout=kernel.parse_timeout,
        max_payload=kernel.max_analysis_mb * 2**20 if kernel.max_analysis_mb > 0 else None,
    )
