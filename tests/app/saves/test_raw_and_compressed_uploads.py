"""``POST /api/saves`` over real HTTP with the file as the body (pdx.tools' way) and with
compressed bodies (``Content-Encoding: gzip``/``zstd``, multipart or raw): what is stored
is the decompressed file; a decompression bomb, a broken stream and an unknown coding are
refused with a readable answer and nothing stored (app/web/compressed.py). Bombs:
test_decompression_bombs.py (a server of its own, with a small limit)."""

from __future__ import annotations

import gzip
import io
import secrets
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from backports import zstd
from support.http import basic
from support.saves import EU4_META, EU4_STATE


def compress(coding: str, data: bytes) -> bytes:
    return gzip.compress(data) if coding == "gzip" else zstd.compress(data)


def fresh_zip() -> bytes:
    """A zipped EU4 save (meta, gamestate) no other test uploaded."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meta", EU4_META)
        archive.writestr(
            "gamestate", EU4_STATE + f'campaign_id="{secrets.token_hex(8)}"\n'.encode()
        )
    return out.getvalue()


def multipart(data: bytes, name: str, **fields: str) -> tuple[bytes, str]:
    """A multipart/form-data body as httpx writes it, and its Content-Type."""
    request = httpx.Request("POST", "http://x/", files={"file": (name, data)}, data=fields)
    return request.read(), request.headers["content-type"]


def count_saves(sql: Any) -> int:
    return int(sql("SELECT count(*) AS n FROM saves")[0]["n"])


def temp_files(server: Any) -> list[Any]:
    return list((server.app.state.settings.var_path / "tmp").glob("*"))


@pytest.fixture(scope="module")
def key(app_server: Any, browser_class: Any) -> Iterator[dict[str, str]]:
    client = browser_class(app_server.url)
    client.register("raw" + secrets.token_hex(4))
    user_id, api_key = client.api_key()
    yield basic(user_id, api_key)
    client.close()


def post(server: Any, body: bytes, headers: dict[str, str], **params: str) -> httpx.Response:
    return httpx.post(
        server.url + "/api/saves", content=body, headers=headers, params=params, timeout=120
    )


def stored_file(server: Any, save_id: str) -> bytes:
    response = httpx.get(f"{server.url}/api/saves/{save_id}/file", timeout=60)
    assert response.status_code == 200
    return response.content


def test_raw_text_save_with_query_metadata(app_server, key, make_save):
    data = make_save()
    headers = {**key, "Content-Type": "application/octet-stream"}
    response = post(app_server, data, headers, filename="Hre run.eu4", aar="How it went")
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    detail = httpx.get(f"{app_server.url}/api/saves/{save_id}", timeout=60).json()
    assert (detail["filename"], detail["aar"]) == ("Hre run.eu4", "How it went")
    assert detail["size"] == len(data)
    assert stored_file(app_server, save_id) == data


def test_raw_zip_with_header_metadata(app_server, key):
    data = fresh_zip()
    headers = {
        **key,
        "Content-Type": "application/zip",
        "X-Filename": quote("Été à Paris.eu4"),
        "X-AAR": quote("Un été"),
    }
    response = post(app_server, data, headers)
    assert response.status_code == 201, response.text
    detail = httpx.get(f"{app_server.url}/api/saves/{response.json()['save_id']}", timeout=60)
    assert detail.json()["filename"] == "Été à Paris.eu4"
    assert detail.json()["aar"] == "Un été"
    assert detail.json()["container"] == "zip"
    assert stored_file(app_server, response.json()["save_id"]) == data


def test_raw_body_with_the_session_needs_the_csrf_header(browser, app_server, unique, make_save):
    browser.register(unique("rawses"))
    headers = {"Content-Type": "application/octet-stream"}
    refused = browser.post("/api/saves", csrf=False, content=make_save(), headers=headers)
    assert refused.status_code == 403
    accepted = browser.post("/api/saves", content=make_save(), headers=headers)
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("coding", ["gzip", "zstd"])
@pytest.mark.parametrize("kind", ["octet-stream", "zip", "multipart"])
def test_compressed_bodies_store_the_original(app_server, key, make_save, coding, kind):
    data = fresh_zip() if kind == "zip" else make_save()
    if kind == "multipart":
        body, content_type = multipart(data, "packed.eu4", aar="compressed")
    else:
        body, content_type = data, f"application/{kind}"
    headers = {**key, "Content-Type": content_type, "Content-Encoding": coding}
    response = post(app_server, compress(coding, body), headers, filename="packed.eu4")
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    assert stored_file(app_server, save_id) == data  # decompressed: a file the game loads
    detail = httpx.get(f"{app_server.url}/api/saves/{save_id}", timeout=60).json()
    assert detail["size"] == len(data)
    assert detail["filename"] == "packed.eu4"


def test_concatenated_gzip_members_are_one_body(app_server, key, make_save):
    data = make_save()
    body = gzip.compress(data[:10]) + gzip.compress(data[10:])
    headers = {**key, "Content-Type": "application/octet-stream", "Content-Encoding": "gzip"}
    response = post(app_server, body, headers)
    assert response.status_code == 201, response.text
    assert stored_file(app_server, response.json()["save_id"]) == data


@pytest.mark.parametrize(
    ("coding", "body", "status", "words"),
    [
        ("br", b"whatever", 415, "Content-Encoding ('br') is not one this site reads"),
        ("gzip, zstd", b"whatever", 415, "is not one this site reads"),
        ("gzip", b"not gzip at all", 400, "is not valid gzip data"),
        ("zstd", b"not zstd at all", 400, "is not valid zstd data"),
        ("gzip", gzip.compress(b"EU4txt\n" * 1000)[:-20], 400, "ends early"),
        ("gzip", gzip.compress(b"EU4txt\n") + b"trailing junk", 400, "is not valid gzip"),
    ],
    ids=["br", "two-codings", "not-gzip", "not-zstd", "gzip-cut-short", "gzip-then-junk"],
)
def test_bad_encodings_are_refused_readably(app_server, key, sql, coding, body, status, words):
    before = count_saves(sql)
    headers = {**key, "Content-Type": "application/octet-stream", "Content-Encoding": coding}
    response = post(app_server, body, headers)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert count_saves(sql) == before
    assert temp_files(app_server) == []


def test_other_body_types_are_refused_readably(app_server, key, make_save):
    response = post(app_server, make_save(), {**key, "Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "application/octet-stream or application/zip" in response.json()["detail"]
    body, content_type = multipart(b"", "x")
    response = post(
        app_server,
        body.replace(b'name="file"', b'name="other"'),
        {**key, "Content-Type": content_type},
    )
    assert response.status_code == 400
    assert "field named file" in response.json()["detail"]
