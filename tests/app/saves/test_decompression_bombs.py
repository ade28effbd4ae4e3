"""A decompression bomb (a small compressed body that inflates far past the upload limit)
is refused with 413 once the decompressed bytes pass the limit, raw or multipart, gzip or
zstd: nothing stored, no temporary file left, the server serving (app/web/compressed.py).
A server of its own, with a 4 KiB limit."""

from __future__ import annotations

import gc
import gzip
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from backports import zstd
from support.http import basic


def compress(coding: str, data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1) if coding == "gzip" else zstd.compress(data)


def multipart(data: bytes, name: str) -> tuple[bytes, str]:
    request = httpx.Request("POST", "http://x/", files={"file": (name, data)})
    return request.read(), request.headers["content-type"]


def count_saves(sql: Any) -> int:
    return int(sql("SELECT count(*) AS n FROM saves")[0]["n"])


def temp_files(server: Any) -> list[Any]:
    return list((server.app.state.settings.var_path / "tmp").glob("*"))


def post(server: Any, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(server.url + "/api/saves", content=body, headers=headers, timeout=120)


@pytest.fixture(scope="module")
def small_server(make_settings: Callable[..., Any], serve_app: Any) -> Iterator[Any]:
    from app.settings import LimitSettings

    limits = LimitSettings(
        max_upload_bytes=4096,
        max_save_bytes=8192,
        login_rate_per_minute=1000,
        upload_rate_per_minute=1000,
    )
    with serve_app(make_settings(limits=limits)) as server:
        yield server


# Litestar's multipart parser leaves the part it was writing to be closed when the error's
# traceback goes (tests/app/reliability/test_client_disconnect.py): ResourceWarning is
# ignored as in production, and collected here while that holds.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("coding", ["gzip", "zstd"])
@pytest.mark.parametrize("kind", ["raw", "multipart"])
def test_a_decompression_bomb_is_refused_and_nothing_stored(
    small_server, client_for, unique, sql, coding, kind
):
    client = client_for(small_server.url)
    client.register(unique("bomb"))
    user_id, api_key = client.api_key()
    data = bytes(64 << 20)  # 64 MiB of zeros: some 64 KiB compressed
    if kind == "multipart":
        body, content_type = multipart(data, "bomb.eu4")
    else:
        body, content_type = data, "application/octet-stream"
    packed = compress(coding, body)
    assert len(packed) < 1 << 20  # on the wire, well under the body limit
    before = count_saves(sql)
    headers = {**basic(user_id, api_key), "Content-Type": content_type, "Content-Encoding": coding}
    response = post(small_server, packed, headers)
    assert response.status_code == 413, response.text
    assert "limit of" in response.json()["detail"]
    assert count_saves(sql) == before
    assert temp_files(small_server) == []
    # The server goes on serving.
    assert httpx.get(small_server.url + "/health", timeout=60).status_code == 200
    gc.collect()
