"""Reprocess: run the current kernel again over stored saves (after a kernel upgrade).

Each save's object is fetched from the store into a temporary file, parsed in the kernel
pool, and its row updated in one statement: the analysis payload, the kernel version, the
time, and every column the kernel fills (``services.analysis_columns``). The owner's
filename and AAR and the admin's ``leaderboard_qualified`` stay. A save that fails (the
object is missing, the new kernel rejects the file, its new content hash collides with
another save) keeps its row exactly as it was, and the failure is reported.

Used by ``python -m app reprocess`` (every save, progress printed) and by the admin's
button on the save page (one save).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import anyio
import msgspec
from asyncpg.exceptions import UniqueViolationError

from app.saves.parsing import SaveRejected
from app.saves.pool import KernelPool, ParserCrashed
from app.saves.services import analysis_columns
from app.saves.tables import Save
from app.storage import ObjectMissing, Storage, StorageError

logger = logging.getLogger(__name__)


class ReprocessFailed(Exception):
    """The save could not be reprocessed; its row is unchanged."""


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    save_id: str
    ok: bool
    message: str  # the new kernel version, or why it failed
    seconds: float


async def _fetch(storage: Storage, key: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="reprocess-", suffix=".part", dir=directory)
    os.close(fd)
    path = Path(name)
    try:
        stored = await storage.open(key)
        async with await anyio.open_file(path, "wb") as out:
            async for chunk in stored.chunks():
                await out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


async def reprocess_save(save_id: str, *, storage: Storage, pool: KernelPool, tmp_dir: Path) -> str:
    """Re-analyse one save with the current kernel; returns the kernel version. Raises
    ReprocessFailed (row unchanged) or LookupError (no such save)."""
    row = await Save.select(Save.storage_key).where(Save.id == save_id).first()
    if row is None:
        raise LookupError(f"no save {save_id}")
    try:
        path = await _fetch(storage, row["storage_key"], tmp_dir)
    except ObjectMissing:
        raise ReprocessFailed("the stored file is missing") from None
    except StorageError as exc:
        raise ReprocessFailed(f"the file store is unavailable ({exc})") from None
    try:
        try:
            parsed = await pool.parse(str(path))
        except (SaveRejected, ParserCrashed) as exc:
            raise ReprocessFailed(f"the kernel refuses the file now: {exc}") from None
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.Path(path).unlink(missing_ok=True)
    columns = analysis_columns(parsed)
    changes = {getattr(Save, name): value for name, value in columns.items()}
    changes[Save.analyzed_on] = datetime.now(UTC)
    try:
        updated = await Save.update(changes).where(Save.id == save_id).returning(Save.id)
    except UniqueViolationError:
        other = await Save.select(Save.id).where(Save.hash == parsed.content_hash).first()
        shown = other["id"] if other else "another save"
        raise ReprocessFailed(f"its content hash is now that of save {shown}") from None
    if not updated:
        raise LookupError(f"save {save_id} was deleted meanwhile")
    return parsed.kernel_version


async def all_save_ids() -> list[str]:
    rows = await Save.select(Save.id).order_by(Save.created_on, Save.id)
    return [str(row["id"]) for row in rows]


async def reprocess_many(
    save_ids: Sequence[str],
    *,
    storage: Storage,
    pool: KernelPool,
    tmp_dir: Path,
    concurrency: int,
) -> AsyncIterator[Outcome]:
    """Reprocess ``save_ids``, ``concurrency`` at a time; yields each outcome as it ends."""
    queue: asyncio.Queue[Outcome] = asyncio.Queue()
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(save_id: str) -> None:
        async with limit:
            started = time.perf_counter()
            try:
                version = await reprocess_save(save_id, storage=storage, pool=pool, tmp_dir=tmp_dir)
                outcome = Outcome(
                    save_id=save_id,
                    ok=True,
                    message=f"kernel {version}",
                    seconds=time.perf_counter() - started,
                )
            except (ReprocessFailed, LookupError) as exc:
                outcome = Outcome(
                    save_id=save_id,
                    ok=False,
                    message=str(exc),
                    seconds=time.perf_counter() - started,
                )
            except Exception as exc:  # reported, and the others go on
                logger.exception("reprocessing %s failed", save_id)
                outcome = Outcome(
                    save_id=save_id,
                    ok=False,
                    message=f"unexpected error: {type(exc).__name__}: {exc}",
                    seconds=time.perf_counter() - started,
                )
            await queue.put(outcome)

    tasks = [asyncio.create_task(one(save_id)) for save_id in save_ids]
    try:
        for _ in tasks:
            yield await queue.get()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def reprocess_all(
    *,
    storage: Storage,
    pool: KernelPool,
    tmp_dir: Path,
    concurrency: int,
    report: Callable[[int, int, Outcome], None],
    only: Sequence[str] = (),
) -> tuple[int, int]:
    """Reprocess every save (or ``only`` those); ``report(done, total, outcome)`` after
    each. Returns (succeeded, failed)."""
    save_ids = list(only) if only else await all_save_ids()
    succeeded = failed = 0
    done = 0
    async for outcome in reprocess_many(
        save_ids, storage=storage, pool=pool, tmp_dir=tmp_dir, concurrency=concurrency
    ):
        done += 1
        if outcome.ok:
            succeeded += 1
        else:
            failed += 1
        report(done, len(save_ids), outcome)
    return succeeded, failed
