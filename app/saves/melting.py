"""Melting a shared save on the server: ``GET /saves/{id}/melted`` and
``GET /api/saves/{id}/melted`` answer the text save the game would write for a binary
(ironman) save, as ``<name>_melted.<ext>`` (app.analysis.melting).

- The melting is ``kernel.melt`` (the bytes of ``python -m kernel melt FILE --tokens
  <TOKENS_DIR>/<game>.txt``), run in the kernel's process pool (app.saves.pool): a large
  save never blocks the event loop, and the pool's time limit applies.
- Melted files are kept on local disk, ``<VAR_DIR>/cache/melted/<save>/<key>-<game>.melted``,
  ``key`` made of the file's sha256 and the stamps (mtime, size) of the token tables: a
  table the operator replaces melts anew. Written once (atomically), then served from the
  file; writing one removes the save's other versions; deleting the save removes its
  folder. The cache can be deleted at any time.
- Refusals are ``MeltRefused`` (status and message): a text save (409, nothing to melt), a
  binary save whose game's table the site lacks (422, naming the table), a game the
  kernel does not melt, or a file the kernel rejects (422, its message).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
from pathlib import Path
from typing import Final

import anyio

import kernel
from app.analysis.errors import refusal
from app.analysis.melting import (
    MELTED_EXTENSIONS,
    NOT_BINARY,
    is_binary,
    melted_name,
    missing_table,
    not_meltable,
    token_file,
)
from app.saves.parsing import SaveRejected, token_table
from app.saves.pool import KernelPool, ParserCrashed
from app.storage import Storage

SUFFIX: Final = ".melted"
# What the pool's job answers (plain strings: they cross the process boundary).
MELTED: Final = "melted"
TEXT: Final = "text"
UNMELTABLE: Final = "unmeltable"
NO_TABLE: Final = "no-table"


class MeltRefused(Exception):
    """The save is not melted: ``status`` (409, 422, 500) and ``message`` for people."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


# --- in a worker of the kernel pool --------------------------------------------------------


def melt_file(source: str, target: str, tokens_dir: str | None) -> tuple[str, str]:
    """Melt the save at ``source`` into ``target`` (a job of the kernel pool). Returns
    (outcome, game): ``MELTED`` (``target`` written), ``TEXT``, ``UNMELTABLE`` or
    ``NO_TABLE`` (nothing written). Raises SaveRejected for a file the kernel rejects."""
    with open(source, "rb") as handle:
        data = handle.read()
    try:
        container = kernel.open_archive(data)
        game = container.game
        if not is_binary(container):
            return TEXT, game
        if game not in MELTED_EXTENSIONS:
            return UNMELTABLE, game
        table = token_table(tokens_dir, token_file(game))
        if table is None:
            return NO_TABLE, game
        del container
        melted = kernel.melt(data, table)
    except (kernel.KernelError, RecursionError, MemoryError) as exc:
        refused = refusal(exc)
        assert refused is not None
        raise refused from None
    del data
    with open(target, "wb") as out:
        out.write(melted)
    return MELTED, game


# --- in the app --------------------------------------------------------------------------


class Melter:
    """The melted files of shared saves, kept under ``folder`` (<VAR_DIR>/cache/melted)."""

    def __init__(self, folder: Path, tokens_dir: str | None) -> None:
        self.folder = folder
        self.tokens_dir = tokens_dir
        self._locks: dict[str, asyncio.Lock] = {}

    def _tables_stamp(self) -> str:
        """The token tables as they are now (name, mtime, size): part of the cache key."""
        parts: list[str] = []
        if self.tokens_dir:
            for game in MELTED_EXTENSIONS:
                try:
                    stat = os.stat(os.path.join(self.tokens_dir, token_file(game)))
                except OSError:
                    continue
                parts.append(f"{game}:{stat.st_mtime_ns}:{stat.st_size}")
        return hashlib.blake2b("/".join(parts).encode(), digest_size=8).hexdigest()

    def key(self, sha256: str) -> str:
        """The melted file's cache key: the file's hash and the token tables' stamps (also
        its ETag: a replaced table melts anew, and gives another)."""
        return f"{sha256[:32]}-{self._tables_stamp()}"

    def _kept(self, folder: Path, key: str) -> tuple[Path, str] | None:
        for path in folder.glob(f"{key}-*{SUFFIX}"):
            return path, path.name[len(key) + 1 : -len(SUFFIX)]
        return None

    async def melted(
        self,
        save_id: str,
        storage_key: str,
        sha256: str,
        filename: str,
        storage: Storage,
        pool: KernelPool,
    ) -> tuple[Path, str]:
        """(the melted file, its download name) of the save, melted first when it is not
        kept yet. MeltRefused when it is not melted; StorageError and ObjectMissing from
        the store pass through."""
        folder = self.folder / save_id
        key = self.key(sha256)
        kept = await anyio.to_thread.run_sync(self._kept, folder, key)
        if kept is None:
            lock = self._locks.setdefault(save_id, asyncio.Lock())
            try:
                async with lock:  # one melting per save at a time; the others wait for it
                    kept = await anyio.to_thread.run_sync(self._kept, folder, key)
                    if kept is None:
                        kept = await self._melt(folder, key, storage_key, storage, pool)
            finally:
                if not lock.locked():
                    self._locks.pop(save_id, None)
        path, game = kept
        return path, melted_name(filename, game)

    async def _melt(
        self, folder: Path, key: str, storage_key: str, storage: Storage, pool: KernelPool
    ) -> tuple[Path, str]:
        await anyio.to_thread.run_sync(lambda: folder.mkdir(parents=True, exist_ok=True))
        token = secrets.token_hex(8)
        source = folder / f".source-{token}"
        target = folder / f".tmp-{token}"
        try:
            stored = await storage.open(storage_key)
            async with await anyio.open_file(source, "wb") as out:
                async for chunk in stored.chunks():
                    await out.write(chunk)
            try:
                outcome, game = await pool.run(
                    melt_file, str(source), str(target), self.tokens_dir, what=f"melting {key}"
                )
            except SaveRejected as exc:
                raise MeltRefused(422, f"this save cannot be melted: {exc}") from None
            except ParserCrashed as exc:
                raise MeltRefused(500, f"melting this save failed: {exc}") from None
            if outcome == TEXT:
                raise MeltRefused(409, NOT_BINARY)
            if outcome == UNMELTABLE:
                raise MeltRefused(422, not_meltable(game))
            if outcome == NO_TABLE:
                raise MeltRefused(422, missing_table(game))
            final = folder / f"{key}-{game}{SUFFIX}"

            def keep() -> None:
                os.replace(target, final)
                for old in folder.glob(f"*{SUFFIX}"):  # other files or tables: never asked again
                    if old != final:
                        old.unlink(missing_ok=True)

            await anyio.to_thread.run_sync(keep)
            return final, game
        finally:

            def clean() -> None:
                source.unlink(missing_ok=True)
                target.unlink(missing_ok=True)

            await anyio.to_thread.run_sync(clean)

    async def forget(self, save_id: str) -> None:
        """Remove the save's melted files (it was deleted)."""
        await anyio.to_thread.run_sync(shutil.rmtree, self.folder / save_id, True)
