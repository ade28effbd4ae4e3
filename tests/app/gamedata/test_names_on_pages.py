"""Names from a game-data bundle on the save page, its sections, the API, the CSV and the
language switch: a bundle written in the test (two languages), a crafted save uploaded
over HTTP, the pages read as HTML."""

from __future__ import annotations

import gzip
import secrets

import msgspec
import pytest
from support.gamedata import ENGLISH, FRENCH, crafted_save, write_bundle
from support.html import parse_html
from support.http import Browser, serve

from app.settings import KernelSettings
from kernel.gamedata import Names


@pytest.fixture(scope="module")
def named_server(make_settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("gamedata")
    write_bundle(root, version="1.31.6", names={"english": ENGLISH, "french": FRENCH})
    settings = make_settings(kernel=KernelSettings(workers=1, gamedata_dir=str(root)))
    with serve(settings) as server:
        yield server


@pytest.fixture(scope="module")
def uploaded(named_server, browser_class, unique_module):
    client = browser_class(named_server.url)
    client.register(unique_module("names"))
    response = client.upload(crafted_save())
    assert response.status_code == 201, response.text
    yield client, response.json()["save_id"]
    client.close()


@pytest.fixture(scope="module")
def unique_module():
    return lambda prefix: f"{prefix}{secrets.token_hex(4)}"


def reader(server, **headers) -> Browser:
    client = Browser(server.url)
    client.client.headers.update(headers)
    return client


def test_page_names_countries_and_keys(named_server, uploaded):
    _, save_id = uploaded
    client = reader(named_server, **{"accept-language": "en-GB,en;q=0.9"})
    page = parse_html(client.get(f"/saves/{save_id}").text)
    countries = page.text("countries")
    assert "Sweden (SWE)" in countries
    assert "Italy (ITA)" in countries and "Kingdom of Italy" not in countries  # the save's own
    assert page.text("gamedata") == "EU4 1.31.6 data"
    assert "Catholic" in page.text("player-details") or "Catholic" in page.text("provinces")
    provinces = page.text("provinces")
    assert "Sweden" in provinces and "held by Italy" in provinces
    client.close()


def test_language_from_accept_language_then_the_cookie(named_server, uploaded):
    _, save_id = uploaded
    client = reader(named_server, **{"accept-language": "fr-CH, fr;q=0.9, en;q=0.5"})
    page = parse_html(client.get(f"/saves/{save_id}").text)
    assert "Suède (SWE)" in page.text("countries")
    assert "Catholique" in page.text("provinces")
    switch = client.get(f"/language/english?next=/saves/{save_id}")
    assert switch.status_code == 303 and switch.headers["location"] == f"/saves/{save_id}"
    assert client.client.cookies.get("lang") == "english"
    page = parse_html(client.get(f"/saves/{save_id}").text)
    assert "Sweden (SWE)" in page.text("countries")
    links = page.text("languages")
    assert "English" in links and "French" in links
    # The htmx fragment of a section names too (its cache key holds the language).
    fragment = client.get(f"/saves/{save_id}/countries?csort=name", headers={"HX-Request": "true"})
    assert "Sweden (SWE)" in parse_html(fragment.text).text("countries")
    client.close()


def test_language_switch_only_goes_home(named_server):
    client = reader(named_server)
    assert client.get("/language/french?next=https://evil.example/").headers["location"] == "/"
    assert client.get("/language/Fr%3Cb%3E").status_code in (400, 404)
    client.close()


def test_api_returns_the_names_of_the_keys(named_server, uploaded):
    _, save_id = uploaded
    client = reader(named_server)
    detail = client.get(f"/api/saves/{save_id}").json()
    assert detail["gamedata"] == "EU4 1.31.6 data"
    # The save names ITA itself ("Italy"): that wins over the game data.
    assert detail["names"]["country"] == {"SWE": "Sweden", "ITA": "Italy"}
    assert detail["names"]["religion"] == {"catholic": "Catholic"}
    assert detail["analysis"]["countries"][0]["tag"] in ("ITA", "SWE")  # keys stay keys
    client.close()


def test_csv_heads_columns_with_names_and_tags(named_server, uploaded):
    _, save_id = uploaded
    client = reader(named_server)
    text = client.get(f"/saves/{save_id}/csv/income").text
    header = text.splitlines()[0].split(",")
    assert header[0] == "year"
    assert sorted(header[1:]) == ["Italy (ITA)", "Sweden (SWE)"]
    client.close()


def test_bundle_files_for_the_browser(named_server):
    client = reader(named_server)
    index = client.get("/gamedata/bundles.json")
    assert index.status_code == 200
    [bundle] = index.json()
    assert bundle["id"] == "eu4-1.31.6" and bundle["languages"] == ["english", "french"]
    names = client.get("/gamedata/eu4-1.31.6/names.french.json.gz")
    assert names.status_code == 200
    decoded = msgspec.json.decode(gzip.decompress(names.content), type=Names)
    assert decoded.countries["SWE"][0] == "Suède"
    again = client.get(
        "/gamedata/eu4-1.31.6/names.french.json.gz",
        headers={"if-none-match": names.headers["etag"]},
    )
    assert again.status_code == 304
    assert client.get("/gamedata/eu4-1.31.6/names.klingon.json.gz").status_code == 404
    assert client.get("/gamedata/eu4-9.9.9/names.english.json.gz").status_code == 404
    assert client.get("/gamedata/eu4-1.31.6/manifest.json").status_code in (400, 404)
    assert client.get("/gamedata/..%2F..%2Fetc/passwd.json.gz").status_code in (400, 404)
    client.close()


def test_admins_see_the_bundles(named_server, uploaded, unique_module, sql):
    client, _ = uploaded
    assert client.get("/gamedata").status_code in (401, 403)  # a user, not an admin
    anonymous = reader(named_server)
    assert anonymous.get("/gamedata").status_code != 200
    anonymous.close()
    admin = reader(named_server)
    name = unique_module("gdadmin")
    admin.register(name)
    sql("UPDATE users SET admin = true WHERE username = $1", name)
    page = admin.get("/gamedata")
    assert page.status_code == 200
    rows = parse_html(page.text).rows("bundles")
    assert ["eu4-1.31.6", "EU4", "1.31.6", "none", "english, french", "2", "0", "no"] in rows
    admin.close()
