"""Reading a test database directly (asyncpg, its own connection), from synchronous tests."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a (synchronous) test. While Playwright's sync API is active
    the thread has a running event loop, so the coroutine then runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def fetch(url: str, query: str, *args: Any) -> list[dict[str, Any]]:
    """The rows of ``query`` on the database at ``url``, as dicts."""

    async def go() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(url)
        try:
            return [dict(r) for r in await conn.fetch(query, *args)]
        finally:
            await conn.close()

    return run(go())
