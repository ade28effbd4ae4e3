"""Two saves compared (/saves/{a}/compare/{b} and its JSON) and a playthrough's timeline
(/playthroughs/{id}), over real uploads to the app on a database of its own.

The corpus has no two saves of one playthrough, so this module makes them from ONE: the
modded 1.36 save (a zip of ``meta``, ``gamestate`` and ``ai``, text), re-zipped with a few
explicit byte substitutions (support.playthrough). The playthrough id (the rebels'
decision seed and the starting monarchs) is untouched by them, so both copies share it.
Values asserted are read off the unzipped files (the greps are quoted beside them):

- before: ``meta`` ``date=2087.7.1`` -> ``date=2086.11.15``; province 1 (``-1={``,
  ``owner="TFA"``) -> owner ``H01`` (a country of the save that owns no province:
  ``grep -c '^\\t\\towner="H01"' gamestate`` is 0).
- after: the date as it is; province 7 (``owner="Z18"``) -> ``JBB`` (the player);
  province 12 (``owner="DPD"``) -> ``H13`` (which owns no province either).
"""

from __future__ import annotations

import pytest
from support.corpus import save_file
from support.html import parse_html
from support.playthrough import before_and_after

POLAND = "eu4/pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4"  # another playthrough
HOI4 = "hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4"


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, own_database):
    """This module's app on a database of its own: the playthrough holds only its saves."""
    from app.settings import DatabaseSettings

    with serve_app(make_settings(database=DatabaseSettings(url=own_database))) as server:
        yield server


@pytest.fixture(scope="module")
def pair(app_server, browser_class):
    """(before id, after id) uploaded by one account."""
    client = browser_class(app_server.url)
    client.register("comparer")
    ids = []
    for data, name in zip(before_and_after(), ("before.eu4", "after.eu4"), strict=True):
        response = client.upload(data, name=name)
        assert response.status_code == 201, response.text
        ids.append(response.json()["save_id"])
    yield ids[0], ids[1]
    client.close()


@pytest.fixture(scope="module")
def other(app_server, browser_class):
    """A save of another playthrough (POLAND) and a HOI4 save: (EU4 id, HOI4 id)."""
    client = browser_class(app_server.url)
    client.register("stranger")
    ids = []
    for rel in (POLAND, HOI4):
        path = save_file(rel)
        response = client.upload(path, name=path.name)
        assert response.status_code == 201, response.text
        ids.append(response.json()["save_id"])
    yield ids[0], ids[1]
    client.close()


def _rows(page, within="countries"):
    """{tag: cells} of the comparison table (the row ids are country-<TAG>)."""
    rows = page.rows(within)
    header, body = rows[0], rows[1:]
    tags = [e[1]["id"].removeprefix("country-") for e in page.elements
            if e[0] == "tr" and (e[1].get("id") or "").startswith("country-")]  # fmt: skip
    return header, dict(zip(tags, body, strict=True))


def test_the_page_shows_what_changed(browser, pair):
    before, after = pair
    # The URL's order does not matter: the earlier game date is "before".
    for url in (f"/saves/{before}/compare/{after}", f"/saves/{after}/compare/{before}"):
        response = browser.get(url)
        assert response.status_code == 200, response.text
        page = parse_html(response.text)
        assert "2086-11-15" in page.text("before") and "2087-07-01" in page.text("after")
        assert "same playthrough" in page.text("playthrough-note")
        header, rows = _rows(page)
        col = {name.rstrip(" \u25b2\u25bc"): i for i, name in enumerate(header)}  # sort marks
        # the player first (players_countries={ "Assassin Blanc" "JBB" })
        assert next(iter(rows)) == "JBB"
        jbb = rows["JBB"]
        # province 7 gained: base_tax=3.000 base_production=3.000 base_manpower=4.000
        assert jbb[col["Dev change"]] == "+10" and jbb[col["Provinces change"]] == "+1"
        assert jbb[col["Income change"]] == "0.00"  # country blocks untouched
        assert "National Gallery of Art (7)" in page.text("gained-JBB")  # name="National…"
        z18 = rows["Z18"]
        assert z18[col["Dev change"]] == "-10" and z18[col["Provinces change"]] == "-1"
        assert "National Gallery of Art (7)" in page.text("lost-Z18")
        # province 12: base_tax=8.000 base_production=7.000 base_manpower=9.000, name="The Pentagon"
        h13 = rows["H13"]
        assert "appeared" in h13[col["Country"]]
        assert h13[col["Dev before"]] == "\u2013" and h13[col["Dev after"]] == "24"
        assert "The Pentagon (12)" in page.text("gained-H13")
        assert rows["DPD"][col["Dev change"]] == "-24"
        # province 1 (base 10/5/5, name="White House") was H01's only one before
        h01 = rows["H01"]
        assert "disappeared" in h01[col["Country"]] and h01[col["Dev change"]] == "-20"
        assert "White House (1)" in page.text("lost-H01")
        assert "White House (1)" in page.text("gained-TFA")
        # Wars: grep -n 'name="Hobbling Conquest of Clark' gamestate: its history's last
        # date 2086.12.4, outcome=2 (attackers won), add_attacker="Z11" add_defender="H13";
        # no other previous war ends after 2086.11.15 (later history dates are of active wars).
        assert page.rows("ended-wars")[1][:3] == [
            "Hobbling Conquest of Clark's Group",
            "2086-12-04",
            "attackers won",
        ]
        assert len(page.rows("ended-wars")) == 2
        assert "#country-Z11" in page.hrefs and "#country-H13" in page.hrefs  # their rows
        assert rows["Z11"][col["Wars won"]] == "1" and h13[col["Wars lost"]] == "1"
        assert jbb[col["Wars won"]] == "0" and jbb[col["Wars lost"]] == "0"
        # each country links to its page in the later save
        assert f"/saves/{after}/countries/JBB" in page.hrefs


def test_sorting_by_a_column_is_a_plain_link(browser, pair):
    before, after = pair
    base = f"/saves/{before}/compare/{after}"
    page = parse_html(browser.get(base).text)
    assert f"{base}?sort=provinces&order=desc#countries" in page.hrefs
    page = parse_html(browser.get(f"{base}?sort=provinces&order=asc").text)
    _, rows = _rows(page)
    tags = list(rows)
    # players first, then the lowest provinces change: Z18, DPD and H01 lost one each
    assert tags[0] == "JBB" and set(tags[1:4]) == {"Z18", "DPD", "H01"}


def test_the_api_gives_the_same(browser, pair):
    before, after = pair
    data = browser.get(f"/api/saves/{after}/compare/{before}").json()
    assert data["before"]["id"] == before and data["after"]["id"] == after
    assert data["before"]["date"] == "2086-11-15" and data["same_playthrough"] is True
    rows = {c["tag"]: c for c in data["countries"]}
    assert rows["JBB"]["development_change"] == 10 and rows["JBB"]["player"] is True
    assert rows["JBB"]["provinces_gained"] == [{"id": 7, "name": "National Gallery of Art"}]
    assert rows["H13"]["status"] == "appeared" and rows["H13"]["development_before"] is None
    assert rows["H01"]["status"] == "disappeared" and rows["H01"]["provinces_after"] is None
    assert [w["name"] for w in data["wars"]] == ["Hobbling Conquest of Clark's Group"]
    assert data["wars"][0]["outcome"] == "attacker"
    paths = browser.get("/api/schema/openapi.json").json()["paths"]
    assert "/api/saves/{save_id}/compare/{other_id}" in paths
    assert "/api/playthroughs/{playthrough_id}" in paths


def test_unrelated_saves_say_so(browser, pair, other):
    poland, _ = other
    response = browser.get(f"/saves/{poland}/compare/{pair[1]}")
    assert response.status_code == 200
    page = parse_html(response.text)
    assert "not known to be of the same playthrough" in page.text("playthrough-note")
    # date=1464.12.30 in the Polish save: it is "before"
    assert "1464-12-30" in page.text("before")
    assert browser.get(f"/api/saves/{poland}/compare/{pair[1]}").json()["same_playthrough"] is False


def test_a_non_eu4_save_is_a_readable_422(browser, pair, other):
    _, hoi4 = other
    response = browser.get(f"/saves/{pair[0]}/compare/{hoi4}")
    assert response.status_code == 422
    assert "Hearts of Iron IV" in response.text and "only EU4" in response.text
    api = browser.get(f"/api/saves/{hoi4}/compare/{pair[0]}")
    assert api.status_code == 422 and "only EU4" in api.json()["detail"]


def test_a_missing_save_is_a_404(browser, pair):
    response = browser.get(f"/saves/{pair[0]}/compare/nosuchsave00")
    assert response.status_code == 404 and "nosuchsave00" in response.text
    assert browser.get(f"/api/saves/nosuchsave00/compare/{pair[0]}").status_code == 404
    assert browser.get("/playthroughs/nosuchplaythrough").status_code == 404


def test_the_timeline_lists_both_saves(browser, pair):
    before, after = pair
    save_page = parse_html(browser.get(f"/saves/{before}").text)
    # the save page links to the timeline and to the next save's comparison
    assert "One of 2 shared saves" in save_page.text("playthrough")
    assert f"/saves/{before}/compare/{after}" in save_page.hrefs
    (timeline,) = [h for h in save_page.hrefs if h.startswith("/playthroughs/")]
    assert "/" not in timeline.removeprefix("/playthroughs/")  # base64url in the URL
    after_page = parse_html(browser.get(f"/saves/{after}").text)
    assert f"/saves/{before}/compare/{after}" in after_page.hrefs
    response = browser.get(timeline)
    assert response.status_code == 200
    page = parse_html(response.text)
    rows = page.rows("timeline")[1:]
    assert [r[0] for r in rows] == ["2086-11-15", "2087-07-01"]
    assert [r[1] for r in rows] == ["before.eu4", "after.eu4"]
    # JBB's provinces: grep -c '^\t\towner="JBB"' gamestate is 169 (the before save's),
    # and the after save has province 7 (3+3+4 development) more.
    assert [r[7] for r in rows] == ["169", "170"]
    dev = [float(r[5].replace(",", "")) for r in rows]
    assert dev[1] - dev[0] == 10
    assert f"/saves/{before}/compare/{after}" in page.hrefs
    assert "timeline-charts" in page.ids
    api = browser.get("/api" + timeline).json()
    assert [s["save"]["id"] for s in api["saves"]] == [before, after]
    assert api["saves"][1]["provinces"] - api["saves"][0]["provinces"] == 1
