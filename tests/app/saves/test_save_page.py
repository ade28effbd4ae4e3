"""The analysis on the save page: every section, sorting and paging without JavaScript
and as htmx fragments, the charts' tables and CSV downloads, escaping of names from the
file, and the partials rendering from the payload alone (app.analysis.render)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from support import saves as crafted
from support.corpus import save_file
from support.html import parse_html as tree

from app.analysis.render import render_analysis

REPO = Path(__file__).resolve().parents[3]
MODDED = "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
SECTIONS = (
    "save-info",
    "countries",
    "charts",
    "economy",
    "mana",
    "ideas",
    "health",
    "dev-efficiency",
    "player-details",
    "wars",
    "casualties",
    "development",
    "provinces",
    "achievements",
    "leaderboard",
)
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def owner(new_user):
    return new_user("viewer")


@pytest.fixture(scope="module")
def corpus_ids(app_server, eu4_corpus, browser_class):
    """Every text save of the corpus uploaded once by one account (name -> id), and
    deleted when the module is done: other modules upload the same files to the same
    database."""
    import secrets

    client = browser_class(app_server.url)
    client.register(f"corpus{secrets.token_hex(4)}")
    ids, mine = {}, []
    for path in eu4_corpus:
        response = client.upload(path, name=path.name)
        if response.status_code in (201, 409):  # 409: uploaded by another module, still there
            ids[path.name] = response.json()["save_id"]
        if response.status_code == 201:
            mine.append(ids[path.name])
    yield ids
    for save_id in mine:
        client.request("DELETE", f"/api/saves/{save_id}")
    client.close()


@pytest.fixture
def modded(corpus_ids):
    save_file(f"eu4/{MODDED}")  # skips when the corpus lacks it
    return corpus_ids[MODDED]


def test_the_page_shows_every_section(owner, modded):
    page = owner.get(f"/saves/{modded}")
    assert page.status_code == 200
    parsed = tree(page.text)
    for section in SECTIONS:
        assert section in parsed.ids, section
    assert parsed.ids["date"] == "2087-07-01"
    assert "JBB" in parsed.ids["player"] and "JBAB Garrison Remnant" in parsed.ids["player"]
    assert parsed.ids["version"].startswith("1.36.2.0")
    assert "Washington D.Z." in parsed.ids["mods"]
    assert parsed.ids["difficulty"] == "Normal" and parsed.ids["ironman"] == "no"
    countries = parsed.rows("countries")
    assert any(row[0].startswith("JBAB Garrison Remnant (JBB)") for row in countries)
    # Four ledger charts, each an SVG with lines, a data table and a CSV link.
    for chart in ("income", "nation_size", "score", "inflation"):
        assert f'id="chart-{chart}"' in page.text
        assert f'href="/saves/{modded}/csv/{chart}"' in page.text
    assert page.text.count("<polyline") >= 30
    assert page.text.count('<table class="data">') >= 10
    assert f'href="/saves/{modded}/csv/development"' in page.text
    # Player details, achievements and leaderboard with their reasons.
    assert "Julius Arnold" in parsed.ids["player-details"]
    assert "Church" in parsed.ids["player-details"]
    assert "The save cannot earn achievements" in parsed.ids["achievements"]
    assert "binary (ironman) save, not text" in parsed.ids["achievements"]
    assert "Not eligible" in parsed.ids["leaderboard-status"]
    assert parsed.ids["score-days"].startswith("258,018")
    # No inline scripts or styles anywhere (the CSP forbids them).
    assert "<script>" not in page.text.replace('<script src="/static/vendor/htmx.min.js"', "")
    assert " style=" not in page.text


def test_charts_download_as_csv(owner, modded):
    response = owner.get(f"/saves/{modded}/csv/income")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    header = rows[0]
    assert header[0] == "year" and "JBB" in header and len(header) > 20
    years = [int(row[0]) for row in rows[1:]]
    assert years == sorted(years) and years[0] == 2025 and years[-1] == 2087
    jbb = header.index("JBB")
    assert float(rows[1][jbb]) == 72 / 12  # the kernel's yearly income / 12
    dev = list(csv.reader(io.StringIO(owner.get(f"/saves/{modded}/csv/development").text)))
    assert dev[0] == ["low", "high", "provinces"]
    assert sum(int(row[2]) for row in dev[1:]) == 914
    assert owner.get(f"/saves/{modded}/csv/nonsense").status_code == 404
    assert owner.get("/saves/nosuchsave/csv/income").status_code == 404


def test_countries_sort_with_links_and_as_a_fragment(owner, modded):
    page = tree(owner.get(f"/saves/{modded}").text)
    # Header links work without JavaScript: plain hrefs to the sorted page.
    hrefs = [link.get("href") for link in page.links]
    assert f"/saves/{modded}?csort=name&corder=asc#countries" in hrefs
    by_name = owner.get(f"/saves/{modded}?csort=name&corder=asc")
    names = [row[0] for row in tree(by_name.text).rows("countries")[1:]]
    assert names == sorted(names, key=str.casefold) and len(names) == 24
    # Descending by provinces.
    by_size = tree(owner.get(f"/saves/{modded}?csort=provinces").text).rows("countries")[1:]
    sizes = [int(row[2].replace(",", "")) for row in by_size]
    assert sizes == sorted(sizes, reverse=True)
    # The htmx fragment: only the section, the same rows.
    link = next(
        a for a in page.links if a.get("href", "").endswith("csort=name&corder=asc#countries")
    )
    assert link["hx-get"] == f"/saves/{modded}/countries?csort=name&corder=asc"
    assert link["hx-target"] == "#countries" and link["hx-swap"] == "outerHTML"
    assert link["hx-push-url"] == f"/saves/{modded}?csort=name&corder=asc"
    fragment = owner.get(link["hx-get"], headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.headers["vary"] == "HX-Request"
    parsed = tree(fragment.text)
    assert parsed.roots == ["section"] and "html" not in parsed.tags
    assert [row[0] for row in parsed.rows("countries")[1:]] == names
    # Boosted navigation and plain requests to the fragment URL get the whole page.
    boosted = owner.get(link["hx-get"], headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "html" in tree(boosted.text).tags
    assert "html" in tree(owner.get(link["hx-get"]).text).tags
    # Anything unknown falls back to the default order (no error).
    odd = owner.get(f"/saves/{modded}?csort=__class__&corder=sideways&ppage=abc&wpage=-3")
    assert odd.status_code == 200
    assert tree(odd.text).rows("countries")[1][0].startswith("JBAB")


def test_provinces_and_wars_are_paged(owner, modded):
    # Every column ("All columns": pcols=all), 50 provinces a page.
    first = tree(owner.get(f"/saves/{modded}?pcols=all").text).rows("provinces")
    ids = [int(row[0]) for row in first[1:]]
    assert ids == list(range(1, 51))
    second = owner.get(
        f"/saves/{modded}/provinces?ppage=2&pcols=all", headers={"HX-Request": "true"}
    )
    parsed = tree(second.text)
    assert parsed.roots == ["section"]
    assert [int(row[0]) for row in parsed.rows("provinces")[1:]] == list(range(51, 101))
    assert "Page 2 of 99" in parsed.ids["provinces"]
    last = tree(owner.get(f"/saves/{modded}?ppage=9999").text)
    assert "Page 99 of 99" in last.ids["provinces"]
    by_dev = tree(owner.get(f"/saves/{modded}?psort=development&pcols=all").text)
    devs = [float(row[6].replace(",", "")) for row in by_dev.rows("provinces")[1:]]
    assert devs == sorted(devs, reverse=True) and devs[0] == 24
    # Wars: 20 a page, active first; the next page through its link.
    wars = owner.get(f"/saves/{modded}").text
    assert "Page 1 of 31" in tree(wars).ids["wars"]
    assert f'href="/saves/{modded}?wpage=2#wars"' in wars
    page2 = owner.get(f"/saves/{modded}/wars?wpage=2", headers={"HX-Request": "true"})
    assert tree(page2.text).roots == ["section"] and "Page 2 of 31" in page2.text
    # Fragments of a save without an EU4 analysis do not exist.
    assert owner.get("/saves/nosuchsave/wars").status_code == 404


def test_partials_render_from_the_payload_alone(owner, modded):
    """The server's analysis markup is exactly what render_analysis (a plain Jinja2
    environment with StrictUndefined, the module's filters only) gives for the payload."""
    detail = owner.get(f"/api/saves/{modded}").json()
    view = {
        "base": f"/saves/{modded}",
        "htmx": True,
        "csv": f"/saves/{modded}/csv",
        "csort": "name",
        "ppage": "3",
        "country_href": f"/saves/{modded}/countries/{{tag}}",
        "analysis_href": f"/saves/{modded}",
        # the leaderboard section: the site's score of the save
        "site_score": -1 if detail["score_days"] is None else detail["score_days"],
    }
    html = render_analysis(detail["analysis"], view)
    page = owner.get(f"/saves/{modded}?csort=name&ppage=3").text
    assert html in page
    fragment = owner.get(
        f"/saves/{modded}/provinces?csort=name&ppage=3", headers={"HX-Request": "true"}
    ).text
    expected = render_analysis(detail["analysis"], view, template="analysis/_provinces.html.jinja2")
    assert fragment == expected
    # And without a view at all (the browser's local analysis): no links to this server.
    bare = render_analysis(detail["analysis"])
    assert "/saves/" not in bare and "hx-get" not in bare and "Download CSV" not in bare
    assert 'href="?csort=name&amp;corder=asc#countries"' in bare


def test_partials_use_nothing_from_the_app():
    folder = REPO / "templates" / "analysis"
    names = sorted(p.name for p in folder.glob("*.jinja2"))
    assert all(name.startswith("_") for name in names) and len(names) >= 10
    for path in folder.glob("*.jinja2"):
        text = path.read_text()
        for forbidden in ("url_for", "csrf", "current_user", "request", "flashes", "site_name"):
            assert forbidden not in text, (path.name, forbidden)
        assert not re.search(r"\|\s*safe\b", text), path.name
        assert "extends" not in text, path.name


def test_every_corpus_save_renders(owner, corpus_ids):
    assert len(corpus_ids) >= 6
    for name, save_id in corpus_ids.items():
        page = owner.get(f"/saves/{save_id}")
        assert page.status_code == 200, name
        assert 'id="analysis"' in page.text
        render_analysis(owner.get(f"/api/saves/{save_id}").json()["analysis"])


def test_names_from_the_file_are_escaped(owner):
    countries = (
        f'ITA={{ human=yes was_player=yes name="{EVIL}" capital=1 num_of_cities=2 '
        f'history={{ 1444.11.11={{ monarch={{ id={{ id=1 type=48 }} name="{EVIL}" '
        f'dynasty="<b>Dyn</b>" ADM=3 DIP=4 MIL=5 }} }} }} }} '
        f'AAA={{ name="Other" capital=3 num_of_cities=1 }}'
    )
    ledgers = (
        'income_statistics={ ledger_data={ name="ITA" data={ 1445=120 1446=144 } } '
        'ledger_data={ name="=SUM(A1)" data={ 1445=60 1446=72 } } }'
    )
    war = (
        f'active_war={{ name="{EVIL}" history={{ 1450.1.1={{ add_attacker="ITA" }} '
        f'1450.1.1={{ add_defender="AAA" }} 1451.1.1={{ battle={{ name="<i>Field</i>" '
        f'location=1 result=yes attacker={{ infantry=1000 losses=10 country="ITA" '
        f'commander="{EVIL}" }} defender={{ infantry=500 losses=500 country="AAA" '
        f'commander="" }} }} }} }} }}'
    )
    provinces = (
        f'-1={{ name="{EVIL}" owner="ITA" controller="ITA" cores={{ ITA }} base_tax=5.000 '
        f"base_production=4.000 base_manpower=3.000 religion=catholic culture=umbrian }} "
        f'-3={{ name="Other" owner="AAA" controller="AAA" base_tax=1.000 '
        f"base_production=1.000 base_manpower=1.000 }}"
    )
    data = crafted.text_save(
        name=EVIL,
        countries=countries,
        provinces=provinces,
        extra=ledgers + "\n" + war,
    )
    response = owner.upload(data, name="evil.eu4", filename=EVIL, aar=EVIL)
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    analysis = owner.get(f"/api/saves/{save_id}").json()["analysis"]
    assert analysis["countries"][0]["name"] == EVIL
    assert analysis["details"][0]["rulers"][0]["name"] == EVIL
    assert analysis["wars"][0]["name"] == EVIL
    for url in (
        f"/saves/{save_id}",
        f"/saves/{save_id}?csort=name",
        f"/saves/{save_id}/countries",
    ):
        page = owner.get(url, headers={"HX-Request": "true"} if "countries" in url else {})
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<b>Dyn</b>" not in page.text and "<i>Field</i>" not in page.text
    page = owner.get(f"/saves/{save_id}").text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    # country (table, legend, SVG title), ruler, commander, war, province, player, AAR
    assert page.count(escaped) >= 8
    parsed = tree(page)
    assert EVIL in parsed.ids["player"]
    assert any(EVIL in row[0] for row in parsed.rows("countries"))
    # CSV: a name a spreadsheet would run as a formula is defused.
    rows = list(csv.reader(io.StringIO(owner.get(f"/saves/{save_id}/csv/income").text)))
    assert rows[0] == ["year", "ITA", "'=SUM(A1)"]
    assert rows[1] == ["1445", "10.0", "5.0"]
    # The fragment-free render (the browser) escapes the same way.
    assert "<script>alert" not in render_analysis(analysis)


def test_the_page_never_shows_a_stale_analysis(owner, make_save, sql):
    """Rendered sections are cached per process (app.saves.analysis_cache), keyed by the
    stored payload: a changed payload is seen at once."""
    save_id = owner.upload(make_save()).json()["save_id"]
    first = tree(owner.get(f"/saves/{save_id}").text)
    again = tree(owner.get(f"/saves/{save_id}").text)  # served again (from the cache)
    assert again.ids["analysis"] == first.ids["analysis"]
    assert "France (FRA)" in first.ids["player"]
    sql(
        "UPDATE saves SET analysis = jsonb_set(analysis, '{info,player_name}', $2::jsonb)"
        " WHERE id = $1",
        save_id,
        '"Kingdom of France"',
    )
    assert "Kingdom of France (FRA)" in tree(owner.get(f"/saves/{save_id}").text).ids["player"]
    sql("UPDATE saves SET analysis = NULL WHERE id = $1", save_id)
    page = owner.get(f"/saves/{save_id}")
    assert 'id="no-analysis"' in page.text and 'id="analysis"' not in page.text


def test_a_save_without_a_stored_analysis(owner, make_save, sql):
    save_id = owner.upload(make_save()).json()["save_id"]
    sql("UPDATE saves SET analysis = NULL WHERE id = $1", save_id)
    page = owner.get(f"/saves/{save_id}")
    assert page.status_code == 200 and 'id="no-analysis"' in page.text
    assert owner.get(f"/saves/{save_id}/countries").status_code == 404
    assert owner.get(f"/saves/{save_id}/csv/income").status_code == 404


def _headers(page: str, section: str) -> list[str]:
    return tree(page).rows(section)[0]


def test_tables_show_priority_columns_and_every_column_on_demand(owner, modded):
    """The countries and provinces tables fit a page's column: the priority columns, the
    others behind "All columns" (a link: works without JavaScript, swapped by htmx), and
    a column the table is sorted by always shows."""
    page = owner.get(f"/saves/{modded}").text
    countries = _headers(page, "countries")
    assert countries[0].startswith("Country") and "Dev" in countries[1]
    assert not any(h.startswith(("Treasury", "Loans", "Prestige")) for h in countries)
    assert len(countries) == 7
    provinces = _headers(page, "provinces")
    assert not any(h.startswith(("Tax", "HRE")) for h in provinces)
    assert provinces[0].startswith("Id")  # the default order: by id, so it shows
    parsed = tree(page)
    toggle = next(a for a in parsed.links if a.get("href", "").endswith("ccols=all#countries"))
    assert toggle["href"] == f"/saves/{modded}?ccols=all#countries"
    assert toggle["hx-get"] == f"/saves/{modded}/countries?ccols=all"
    every = owner.get(toggle["hx-get"], headers={"HX-Request": "true"}).text
    headers = _headers(every, "countries")
    assert len(headers) == 16 and any(h.startswith("Loans") for h in headers)
    assert "Fewer columns" in every and "All columns" not in every
    # Links of the wide table keep every column (a sort stays wide).
    assert f'href="/saves/{modded}?csort=name&amp;corder=asc&amp;ccols=all#countries"' in every
    # Sorted by a column that is not a priority one: that column shows.
    by_loans = _headers(owner.get(f"/saves/{modded}?csort=loans").text, "countries")
    assert any(h.startswith("Loans") for h in by_loans) and len(by_loans) == 8
    by_tax = _headers(owner.get(f"/saves/{modded}?psort=base_tax").text, "provinces")
    assert any(h.startswith("Tax") for h in by_tax)
    assert not any(h.startswith("HRE") for h in by_tax)
    # Anything else than "all" is the default.
    assert len(_headers(owner.get(f"/saves/{modded}?ccols=everything").text, "countries")) == 7


def test_countries_wear_their_map_colour(owner, modded):
    """The save's map colour of a country (JBB: ``map_color={ 255 106 0 }`` in its block of
    the gamestate's ``countries``) on its swatch in the tables and its chart lines."""
    page = owner.get(f"/saves/{modded}").text
    row = next(r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S) if "(JBB)" in r)
    assert '<svg class="swatch"' in row and 'fill="#ff6a00"' in row
    charts = page[page.index('id="charts"') : page.index('id="player-details"')]
    lines = re.findall(r'<polyline data-focus-country="JBB"[^>]*>', charts)
    assert lines and all('stroke="#ff6a00"' in line for line in lines)
    assert all('stroke-width="3.0"' in line for line in lines)  # the player's: wider


def test_wars_put_the_players_first_and_fold_the_others(owner, modded):
    page = owner.get(f"/saves/{modded}").text
    wars = page[
        page.index('<section id="wars"') : page.index(
            "</section>", page.index('<section id="wars"')
        )
    ]
    folds = re.findall(r'<details class="war( mine)?"( open)?>', wars)
    assert folds, "the modded save has wars"
    mine = [bool(m) for m, _ in folds]
    # The player's wars (JBB among the participants) first; of them, the active ones open
    # (the others, and every war the players are not in, folded).
    assert mine == sorted(mine, reverse=True) and any(mine)
    opened = [bool(o) for _, o in folds]
    assert opened == sorted(opened, reverse=True) and any(opened)  # active first
    assert all(is_mine for is_open, is_mine in zip(opened, mine, strict=True) if is_open)
    # Battles are folded inside a war, with their count.
    assert re.search(r'<details class="battles">\s*<summary>[\d,]+ battles?</summary>', wars)


def test_the_theme_is_chosen_with_a_form_and_kept_in_a_cookie(new_user):
    client = new_user("themer")
    page = client.get("/saves").text
    assert '<html lang="en" data-theme="auto">' in page
    assert 'action="/theme"' in page and 'name="theme" value="dark"' in page
    # A cross-site post (no CSRF token) changes nothing.
    refused = client.post("/theme", csrf=False, data={"theme": "dark", "back": "/saves"})
    assert refused.status_code == 403 and "theme" not in client.client.cookies
    chosen = client.post("/theme", data={"theme": "dark", "back": "/saves?page=2"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/saves?page=2"
    assert '<html lang="en" data-theme="dark">' in client.get("/saves").text
    assert 'value="dark" class="link" aria-pressed="true"' in client.get("/").text
    # Never a redirect off the site; an unknown theme is a 400 that names the field.
    away = client.post("/theme", data={"theme": "light", "back": "//evil.example/"})
    assert away.headers["location"] == "/"
    assert '<html lang="en" data-theme="light">' in client.get("/").text
    odd = client.post("/theme", data={"theme": "neon"})
    assert odd.status_code == 400 and "theme" in odd.text
    # "System" forgets the choice.
    client.post("/theme", data={"theme": "auto", "back": "/"})
    assert '<html lang="en" data-theme="auto">' in client.get("/").text


def test_casualties_show_the_ten_heaviest_and_fold_the_rest(owner, modded):
    detail = owner.get(f"/api/saves/{modded}").json()["analysis"]
    land = [c for c in detail["casualties"] if c["losses"]["land_total"]]
    page = owner.get(f"/saves/{modded}").text
    section = page[page.index('<section id="casualties"') :]
    section = section[: section.index("</section>")]
    army = section[: section.index("<h3>Navy</h3>")]
    first, _, rest = army.partition('<details class="data">')
    assert first.count('<tr><th scope="row"') == min(10, len(land))
    if len(land) > 10:
        assert f"{len(land) - 10} more countries" in rest
        assert rest.count('<tr><th scope="row"') == len(land) - 10
