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
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from app.saves.parsing import ParsedSave, SaveRejected, parse_save

logger = logging.getLogger(__name__)


class ParserCrashed(Exception):
    """The worker parsing the file died or failed unexpectedly (not a clean rejection)."""


class KernelPool:
    def __init__(self, workers: int) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
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

    async def parse(self, path: str) -> ParsedSave:
        """Parse the save at ``path`` in a worker. Raises SaveRejected or ParserCrashed."""
        executor = self._executor
        if executor is None:
            raise RuntimeError("the kernel pool is not running")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, parse_save, path)
        except SaveRejected:
            raise
        except BrokenProcessPool as exc:
            logger.error("a kernel worker died while parsing %s; restarting the pool", path)
            self._replace(executor)
            raise ParserCrashed("the parser process died while reading this file") from exc
        except Exception as exc:
            logger.exception("the kernel failed on %s", path)
            raise ParserCrashed(f"the parser failed on this file ({type(exc).__name__})") from exc

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is broken:
            self._executor = None
            broken.shutdown(wait=False, cancel_futures=True)
            self.start()
