"""Any country's page (/saves/{id}/countries/{tag} and its JSON twin) and the country filter
of the save page (cf/ctags in the URL), on a real upload of the corpus' JBB save. Values
are read off the save's gamestate (the grep in each comment: ``unzip -p FILE gamestate``)."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterator

import pytest
from support.corpus import save_file
from support.html import parse_html
from support.http import Browser

JBB = "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"


def flat(text: str) -> str:
    """``text`` without whitespace (a definition list's terms and values run together)."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, own_database):
    """This module's app, on a database of its own (the corpus save is new there)."""
    from app.settings import DatabaseSettings

    with serve_app(make_settings(database=DatabaseSettings(url=own_database))) as server:
        yield server


@pytest.fixture(scope="module")
def jbb(app_server) -> Iterator[tuple[Browser, str]]:
    """A signed-in client and the id of the JBB save it uploaded (once for the module)."""
    client = Browser(app_server.url)
    client.register(f"countries{secrets.token_hex(4)}")
    response = client.upload(save_file(JBB), name="jbb.eu4")
    assert response.status_code == 201, response.text
    yield client, response.json()["save_id"]
    client.close()


def test_the_players_country_page(jbb) -> None:
    client, save_id = jbb
    response = client.get(f"/saves/{save_id}/countries/JBB")
    assert response.status_code == 200, response.text
    page = parse_html(response.text)
    text = flat(page.text("country-overview"))
    # JBB={ … national_focus=ADM … powers={ 457 351 805 } … rival={ country="DPD" … } }
    assert flat("National focus ADM") in text
    assert flat("Monarch points 457 / 351 / 805") in text
    assert f"/saves/{save_id}/countries/DPD" in page.hrefs  # the rival links to its page
    # history={ 2024.1.1={ monarch={ name="Julius Arnold" DIP=4 ADM=4 MIL=5 … } } }
    assert flat("Ruler Julius Arnold (4 / 4 / 5, since 2024-01-01)") in text
    assert flat("Government strength Republican tradition 100.0") in text
    # history: leader={ name="Francis Barclay" type=general … } (2024.1.1), Hector
    # Crockett (2068.11.4), Julius Jackson (2069.4.10), Moses Adams (2086.2.2); the
    # country refers to three of them (leader={ id=… }): alive
    leaders = flat(page.text("country-leaders"))
    assert flat("4 generals in its history; 3 alive.") in leaders
    # lastmonthincometable={ 11.925 20.071 12.418 … }: taxation, production, trade
    budget = {row[0]: row[1:] for row in page.rows("country-budget")}
    assert budget["Trade"][0] == "12.42" and budget["Taxation"][0] == "11.93"
    # diplomacy={ dependency={ first="JBB" second="H26" start_date=2081.7.23
    # subject_type="march" } }
    subjects = page.rows("country-subjects")
    assert subjects[1][1:3] == ["March", "2081-07-23"] and "H26" in subjects[1][0]
    # 2024.1.2={ capital=1109 changed_country_name_from="JBAB Garrison Remnant" }
    history = page.rows("country-history")
    assert ["2024-01-02", "Was named", "JBAB Garrison Remnant"] in history
    assert f"/saves/{save_id}#countries" in page.hrefs  # the way back


def test_history_filter_and_a_non_player_country(jbb) -> None:
    client, save_id = jbb
    rulers = parse_html(client.get(f"/saves/{save_id}/countries/JBB?hkind=rulers").text)
    rows = rulers.rows("country-history")[1:]
    assert rows and {row[1] for row in rows} == {"New ruler"}
    # the subject's page: it is H26, whose overlord JBB holds it as a march
    response = client.get(f"/saves/{save_id}/countries/h26")  # any case
    assert response.status_code == 200
    page = parse_html(response.text)
    diplomacy = flat(page.text("country-diplomacy"))
    assert flat("Subject (March) of") in diplomacy and flat("since 2081-07-23") in diplomacy
    assert f"/saves/{save_id}/countries/JBB" in page.hrefs
    assert page.rows("country-rulers")  # every country of the table has its details


def test_the_history_has_the_provinces_gained_and_lost(jbb) -> None:
    client, save_id = jbb
    page = parse_html(client.get(f"/saves/{save_id}/countries/JBB?hkind=provinces").text)
    rows = page.rows("country-history")[1:]
    # the province "Hickam Field": history={ owner="Z24" … 2027.1.24={ owner="JBB" } }
    assert ["2027-01-24", "Province gained", "Hickam Field, from Z24"] in rows
    assert {row[1] for row in rows} == {"Province gained", "Province lost"}


def test_unknown_countries_are_readable_404s(jbb) -> None:
    client, save_id = jbb
    for path in ("XXX", "ab%24", "toolong"):
        response = client.get(f"/saves/{save_id}/countries/{path}")
        assert response.status_code == 404
        assert "country" in response.text
    assert client.get("/saves/nosuchsave00/countries/JBB").status_code == 404
    assert client.get(f"/api/saves/{save_id}/countries/XXX").status_code == 404


def test_the_api_gives_the_same_country(jbb) -> None:
    client, save_id = jbb
    body = client.get(f"/api/saves/{save_id}/countries/jbb").json()
    assert (body["save_id"], body["tag"]) == (save_id, "JBB")
    assert body["details"]["national_focus"] == "ADM"
    assert body["details"]["powers"] == [457, 351, 805]
    assert body["row"]["development"] == 990.0  # 76 + 88 + 5 provinces' base values
    assert body["budget"]["last_month_income"]["trade"] == 12.418
    assert any(w["participation"]["tag"] == "JBB" for w in body["wars"])
    assert body["ledgers"]["income"], "the income ledger of JBB"


def test_every_country_of_the_table_links_to_its_page(jbb) -> None:
    client, save_id = jbb
    page = parse_html(client.get(f"/saves/{save_id}").text)
    table = page.rows("countries")
    linked = {h.rsplit("/", 1)[1] for h in page.hrefs if f"/saves/{save_id}/countries/" in h}
    # 24 countries own provinces in this save (the table's caption says so)
    assert len(table) - 1 == 24 and len(linked) >= 24


def test_the_country_filter_is_in_the_url(jbb) -> None:
    client, save_id = jbb
    players = parse_html(client.get(f"/saves/{save_id}?cf=players").text)
    # players_countries={ "Assassin Blanc" "JBB" }: the one player
    rows = players.rows("countries")[1:]
    assert len(rows) == 1 and "JBB" in rows[0][0]
    assert "Players: 1 country" in players.text("country-filter")
    # the sort links keep the filter, so a sorted filtered view can be shared
    sorts = [h for h in players.hrefs if "csort=" in h]
    assert sorts and all("cf=players" in h for h in sorts)
    chosen = parse_html(client.get(f"/saves/{save_id}?cf=chosen&ctags=dpd,+h26").text)
    tags = sorted(
        row[0].split("(")[-1].rstrip(")") if "(" in row[0] else row[0].split()[0]
        for row in chosen.rows("countries")[1:]
    )
    assert tags == ["DPD", "H26"]
    # the provinces of a filtered view are those the shown countries own
    owners = {row[2].split()[0] for row in chosen.rows("provinces")[1:]}  # id, name, owner
    assert owners and owners <= {"DPD", "H26"}
    # the wars: only those with a shown country among their participants
    every = parse_html(client.get(f"/saves/{save_id}").text)
    assert wars_count(chosen) < wars_count(every) and wars_count(chosen) > 0
    assert "of the countries shown" in chosen.text("wars")


def wars_count(page) -> int:
    """Active plus previous wars, as the wars section's first line says them."""
    words = page.text("wars").split()
    previous = next(i for i, word in enumerate(words) if word.startswith("previous"))
    return int(words[words.index("active,") - 1]) + int(words[previous - 1])


def test_filtered_csv(jbb) -> None:
    client, save_id = jbb
    response = client.get(f"/saves/{save_id}/csv/income?cf=chosen&ctags=JBB,DPD")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.text)))
    assert header[0] == "year" and sorted(header[1:]) == ["DPD", "JBB"]
    every = next(csv.reader(io.StringIO(client.get(f"/saves/{save_id}/csv/income").text)))
    assert len(every) > 3


def test_a_country_outside_the_table(jbb) -> None:
    """AAC owns nothing in 2087 (no row of the table, no details) but is in the save's
    ledgers (income_statistics: ledger_data={ name="AAC" … }): its page shows what the
    analysis has, on the site and as the browser renders it (StrictUndefined)."""
    from app.analysis.render import render_analysis

    client, save_id = jbb
    response = client.get(f"/saves/{save_id}/countries/AAC")
    assert response.status_code == 200
    assert "owns no provinces" in response.text
    analysis = client.get(f"/api/saves/{save_id}").json()["analysis"]
    html = render_analysis(analysis, {"country": "AAC", "country_href": "?country={tag}"})
    assert 'data-country="AAC"' in html and "owns no provinces" in html
