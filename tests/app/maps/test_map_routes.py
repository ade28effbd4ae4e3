"""A save's map over real HTTP, with the corpus bundle imported into the app's game data
and a corpus save uploaded: the layers, the PNGs (pixels read back), the OpenGraph image,
caching (ETag, 304, one drawing per picture), the province details, the save page without
JavaScript, and readable refusals."""

from __future__ import annotations

import html
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest
from PIL import Image
from support.corpus import save_file
from support.gamedata import Imported
from support.html import parse_html
from support.http import Browser, Server, serve
from support.saves import text_save

from app.analysis.render import render_province
from app.settings import DatabaseSettings, KernelSettings
from kernel.eu4.map import MapLayers
from kernel.eu4.map.render import read_image

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"
HANSEONG = 735  # KOR's capital


@pytest.fixture(scope="module")
def corpus_server(
    make_settings: Any, corpus_bundle: Imported, own_database: str
) -> Iterator[Server]:
    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, gamedata_dir=str(corpus_bundle.root)),
    )
    with serve(settings) as server:
        yield server


@pytest.fixture(scope="module")
def client(corpus_server: Server) -> Iterator[Browser]:
    browser = Browser(corpus_server.url)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def korea(client: Browser) -> str:
    client.register("mapmaker")
    response = client.upload(save_file(KOREA))
    assert response.status_code == 201, response.text
    save_id: str = response.json()["save_id"]
    return save_id


@pytest.fixture(scope="module")
def korea_layers(client: Browser, korea: str) -> MapLayers:
    response = client.get(f"/saves/{korea}/map.json")
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=MapLayers)


def packed(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as drawn:
        assert drawn.format == "PNG"
        rgb = np.asarray(drawn.convert("RGB")).astype(np.int64)
    return rgb[:, :, 0] << 16 | rgb[:, :, 1] << 8 | rgb[:, :, 2]


def pictures(server: Server, save_id: str) -> list[Path]:
    folder = Path(server.settings.web.var_dir).resolve() / "cache" / "maps" / save_id
    return sorted(folder.glob("*.png")) if folder.is_dir() else []


def test_map_json_is_the_layers(
    client: Browser, korea: str, korea_layers: MapLayers, corpus_bundle: Imported
) -> None:
    assert korea_layers.bundle == corpus_bundle.id
    assert (korea_layers.width, korea_layers.height) == (5632, 2048)
    assert korea_layers.modes[0].key == "political"
    assert any(c.tag == "KOR" and c.player for c in korea_layers.countries)
    response = client.get(f"/saves/{korea}/map.json")
    assert response.headers["content-encoding"] == "gzip"  # httpx asked for it
    assert "no-cache" in response.headers["cache-control"]
    etag = response.headers["etag"]
    again = client.get(f"/saves/{korea}/map.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    plain = client.get(f"/saves/{korea}/map.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["etag"] != etag
    assert msgspec.json.decode(plain.content, type=MapLayers) == korea_layers


def test_map_png_is_the_political_map_at_full_size(
    client: Browser,
    korea: str,
    korea_layers: MapLayers,
    corpus_bundle: Imported,
    corpus_server: Server,
) -> None:
    response = client.get(f"/saves/{korea}/map.png")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    got = packed(response.content)
    assert got.shape == (2048, 5632)
    ids = read_image(str(corpus_bundle.root), corpus_bundle.id).ids
    inside = (ids == np.roll(ids, 1, axis=1)) & (ids == np.roll(ids, -1, axis=1))
    inside[1:-1] &= (ids[1:-1] == ids[:-2]) & (ids[1:-1] == ids[2:])
    inside[[0, -1]] = False
    political = korea_layers.modes[0]
    primary = np.array(political.primary, dtype=np.int64)
    secondary = np.array(political.secondary, dtype=np.int64)
    plain = inside & (secondary[ids] == -1)
    assert plain.sum() > 5_000_000
    assert (got[plain] == primary[ids][plain]).all()
    kor = next(c.color for c in korea_layers.countries if c.tag == "KOR")
    assert (got[inside & (ids == HANSEONG)] == kor).all()
    # kept: asked again, it is not drawn again (the file stays as written)
    (kept,) = pictures(corpus_server, korea)
    written = kept.stat().st_mtime_ns
    os.utime(kept, ns=(written - 10**9, written - 10**9))
    again = client.get(f"/saves/{korea}/map.png")
    assert again.content == response.content
    assert kept.stat().st_mtime_ns == written - 10**9
    etag = response.headers["etag"]
    assert again.headers["etag"] == etag and "no-cache" in again.headers["cache-control"]
    assert client.get(f"/saves/{korea}/map.png", headers={"If-None-Match": etag}).status_code == 304


def test_map_png_options(client: Browser, korea: str, corpus_server: Server) -> None:
    before = len(pictures(corpus_server, korea))
    quarter = client.get(f"/saves/{korea}/map.png", params={"scale": "0.25"})
    assert quarter.status_code == 200, quarter.text
    assert packed(quarter.content).shape == (512, 1408)
    for params in (
        {"mode": "religion", "scale": "0.25"},
        {"date": "1444-11-11", "scale": "0.25"},
        {"focus": "KOR", "scale": "0.25"},
    ):
        response = client.get(f"/saves/{korea}/map.png", params=params)
        assert response.status_code == 200, (params, response.text)
        assert response.content != quarter.content or "date" in params
    assert len(pictures(corpus_server, korea)) == before + 4


def test_og_image(client: Browser, korea: str) -> None:
    response = client.get(f"/saves/{korea}/og.png")
    assert response.status_code == 200, response.text
    assert packed(response.content).shape == (630, 1200)
    assert response.headers["etag"]


def test_province_details(client: Browser, korea: str) -> None:
    response = client.get(f"/saves/{korea}/provinces/{HANSEONG}", headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    page = parse_html(response.text)
    assert page.roots == ["article"]
    details = page.texts()[f"province-{HANSEONG}"]
    assert "Hanseong" in details
    assert "Korea" in details  # the owner by name, not KOR
    assert "Owner" in details and "Development" in details and "History" in details
    history = page.rows(f"province-{HANSEONG}")
    assert history[0] == ["Date", "Change"] and len(history) > 1
    assert any("Owner" in cells[1] and "Korea" in cells[1] for cells in history[1:])


def test_the_save_page_shows_the_map_without_javascript(
    client: Browser, korea: str, corpus_server: Server, corpus_bundle: Imported
) -> None:
    text = client.get(f"/saves/{korea}").text
    page = parse_html(text)
    sections = [a for tag, a in page.elements if tag == "section" and a.get("id") == "map"]
    (section,) = sections
    assert section == {
        "id": "map",
        "class": "map-section",
        "data-map": None,
        "data-bundle": corpus_bundle.id,
        "data-width": "5632",
        "data-height": "2048",
        "data-index": f"/gamedata/{corpus_bundle.id}/provinces.bin.gz",
        "data-layers": f"/saves/{korea}/map.json",
        "data-province": f"/saves/{korea}/provinces/",
        "data-date": "1444-11-11",
    }
    images = [a for tag, a in page.elements if tag == "img"]
    assert {
        "src": f"/saves/{korea}/map.png?scale=0.25",
        "width": "1408",
        "height": "512",
    }.items() <= images[0].items()
    assert f"/saves/{korea}/map.png" in page.hrefs
    assert "#map" in page.hrefs  # the table of contents
    metas = {
        a.get("property") or a.get("name"): a.get("content")
        for tag, a in page.elements
        if tag == "meta"
    }
    assert metas["og:image"] == f"{corpus_server.url}/saves/{korea}/og.png"
    assert metas["twitter:card"] == "summary_large_image" and metas["og:title"]
    assert metas["twitter:image"] == metas["og:image"]
    # the link preview's picture resolves: a 1200x630 PNG (tests/app/saves/test_preview.py:
    # the summary card of a save without a map)
    preview = client.get(metas["og:image"] or "")
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).size == (1200, 630)
    # the picture the page shows is there
    assert client.get(images[0]["src"] or "").status_code == 200


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"mode": "weather"}, "no map mode 'weather' for this save: political"),
        ({"scale": "big"}, "scale 'big' is not a number"),
        ({"scale": "2"}, "scale 2 is not between"),
        ({"date": "soon"}, "date 'soon' is not a date"),
        ({"date": "1300-01-01"}, "1300.1.1 is outside the save"),
        ({"focus": "XYZ"}, "no country 'XYZ' on this map"),
    ],
)
def test_bad_picture_requests_are_readable_400s(
    client: Browser, korea: str, query: dict[str, str], says: str
) -> None:
    response = client.get(f"/saves/{korea}/map.png", params=query)
    assert response.status_code == 400
    assert says in html.unescape(response.text)


def test_unknown_things_are_readable_404s(client: Browser, korea: str) -> None:
    response = client.get(f"/saves/{korea}/provinces/99999", headers={"HX-Request": "true"})
    assert response.status_code == 404 and "no province 99999" in html.unescape(response.text)
    for path in ("map.json", "map.png", "og.png", "provinces/1"):
        response = client.get(f"/saves/nosuchsave/{path}")
        assert response.status_code == 404 and "no EU4 analysis" in response.text, path


def test_province_details_are_what_the_browser_renders(client: Browser, korea: str) -> None:
    """The fragment is exactly render_province's (the local analysis's) for the payload
    and names the API gives."""
    detail = client.get(f"/api/saves/{korea}").json()
    fragment = client.get(f"/saves/{korea}/provinces/{HANSEONG}", headers={"HX-Request": "true"})
    assert fragment.text == render_province(detail["analysis"], HANSEONG, names=detail["names"])


def test_pictures_of_older_versions_and_deleted_saves_are_removed(
    client: Browser, corpus_server: Server
) -> None:
    response = client.upload(text_save(minor=31), "crafted.eu4")  # drawn on the 1.31 bundle
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    assert client.get(f"/saves/{save_id}/og.png").status_code == 200
    (current,) = pictures(corpus_server, save_id)
    stale = current.with_name("0123456789abcdef01234567-feedfacefeedfacefeedface.png")
    stale.write_bytes(b"an older version's picture")
    assert client.get(f"/saves/{save_id}/map.png?scale=0.25").status_code == 200
    kept = pictures(corpus_server, save_id)
    assert stale not in kept and current in kept and len(kept) == 2
    assert client.post(f"/saves/{save_id}/delete").status_code in (200, 303)
    assert pictures(corpus_server, save_id) == []
    assert not current.parent.exists()
