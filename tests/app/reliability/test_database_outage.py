"""The database goes away under a running app, in the middle of an upload, and comes back
(issue #8). The upload that was waiting on it answers 503 "the database is unavailable;
try again later" (app.saves.services, app.db.is_unavailable); other requests meanwhile
answer 503 with the same message as a page, a fragment or JSON (app/web/errors.py) and
/health says the database failed (503, app/web/health.py); none hangs. Nothing is stored,
and once the database accepts connections again the same app serves and stores again,
without a restart.

The outage is real and deterministic: the app runs on its own copy of the session's
migrated database; a transaction of the test locks the saves table so that an upload
waits inside PostgreSQL (seen in pg_stat_activity); then the database stops accepting
connections (``ALTER DATABASE … ALLOW_CONNECTIONS false``) and every backend connected to
it is terminated (``pg_terminate_backend``), the waiting upload's among them. Allowing
connections again is the recovery.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from app import db
from app.settings import DatabaseSettings

TIMEOUT = 60


class Admin:
    """asyncpg connections driven from the test's thread: an event loop of their own in a
    background thread (the connections outlive single calls, unlike ``sql``)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def __call__(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(TIMEOUT)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        self.loop.close()


@pytest.fixture
def admin() -> Iterator[Admin]:
    runner = Admin()
    yield runner
    runner.close()


@pytest.fixture
def own_database(pg_admin_url: str, database_url: str, admin: Admin) -> Iterator[str]:
    """A copy of the session's migrated database (``CREATE DATABASE … TEMPLATE``): the app
    of this test runs on it, so the outage touches nothing else. Dropped afterwards."""
    name = f"chronicle_outage_{secrets.token_hex(4)}"
    template = urlsplit(database_url).path.lstrip("/")

    async def create() -> None:
        conn = await asyncpg.connect(pg_admin_url)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    return
                except asyncpg.ObjectInUseError:  # a closing connection of an earlier app
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
        finally:
            await conn.close()

    admin(create())
    try:
        yield db.with_database(pg_admin_url, name)
    finally:

        async def drop() -> None:
            conn = await asyncpg.connect(pg_admin_url)
            try:
                await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            finally:
                await conn.close()
            await db.drop_database(pg_admin_url, name)

        admin(drop())


async def _fetchval(url: str, query: str, *args: Any) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


def test_database_outage_mid_upload_and_recovery(
    own_database, pg_admin_url, admin, make_settings, serve_app, api_user, make_save,
    stored, readable,
):  # fmt: skip
    name = urlsplit(own_database).path.lstrip("/")

    def rows() -> int:
        return int(admin(_fetchval(own_database, "SELECT count(*) FROM saves")))

    settings = make_settings(database=DatabaseSettings(url=own_database, pool_max_size=3))
    with serve_app(settings) as server:
        user = api_user(server)
        store = stored(server)
        before = rows()
        first = user.upload(make_save())
        assert first.status_code == 201, first.text
        first_id = first.json()["save_id"]
        blocked = make_save()

        # An upload that waits inside PostgreSQL: the saves table is locked by the test.
        lock = admin(asyncpg.connect(own_database))
        admin(lock.execute("BEGIN; LOCK TABLE saves IN ACCESS EXCLUSIVE MODE"))
        outcome: list[httpx.Response] = []
        upload = threading.Thread(target=lambda: outcome.append(user.upload(blocked)))
        upload.start()
        waiting = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
            " AND wait_event_type = 'Lock' AND pid <> $2"
        )
        deadline = time.monotonic() + TIMEOUT
        while not admin(_fetchval(pg_admin_url, waiting, name, lock.get_server_pid())):
            assert upload.is_alive() and time.monotonic() < deadline, outcome
            time.sleep(0.02)

        # The outage: no new connections, every existing one cut (the lock's too).
        async def cut() -> None:
            conn = await asyncpg.connect(pg_admin_url)
            try:
                await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                await conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    name,
                )
            finally:
                await conn.close()

        admin(cut())
        lock.terminate()
        upload.join(TIMEOUT)
        assert not upload.is_alive(), "the upload hangs after the database went away"
        (response,) = outcome
        assert response.status_code == 503, (response.status_code, response.text)
        detail = response.json()["detail"]
        readable(detail)
        assert "database is unavailable" in detail, detail

        # While the database is down: 503s that say so, fast, never a hang.
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as anonymous:
            health = anonymous.get("/health")
            assert health.status_code == 503, health.text
            assert health.json()["database"] == "error"
            assert health.json()["storage"] == "ok"
            for path in ("/", f"/saves/{first_id}", "/achievements"):
                page = anonymous.get(path)
                assert page.status_code == 503, (path, page.text[:300])
                assert page.headers["content-type"].startswith("text/html")
                assert page.headers["retry-after"].isdigit()
                assert "<h1>503</h1>" in page.text
                assert "The database is unavailable; try again later." in page.text
                assert "Traceback" not in page.text
            fragment = anonymous.get("/", headers={"HX-Request": "true"})
            assert fragment.status_code == 503
            assert "database is unavailable" in fragment.text
            api = anonymous.get("/api/saves")
            assert api.status_code == 503, api.text
            assert api.json() == {
                "status_code": 503,
                "detail": "The database is unavailable; try again later.",
            }
        # A new upload fails before its file is read (logging in needs the database).
        again = user.upload(blocked)
        assert again.status_code == 503, again.text
        readable(again.json()["detail"])
        assert "database is unavailable" in again.json()["detail"]

        # The database comes back: the same app serves and stores again.
        admin(_fetchval(pg_admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        assert rows() == before + 1  # nothing of the outage was stored
        assert store.objects() == {first_id}
        assert store.temp_files() == []
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as anonymous:
            health = anonymous.get("/health")
            assert health.status_code == 200, health.text
            page = anonymous.get("/")
            assert page.status_code == 200
            assert f"/saves/{first_id}" in page.text
            listed = anonymous.get("/api/saves").json()["saves"]
            assert first_id in {save["id"] for save in listed}
        response = user.upload(blocked)
        assert response.status_code == 201, response.text
        second_id = response.json()["save_id"]
        assert rows() == before + 2
        assert store.objects() == {first_id, second_id}
        assert store.temp_files() == []


def test_outage_errors_are_told_from_query_errors(pg_admin_url, database_url, admin):
    """``db.is_unavailable`` (what turns an upload's database failure into a 503) on the
    errors a real server gives: an outage is retryable, a bad query is not."""

    async def error_of(coro_factory) -> BaseException:
        try:
            await coro_factory()
        except Exception as exc:
            return exc
        raise AssertionError("no error")

    async def query(sql: str) -> None:
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    with socket_closed_port() as port:
        refused = admin(error_of(lambda: asyncpg.connect(f"postgresql://x@127.0.0.1:{port}/x")))
    missing = db.with_database(pg_admin_url, f"chronicle_missing_{secrets.token_hex(4)}")
    no_database = admin(error_of(lambda: asyncpg.connect(missing)))
    timeout = "SET statement_timeout = 1; SELECT pg_sleep(1)"
    cancelled = admin(error_of(lambda: query(timeout)))
    syntax = admin(error_of(lambda: query("SELEC 1")))
    duplicate = admin(
        error_of(lambda: query("CREATE TEMP TABLE t (a int UNIQUE); INSERT INTO t VALUES (1), (1)"))
    )
    assert db.is_unavailable(refused), refused
    assert db.is_unavailable(no_database), no_database
    assert not db.is_unavailable(cancelled), cancelled
    assert not db.is_unavailable(syntax), syntax
    assert not db.is_unavailable(duplicate), duplicate


@contextlib.contextmanager
def socket_closed_port() -> Iterator[int]:
    """A loopback port nothing listens on (bound, never listening, for the block)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
