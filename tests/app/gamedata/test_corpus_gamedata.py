"""The corpus install imported as game data, end to end through the app: a corpus save's
page names its countries ("Sweden", not SWE), the achievements that need geography are
decided."""

from __future__ import annotations

import pytest
from support.corpus import save_file
from support.html import parse_html
from support.http import Browser, serve

from app.settings import DatabaseSettings, KernelSettings

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"


@pytest.fixture(scope="module")
def corpus_server(make_settings, corpus_bundle, own_database):
    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, gamedata_dir=str(corpus_bundle.root)),
    )
    with serve(settings) as server:
        yield server


@pytest.mark.slow
def test_a_corpus_save_is_named_by_the_corpus_game_data(corpus_server, corpus_bundle):
    korea = save_file(KOREA)
    client = Browser(corpus_server.url)
    client.register("koreaplayer")
    response = client.upload(korea)
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    page = parse_html(client.get(f"/saves/{save_id}").text)
    countries = page.text("countries")
    assert "Sweden (SWE)" in countries and "Ottomans (TUR)" in countries
    assert page.text("gamedata") == "EU4 1.31.6 data"  # the 1.37 save: the nearest older
    detail = client.get(f"/api/saves/{save_id}").json()
    assert detail["names"]["country"]["SWE"] == "Sweden"
    # Parsed with the game data: the analysis names the bundle, and no achievement is
    # left for want of it.
    analysis = detail["analysis"]
    assert analysis["gamedata"]["id"] == corpus_bundle.manifest.id
    assert analysis["achievements"]["needs_gamedata"] == []
    client.close()
