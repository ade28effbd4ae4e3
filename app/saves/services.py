"""Saves: the all-or-nothing upload pipeline, queries, edits and deletes. No Request objects.

Upload: stream the file part into a temporary file under the size cap while hashing it →
parse it in the kernel pool → refuse known content (409) → in one transaction insert the
row, then store the object → commit. Any failure after the object was (maybe) written
removes it again unless the row made it; the temporary file always goes. So after any
failure there is no row without its object and no object without its row (a process
killed between the store and the commit can still leave an object behind: that window is
the price of not holding the file in the database).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol, cast

import anyio
import msgspec
from asyncpg.exceptions import UniqueViolationError
from litestar.datastructures import UploadFile
from piccolo.columns import Column, Varchar

from app import cursors, db
from app.accounts.services import CurrentUser
from app.cursors import BAD_CURSOR, BadCursor
from app.saves.parsing import ParsedSave, SaveRejected
from app.saves.pool import KernelPool, ParserCrashed
from app.saves.schemas import SaveDetail, SaveSummary
from app.saves.tables import Save
from app.settings import Settings
from app.storage import SAVES_AREA, Storage, StorageError

logger = logging.getLogger(__name__)

CHUNK: Final = 256 * 1024
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


class UploadError(Exception):
    """An upload that cannot be accepted; ``status`` is the HTTP status to answer with."""

    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(UploadError):
    status = 413


class Rejected(UploadError):
    status = 422


class Duplicate(UploadError):
    status = 409

    def __init__(self, save_id: str) -> None:
        super().__init__(f"this save was uploaded before: /saves/{save_id}")
        self.save_id = save_id


class StorageUnavailable(UploadError):
    status = 503


class DatabaseUnavailable(UploadError):
    status = 503


class Spooled(msgspec.Struct, frozen=True):
    path: Path
    size: int
    sha256: str


# What new_save_id makes, and saves.id holds (older ids may start with "-").
SAVE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,16}")


def new_save_id() -> str:
    """12 URL-safe characters (72 random bits), never starting with ``-``: operators pass
    ids on command lines (``python -m app reprocess ID``), where a leading dash reads as
    an option. Drawing again keeps every allowed id equally likely."""
    while True:
        save_id = secrets.token_urlsafe(9)
        if not save_id.startswith("-"):
            return save_id


def storage_key(save_id: str) -> str:
    return f"{SAVES_AREA}/{save_id}"


def clean_filename(name: str | None, limit: int, *, from_path: bool = False) -> str:
    """A display name without control characters, at most ``limit`` characters; for the
    name a browser sent with the file (``from_path``), only its last path component. It is
    only ever shown and sent back, never used as a path."""
    text = unicodedata.normalize("NFC", name or "")
    if from_path:
        text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _CONTROL.sub("", text).strip()
    return text[:limit] or "save"


def check_aar(aar: str | None, settings: Settings) -> str | None:
    if aar is not None:
        aar = aar.replace("\x00", "")  # PostgreSQL text cannot hold NUL (nor would a reader)
    if aar is None or not aar.strip():
        return None
    if len(aar) > settings.limits.max_aar_chars:
        raise Rejected(f"the AAR is longer than {settings.limits.max_aar_chars} characters")
    return aar


async def file_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    """A multipart file part's bytes, as ``spool`` reads them."""
    while chunk := await upload.read(CHUNK):
        yield chunk


async def spool(chunks: AsyncIterable[bytes], directory: Path, limit: int) -> Spooled:
    """Copy the uploaded file (a file part's ``file_chunks``, or a raw request body, both
    already decompressed by app.web.compressed) into a temporary file in ``directory``,
    hashing it, and stopping with TooLarge past ``limit`` bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=directory)
    os.close(fd)
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        async with await anyio.open_file(path, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"the file is larger than the limit of {limit} bytes")
                digest.update(chunk)
                await out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Spooled(path=path, size=size, sha256=digest.hexdigest())


async def upload_save(
    *,
    chunks: AsyncIterable[bytes],
    sent_name: str | None,
    filename: str | None,
    aar: str | None,
    user: CurrentUser,
    storage: Storage,
    pool: KernelPool,
    settings: Settings,
    max_bytes: int,
) -> str:
    """Store a new save (its bytes: ``chunks``, at most ``max_bytes`` of them; the name the
    client gave the file, maybe a path: ``sent_name``); returns its id. Raises an
    UploadError subclass when refused."""
    limit = settings.limits.max_filename_chars
    if filename and filename.strip():
        name = clean_filename(filename, limit)
    else:
        name = clean_filename(sent_name, limit, from_path=True)
    aar = check_aar(aar, settings)
    spooled = await spool(chunks, settings.var_path / "tmp", max_bytes)
    try:
        try:
            parsed = await pool.parse(str(spooled.path))
        except SaveRejected as exc:
            raise Rejected(str(exc)) from None
        except ParserCrashed as exc:
            raise Rejected(str(exc)) from None
        try:
            existing = await save_id_for_hash(parsed.content_hash)
            if existing is not None:
                raise Duplicate(existing)
            return await _store(parsed, spooled, name, aar, user, storage)
        except Exception as exc:
            # The database went away (restart, failover, connections cut): a retryable 503
            # with a message, not a 500. _store has removed the object unless the row made
            # it (the commit's outcome is unknowable when the connection died during it).
            if not db.is_unavailable(exc):
                raise
            logger.error("the database failed during an upload: %s", exc)
            raise DatabaseUnavailable("the database is unavailable; try again later") from exc
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.Path(spooled.path).unlink(missing_ok=True)


async def _store(
    parsed: ParsedSave,
    spooled: Spooled,
    filename: str,
    aar: str | None,
    user: CurrentUser,
    storage: Storage,
) -> str:
    save_id = new_save_id()
    key = storage_key(save_id)
    row = _row(save_id, key, parsed, spooled, filename, aar, user)
    attempted = False
    try:
        async with Save._meta.db.transaction():
            await Save.insert(row)
            attempted = True
            await storage.put(key, spooled.path)
    except BaseException as exc:
        if attempted:
            with anyio.CancelScope(shield=True):
                await _discard_unless_committed(save_id, key, storage)
        if isinstance(exc, UniqueViolationError) and "hash" in (exc.constraint_name or ""):
            existing = await save_id_for_hash(parsed.content_hash)
            if existing is not None:
                raise Duplicate(existing) from None
        if isinstance(exc, StorageError):
            logger.error("storing %s failed: %s", key, exc)
            raise StorageUnavailable("the file store is unavailable; nothing was saved") from exc
        raise
    return save_id


async def _discard_unless_committed(save_id: str, key: str, storage: Storage) -> None:
    try:
        committed = await Save.exists().where(Save.id == save_id)
    except Exception:
        logger.exception("cannot tell whether save %s was committed; removing its file", save_id)
        committed = False
    if committed:
        return
    try:
        await storage.delete(key)
    except StorageError:
        logger.exception("ORPHAN: could not remove %s after a failed upload", key)


def _row(
    save_id: str,
    key: str,
    parsed: ParsedSave,
    spooled: Spooled,
    filename: str,
    aar: str | None,
    user: CurrentUser,
) -> Save:
    return Save(
        id=save_id,
        user_id=user.id,
        filename=filename,
        aar=aar,
        size=spooled.size,
        storage_key=key,
        file_sha256=spooled.sha256,
        **analysis_columns(parsed),
    )


# Multiplayer names kept in the ``players`` column, and characters of each.
MAX_PLAYERS: Final = 256
PLAYER_CHARS: Final = 100


def _fit(text: str | None, column: Varchar) -> str | None:
    """Text from the file cut to the column's size (the table is the one place for it)."""
    return text[: column.length] or None if text else None


def analysis_columns(parsed: ParsedSave) -> dict[str, Any]:
    """The columns the kernel fills (upload and reprocess): everything but the file, the
    owner, the user's text and the admin's ``leaderboard_qualified``."""
    version = parsed.save_version
    return {
        "hash": parsed.content_hash,
        "game": parsed.game,
        "container": parsed.container,
        "encoding": parsed.encoding,
        "date": parsed.date,
        "days": parsed.days,
        "score_days": parsed.score_days,
        "player_tag": _fit(parsed.player, Save.player_tag),
        "player_tag_name": _fit(parsed.player_name, Save.player_tag_name),
        "player_start_tag": _fit(parsed.player_start_tag, Save.player_start_tag),
        "player_start_tag_name": _fit(parsed.player_start_name, Save.player_start_tag_name),
        "save_version_first": version.first if version else None,
        "save_version_second": version.second if version else None,
        "save_version_third": version.third if version else None,
        "save_version_fourth": version.fourth if version else None,
        "achieve_ids": list(parsed.achieve_ids),
        "players": [name[:PLAYER_CHARS] for name in parsed.players[:MAX_PLAYERS]],
        "playthrough_id": _fit(parsed.playthrough_id, Save.playthrough_id),
        "game_difficulty": parsed.game_difficulty,
        "analysis": parsed.payload_json.decode(),
        "kernel_version": parsed.kernel_version,
    }


# --- queries ------------------------------------------------------------------------------

# SaveSummary (the API's and the pages' view of a row) is the one list of the summary
# columns: each field is the Save column of its name, except these (the API keeps
# pdx.tools' names) and the two computed in ``summary``.
_RENAMED: Final[dict[str, Column]] = {
    "upload_time": Save.created_on,
    "achievements": Save.achieve_ids,
}
_COMPUTED: Final = frozenset(("user_name", "patch"))
_VERSION: Final = tuple(
    getattr(Save, f"save_version_{n}") for n in ("first", "second", "third", "fourth")
)
_AUTHOR: Final = (
    Save.user_id.username.as_alias("username"),
    Save.user_id.display_name.as_alias("display_name"),
)


def _summary_columns() -> tuple[Column, ...]:
    columns: list[Column] = []
    for field in SaveSummary.__struct_fields__:
        if field not in _COMPUTED:
            columns.append(_RENAMED.get(field) or getattr(Save, field))
    return (*columns, *_VERSION)


_SUMMARY: Final = _summary_columns()
# The same columns for hand-written SQL over ``saves s JOIN users u`` (the leaderboards).
SUMMARY_SQL: Final = ", ".join(
    [f"s.{column._meta.db_column_name}" for column in _SUMMARY] + ["u.username", "u.display_name"]
)


def _patch(row: dict[str, Any]) -> str | None:
    parts = [row[column._meta.name] for column in _VERSION]
    if any(p is None for p in parts):
        return None
    return ".".join(str(p) for p in parts)


def summary(row: dict[str, Any]) -> SaveSummary:
    """A row of ``_SUMMARY`` (plus the author's names) as the API and pages show it."""
    fields: dict[str, Any] = {}
    for field in SaveSummary.__struct_fields__:
        if field not in _COMPUTED:
            column = _RENAMED.get(field)
            fields[field] = row[column._meta.name if column is not None else field]
    fields["achievements"] = list(fields["achievements"] or [])
    fields["players"] = list(fields["players"] or [])
    return SaveSummary(
        **fields, user_name=row["display_name"] or row["username"], patch=_patch(row)
    )


async def save_id_for_hash(content_hash: str) -> str | None:
    row = await Save.select(Save.id).where(Save.hash == content_hash).first()
    return None if row is None else str(row["id"])


def encode_cursor(row: SaveSummary) -> str:
    return cursors.pack(f"{row.upload_time.isoformat()}|{row.id}")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The position an ``encode_cursor`` cursor names: an aware datetime (UTC) and a
    save id. It comes from the query string, so BadCursor for anything else: not base64,
    not UTF-8, no ``|``, a naive or unreadable date or one outside datetime's range once
    shifted to UTC (asyncpg would fail on it), an id that is not a save id (a NUL, which
    PostgreSQL text refuses)."""
    moment, bar, save_id = cursors.unpack(cursor).partition("|")
    try:
        when = datetime.fromisoformat(moment)
        if bar and when.tzinfo is not None and SAVE_ID.fullmatch(save_id):
            return when.astimezone(UTC), save_id
    except (ValueError, OverflowError):
        pass
    raise BadCursor(BAD_CURSOR)


async def list_saves(
    *, cursor: str | None, limit: int, user_id: int | None = None
) -> tuple[list[SaveSummary], str | None]:
    """Newest first; ``cursor`` continues after the last save of the previous page."""
    query = Save.select(*_SUMMARY, *_AUTHOR)
    if user_id is not None:
        query = query.where(Save.user_id == user_id)
    if cursor:
        moment, save_id = decode_cursor(cursor)
        query = query.where(
            (Save.created_on < moment) | ((Save.created_on == moment) & (Save.id < save_id))
        )
    rows = await query.order_by(Save.created_on, Save.id, ascending=False).limit(limit + 1)
    saves = [summary(row) for row in rows[:limit]]
    next_cursor = encode_cursor(saves[-1]) if len(rows) > limit and saves else None
    return saves, next_cursor


async def get_save(save_id: str, *, with_analysis: bool = True) -> SaveDetail | None:
    """A save's row; without its analysis payload (``analysis`` None) when the caller gets
    it elsewhere (the save page: app.saves.analysis_cache)."""
    columns = [*_SUMMARY, *_AUTHOR, Save.aar, Save.file_sha256]
    if with_analysis:
        columns.append(Save.analysis)
    row = await Save.select(*columns).where(Save.id == save_id).first()
    if row is None:
        return None
    analysis = row.get("analysis")
    base = msgspec.structs.asdict(summary(row))
    return SaveDetail(
        **base,
        aar=row["aar"],
        file_sha256=row["file_sha256"],
        # PostgreSQL's jsonb text goes out as it is (msgspec.Raw): decoding a large save's
        # payload (megabytes) only to encode it again would hold the event loop.
        analysis=cast(Any, msgspec.Raw(analysis)) if isinstance(analysis, str) else analysis,
    )


async def analysis_stamp(save_id: str) -> tuple[datetime, int] | None:
    """(analyzed_on, stored size of the payload) of a save: what tells one stored analysis
    from another (app.saves.analysis_cache); None without a save or a payload. Cheap:
    ``pg_column_size`` reads the stored value's header, not the value."""
    rows = await Save.raw(
        "SELECT analyzed_on, pg_column_size(analysis) AS size FROM saves WHERE id = {}", save_id
    )
    if not rows or rows[0]["size"] is None:
        return None
    return rows[0]["analyzed_on"], int(rows[0]["size"])


async def analysis_text(save_id: str) -> str | None:
    """The stored analysis payload of a save as JSON text (None: no save, or no payload)."""
    row = await Save.select(Save.analysis).where(Save.id == save_id).first()
    if row is None or row["analysis"] is None:
        return None
    analysis = row["analysis"]
    return analysis if isinstance(analysis, str) else msgspec.json.encode(analysis).decode()


async def file_of(save_id: str) -> tuple[str, str, str] | None:
    """(storage key, sha256 of the bytes, filename) of a save."""
    row = await (
        Save.select(Save.storage_key, Save.file_sha256, Save.filename)
        .where(Save.id == save_id)
        .first()
    )
    if row is None:
        return None
    return row["storage_key"], row["file_sha256"], row["filename"]


async def owner_of(save_id: str) -> int | None:
    row = await Save.select(Save.user_id).where(Save.id == save_id).first()
    return None if row is None else int(row["user_id"])


async def update_save(
    save_id: str,
    *,
    settings: Settings,
    filename: str | None = None,
    aar: str | None = None,
    leaderboard_qualified: bool | None = None,
) -> None:
    changes: dict[Any, Any] = {}
    if filename is not None:
        changes[Save.filename] = clean_filename(filename, settings.limits.max_filename_chars)
    if aar is not None:
        changes[Save.aar] = check_aar(aar, settings)
    if leaderboard_qualified is not None:
        changes[Save.leaderboard_qualified] = leaderboard_qualified
    if changes:
        await Save.update(changes).where(Save.id == save_id)


class SaveCache(Protocol):
    """Files kept for a save outside the database (its map pictures, its melted file)."""

    async def forget(self, save_id: str) -> None: ...


async def delete_save(save_id: str, storage: Storage, caches: Sequence[SaveCache] = ()) -> bool:
    """Delete the row and its object together: if the object cannot be removed, the row
    stays too (the transaction rolls back); then what ``caches`` keep of it. Every way to
    delete a save goes through here (the pages, the API, Piccolo Admin)."""
    async with Save._meta.db.transaction():
        rows = await Save.delete().where(Save.id == save_id).returning(Save.storage_key)
        if not rows:
            return False
        try:
            await storage.delete(rows[0]["storage_key"])
        except StorageError as exc:
            raise StorageUnavailable("the file store is unavailable; nothing was deleted") from exc
    for cache in caches:
        await cache.forget(save_id)
    return True


async def count_saves(user_id: int | None = None) -> int:
    query = Save.count()
    if user_id is not None:
        query = query.where(Save.user_id == user_id)
    return int(await query)
