"""A site without game data: the save page says which game data the map needs and
renders as before; the map's URLs answer readable 404s; province details (the payload
alone) still work; saves of other games have no map."""

from __future__ import annotations

import html

from support.corpus import save_file
from support.html import parse_html
from support.saves import text_save

HOI4 = "hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4"


def test_the_page_says_which_game_data_the_map_needs(browser, new_user):
    owner = new_user("nomap")
    save_id = owner.upload(text_save(player="ITA", name="Italy", minor=31)).json()["save_id"]
    response = browser.get(f"/saves/{save_id}")
    assert response.status_code == 200
    page = parse_html(response.text)
    needs = page.text("map-needs-gamedata")
    assert "EU4 1.31.0" in needs and "python -m app gamedata import" in needs
    assert "countries" in page.texts() and "provinces" in page.texts()  # the rest is there
    assert not any(tag == "img" for tag, _ in page.elements)
    assert not any(a.get("data-map", "") is None for _, a in page.elements)
    metas = {
        a.get("property") or a.get("name"): a.get("content")
        for tag, a in page.elements
        if tag == "meta"
    }
    # No map: the link preview's picture is the summary card (tests/app/saves/test_preview.py).
    assert metas["og:image"] == f"{browser.base}/saves/{save_id}/card.png"
    assert metas["og:title"] == "Italy, 1 January 1500, EU4 1.31.0"
    for path in ("map.json", "map.png", "og.png"):
        answer = browser.get(f"/saves/{save_id}/{path}")
        assert answer.status_code == 404, path
        assert "The map needs the game data of EU4 1.31.0" in html.unescape(answer.text), path
    details = browser.get(f"/saves/{save_id}/provinces/1", headers={"HX-Request": "true"})
    assert details.status_code == 200
    text = parse_html(details.text).text("province-1")
    assert "Roma" in text and "Italy" in text


def test_saves_of_other_games_have_no_map(browser, new_user):
    owner = new_user("hoimap")
    response = owner.upload(save_file(HOI4), name="ger.hoi4")
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    assert browser.get(f"/saves/{save_id}").status_code == 200
    for path in ("map.json", "map.png", "og.png", "provinces/1"):
        answer = browser.get(f"/saves/{save_id}/{path}")
        assert answer.status_code == 404 and "no EU4 analysis" in answer.text, path
