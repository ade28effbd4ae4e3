"""The database: Piccolo's engine, the embedded PostgreSQL, and the migrations.

Piccolo finds its engine through ``PICCOLO_CONF`` (``app.piccolo_conf``), whose ``DB`` is
built from the environment. Entry points call ``use_database(settings)`` before touching
the database: it starts the embedded PostgreSQL (PyPI ``pgserver``, a real server in
``<var_dir>/pgdata``) when ``DATABASE_URL`` is unset, and points ``DB`` at the URL.
One process serves one database: Piccolo's tables share that one engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from app.settings import Settings

if TYPE_CHECKING:
    from app.piccolo_conf import Engine

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE: Final = "chronicle"
MIN_SERVER_VERSION: Final = 13


def engine() -> Engine:
    """The engine of ``app.piccolo_conf`` (the one every table uses). Imported when first
    asked for: building it reads the environment, which importing this module must not."""
    from app.piccolo_conf import DB

    return DB


# --- embedded PostgreSQL -------------------------------------------------------------

_embedded: dict[Path, Any] = {}


def start_embedded(var_dir: Path) -> str:
    """Start (or join) the embedded server in ``var_dir/pgdata``; return a URL of its
    ``chronicle`` database (created if missing). The server stops when the last process
    that joined it exits."""
    from pgserver.postgres_server import get_server

    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (var_dir / "pgdata").resolve()
    server = _embedded.get(pgdata)
    if server is None:
        logger.info("starting the embedded PostgreSQL in %s", pgdata)
        server = get_server(pgdata, cleanup_mode="stop")
        _embedded[pgdata] = server
    admin_url: str = server.get_uri("postgres")
    _run(create_database(admin_url, EMBEDDED_DATABASE, if_missing=True))
    url: str = server.get_uri(EMBEDDED_DATABASE)
    return url


def _run(coro: Any) -> Any:
    """Run ``coro`` to completion from synchronous code, inside a running loop or not."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def database_url(settings: Settings) -> str:
    """``DATABASE_URL``, or the embedded server's (started here when needed)."""
    if settings.database.url:
        return settings.database.url
    return start_embedded(settings.var_path)


def use_database(settings: Settings) -> str:
    """Point Piccolo's engine at the database of ``settings``; return its URL."""
    url = database_url(settings)
    db = engine()
    if db.pool is not None:
        raise RuntimeError("the database is in use (a pool is open): one app per process")
    db.use(url)
    return url


async def check_server(url: str) -> None:
    """Fail with a clear message when the server is unreachable or too old."""
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise RuntimeError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from exc
    try:
        version = conn.get_server_version()
    finally:
        await conn.close()
    if version.major < MIN_SERVER_VERSION:
        raise RuntimeError(f"PostgreSQL {version.major} is too old (need {MIN_SERVER_VERSION}+)")


async def migrate() -> None:
    """Apply every migration (ours and those shipped in the packages of APP_REGISTRY)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    with contextlib.redirect_stdout(_LogWriter()):
        result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")


class _LogWriter:
    """Piccolo's migration runner prints its progress; send it to the log instead."""

    def write(self, text: str) -> int:
        if text.strip():
            logger.info("migrations: %s", text.strip())
        return len(text)

    def flush(self) -> None:
        return None


async def create_database(admin_url: str, name: str, *, if_missing: bool = False) -> None:
    """CREATE DATABASE ``name`` through ``admin_url`` (a connection to another database)."""
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and if_missing:
            return
        await conn.execute(f'CREATE DATABASE "{_identifier(name)}"')
    finally:
        await conn.close()


async def drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')
    finally:
        await conn.close()


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain database name: {name!r}")
    return name


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


# SQLSTATE classes and codes of "the database is not there" (rather than "this query is
# wrong"): connection exceptions (08…), the server shutting down, refusing connections or
# terminating ours (57P01-57P04; not 57014, a cancelled query), too many connections, a
# database that does not exist (any more) or does not accept connections now.
_UNAVAILABLE_STATES: Final = ("08", "57P", "53300", "3D000")
_NOT_ACCEPTING: Final = "not currently accepting connections"


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or dropped the connection (a
    retryable outage, answered with 503), as opposed to a failing query."""
    if isinstance(exc, OSError):  # refused, reset, timed out (TimeoutError is an OSError)
        return True
    if isinstance(exc, asyncpg.InterfaceError):  # "connection is closed", "pool is closing"
        return "closed" in str(exc) or "closing" in str(exc)
    if isinstance(exc, asyncpg.PostgresError):
        state = getattr(exc, "sqlstate", None) or ""
        if state.startswith(_UNAVAILABLE_STATES):
            return True
        return isinstance(exc, asyncpg.ObjectNotInPrerequisiteStateError) and (
            _NOT_ACCEPTING in str(exc)
        )
    return False


def redact(url: str) -> str:
    """``url`` without its password (for messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
