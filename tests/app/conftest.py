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

import asyncio
import base64
import concurrent.futures
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
import uvicorn

from app import db
from app.asgi import create_app
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
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _load_helper(name: str) -> Any:
    """A helper module beside this file (test modules are imported with importlib mode,
    so they get helpers as fixtures)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"chronicle_test_{name}", Path(__file__).with_name(f"{name}.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EU4BIN = _load_helper("eu4bin")


@pytest.fixture(scope="session")
def eu4bin() -> Any:
    """tests/app/eu4bin.py: crafted EU4 saves, as text and as binary with a token table."""
    return EU4BIN


def run(coro: Any) -> Any:
    """Run a coroutine from a (synchronous) test. While Playwright's sync API is active
    the thread has a running event loop, so the coroutine then runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


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


@pytest.fixture(scope="session")
def database_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh database with every migration applied; dropped after the session."""
    name = f"chronicle_test_{secrets.token_hex(4)}"
    run(db.create_database(pg_admin_url, name))
    url = db.with_database(pg_admin_url, name)
    try:
        db.use_database(Settings(database=DatabaseSettings(url=url)))
        run(db.migrate())
        yield url
    finally:
        run(db.drop_database(pg_admin_url, name))


def _query(url: str) -> Callable[..., list[dict[str, Any]]]:
    def query(text: str, *args: Any) -> list[dict[str, Any]]:
        async def go() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(url)
            try:
                return [dict(r) for r in await conn.fetch(text, *args)]
            finally:
                await conn.close()

        rows: list[dict[str, Any]] = run(go())
        return rows

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
    name = f"chronicle_test_{secrets.token_hex(4)}"
    run(db.create_database(pg_admin_url, name))
    url = db.with_database(pg_admin_url, name)
    try:
        db.use_database(Settings(database=DatabaseSettings(url=url)))
        run(db.migrate())
        yield url
    finally:
        run(db.drop_database(pg_admin_url, name))


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
            limits=LimitSettings(login_rate_per_minute=10_000, upload_rate_per_minute=10_000),
            kernel=KernelSettings(workers=2),
            web=WebSettings(var_dir=str(var), log_level="warning"),
        )
        return msgspec.structs.replace(base, **groups)

    return build


@dataclass
class Server:
    url: str
    app: Any
    settings: Settings


@contextmanager
def serve(settings: Settings, prepare: Callable[[Any], None] | None = None) -> Iterator[Server]:
    """Run ``create_app(settings)`` with uvicorn on a free loopback port, in a thread."""
    app = create_app(settings)
    if prepare is not None:
        prepare(app)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start (see the log above)")
            time.sleep(0.05)
        yield Server(url=f"http://127.0.0.1:{port}", app=app, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


@pytest.fixture(scope="session")
def static_site_dir() -> Path:
    """dist/ as scripts/test builds it with scripts/build_static.py (built here if missing)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    folder = root / "dist"
    if not (folder / "index.html").is_file():
        subprocess.run([sys.executable, str(root / "scripts" / "build_static.py")], check=True)
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


@dataclass
class Browser:
    """An HTTP client that keeps cookies and sends the CSRF token like htmx does."""

    base: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=120)

    def close(self) -> None:
        self.client.close()

    @property
    def csrf(self) -> str:
        token = self.client.cookies.get("chronicle_csrf")
        if token is None:
            self.client.get("/login")
            token = self.client.cookies.get("chronicle_csrf")
        assert token, "no CSRF cookie"
        return token

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, *, csrf: bool = True, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if csrf:
            headers.setdefault("x-csrftoken", self.csrf)
        return self.client.post(path, headers=headers, **kwargs)

    def request(
        self, method: str, path: str, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if csrf:
            headers.setdefault("x-csrftoken", self.csrf)
        return self.client.request(method, path, headers=headers, **kwargs)

    def register(self, username: str, password: str = "correct horse battery") -> httpx.Response:
        response = self.post(
            "/register",
            data={"username": username, "password": password, "password_again": password},
        )
        assert response.status_code == 303, response.text
        return response

    def login(self, username: str, password: str = "correct horse battery") -> httpx.Response:
        return self.post("/login", data={"username": username, "password": password})

    def logout(self) -> httpx.Response:
        return self.post("/logout")

    def api_key(self) -> tuple[int, str]:
        response = self.post("/api/key")
        assert response.status_code == 201, response.text
        body = response.json()
        return body["user_id"], body["api_key"]

    def upload(
        self, content: bytes | Path, name: str = "save.eu4", **fields: str
    ) -> httpx.Response:
        data = content.read_bytes() if isinstance(content, Path) else content
        return self.post("/api/saves", files={"file": (name, data)}, data=fields)


def basic(user_id: int, api_key: str) -> dict[str, str]:
    token = base64.b64encode(f"{user_id}:{api_key}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def browser(app_server: Server) -> Iterator[Browser]:
    client = Browser(app_server.url)
    yield client
    client.close()


@pytest.fixture
def new_browser(app_server: Server) -> Iterator[Callable[[], Browser]]:
    made: list[Browser] = []

    def make() -> Browser:
        client = Browser(app_server.url)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def unique() -> Callable[[str], str]:
    """A unique username with a prefix."""
    return lambda prefix: f"{prefix}{secrets.token_hex(4)}"


def _eu4_corpus() -> list[Path]:
    folder = CORPUS / "saves" / "eu4"
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {folder}")
    return sorted(p for p in folder.iterdir() if p.is_file())


@pytest.fixture
def eu4_saves() -> list[Path]:
    """Every EU4 save file of ../shared/corpus/saves/eu4 (skips when the corpus is absent)."""
    return _eu4_corpus()


@pytest.fixture(scope="module")
def eu4_corpus() -> list[Path]:
    """``eu4_saves`` for module-scoped fixtures."""
    return _eu4_corpus()


@pytest.fixture(scope="session")
def browser_class() -> type[Browser]:
    """The Browser class, for module-scoped fixtures that need their own client."""
    return Browser


def fresh_save(tag: str = "") -> bytes:
    """A small valid EU4 text save whose content is unique (so it is never a duplicate)."""
    marker = tag or secrets.token_hex(8)
    return (
        b'EU4txt\ndate=1450.3.1\nplayer="FRA"\ndisplayed_country_name="France"\n'
        b'savegame_version={\n\tfirst=1\n\tsecond=37\n\tthird=2\n\tforth=0\n\tname="x"\n}\n'
        b'campaign_id="' + marker.encode() + b'"\n'
    )


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
    import subprocess
    import sys

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
