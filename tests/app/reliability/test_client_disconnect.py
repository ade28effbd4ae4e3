"""A client that goes away in the middle of its upload (issue #8): a raw socket sends the
request head and part of a multipart body, then closes. The server keeps serving, stores
nothing, keeps no file in its spool (``<var>/tmp``), and the same save sent whole then
goes in.

Before the app's spool there is the multipart parser's: Litestar's ``UploadFile``, a
SpooledTemporaryFile, on disk past 1 MiB as an unlinked file in the system temporary
directory, visible only as an open descriptor of this process (which runs the app). It
must be let go when the request ends. (Litestar closes it explicitly only on a malformed
body; on a disconnect it goes when the exception's traceback goes, by reference counting.)
"""

from __future__ import annotations

import gc
import os
import socket
import tempfile
import time
import warnings
from urllib.parse import urlsplit

import pytest
from support.http import BOUNDARY, padded_upload
from support.saves import MiB

from app.core import AppCore

TIMEOUT = 60


def temp_descriptors() -> set[tuple[str, str]]:
    """This process's open descriptors of unlinked files in the temporary directory."""
    found = set()
    folder = "/proc/self/fd"
    temp = tempfile.gettempdir()
    for fd in os.listdir(folder):
        try:
            target = os.readlink(f"{folder}/{fd}")
        except OSError:
            continue
        if target.startswith(temp) and target.endswith("(deleted)"):
            found.add((fd, target))
    return found


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def abandon_upload(server, user, body: bytes, closing: bytes, sent: int, caplog) -> set:
    """POST ``body + closing`` to /api/saves (Content-Length says so) but send only its
    first ``sent`` bytes, then close the connection. Returns the multipart parser's
    temporary files still open once the request has left the app (its in-flight count is
    back to zero); then, after a garbage collection, none may be left.

    Meanwhile the garbage collector is off, so that what the request releases by itself is
    told apart from what only a collection releases (deterministically: a collection
    would otherwise run whenever the allocation count says so), and ResourceWarning is
    ignored as in production (this suite turns warnings into errors, and a file whose
    ``__del__`` fails with one is kept alive by pytest's unraisable-exception hook)."""
    inflight = server.app.plugins.get(AppCore).inflight
    before = temp_descriptors()
    url = urlsplit(server.url)
    head = (
        f"POST /api/saves HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: {user.authorization}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body) + len(closing)}\r\n\r\n"
    ).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.disable()
        try:
            with socket.create_connection((url.hostname, url.port), timeout=TIMEOUT) as sock:
                sock.sendall(head + body[:sent])
                # The server reads the body: past 1 MiB, the parser's file is on disk.
                wait_for(lambda: temp_descriptors() - before, "the upload never hit the disk")
                assert inflight.count == 1
            wait_for(lambda: inflight.count == 0, "the abandoned request never ended")
            # The app logged the error with its exception; pytest keeps a test's log
            # records (a server's handlers do not), and the exception's traceback holds
            # the parser's frame, which holds the UploadFile: let go, as a server would.
            for record in caplog.records:
                record.exc_info = None
            kept_open = temp_descriptors() - before
        finally:
            gc.enable()
        gc.collect()
    assert not temp_descriptors() - before, "a temporary file outlives the request for good"
    return kept_open


@pytest.mark.parametrize("cut", ["half-the-file", "all-but-the-closing-boundary"])
def test_client_gone_mid_upload_leaves_nothing(
    cut, app_server, api_user, make_save, stored, save_count, serving, caplog
):
    user = api_user(app_server)
    store = stored(app_server)
    rows, objects = save_count(), store.objects()
    body, closing, _size = padded_upload(make_save(), 4 * MiB, "cut.eu4")

    sent = len(body) // 2 if cut == "half-the-file" else len(body)
    # The partial file is released with the request, not left for the garbage collector.
    assert abandon_upload(app_server, user, body, closing, sent, caplog) == set()

    assert save_count() == rows
    assert store.objects() == objects
    assert store.temp_files() == []
    serving(app_server.url)
    # The same save, sent whole, goes in (nothing of the abandoned one is in the way).
    response = user.upload(body[body.index(b"\r\n\r\n") + 4 :], "whole.eu4")
    assert response.status_code == 201, response.text
    assert store.objects() == objects | {response.json()["save_id"]}
    assert store.temp_files() == []
