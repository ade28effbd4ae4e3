"""Fixtures for the web application tests: a real PostgreSQL database, the app served by
uvicorn on a free loopback port, and a small browser-like HTTP client.

Database: the machine's PostgreSQL at 127.0.0.1:5432 (trust auth) when it answers, else an
embedded server (pgserver) in a temporary directory. Either way each test session gets a
fresh database ``chronicle_test_<random>``, migrated once with the real migrations, and
dropped at the end.

One app runs at a time (Piccolo's tables share one engine per process): ``serve()``
starts an app for the duration of a ``with`` block; ``app_server`` is the default one.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from support import ROOT, corpus
from support.db import fetch, run
from support.http import Browser, Server, serve
from support.saves import fresh_save

from app import db
from app.settings import (
    DatabaseSettings,
    KernelSettings,
    LimitSettings,
    SecuritySettings,
    Settings,
    StorageSettings,
    WebSettings,
)

MACHINE_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


async def _reachable(url: str) -> bool:
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL of a maintenance database on a PostgreSQL server for the test session."""
    url = os.environ.get("CHRONICLE_TEST_PG", MACHINE_PG)
    if run(_reachable(url)):
        yield url
        return
    var = tmp_path_factory.mktemp("embedded-pg")
    from pgserver.postgres_server import get_server

    server = get_server(var / "pgdata", cleanup_mode="stop")
    try:
        yield server.get_uri("postgres")
    finally:
        server.cleanup()


@contextmanager
def _fresh_database(pg_admin_url: str) -> Iterator[str]:
    """A new database with every migration applied, dropped on exit."""
    name = f"chronicle_test_{secrets.token_hex(4)}"
    run(db.create_database(pg_admin_url, name))
    url = db.with_database(pg_admin_url, name)
    try:
        db.use_database(Settings(database=DatabaseSettings(url=url)))
        run(db.migrate())
        yield url
    finally:
        run(db.drop_database(pg_admin_url, name))


@pytest.fixture(scope="session")
def database_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh database with every migration applied; dropped after the session."""
    with _fresh_database(pg_admin_url) as url:
        yield url


def _query(url: str) -> Callable[..., list[dict[str, Any]]]:
    def query(text: str, *args: Any) -> list[dict[str, Any]]:
        return fetch(url, text, *args)

    return query


@pytest.fixture(scope="session")
def sql(database_url: str) -> Callable[..., list[dict[str, Any]]]:
    """``sql(query, *args)``: rows of a query on the test database (own connection)."""
    return _query(database_url)


@pytest.fixture(scope="module")
def own_database(pg_admin_url: str) -> Iterator[str]:
    """A migrated database for one module, dropped after it: for modules that need a
    clean slate whatever the others left in the session's database (serve an app on it
    with ``make_settings(database=DatabaseSettings(url=own_database))``)."""
    with _fresh_database(pg_admin_url) as url:
        yield url


@pytest.fixture(scope="module")
def own_sql(own_database: str) -> Callable[..., list[dict[str, Any]]]:
    """``sql`` for ``own_database``."""
    return _query(own_database)


@pytest.fixture(scope="session")
def make_settings(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Settings]:
    """Settings for a test app: the test database, a private var dir, generous limits;
    keyword arguments replace whole groups (``limits=LimitSettings(...)``)."""

    def build(**groups: Any) -> Settings:
        var = tmp_path_factory.mktemp("var")
        base = Settings(
            database=DatabaseSettings(url=database_url, pool_max_size=5),
            storage=StorageSettings(),
            security=SecuritySettings(secret_key="test-" + secrets.token_hex(16)),
            limits=LimitSettings(
                login_rate_per_minute=10_000,
                upload_rate_per_minute=10_000,
                melt_rate_per_minute=10_000,
            ),
            kernel=KernelSettings(workers=2),
            web=WebSettings(var_dir=str(var), log_level="warning"),
        )
        return msgspec.structs.replace(base, **groups)

    return build


@pytest.fixture(scope="session")
def static_site_dir() -> Path:
    """dist/ as scripts/test builds it with scripts/build_static.py (built here if missing)."""
    folder = ROOT / "dist"
    if not (folder / "index.html").is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_static.py")], check=True)
    return folder


@pytest.fixture(scope="module")
def static_site_server(
    make_settings: Callable[..., Settings], static_site_dir: Path
) -> Iterator[Server]:
    """The app serving ``static_site_dir`` under /site/, for one test module."""
    settings = make_settings()
    web = msgspec.structs.replace(settings.web, static_site_dir=str(static_site_dir))
    with serve(msgspec.structs.replace(settings, web=web)) as server:
        yield server


@pytest.fixture(scope="module")
def app_server(make_settings: Callable[..., Settings]) -> Iterator[Server]:
    """The app with default test settings (local storage), for one test module."""
    with serve(make_settings()) as server:
        yield server


@pytest.fixture
def browser(app_server: Server) -> Iterator[Browser]:
    client = Browser(app_server.url)
    yield client
    client.close()


@pytest.fixture
def new_browser(client_for: Callable[[str], Browser], app_server: Server) -> Callable[[], Browser]:
    """``new_browser()``: one more Browser of ``app_server``, closed after the test."""
    return lambda: client_for(app_server.url)


@pytest.fixture
def new_user(
    new_browser: Callable[[], Browser],
    unique: Callable[[str], str],
    sql: Callable[..., list[dict[str, Any]]],
) -> Callable[..., Browser]:
    """``new_user(prefix)``: a Browser of ``app_server`` signed in as a new user (named
    ``prefix`` + random hex); with ``admin=True`` the user is an admin (set in the
    session's database)."""

    def make(prefix: str, *, admin: bool = False) -> Browser:
        client = new_browser()
        name = unique(prefix)
        client.register(name)
        if admin:
            sql("UPDATE users SET admin = true WHERE username = $1", name)
        return client

    return make


@pytest.fixture
def admin(new_user: Callable[..., Browser]) -> Browser:
    """A Browser of ``app_server`` signed in as a new admin."""
    return new_user("admin", admin=True)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """A unique username with a prefix."""
    return lambda prefix: f"{prefix}{secrets.token_hex(4)}"


@pytest.fixture
def eu4_saves() -> list[Path]:
    """Every EU4 save file of the corpus's saves/eu4 (skips when the corpus is absent)."""
    return corpus.eu4_saves()


@pytest.fixture(scope="module")
def eu4_corpus() -> list[Path]:
    """``eu4_saves`` for module-scoped fixtures."""
    return corpus.eu4_saves()


@pytest.fixture(scope="session")
def browser_class() -> type[Browser]:
    """The Browser class, for module-scoped fixtures that need their own client."""
    return Browser


@pytest.fixture
def make_save() -> Callable[[str], bytes]:
    return fresh_save


@pytest.fixture(scope="session")
def serve_app() -> Callable[..., Any]:
    """``with serve_app(settings[, prepare]) as server:`` another app, for one test (stop
    the module's ``app_server`` users first: one app per process at a time)."""
    return serve


@pytest.fixture
def client_for() -> Iterator[Callable[[str], Browser]]:
    """``client_for(url)``: a Browser for another server, closed after the test."""
    made: list[Browser] = []

    def make(url: str) -> Browser:
        client = Browser(url)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server (moto's server mode) on a free loopback port, for the
    storage and health tests; each test makes its own buckets."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/moto-api/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto's server did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
