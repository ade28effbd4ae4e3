"""The kernel process pool: parsing never runs on the event loop.

mypyc-compiled code holds the GIL, so threads would not parse in parallel: the kernel runs
in worker processes (``spawn``: no inherited event loop, threads or sockets). The pool is
started and stopped with the app (lifespan). A worker that dies mid-parse (a crash, the
OOM killer) breaks a ProcessPoolExecutor for good; the pool is then replaced, and the
request that hit it fails with ``ParserCrashed``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from app.saves.parsing import ParsedSave, SaveRejected, parse_save

T = TypeVar("T")

logger = logging.getLogger(__name__)


class ParserCrashed(Exception):
    """The worker parsing the file died or failed unexpectedly (not a clean rejection)."""


class KernelPool:
    def __init__(
        self, workers: int, tokens_dir: str | None = None, gamedata_dir: str | None = None
    ) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.tokens_dir = tokens_dir  # where the workers find eu4.txt (binary saves)
        self.gamedata_dir = gamedata_dir  # game-data bundles (achievements that need them)
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
            # Start the workers now (importing the kernel), not on the first upload.
            for _ in range(self.workers):
                self._executor.submit(os.getpid)

    def stop(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    @property
    def running(self) -> bool:
        return self._executor is not None

    async def parse(self, path: str) -> ParsedSave:
        """Parse the save at ``path`` in a worker. Raises SaveRejected or ParserCrashed."""
        result: ParsedSave = await self.run(
            parse_save, path, self.tokens_dir, self.gamedata_dir, what=path
        )
        return result

    async def run(self, job: Callable[..., T], *args: Any, what: str = "a job") -> T:
        """``job(*args)`` in a worker (a module-level function: it is pickled by name).
        Raises SaveRejected as the job raised it, ParserCrashed for anything else."""
        executor = self._executor
        if executor is None:
            raise RuntimeError("the kernel pool is not running")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, job, *args)
        except SaveRejected:
            raise
        except BrokenProcessPool as exc:
            logger.error("a kernel worker died while running %s; restarting the pool", what)
            self._replace(executor)
            raise ParserCrashed("the parser process died while reading this file") from exc
        except Exception as exc:
            logger.exception("the kernel failed on %s", what)
            raise ParserCrashed(f"the parser failed on this file ({type(exc).__name__})") from exc

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is broken:
            self._executor = None
            broken.shutdown(wait=False, cancel_futures=True)
            self.start()
