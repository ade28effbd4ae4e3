"""Local analysis with the corpus install as the site's game data: a corpus save dropped
in Chromium shows the game's names ("England", not ENG), as its shared page does."""

from __future__ import annotations

from support.corpus import save_file
from support.html import parse_html

POLAND = "eu4/pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4"


def test_a_corpus_save_is_named_in_the_browser_as_on_its_page(
    gamedata_site, new_context, local, browser_class
):
    save = save_file(POLAND)
    page = new_context(gamedata_site.url).new_page()
    page.goto("/local")
    assert local(page, save) == "done"
    local_countries = page.locator("[data-result] #countries").inner_text()
    assert "England (ENG)" in local_countries
    # The save names SWE "Poland" itself (its player's displayed name): that wins.
    assert "Poland (SWE)" in local_countries
    assert "EU4 1.31.6 data" in page.locator("[data-result] #gamedata").inner_text()
    # The shared page of the same save says the same.
    client = browser_class(gamedata_site.url)
    client.register("poland")
    save_id = client.upload(save).json()["save_id"]
    shared = parse_html(client.get(f"/saves/{save_id}").text)
    assert "England (ENG)" in shared.text("countries")
    client.close()
