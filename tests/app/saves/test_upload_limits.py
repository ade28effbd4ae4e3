"""The two upload limits over real HTTP (app/web/compressed.py): what a request may send
(MAX_UPLOAD_BYTES) and how large the save may be once decompressed (MAX_SAVE_BYTES). A
text save larger than the first fits when sent compressed, the way Share sends it (a
gzip-compressed form) or pdx.tools' clients do (a gzip or zstd raw body); the stored file
is the save itself."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from backports import zstd
from support.http import basic

MiB = 1 << 20


@pytest.fixture(scope="module")
def server(make_settings: Callable[..., Any], serve_app: Any) -> Iterator[Any]:
    from app.settings import LimitSettings

    limits = LimitSettings(
        max_upload_bytes=2 * MiB,
        max_save_bytes=8 * MiB,
        login_rate_per_minute=1000,
        upload_rate_per_minute=1000,
    )
    with serve_app(make_settings(limits=limits)) as running:
        yield running


@pytest.fixture(scope="module")
def member(server: Any, browser_class: Any) -> Iterator[Any]:
    import secrets

    client = browser_class(server.url)
    client.register("limits" + secrets.token_hex(4))
    yield client
    client.close()


def big_text_save(fresh_save: Callable[[], bytes], size: int) -> bytes:
    """A valid text save of ``size`` bytes: a fresh one, then a comment to fill it up (it
    compresses to almost nothing, as the long runs of a real gamestate do to a tenth)."""
    data = fresh_save()
    return data + b"\n#" + b"x" * (size - len(data) - 2)


def send(server: Any, member: Any, body: bytes, **headers: str) -> httpx.Response:
    user_id, api_key = member.api_key()
    return httpx.post(
        server.url + "/api/saves",
        content=body,
        headers={**basic(user_id, api_key), **headers},
        timeout=120,
    )


def stored(server: Any, save_id: str) -> bytes:
    return httpx.get(f"{server.url}/api/saves/{save_id}/file", timeout=60).content


def test_a_save_over_the_sending_limit_fits_compressed(server, member, make_save, sql):
    data = big_text_save(make_save, 5 * MiB)  # over the 2 MiB (+ form overhead) sent
    before = sql("SELECT count(*) AS n FROM saves")[0]["n"]
    plain = send(server, member, data, **{"Content-Type": "application/octet-stream"})
    assert plain.status_code == 413
    assert "sends more than the limit" in plain.json()["detail"]
    assert "compressed" in plain.json()["detail"]  # what to do instead
    assert sql("SELECT count(*) AS n FROM saves")[0]["n"] == before
    for coding in ("gzip", "zstd"):
        fresh = big_text_save(make_save, 5 * MiB)
        packed = gzip.compress(fresh) if coding == "gzip" else zstd.compress(fresh)
        assert len(packed) < 2 * MiB
        response = send(
            server,
            member,
            packed,
            **{"Content-Type": "application/octet-stream", "Content-Encoding": coding},
        )
        assert response.status_code == 201, response.text
        # What is stored is the save itself, as the game reads it.
        assert stored(server, response.json()["save_id"]) == fresh


def test_share_s_compressed_form_of_a_large_save_is_stored(server, member, make_save):
    """Share's way: the multipart form, gzip-compressed as a whole (app/static/local)."""
    data = big_text_save(make_save, 5 * MiB)
    request = httpx.Request(
        "POST", "http://x/", files={"file": ("big.eu4", data)}, data={"aar": "long run"}
    )
    body = gzip.compress(request.read())
    response = member.post(
        "/saves",
        content=body,
        headers={
            "Content-Type": request.headers["content-type"],
            "Content-Encoding": "gzip",
            "HX-Request": "true",
        },
    )
    assert response.status_code in (200, 201, 303), response.text[:500]
    listed = member.get("/api/saves?limit=5").json()
    newest = next(s for s in listed["saves"] if s["filename"] == "big.eu4")
    assert stored(server, newest["id"]) == data


def test_a_save_over_the_decompressed_limit_is_refused(server, member, make_save, sql):
    data = big_text_save(make_save, 11 * MiB)  # over MAX_SAVE_BYTES (+ form) once decompressed
    before = sql("SELECT count(*) AS n FROM saves")[0]["n"]
    response = send(
        server,
        member,
        gzip.compress(data),
        **{"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 413
    assert f"limit of {8 * MiB} bytes" in response.json()["detail"]
    assert sql("SELECT count(*) AS n FROM saves")[0]["n"] == before
    # A chunked body (no Content-Length) over the sending limit is cut off as it comes.
    chunks = (data[i : i + MiB] for i in range(0, len(data), MiB))
    user_id, api_key = member.api_key()
    streamed = httpx.post(
        server.url + "/api/saves",
        content=chunks,
        headers={**basic(user_id, api_key), "Content-Type": "application/octet-stream"},
        timeout=120,
    )
    # (the file part passes MAX_UPLOAD_BYTES before the body passes it and the form's room)
    assert streamed.status_code == 413 and f"limit of {2 * MiB} bytes" in streamed.json()["detail"]
