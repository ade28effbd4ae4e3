"""Helpers of the reliability tests (issue #8, the HTTP side): what a server has stored,
and an API client that uploads with HTTP Basic (``user_id:api_key``: no CSRF token).

Every test here talks HTTP to the real app (uvicorn on loopback), with the real kernel
pool and the test session's PostgreSQL; nothing of ours is mocked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psutil
import pytest
from support.http import basic

# A hang guard for every request (never a speed assertion).
TIMEOUT = 60.0


@dataclass
class Stored:
    """What a server running with local storage holds on disk."""

    server: Any

    @property
    def var(self) -> Any:
        return self.server.app.state.settings.var_path

    def objects(self) -> set[str]:
        """Names of the stored objects (a save's object is named by its id)."""
        root = self.var / "storage"
        return {p.name for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()

    def temp_files(self) -> list[str]:
        """The app's upload spool (``<var>/tmp``): empty between requests."""
        root = self.var / "tmp"
        return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


@pytest.fixture
def stored() -> Callable[[Any], Stored]:
    return Stored


@pytest.fixture
def save_count(sql: Callable[..., list[dict[str, Any]]]) -> Callable[[], int]:
    """The number of rows of the saves table."""
    return lambda: int(sql("SELECT count(*) AS n FROM saves")[0]["n"])


@dataclass
class ApiUser:
    """A registered user of a server and a client that authenticates with its API key."""

    url: str
    user_id: int
    key: str

    @property
    def auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(str(self.user_id), self.key)

    @property
    def authorization(self) -> str:
        """The ``Authorization`` header's value."""
        return basic(self.user_id, self.key)["Authorization"]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=self.auth, timeout=TIMEOUT)

    def upload(self, data: bytes, name: str = "save.eu4") -> httpx.Response:
        with self.client() as client:
            return client.post("/api/saves", files={"file": (name, data)})


@pytest.fixture
def api_user(
    client_for: Callable[[str], Any], unique: Callable[[str], str]
) -> Iterator[Callable[[Any], ApiUser]]:
    """``api_user(server)``: a new user of ``server`` with an API key."""

    def make(server: Any) -> ApiUser:
        browser = client_for(server.url)
        browser.register(unique("rel"))
        user_id, key = browser.api_key()
        return ApiUser(server.url, user_id, key)

    yield make


def assert_serving(url: str) -> None:
    """The start page and the health check answer 200."""
    assert httpx.get(url + "/", timeout=TIMEOUT).status_code == 200
    health = httpx.get(url + "/health", timeout=TIMEOUT)
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "ok"


@pytest.fixture
def serving() -> Callable[[str], None]:
    return assert_serving


def assert_readable(detail: Any) -> None:
    """A message for people: one non-empty line, no traceback, not the generic 500."""
    assert isinstance(detail, str) and detail.strip(), detail
    assert "\n" not in detail, detail
    assert "Traceback" not in detail and 'File "' not in detail, detail
    assert "Internal Server Error" not in detail, detail


@pytest.fixture
def readable() -> Callable[[Any], None]:
    return assert_readable


def _is_pool_worker(process: psutil.Process) -> bool:
    """A ``multiprocessing`` spawn child (``-c "from multiprocessing.spawn import
    spawn_main; …" --multiprocessing-fork``), alive; not the resource tracker."""
    try:
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        command = " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False
    return "spawn_main" in command and "--multiprocessing-fork" in command


def kernel_workers(count: int, exclude: frozenset[int] = frozenset()) -> list[psutil.Process]:
    """The kernel pool's worker processes: the app runs in this process (uvicorn in a
    thread), so its pool workers are this process's spawn children. Waits (bounded) until
    exactly ``count`` of them, not in ``exclude``, are alive: the pool starts its workers
    on demand, and replaces dead ones."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        found = [
            p for p in psutil.Process().children() if p.pid not in exclude and _is_pool_worker(p)
        ]
        if len(found) == count:
            return found
        assert time.monotonic() < deadline, f"expected {count} kernel workers, found {found}"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def workers() -> Callable[..., list[psutil.Process]]:
    """``workers(count, exclude=…)``: see ``kernel_workers``."""
    return kernel_workers
