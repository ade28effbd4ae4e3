"""The app over HTTP: ``serve(settings)`` runs ``create_app(settings)`` with uvicorn on a
free loopback port, and ``Browser`` is a client that keeps cookies and sends the CSRF
token like htmx does. tests/app/conftest.py offers them as fixtures (``app_server``,
``browser``, ``new_browser``, ``client_for``, ``serve_app``)."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import uvicorn

from app.asgi import create_app
from app.settings import Settings

PASSWORD = "correct horse battery"
BOUNDARY = "chronicle-test-boundary"


@dataclass
class Server:
    url: str
    app: Any
    settings: Settings


@contextmanager
def serve(settings: Settings, prepare: Callable[[Any], None] | None = None) -> Iterator[Server]:
    """Run ``create_app(settings)`` with uvicorn on a free loopback port, in a thread (one
    app per process at a time: Piccolo's tables share one engine per process)."""
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


def basic(user_id: int | str, api_key: str) -> dict[str, str]:
    """The ``Authorization`` header of HTTP Basic with an API key."""
    token = base64.b64encode(f"{user_id}:{api_key}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


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
        return self.request("POST", path, csrf=csrf, **kwargs)

    def request(
        self, method: str, path: str, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if csrf:
            headers.setdefault("x-csrftoken", self.csrf)
        return self.client.request(method, path, headers=headers, **kwargs)

    def register(self, username: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post(
            "/register",
            data={"username": username, "password": password, "password_again": password},
        )
        assert response.status_code == 303, response.text
        return response

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/login", data={"username": username, "password": password})

    def logout(self) -> httpx.Response:
        return self.post("/logout")

    def piccolo_admin(self, username: str, password: str = PASSWORD) -> str:
        """Log in to Piccolo Admin (this client is one of our admins already, logged in);
        its CSRF token, for the ``x-csrftoken`` header of its API calls."""
        assert self.get("/admin/").status_code in (200, 307)
        token = self.client.cookies.get("csrftoken")
        assert token, "no Piccolo Admin CSRF cookie"
        response = self.post(
            "/admin/public/login/",
            json={"username": username, "password": password},
            headers={"x-csrftoken": token},
        )
        assert response.status_code in (200, 303), response.text
        return str(token)

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


class PaddedUpload(NamedTuple):
    body: bytes
    """The multipart body up to the file's last byte."""
    closing: bytes
    """The closing boundary."""
    file_size: int
    """The size of the file part."""


def padded_upload(save: bytes, size: int, filename: str) -> PaddedUpload:
    """A multipart body (boundary ``BOUNDARY``) of one file part of about ``size`` bytes
    (whole KiB lines): a valid save padded with comment lines, for tests that stop or
    pause an upload on the way."""
    padding = (b"# " + b"x" * 1021 + b"\n") * ((size - len(save)) // 1024)
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    closing = f"\r\n--{BOUNDARY}--\r\n".encode()
    return PaddedUpload(head + save + padding, closing, len(save) + len(padding))
