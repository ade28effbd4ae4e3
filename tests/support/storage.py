"""A wrapper of the app's storage for tests that make it misbehave: every operation goes to
the wrapped store; a subclass overrides the one that fails or hangs.

It has no ``check`` (the health check calls it only when a store has one): a subclass that
needs one defines it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class StorageWrapper:
    def __init__(self, inner: Any, description: str | None = None) -> None:
        self.inner = inner
        self.description = inner.description if description is None else description

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def put(self, key: str, source: Path) -> None:
        await self.inner.put(key, source)

    async def open(self, key: str) -> Any:
        return await self.inner.open(key)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def keys(self) -> Any:
        return await self.inner.keys()
