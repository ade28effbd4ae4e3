"""A site without game data: pages say how the operator adds it, keys stay keys, and
nothing else changes (the API, the bundle list, the admin page)."""

from __future__ import annotations

from support.html import parse_html
from support.saves import text_save


def test_pages_show_keys_and_say_how_to_add_names(browser, new_user):
    owner = new_user("nodata")
    save_id = owner.upload(text_save(player="ITA", name="Italy", minor=31)).json()["save_id"]
    page = parse_html(browser.get(f"/saves/{save_id}").text)
    assert "python -m app gamedata import" in page.text("gamedata")
    assert "languages" not in page.texts()
    detail = browser.get(f"/api/saves/{save_id}").json()
    assert detail["names"] == {} and detail["gamedata"] is None
    assert browser.get("/gamedata/bundles.json").json() == []


def test_admin_page_says_there_is_none(admin):
    page = parse_html(admin.get("/gamedata").text)
    assert "No game data yet" in page.text("no-bundles")
