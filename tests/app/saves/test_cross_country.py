"""The save page's cross-country sections (economy, mana, idea groups, health): their
tables and cells, sorting and paging links (without JavaScript and as htmx fragments),
the health grid's movable columns, and their CSV downloads.

The values are read off the corpus save's gamestate (``unzip -p FILE gamestate``, the
country block ``^\\tJBB={``; each test names its grep), not recomputed."""

from __future__ import annotations

import csv
import io
import secrets

import pytest
from support.corpus import save_file
from support.html import parse_html as tree

DASH = "\u2013"  # what a missing value shows
MODDED = "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"


def two(value: float) -> str:
    """A number as the tables show ducats: two decimals, thousands separated."""
    return f"{value:,.2f}"


@pytest.fixture(scope="module")
def modded(app_server, browser_class):
    path = save_file(MODDED)  # skips when the corpus lacks it
    client = browser_class(app_server.url)
    client.register(f"cross{secrets.token_hex(4)}")
    response = client.upload(path, name=path.name)
    assert response.status_code in (201, 409), response.text[:300]
    save_id = response.json()["save_id"]
    yield client, save_id
    if response.status_code == 201:
        client.request("DELETE", f"/api/saves/{save_id}")
    client.close()


def csv_rows(client, save_id: str, chart: str) -> list[dict[str, str]]:
    response = client.get(f"/saves/{save_id}/csv/{chart}")
    assert response.status_code == 200, chart
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def row_of(rows: list[list[str]], tag: str) -> list[str]:
    """The row of ``tag``: "Name (TAG)", or the tag alone for a country the save and the
    (absent) game data do not name."""
    return next(row for row in rows if f"({tag})" in row[0] or row[0] == tag)


def test_economy_tables_of_last_month_and_since_the_start(modded):
    client, save_id = modded
    page = tree(client.get(f"/saves/{save_id}").text)
    assert "economy" in page.ids and 'href="#economy"' in client.get(f"/saves/{save_id}").text
    rows = page.rows("economy")
    header = rows[0]
    assert header[:2] == ["Country", "Total ▼"]
    # ledger={ lastmonthincome=44.414 lastmonthincometable={ 11.925 20.071 12.418 ... } }:
    # taxation, production, trade
    jbb = dict(zip(header, row_of(rows, "JBB"), strict=True))
    assert jbb["Total ▼"] == two(44.414)
    assert (jbb["Taxation"], jbb["Production"], jbb["Trade"]) == (
        two(11.925),
        two(20.071),
        two(12.418),
    )
    totals = [float(row[1].replace(",", "")) for row in rows[1:]]
    assert totals == sorted(totals, reverse=True) and len(totals) == 24
    # Last month's expenses (lastmonthexpense=33.073; the 7th of lastmonthexpensetable is
    # army maintenance: 15.828), sorted by that column with a plain link.
    expense = client.get(f"/saves/{save_id}?ledger=expense").text
    links = tree(expense).links
    by_army = next(a for a in links if "bsort=army_maintenance" in (a.get("href") or ""))
    assert (
        by_army["href"]
        == f"/saves/{save_id}?ledger=expense&bsort=army_maintenance&border=desc#economy"
    )
    sorted_page = client.get(by_army["href"].split("#")[0]).text
    rows = tree(sorted_page).rows("economy")
    column = rows[0].index("Army maintenance ▼")
    army = [float(row[column].replace(",", "")) for row in rows[1:]]
    assert army == sorted(army, reverse=True)
    assert row_of(rows, "JBB")[1] == two(33.073) and row_of(rows, "JBB")[column] == two(15.828)
    # The htmx fragment: only the section.
    fragment = client.get(by_army["hx-get"], headers={"HX-Request": "true"})
    assert tree(fragment.text).roots == ["section"]
    assert tree(fragment.text).rows("economy") == rows
    # Every expense since the start: totalexpensetable's 15th, buildings, 16677.500.
    every = tree(client.get(f"/saves/{save_id}?ledger=total_expense&bcols=all").text)
    rows = every.rows("economy")
    assert row_of(rows, "JBB")[rows[0].index("Buildings")] == two(16677.5)


def test_economy_csvs(modded):
    client, save_id = modded
    income = {row["tag"]: row for row in csv_rows(client, save_id, "income_table")}
    assert next(iter(income)) == "JBB" and len(income) == 24  # the default order: by total
    jbb = income["JBB"]
    assert jbb["name"] == "JBAB Garrison Remnant"
    assert (jbb["total"], jbb["taxation"], jbb["production"], jbb["trade"]) == (
        "44.414",
        "11.925",
        "20.071",
        "12.418",
    )
    expense = {row["tag"]: row for row in csv_rows(client, save_id, "expense_table")}
    assert (expense["JBB"]["total"], expense["JBB"]["army_maintenance"]) == ("33.073", "15.828")
    total = {row["tag"]: row for row in csv_rows(client, save_id, "total_expense_table")}
    assert float(total["JBB"]["buildings"]) == 16677.5
    assert float(total["JBB"]["advisor_maintenance"]) == 2200.388  # totalexpensetable's 1st


def test_mana_spent_per_kind_and_by_category(modded):
    client, save_id = modded
    text = client.get(f"/saves/{save_id}").text
    page = tree(text)
    rows = page.rows("mana")
    # adm_spent_indexed={ 0=1717 1=3345 2=694 7=210 17=3292 }: 9,258;
    # dip_spent_indexed={ 0=333 1=4332 7=1024 26=1238 }: 6,927;
    # mil_spent_indexed={ 0=2588 1=3983 7=1930 44=190 }: 8,691
    spent = rows[0]
    assert spent[:5] == ["Country", "Adm", "Dip", "Mil", "Total ▼"]
    jbb = row_of(rows, "JBB")
    assert jbb[1:5] == ["9,258", "6,927", "8,691", "24,876"]
    assert '<rect class="adm"' in text and '<rect class="mil"' in text
    # By category (folded by default; open when sorted by a category): advance_tech (1=)
    # 3345 + 4332 + 3983 = 11,660.
    assert '<details class="data mana-categories">' in text
    by_tech = tree(client.get(f"/saves/{save_id}?msort=advance_tech").text)
    assert (
        '<details class="data mana-categories" open>'
        in client.get(
            f"/saves/{save_id}/mana?msort=advance_tech", headers={"HX-Request": "true"}
        ).text
    )
    categories = [r for r in by_tech.rows("mana") if r[0] == "Country" or "(" in r[0]]
    header = next(r for r in categories if "Advance tech ▼" in r)
    assert (
        row_of(categories[categories.index(header) :], "JBB")[header.index("Advance tech ▼")]
        == "11,660"
    )
    mana = {row["tag"]: row for row in csv_rows(client, save_id, "mana")}
    jbb_csv = mana["JBB"]
    assert (jbb_csv["adm"], jbb_csv["dip"], jbb_csv["mil"]) == ("9258", "6927", "8691")
    assert (jbb_csv["adm_buy_idea"], jbb_csv["dip_promote_merc"], jbb_csv["mil_create_leader"]) == (
        "1717",
        "1238",
        "190",
    )


def test_idea_group_popularity(modded):
    client, save_id = modded
    page = tree(client.get(f"/saves/{save_id}").text)
    rows = page.rows("ideas")
    assert rows[0][:3] == ["Idea group", "Taken", "Completed"]
    # grep '^\t\t\tquantity_ideas=' gamestate: JBB=7, H10=7, Z18=1 and H20=0; H20 owns no
    # province (owner="H20" only in provinces' history) so it is not among the countries.
    quantity = next(row for row in rows if row[0] == "Quantity")
    assert quantity[1:3] == ["3", "2"]
    # National ideas are left out (JBB's human_generic_ideas=4).
    assert not any("generic" in row[0].lower() for row in rows)
    groups = {row["idea_group"]: row for row in csv_rows(client, save_id, "idea_groups")}
    assert (groups["quantity_ideas"]["taken"], groups["quantity_ideas"]["completed"]) == ("3", "2")
    assert "human_generic_ideas" not in groups


def test_health_grid_colours_by_rank_and_moves_columns(modded):
    client, save_id = modded
    text = client.get(f"/saves/{save_id}").text
    page = tree(text)
    rows = page.rows("health")
    header = rows[0]
    assert header[0] == "Country" and header[1].startswith("Income")
    assert header[2].startswith("Treasury - debt") and header[3].startswith("Dev")
    jbb = row_of(rows, "JBB")
    # treasury=1458.925 and no loan={ in JBB's block; army_tradition=27.270
    assert (
        jbb[2] == "1,459"
        and jbb[header.index(next(h for h in header if h.startswith("Army")))] == "27.3"
    )
    assert "heat-0" in text and "heat-6" in text
    # Moving "Dev" left: a plain link to the page with the new order.
    parsed = tree(text)
    move = next(a for a in parsed.links if a.get("title") == "Move Dev left")
    assert move["href"].startswith(
        f"/saves/{save_id}?hcols=monthly_income%2Cdevelopment%2Cnet_treasury"
    )
    moved = tree(client.get(move["href"].split("#")[0]).text).rows("health")[0]
    assert moved[2].startswith("Dev") and moved[3].startswith("Treasury")
    fragment = client.get(move["hx-get"], headers={"HX-Request": "true"}).text
    assert tree(fragment).roots == ["section"] and tree(fragment).rows("health")[0] == moved
    health = {row["tag"]: row for row in csv_rows(client, save_id, "health")}
    assert health["JBB"]["net_treasury"] == "1458.925"
    assert health["JBB"]["army_tradition"] == "27.27"
    assert client.get(f"/saves/{save_id}/csv/nothing_table").status_code == 404


def test_development_efficiency(modded):
    client, save_id = modded
    page = tree(client.get(f"/saves/{save_id}").text)
    rows = page.rows("dev-efficiency")
    assert rows[0] == [
        "Country",
        "Dev clicks ▼",
        "Provinces improved",
        "Dev mana",
        "Mana per click",
    ]
    # grep -A2 'country_improve_count={' gamestate | grep -A1 'tag="JBB"': 40 blocks, val=
    # summing to 102; develop_prov is index 7 of *_spent_indexed: 7=210, 7=1024, 7=1930.
    assert row_of(rows, "JBB")[1:] == ["102", "40", "3,164", f"{3164 / 102:.1f}"]
    clicks = [int(row[1]) for row in rows[1:]]
    assert clicks == sorted(clicks, reverse=True)
    # TFA: 27 clicks on 6 provinces (the same grep with tag="TFA"); adm_spent_indexed 7=1033,
    # dip 7=88, mil 7=387: 1,508.
    assert row_of(rows, "TFA")[1:] == ["27", "6", "1,508", f"{1508 / 27:.1f}"]
    by_name = tree(
        client.get(
            f"/saves/{save_id}/dev-efficiency?dsort=name&dorder=asc", headers={"HX-Request": "true"}
        ).text
    )
    assert by_name.roots == ["section"]
    names = [row[0] for row in by_name.rows("dev-efficiency")[1:]]
    assert names == sorted(names, key=str.casefold)
    table = {row["tag"]: row for row in csv_rows(client, save_id, "dev_efficiency")}
    assert (table["JBB"]["clicks"], table["JBB"]["provinces"], table["JBB"]["mana"]) == (
        "102",
        "40",
        "3164",
    )
    assert (table["TFA"]["clicks"], table["TFA"]["mana"]) == ("27", "1508")


def test_provinces_show_centralized_states_and_infrastructure(modded):
    client, save_id = modded
    default = tree(client.get(f"/saves/{save_id}").text).rows("provinces")[0]
    assert not any(h.startswith(("Centralized", "Infrastructure", "Exploited")) for h in default)
    rows = tree(client.get(f"/saves/{save_id}?psort=centralize_state").text).rows("provinces")
    column = rows[0].index("Centralized ▼")
    # -107={ name="River Place Apts." … num_centralize_state=3 }: five provinces have the
    # field (grep -c '^\t\tnum_centralize_state' gamestate), 3, 2, 2, 3 and 1.
    assert rows[1][0].startswith("River Place Apts.") and rows[1][column] == "3"
    assert [row[column] for row in rows[1:6]] == ["3", "3", "2", "2", "1"]
    assert rows[6][column] == ""  # the others have none
    every = tree(client.get(f"/saves/{save_id}?pcols=all").text).rows("provinces")[0]
    assert {"Infrastructure", "Centralized", "Exploited"} <= set(every)


def test_the_country_filter_narrows_every_cross_country_section(modded):
    """The page's country filter (``cf``): the players' countries only (JBB, human=yes),
    in every cross-country table and in their CSV links and downloads."""
    client, save_id = modded
    text = client.get(f"/saves/{save_id}?cf=players").text
    page = tree(text)
    for section in ("economy", "mana", "health", "dev-efficiency"):
        rows = page.rows(section)
        countries = [row for row in rows if row[0] != "Country"]
        assert countries and all("(JBB)" in row[0] for row in countries), section
    assert f'href="/saves/{save_id}/csv/income_table?cf=players"' in text
    income = csv_rows(client, save_id, "income_table?cf=players")
    assert [row["tag"] for row in income] == ["JBB"]
    # quantity_ideas: of the three countries that took it, JBB alone is a player's
    groups = {row["idea_group"]: row for row in csv_rows(client, save_id, "idea_groups?cf=players")}
    assert (groups["quantity_ideas"]["taken"], groups["quantity_ideas"]["completed"]) == ("1", "1")
