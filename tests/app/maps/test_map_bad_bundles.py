"""Game data that cannot draw a map: a bundle without one, one whose map cannot be read,
one whose province image cannot be read. The save page renders (saying so where it can
tell), and the map's URLs answer readable 404s, never a 500."""

from __future__ import annotations

import gzip
import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from support.gamedata import ENGLISH, write_bundle
from support.html import parse_html
from support.http import Browser, Server, serve
from support.saves import text_save

from app.settings import DatabaseSettings, KernelSettings
from kernel.gamedata import MapInfo


def with_map(root: Path, version: str, info: bytes, image: bytes) -> None:
    """A bundle whose manifest says it has a map, with these map files."""
    manifest = write_bundle(root, version=version, names={"english": ENGLISH})
    folder = root / manifest.id
    (folder / "map.json.gz").write_bytes(info)
    (folder / "provinces.bin.gz").write_bytes(image)
    manifest = msgspec.structs.replace(manifest, has_map=True)
    (folder / "manifest.json").write_bytes(msgspec.json.encode(manifest))


@pytest.fixture(scope="module")
def server(
    make_settings: Any, own_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("bad-gamedata")
    write_bundle(root, version="1.31.6", names={"english": ENGLISH})  # no map
    with_map(root, "1.33.0", b"not gzip at all", b"")  # the map info is unreadable
    info = MapInfo(width=4, height=2, provinces={"1": [0, 0, 1, 1, 0, 0]})
    with_map(root, "1.35.0", gzip.compress(msgspec.json.encode(info)), b"broken")
    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, gamedata_dir=str(root)),
    )
    with serve(settings) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Browser]:
    browser = Browser(server.url)
    browser.register("badbundles")
    yield browser
    browser.close()


def upload(client: Browser, minor: int) -> str:
    response = client.upload(text_save(minor=minor))
    assert response.status_code == 201, response.text
    save_id: str = response.json()["save_id"]
    assert client.get(f"/api/saves/{save_id}").json()["analysis"]["gamedata"]["version"]
    return save_id


def refused(client: Browser, save_id: str, path: str) -> str:
    response = client.get(f"/saves/{save_id}/{path}")
    assert response.status_code == 404, (path, response.status_code)
    return html.unescape(response.text)


def test_a_bundle_without_a_map(client: Browser) -> None:
    save_id = upload(client, 31)
    page = parse_html(client.get(f"/saves/{save_id}").text)
    assert "EU4 1.31.6 data" in page.text("map-needs-gamedata")
    assert "has no map" in refused(client, save_id, "map.json")
    assert "has no map" in refused(client, save_id, "map.png")


def test_a_bundle_whose_map_cannot_be_read(client: Browser) -> None:
    save_id = upload(client, 33)
    response = client.get(f"/saves/{save_id}")
    assert response.status_code == 200
    assert "cannot read" in parse_html(response.text).text("map-needs-gamedata")
    assert "cannot be read" in refused(client, save_id, "map.json")
    assert "cannot be read" in refused(client, save_id, "og.png")


def test_a_bundle_whose_province_image_cannot_be_read(client: Browser) -> None:
    save_id = upload(client, 35)
    page = parse_html(client.get(f"/saves/{save_id}").text)
    assert any(tag == "img" and a.get("width") == "1" for tag, a in page.elements)
    assert client.get(f"/saves/{save_id}/map.json").status_code == 200  # no pixels needed
    assert "cannot be drawn" in refused(client, save_id, "map.png")
    assert "cannot be drawn" in refused(client, save_id, "og.png")
    assert client.get(f"/saves/{save_id}").status_code == 200
