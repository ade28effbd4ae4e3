"""With game data (the corpus install, imported): the country filter by continent and
region, the development-by-geography treemap and a country's development by state, on a
real upload of the corpus' Korea save. Values are read off the game files and the save:

- map/region.txt: scandinavia_region = { areas = { svealand_area … denmark_area …
  eastern_norway … gotaland_area … ostra_svealand_area } }; map/area.txt: denmark_area =
  { 12 14 1981 1983 }, ostra_svealand_area = { 1 4 1930 }, eastern_norway = { 17 22 4143
  4144 }, gotaland_area = { 2 3 25 4166 }; localisation: scandinavia_region "Scandinavia",
  denmark_area "Denmark".
- the save (unzip -p FILE gamestate): countries SWE capital=1, DAN capital=12, NOR
  capital=17, GOT capital=25; provinces -12 (base 8/8/4), -14 (5/5/4), -1981 (1/1/1),
  -1983 (3/3/2), all owner="DAN": Denmark's area holds 45 development.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from support.corpus import save_file
from support.html import parse_html
from support.http import Browser

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"
SCANDINAVIA = {"DAN", "GOT", "NOR", "SWE"}


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, own_database, corpus_bundle):
    from app.settings import DatabaseSettings, KernelSettings

    settings = make_settings(
        database=DatabaseSettings(url=own_database),
        kernel=KernelSettings(workers=1, gamedata_dir=str(corpus_bundle.root)),
    )
    with serve_app(settings) as server:
        yield server


@pytest.fixture(scope="module")
def korea(app_server) -> Iterator[tuple[Browser, str]]:
    client = Browser(app_server.url)
    client.register(f"geography{secrets.token_hex(4)}")
    response = client.upload(save_file(KOREA), name="korea.eu4")
    assert response.status_code == 201, response.text
    yield client, response.json()["save_id"]
    client.close()


def tags_of(page) -> set[str]:
    """The tags of the countries table's rows ("Sweden (SWE) · …")."""
    return {row[0].split("(")[1].split(")")[0] for row in page.rows("countries")[1:]}


def test_filter_by_region_and_continent(korea) -> None:
    client, save_id = korea
    page = parse_html(client.get(f"/saves/{save_id}?cf=region:scandinavia_region").text)
    assert tags_of(page) == SCANDINAVIA
    assert "Capital in Scandinavia: 4 countries" in page.text("country-filter")
    options = {
        attributes.get("value"): attributes for tag, attributes in page.elements if tag == "option"
    }
    assert "region:scandinavia_region" in options and "continent:europe" in options
    europe = parse_html(client.get(f"/saves/{save_id}?cf=continent:europe").text)
    first = tags_of(europe)  # the first page of the table (50 rows): the largest
    assert {"SWE", "DAN"} < first and "KOR" not in first  # Korea's capital=735 is in Asia
    count = int(europe.text("country-filter").split("Capital in Europe: ")[1].split()[0])
    assert count > len(first) == 50
    # a made-up place lets no country through, and is no error
    empty = client.get(f"/saves/{save_id}?cf=region:atlantis_region")
    assert empty.status_code == 200 and not tags_of(parse_html(empty.text))


def test_development_by_geography(korea) -> None:
    client, save_id = korea
    world = parse_html(client.get(f"/saves/{save_id}").text)
    assert f"/saves/{save_id}?geo=continent%3Aeurope#geography" in world.hrefs
    page = parse_html(client.get(f"/saves/{save_id}?geo=region:scandinavia_region").text)
    rows = {row[0]: row[1] for row in page.rows("geography")[1:]}
    assert rows["Denmark"] == "45"
    crumbs = page.text("geography")
    assert "World" in crumbs and "Scandinavia" in crumbs
    # the htmx fragment of the section alone
    fragment = client.get(
        f"/saves/{save_id}/geography?geo=area:denmark_area", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith("<section")
    provinces = {row[0]: row[1] for row in parse_html(fragment.text).rows("geography")[1:]}
    assert provinces["Fyn"] == "14" and provinces["Bornholm"] == "3"


def test_a_countrys_development_by_state(korea) -> None:
    client, save_id = korea
    page = parse_html(client.get(f"/saves/{save_id}/countries/DAN").text)
    states = {row[0]: row[1:] for row in page.rows("country-states")[1:]}
    assert states["Denmark"][1:3] == ["4", "45"]  # provinces, development
