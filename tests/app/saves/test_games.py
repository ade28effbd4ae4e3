"""Saves of every game through upload (HTTP): each corpus file of CK3, HOI4, Imperator,
Vic3 and Stellaris is stored and gets a page with its info and summary (Stellaris: the
full analysis, its CSV and JSON), the listings name the game, leaderboards stay EU4's,
duplicates are refused across games, and truncated or corrupt files get a readable 422
with nothing stored.

Expected values are read off the corpus files (the grep or line quoted beside each)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from support.corpus import save_file
from support.html import parse_html

CK3 = "ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt"
CK3_SAV = "ck3/rakaly_ck3_header_867.1.1_v1.0.2_SAV0102_text_fragment.txt"
HOI4 = "hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4"
IMPERATOR = "imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt"
VIC3 = "vic3/pdxtools_vic3_inlined_meta_v1.9.7_fragment.v3"
UNE = "stellaris/pjmagee_UNE_ironman_2250.11.15_v3.14.sav"
NEXITRON = "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav"


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, own_database):
    """This module's app, on a database of its own: the corpus files it uploads are new
    there whatever other modules uploaded (and the listings hold only this module's)."""
    from app.settings import DatabaseSettings

    with serve_app(make_settings(database=DatabaseSettings(url=own_database))) as server:
        yield server


@pytest.fixture
def sql(own_sql):
    return own_sql


@pytest.fixture
def owner(new_user):
    return new_user("gamer")


def count(sql):
    return sql("SELECT count(*) AS n FROM saves")[0]["n"]


def uploaded(user, rel):
    """The id of the corpus file ``rel`` uploaded (the id of the earlier upload when
    another test of this module stored it first: a 409)."""
    path = save_file(rel)
    response = user.upload(path, name=path.name)
    assert response.status_code in (201, 409), response.text
    return response.json()["save_id"]


# (file, game's full name, {element id on the page: text}, listing player column)
GAMES = [
    # meta_player_name="Chieftain Botulf", meta_house_name="Frille",
    # meta_title_name="Chiefdom of Jåhkåmåhkke" (grep of the file)
    (
        CK3,
        "Crusader Kings III",
        {
            "summary-character": "Chieftain Botulf",
            "summary-house": "Frille",
            "summary-title": "Chiefdom of Jåhkåmåhkke (County)",
            "date": "1066.9.15",
        },
        "Chieftain Botulf",
    ),
    # SAV0102 meta: meta_player_name="Jarl Ivar the Boneless", meta_house_name="Ivaring"
    (
        CK3_SAV,
        "Crusader Kings III",
        {"summary-character": "Jarl Ivar the Boneless", "summary-house": "Ivaring"},
        "Jarl Ivar the Boneless",
    ),
    # player="GER", ideology=fascism, difficulty="normal" (lines 2-5 of the file)
    (
        HOI4,
        "Hearts of Iron IV",
        {
            "summary-country": "GER",
            "summary-ideology": "Fascism",
            "summary-difficulty": "Normal",
            "ironman": "yes",
        },
        "GER",
    ),
    # meta_player_name="Suionia", date=450.10.1
    (IMPERATOR, "Imperator: Rome", {"summary-country": "Suionia", "date": "450.10.1"}, "Suionia"),
    # binary metadata and no Vic3 token table: the info only
    (VIC3, "Victoria 3", {}, ""),
]


@pytest.mark.parametrize(("rel", "game", "facts", "player"), GAMES, ids=lambda v: str(v)[:12])
def test_each_game_gets_a_page(owner, rel, game, facts, player):
    save_id = uploaded(owner, rel)
    page = parse_html(owner.get(f"/saves/{save_id}").text)
    assert page.text("game") == game
    for element, text in facts.items():
        assert " ".join(page.text(element).split()) == text, element
    detail = owner.get(f"/api/saves/{save_id}").json()
    assert detail["analysis"]["kind"] == "info"
    assert detail["analysis"]["summary"]["game"] == detail["game"] == rel.split("/")[0]
    # Leaderboards stay EU4's: no score, no achievements, not qualified to rank.
    assert detail["score_days"] is None and detail["achievements"] == []
    # The feed shows the game by name and the player the summary gives.
    feed = parse_html(owner.get("/saves").text).rows("saves")
    (row,) = [r for r in feed if r[5] == save_file(rel).name]
    assert row[3] == game
    assert row[1] == player


def test_vic3_binary_metadata_says_a_table_is_needed(owner):
    page = parse_html(owner.get(f"/saves/{uploaded(owner, VIC3)}").text)
    assert "vic3.txt token table" in page.text("save-info")


def test_same_ck3_file_twice_is_a_duplicate(owner, new_user, sql):
    first = uploaded(owner, CK3_SAV)
    rows = count(sql)
    again = new_user("again").upload(save_file(CK3_SAV), name="again.ck3")
    assert again.status_code == 409
    assert again.json()["save_id"] == first
    assert count(sql) == rows


def test_user_page_and_api_list_name_the_game(new_user):
    user = new_user("hoi4player")
    save_id = uploaded(user, HOI4)
    detail = user.get(f"/api/saves/{save_id}").json()
    assert detail["game"] == "hoi4" and detail["player_tag"] == "GER"
    listed = user.get("/api/saves", params={"limit": 200}).json()["saves"]
    assert {s["game"] for s in listed if s["id"] == save_id} == {"hoi4"}
    # The user page lists the user's saves, the game by name (this user's upload, unless
    # another test of this module stored the file first).
    user_id, _ = user.api_key()
    rows = parse_html(user.get(f"/users/{detail['user_id']}").text).rows("saves")[1:]
    assert [row[3] for row in rows if row[5] == save_file(HOI4).name] == ["Hearts of Iron IV"]
    if detail["user_id"] == user_id:
        assert len(rows) == 1


def _truncated_zip():
    data = save_file(NEXITRON).read_bytes()
    return data[: len(data) // 2]


def _corrupt_zip():
    """The Nexitron save with bytes of its gamestate entry overwritten: CRC mismatch."""
    data = save_file(NEXITRON).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("gamestate")
    start = info.header_offset + 30 + len(info.filename) + 1000
    return data[:start] + bytes(2000) + data[start + 2000 :]


def _cut_sav():
    # The header line "SAV0102a40f789f000067c4" declares 0x67c4 = 26564 bytes of metadata.
    return save_file(CK3_SAV).read_bytes()[:5000]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_truncated_zip, "truncated"),
        (_corrupt_zip, "corrupt"),
        (_cut_sav, "truncated"),
    ],
    ids=["stellaris-truncated", "stellaris-corrupt", "ck3-cut"],
)
def test_truncated_or_corrupt_is_a_readable_422(owner, sql, make, words):
    rows = count(sql)
    response = owner.upload(make(), name="broken.sav")
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert count(sql) == rows


def test_stellaris_analysis_page_csv_and_api(owner):
    save_id = uploaded(owner, UNE)
    # every column of the empires table ("All columns")
    page = parse_html(owner.get(f"/saves/{save_id}?ecols=all").text)
    assert page.text("game") == "Stellaris"
    # meta: name="United Nations of Earth", ironman=yes
    assert page.text("summary-country") == "United Nations of Earth"
    assert page.text("ironman") == "yes"
    # galaxy={ template="huge" shape="elliptical" … } (gamestate line 3540721)
    assert page.text("galaxy-size") == "Huge"
    assert page.text("galaxy-shape") == "Elliptical"
    # player={ { name="Delegate" country=0 } } (gamestate line 33); country 0: name key
    # EMPIRE_DESIGN_humans1, capital=3 (planet 3: key="NAME_Earth"), owned_planets={ 3 332
    # 2141 }, 67 technology= entries directly in its tech_status (3 more are in the research
    # queues), empire_size=126
    empires = page.rows("empires")
    header, rows = empires[0], empires[1:]
    assert header[:5] == ["Empire", "Capital", "Systems", "Planets", "Pops"]
    (une,) = [r for r in rows if r[0].startswith("United Nations of Earth")]
    assert "player (Delegate)" in une[0]
    assert une[1] == "Earth" and une[3] == "3" and une[10] == "67"
    assert "United Nations of Earth" in page.text("player-empire")
    assert page.text("player-size") == "126"
    assert page.text("player-techs") == "67"
    # war_vs_adjectives of SPEC_Adeex and SPEC_Cydran (goal wg_subjugation)
    assert any("Adeex-Cydran" in r[0] for r in page.rows("wars")[1:])
    # the CSV: the same rows, every column
    response = owner.get(f"/saves/{save_id}/csv/empires")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert len(table) == len(rows)
    (une_csv,) = [r for r in table if r["player"] == "True"]
    assert (une_csv["name"], une_csv["capital"], une_csv["planets"]) == (
        "United Nations of Earth",
        "Earth",
        "3",
    )
    # military_power=3040.54687 (country 0)
    assert float(une_csv["fleet_power"]) == pytest.approx(3040.54687)
    assert owner.get(f"/saves/{save_id}/csv/income").status_code == 404
    # the JSON API: the payload
    detail = owner.get(f"/api/saves/{save_id}").json()
    assert detail["game"] == "stellaris"
    assert detail["player_tag_name"] == "United Nations of Earth"
    stellaris = detail["analysis"]["stellaris"]
    assert detail["analysis"]["kind"] == "stellaris"
    assert stellaris["player_name"] == "Delegate" and stellaris["player"] == 0
    assert stellaris["galaxy"]["template"] == "huge"
    assert detail["score_days"] is None and detail["achievements"] == []


def test_the_empires_table_sorts_by_any_column(owner):
    save_id = uploaded(owner, NEXITRON)
    uploaded_une = uploaded(owner, UNE)

    def numbers(rows, column):
        return [float(r[column].replace(",", "")) for r in rows]

    # Default: strongest fleet first (column 5); by pops (4) highest first; by name A-Z.
    rows = parse_html(owner.get(f"/saves/{uploaded_une}?ecols=all").text).rows("empires")[1:]
    assert numbers(rows, 5) == sorted(numbers(rows, 5), reverse=True)
    by_pops = parse_html(owner.get(f"/saves/{uploaded_une}?esort=pops&ecols=all").text)
    pops = numbers(by_pops.rows("empires")[1:], 4)
    assert pops == sorted(pops, reverse=True) and len(pops) == len(rows)
    assert by_pops.ids["empires"]  # the section is there, sorted
    fewest = parse_html(owner.get(f"/saves/{uploaded_une}?esort=pops&eorder=asc&ecols=all").text)
    assert numbers(fewest.rows("empires")[1:], 4) == sorted(pops)
    # The header links carry the sort; with htmx only the section comes back.
    fragment = owner.get(
        f"/saves/{uploaded_une}/empires?esort=name&eorder=asc", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    section = parse_html(fragment.text)
    assert section.roots == ["section"]
    names = [r[0] for r in section.rows("empires")[1:]]
    assert [n.casefold() for n in names] == sorted(n.casefold() for n in names)
    assert "esort=pops" in " ".join(by_pops.hrefs)
    # A Stellaris save has no EU4 sections; another game's save no empires.
    assert (
        owner.get(f"/saves/{save_id}/countries", headers={"HX-Request": "true"}).status_code == 404
    )
    ck3 = uploaded(owner, CK3)
    assert owner.get(f"/saves/{ck3}/empires", headers={"HX-Request": "true"}).status_code == 404


def test_eu4_csv_names_stay_eu4_only(owner):
    save_id = uploaded(owner, CK3)
    assert owner.get(f"/saves/{save_id}/csv/empires").status_code == 404
    assert owner.get(f"/saves/{save_id}/csv/income").status_code == 404


def test_the_empires_table_shows_its_priority_columns(owner):
    """Capital and the energy, minerals and alloys incomes behind "All columns", as the
    EU4 tables; a column the table is sorted by shows."""
    save_id = uploaded(owner, UNE)
    header = parse_html(owner.get(f"/saves/{save_id}").text).rows("empires")[0]
    assert header == ["Empire", "Systems", "Planets", "Pops", "Fleet power ▼", "Research", "Techs"]
    every = owner.get(f"/saves/{save_id}/empires?ecols=all", headers={"HX-Request": "true"})
    assert len(parse_html(every.text).rows("empires")[0]) == 11
    assert "Fewer columns" in every.text
    by_energy = parse_html(owner.get(f"/saves/{save_id}?esort=energy").text).rows("empires")[0]
    assert "Energy ▼" in by_energy and "Minerals" not in by_energy
