"""Graceful shutdown of ``python -m app serve`` (app/shutdown.py), as a subprocess:
SIGTERM during a large upload stops new connections, lets the upload finish (201) — or,
past SHUTDOWN_TIMEOUT, refuses it with a 503 after rolling it back — then stops the kernel
pool and the embedded PostgreSQL, leaves no orphan row, object or temporary file, and the
process exits 0."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest
from support.http import BOUNDARY, padded_upload
from support.saves import MiB


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """``python -m app serve --migrate`` on a free port, its output in a log file."""

    def __init__(self, tmp_path: Path, **env_extra: str) -> None:
        self.var = tmp_path / "var"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "server.log"
        drop = ("DATABASE_URL", "SECRET_KEY", "STORAGE_URL", "REDIS_URL", "PORT", "APP_HOST")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(VAR_DIR=str(self.var), KERNEL_WORKERS="1", LOG_LEVEL="info", **env_extra)
        self._log_file = open(self.log, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--migrate", "--port", str(self.port)],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, "the server exited:\n" + self.output()
            assert time.monotonic() < deadline, "the server did not answer:\n" + self.output()
            time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def refuses_connections(self, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


@pytest.fixture
def start_server(tmp_path):
    made = []

    def start(**env):
        server = ServerProcess(tmp_path, **env)
        made.append(server)
        server.wait_ready()
        return server

    yield start
    for server in made:
        server.stop()


def uploader(server, client_for, unique):
    """Basic-auth headers of a new user of ``server`` (and the user's id)."""
    client = client_for(server.url)
    client.register(unique("sigterm"))
    user_id, key = client.api_key()
    return user_id, httpx.BasicAuth(str(user_id), key)


class SlowUpload(threading.Thread):
    """POST /api/saves of ``size`` bytes, sent 1 MiB at a time: after ``first`` MiB it sets
    ``started`` and waits for ``go`` before sending the rest."""

    def __init__(self, url, auth, save: bytes, size: int, first: int = 4) -> None:
        super().__init__(daemon=True)
        self.url, self.auth = url, auth
        body, closing, self.file_size = padded_upload(save, size, "big.eu4")
        self.body = body + closing
        self.first = first * MiB
        self.started = threading.Event()
        self.go = threading.Event()
        self.response: httpx.Response | None = None
        self.error: Exception | None = None

    def chunks(self):
        body = self.body
        for offset in range(0, len(body), MiB):
            if offset == self.first:
                self.started.set()
                self.go.wait(120)
            yield body[offset : offset + MiB]

    def run(self) -> None:
        headers = {
            "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            "content-length": str(len(self.body)),
        }
        try:
            self.response = httpx.post(
                self.url + "/api/saves",
                content=self.chunks(),
                headers=headers,
                auth=self.auth,
                timeout=120,
            )
        except httpx.TransportError as exc:
            self.error = exc


def files_under(path: Path) -> list[str]:
    if not path.is_dir():
        return []
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())


def gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def all_gone(processes: list[psutil.Process], seconds: float = 15) -> bool:
    """Every process has exited (within ``seconds``: a child that lost its parent may
    still be finishing its own exit)."""
    deadline = time.monotonic() + seconds
    while not all(gone(p) for p in processes):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def embedded_rows(pgdata: Path, query: str) -> list[dict]:
    """Rows of ``query`` on the stopped embedded database (started here for the look)."""
    import asyncio
    import warnings

    import asyncpg

    with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR is not set
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

    server = get_server(pgdata, cleanup_mode="stop")
    try:

        async def fetch():
            conn = await asyncpg.connect(server.get_uri("chronicle"))
            try:
                return [dict(r) for r in await conn.fetch(query)]
            finally:
                await conn.close()

        return asyncio.run(fetch())
    finally:
        server.cleanup()


@pytest.mark.slow
def test_sigterm_lets_an_upload_in_flight_finish(start_server, client_for, unique, make_save):
    """Embedded PostgreSQL (no DATABASE_URL): the path of the image and of the README."""
    server = start_server(SHUTDOWN_TIMEOUT="60")
    _, auth = uploader(server, client_for, unique)
    pgdata = server.var / "pgdata"
    postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    workers = server.descendants()
    assert workers, "no kernel worker processes"

    upload = SlowUpload(server.url, auth, make_save(), size=32 * MiB)
    upload.start()
    assert upload.started.wait(60), "the upload did not start"
    server.process.send_signal(signal.SIGTERM)
    # New connections are refused while the upload goes on.
    assert server.refuses_connections(), "still accepting connections after SIGTERM"
    assert server.process.poll() is None, "exited with an upload in flight"
    upload.go.set()
    upload.join(120)

    assert upload.error is None, f"{upload.error!r}\n{server.output()}"
    assert upload.response is not None
    assert upload.response.status_code == 201, upload.response.text
    save_id = upload.response.json()["save_id"]
    assert server.process.wait(120) == 0, server.output()

    # The kernel pool and the embedded PostgreSQL have stopped.
    assert all_gone(workers), workers
    assert all_gone([postmaster])
    assert not (pgdata / "postmaster.pid").exists()
    log = server.output()
    assert "Traceback" not in log, log
    # Exactly the upload's row and object; no temporary file.
    rows = embedded_rows(pgdata, "SELECT id, storage_key, size FROM saves")
    assert [(r["id"], r["storage_key"]) for r in rows] == [(save_id, f"saves/{save_id}")]
    assert rows[0]["size"] == upload.file_size
    assert files_under(server.var / "storage") == [f"saves/{save_id}"]
    assert files_under(server.var / "tmp") == []


def test_sigterm_past_the_timeout_refuses_a_stalled_upload(
    start_server, client_for, unique, make_save, database_url, sql
):
    """A client that stops sending: after SHUTDOWN_TIMEOUT the upload is cancelled, the
    client gets a 503 (or the connection drops), and nothing of it remains."""
    server = start_server(
        DATABASE_URL=database_url,
        SECRET_KEY="test-" + secrets.token_hex(16),
        SHUTDOWN_TIMEOUT="2",
    )
    user_id, auth = uploader(server, client_for, unique)
    workers = server.descendants()

    upload = SlowUpload(server.url, auth, make_save(), size=16 * MiB, first=2)
    upload.start()
    assert upload.started.wait(60), "the upload did not start"
    signalled = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        assert server.process.wait(60) == 0, server.output()
    finally:
        upload.go.set()  # the client resumes: too late
        upload.join(60)
    assert time.monotonic() - signalled < 30

    if upload.response is not None:
        assert upload.response.status_code == 503, upload.response.text
        assert "shutting down" in upload.response.json()["detail"]
        assert upload.response.headers["retry-after"]
    else:
        assert isinstance(upload.error, httpx.TransportError)
    log = server.output()
    assert re.search(r"POST /api/saves cancelled at shutdown", log), log
    assert "Traceback" not in log, log
    assert all_gone(workers), workers
    assert sql("SELECT count(*) AS n FROM saves WHERE user_id = $1", user_id)[0]["n"] == 0
    assert files_under(server.var / "storage") == []
    assert files_under(server.var / "tmp") == []
