"""app.analysis.render (what the analysis partials may use, shared with the browser) and
the save page's cache, without a server."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest
from support.html import parse_html

from app.analysis import render as ar
from app.analysis import tables
from app.analysis import view as av
from app.saves.analysis_cache import AnalysisCache

MODULE = Path(ar.__file__)


@pytest.mark.parametrize(
    "module",
    [
        MODULE,
        *(MODULE.parent / f"{name}.py" for name in ("view", "tables", "countries", "geography")),
    ],
)
def test_the_module_imports_only_the_standard_library_and_jinja(module):
    """The browser imports it under Pyodide with jinja2 and markupsafe only (render.py
    and app.analysis.countries, which it imports)."""
    tree = ast.parse(module.read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module)
    allowed = {"__future__", "jinja2", "jinja2.runtime", "markupsafe"}
    allowed |= {f"app.analysis.{name}" for name in ("view", "tables", "countries", "geography")}
    import sys

    stdlib = {r for r in roots if r.split(".")[0] in sys.stdlib_module_names}
    assert roots - allowed <= stdlib, roots


def test_view_defaults_and_checks():
    view = ar.analysis_view()
    assert (view["csort"], view["corder"], view["ppage"], view["base"]) == (
        "development",
        "desc",
        1,
        "",
    )
    odd = ar.analysis_view(
        {"csort": "__class__", "corder": "up", "ppage": "x", "wpage": "-4", "psort": "name"}
    )
    assert (odd["csort"], odd["corder"], odd["ppage"], odd["wpage"]) == (
        "development",
        "desc",
        1,
        1,
    )
    assert (odd["psort"], odd["porder"]) == ("name", "asc")  # text columns: A first
    assert ar.analysis_view({"ppage": "10000000000"})["ppage"] == 1_000_000
    assert ar.analysis_view(odd) == odd  # idempotent


def test_queries_keep_the_state_and_drop_defaults():
    view = ar.analysis_view({"csort": "name", "corder": "asc", "ppage": 3})
    assert ar.view_query(ar.analysis_view()) == ""
    assert ar.view_query(view) == "?csort=name&corder=asc&ppage=3"
    # Sorting provinces goes back to their first page; the countries' order flips.
    assert ar.sort_query(view, "p", "development") == (
        "?csort=name&corder=asc&psort=development&porder=desc"
    )
    assert ar.sort_query(view, "c", "name") == "?csort=name&corder=desc&ppage=3"
    assert ar.page_query(view, "wpage", 2) == "?csort=name&corder=asc&ppage=3&wpage=2"


def test_sorting_and_paging():
    rows = [{"name": "b", "x": 2}, {"name": "A", "x": None}, {"name": "c", "x": 1}]
    assert [r["name"] for r in ar.sorted_rows(rows, "name")] == ["A", "b", "c"]
    assert [r["name"] for r in ar.sorted_rows(rows, "x", "desc")] == ["b", "c", "A"]
    tech = [{"adm_tech": 1, "dip_tech": 1, "mil_tech": 1}, {"adm_tech": 5, "dip_tech": 0}]
    assert ar.sorted_rows(tech, "tech", "desc")[0]["adm_tech"] == 5
    page = ar.paged(list(range(250)), 9, 100)
    assert (page["page"], page["pages"], page["first"], page["last"]) == (3, 3, 201, 250)
    empty = ar.paged([], 1, 100)
    assert (empty["pages"], empty["first"], empty["last"]) == (1, 0, 0)


def test_formatting():
    assert ar.num(1234567.891, 1) == "1,234,567.9"
    assert ar.num(-0.0001, 2) == "0.00"
    assert ar.num(None) == ar.DASH and ar.num(float("nan")) == ar.DASH and ar.num(True) == ar.DASH
    assert ar.pct(0.5114) == "51.1%"
    assert ar.humanize("estate_church") == "Estate church"


def test_charts():
    assert ar.nice_ticks(0, 744) == [0, 200, 400, 600, 800]
    series = [
        {"tag": f"T{i:02d}", "points": [[1444 + y, float(i * y)] for y in range(30)]}
        for i in range(15)
    ]
    colors = {"T14": [255, 0, 16], "T00": [1, 2, 3], "T13": "not a colour"}
    chart = ar.line_chart(series, limit=5, highlight=["T00"], colors=colors)
    assert [s["tag"] for s in chart["series"]] == ["T14", "T13", "T12", "T11", "T10", "T00"]
    # a country's line has its map colour; without one, the palette's; a player's is wider
    assert chart["series"][0]["color"] == "#ff0010" and chart["series"][-1]["color"] == "#010203"
    assert chart["series"][1]["color"] == ar.PALETTE[1]
    assert chart["series"][-1]["player"] and chart["series"][-1]["width"] == ar.HIGHLIGHT_WIDTH
    assert not chart["series"][0]["player"] and chart["series"][0]["width"] < ar.HIGHLIGHT_WIDTH
    assert len(chart["rows"]) == 30 and chart["every"] == 1
    long = ar.line_chart(
        [{"tag": "A", "points": [[1444 + y, 1.0] for y in range(400)]}], table_rows=80
    )
    assert long["every"] == 5 and long["rows"][-1][0] == 1843
    assert ar.line_chart([])["empty"] and ar.bar_chart([])["empty"]
    # Fractional years (a playthrough's saves by date): the line spans the plot exactly.
    dated = ar.line_chart([{"tag": "A", "points": [[2086.87, 1.0], [2087.5, 2.0]]}])
    xs = [float(point.split(",")[0]) for point in dated["series"][0]["points"].split()]
    assert xs == [dated["plot"]["left"], dated["plot"]["right"]]
    assert [tick["label"] for tick in dated["xticks"]] == ["2087"]
    bars = ar.bar_chart([[0, 5, 10], [5, 10, 0]])
    assert bars["bars"][1]["height"] == 0
    # The histogram's data for app/static/charts.js: the SVG's buckets, by position.
    data = ar.bar_chart_data(bars)
    assert (data["kind"], data["x"]) == ("bars", [0, 1])
    assert data["x_names"] == [f"0{ar.DASH}5", f"5{ar.DASH}10"]
    assert data["series"][0]["values"] == [10, 0]


def test_the_interactive_charts_data_is_the_charts_and_stays_in_its_attribute():
    """The JSON that app/static/charts.js draws (``data-chart``): the SVG's lines (same
    countries, colours, widths), every year, values rounded as the data table shows them;
    a country name from the file cannot end the attribute or the tag."""
    evil = "'></figure><script>alert(1)</script><!--\""
    payload = {
        "countries": [{"tag": "EVL", "name": evil}, {"tag": "SWE", "name": "Sweden"}],
        "info": {"player_tag": "EVL", "human_tags": []},
        "ledgers": {
            "income": [
                {"tag": "EVL", "points": [[1444, 1.26], [1446, 2.0]]},
                {"tag": "SWE", "points": [[1445, 10.04], [1446, 12.0]]},
            ],
            "nation_size": [],
            "score": [],
            "inflation": [],
        },
    }
    html = ar.render_analysis(payload, template="analysis/_charts.html.jinja2")
    figures = [attrs for tag, attrs in parse_html(html).elements if tag == "figure"]
    assert len(figures) == 4 and "<script>" not in html
    charts = [attrs["data-chart"] for attrs in figures if "data-chart" in attrs]
    assert len(charts) == 1  # the empty ledgers have none
    assert figures[0]["id"] == "chart-income"
    data = json.loads(charts[0] or "")
    assert data["x"] == [1444, 1445, 1446] and data["digits"] == 1
    by_tag = {s["tag"]: s for s in data["series"]}
    assert by_tag["EVL"]["label"] == f"{evil} (EVL)"
    assert by_tag["EVL"]["values"] == [1.3, None, 2.0]
    assert by_tag["SWE"]["values"] == [None, 10.0, 12.0]
    assert by_tag["EVL"]["player"] and by_tag["EVL"]["width"] == ar.HIGHLIGHT_WIDTH
    # The SVG fallback draws the same lines in the same colours.
    for s in data["series"]:
        assert f'stroke="{s["color"]}" stroke-width="{s["width"]}"' in html


def test_csv():
    analysis = {
        "ledgers": {
            "income": [
                {"tag": "SWE", "points": [[1445, 1.5], [1446, 2.0]]},
                {"tag": "=cmd", "points": [[1446, 3.0]]},
            ]
        },
        "development": {"buckets": [[0, 5, 3]]},
    }
    rows = list(csv.reader(io.StringIO(ar.chart_csv(analysis, "income"))))
    assert rows == [["year", "SWE", "'=cmd"], ["1445", "1.5", ""], ["1446", "2.0", "3.0"]]
    assert ar.chart_csv(analysis, "score") == "year\r\n"
    assert ar.chart_csv(analysis, "development") == "low,high,provinces\r\n0,5,3\r\n"
    with pytest.raises(KeyError):
        ar.chart_csv(analysis, "nope")


def test_render_needs_only_the_payload_and_escapes():
    evil = "<script>x</script>"
    payload = {"kind": "info", "info": {"game": evil, "date": "1066-09-15", "notes": [evil]}}
    html = ar.render_analysis(payload)
    assert evil not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'id="date">1066-09-15<' in html


def test_achievements_that_need_game_data_are_named_in_one_line():
    import msgspec
    from support.saves import text_save

    from kernel.eu4 import analyze

    payload = msgspec.to_builtins(analyze(text_save()))
    html = ar.render_analysis(payload, template="analysis/_achievements.html.jinja2")
    assert 'id="achievement-undecided">31 achievements need game data' in html
    assert "Basileus; African Power;" in html and 'id="achievement-38"' not in html
    assert "2 of 44 achievements have every condition met" in html
    assert 'id="achievement-gamedata"' not in html
    payload["gamedata"] = {"id": "eu4-1.35.1", "label": "EU4 1.35.1 data", "game": "eu4",
                           "version": "1.35.1"}  # fmt: skip
    payload["achievements"]["needs_gamedata"] = []
    html = ar.render_analysis(payload, template="analysis/_achievements.html.jinja2")
    assert 'id="achievement-gamedata">Geography from EU4 1.35.1 data.' in html
    assert 'id="achievement-38"' in html and "achievement-undecided" not in html


def test_cache_is_a_bounded_lru():
    cache = AnalysisCache(100)
    cache.put("a", 1, 25)
    cache.put("b", 2, 20)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3, 25)
    cache.put("d", 4, 25)
    cache.put("e", 5, 20)  # 115 > 100: b (the least recent) goes
    assert cache.get("b") is None and cache.get("a") == 1 and cache.size == 95
    cache.put("huge", 6, 26)  # more than a quarter of the budget: not kept
    assert cache.get("huge") is None and len(cache) == 4
    cache.put("a", 7, 10)  # replaced, size recounted
    assert cache.get("a") == 7 and cache.size == 80


def test_compiled_partials_render_what_the_sources_render(tmp_path):
    """The browser bundle's partials are compiled to Python modules at build time
    (``compiled_partials``, loaded by jinja2.ModuleLoader): for a real save's payload and
    several views, they give the HTML that the template sources give."""
    import jinja2
    import msgspec
    from support.corpus import save_file

    from kernel.eu4 import analyze

    save = save_file("eu4/morgotth_tiny_save_1687_trimmed.eu4")
    payload = msgspec.to_builtins(analyze(save.read_bytes()))
    modules = ar.compiled_partials(tmp_path)
    partials = sorted(p.name for p in (ar.TEMPLATES / "analysis").glob("*.jinja2"))
    assert len(modules) == len(partials)  # one module per partial, nothing else
    compiled = ar._plain_environment(jinja2.ModuleLoader(tmp_path))  # as environment() does
    views = [None, ar.analysis_view({"csort": "name", "corder": "asc", "ppage": 2})]
    for view in views:
        expected = ar.render_analysis(payload, view)
        got = compiled.get_template(ar.ENTRY).render(analysis=payload, view=view)
        assert got == expected
        assert 'id="analysis"' in got


# --- the country filter and a country's page (app.analysis.countries) ----------------------


def _filter_payload():
    """A payload's parts the filter reads: the table's rows, the players, a ledger, wars."""
    return {
        "info": {"player_tag": "SWE", "human_tags": ["DAN"]},
        "countries": [
            {"tag": "SWE", "name": "Sweden", "great_power": True},
            {"tag": "DAN", "name": "Denmark", "great_power": False},
            {"tag": "NOR", "name": "Norway", "great_power": True},
        ],
        "ledgers": {"income": [{"tag": t, "points": [[1445, 1.0]]} for t in ("SWE", "HAN")]},
        "wars": [
            {"name": "A", "participants": [{"tag": "NOR"}, {"tag": "HAN"}]},
            {"name": "B", "participants": [{"tag": "DAN"}]},
        ],
    }


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ({}, None),
        ({"cf": "alive"}, {"SWE", "DAN", "NOR"}),
        ({"cf": "players"}, {"SWE", "DAN"}),
        ({"cf": "great_powers"}, {"SWE", "NOR"}),
        ({"cf": "chosen", "ctags": "nor; han , x, NOR"}, {"NOR", "HAN"}),
        ({"cf": "chosen", "ctags": ""}, set()),
    ],
)
def test_shown_tags(view, expected):
    shown = ar.shown_tags(_filter_payload(), ar.analysis_view(view))
    assert (None if shown is None else set(shown)) == expected


def test_the_filter_travels_in_links_and_filters_rows():
    payload = _filter_payload()
    view = ar.analysis_view({"cf": "chosen", "ctags": "han,nor", "csort": "name"})
    assert view["ctags"] == "HAN,NOR"
    query = ar.view_query(view, cpage=2)
    assert "cf=chosen" in query and "ctags=HAN%2CNOR" in query and "cpage=2" in query
    assert ar.filter_query(view) == "?cf=chosen&ctags=HAN%2CNOR"
    assert ar.analysis_view({"cf": "bogus", "ctags": "SWE"})["cf"] == ""
    assert ar.analysis_view({"cf": "players", "ctags": "SWE"})["ctags"] == ""  # only chosen
    tags = ar.shown_tags(payload, view)
    assert [r["tag"] for r in ar.shown_countries(payload, view)] == ["NOR"]
    # HAN owns nothing (not in the table) but was chosen: its ledger line shows
    assert [s["tag"] for s in ar.shown_rows(payload["ledgers"]["income"], tags)] == ["HAN"]
    assert [w["name"] for w in ar.shown_wars(payload["wars"], tags)] == ["A"]
    header = ar.chart_csv(payload, "income", None, {"cf": "players"}).splitlines()[0]
    assert header == "year,SWE"


def test_country_links_follow_the_view():
    site = ar.analysis_view({"country_href": "/saves/x/countries/{tag}"})
    assert ar.country_url(site, "swe") == "/saves/x/countries/SWE"
    assert ar.country_url(site, "<script>") == ""  # not a tag: no link
    assert ar.country_url(ar.analysis_view(), "SWE") == ""  # no country pages (static site)
    local = ar.analysis_view({"country_href": "?country={tag}", "country": "SWE", "hkind": "wars"})
    assert ar.view_query(local) == "?country=SWE&hkind=wars"  # the page is a view
    assert ar.view_query(ar.analysis_view({**site, "country": "SWE"})) == ""  # a path


def test_country_page_of_a_payload():
    payload = _filter_payload()
    payload["details"] = [
        {
            "tag": "DAN",
            "history": [["1450-01-01", "monarch", "Christian"], ["1444-11-11", "focus", "ADM"]],
            "relations": [
                {"kind": "dependency", "other": "NOR", "outgoing": True, "start": "1449-01-01"},
                {"kind": "alliance", "other": "SWE", "outgoing": False, "start": None},
            ],
            "rulers": [{"name": "Christian"}],
            "heirs": [{"name": "Hans", "succeeded": False}],
        }
    ]
    payload["wars"][1]["participants"][0].update(joined="1460-02-02", left=None)
    page = ar.country_page(payload, "DAN")
    assert [e[1] for e in page["timeline"]] == ["focus", "monarch", "war_joined"]
    assert [s["other"] for s in page["subjects"]] == ["NOR"] and page["overlord"] is None
    assert [r["kind"] for r in page["relations"]] == ["alliance"]
    assert page["ruler"]["name"] == "Christian" and page["heir"]["name"] == "Hans"
    assert page["player"] is True
    only_wars = ar.country_page(payload, "DAN", hkind="wars")["timeline"]
    assert only_wars == [["1460-02-02", "war_joined", "B"]]
    assert ar.country_page(payload, "XXX") is None
    assert ar.reign_years("1444-11-11", None, "1445-11-11") == 1.0
    assert ar.budget_categories([{"a": 1.0, "other": 9.0}, {"b": 5.0}]) == ["b", "a", "other"]


# --- development by geography (app.analysis.geography) ---------------------------------------


def test_treemap_fills_the_rectangle_in_proportion():
    items = [{"value": v} for v in (6, 6, 4, 3, 2, 2, 1)]
    rects = ar.treemap(items, 600, 400)
    assert len(rects) == 7
    total = sum(r["w"] * r["h"] for r in rects)
    assert total == pytest.approx(600 * 400)
    for r in rects:  # each tile's area is its share of the whole, inside the box
        assert r["w"] * r["h"] == pytest.approx(600 * 400 * r["item"]["value"] / 24)
        assert r["x"] >= -1e-9 and r["x"] + r["w"] <= 600 + 1e-6
        assert r["y"] >= -1e-9 and r["y"] + r["h"] <= 400 + 1e-6
    assert ar.treemap([]) == [] and ar.treemap([{"value": 0}]) == []


def test_geography_tree_of_a_payload():
    payload = {
        "places": {
            "areas": {"a1": [1, 2], "a2": [3], "a3": [4]},
            "regions": {"r1": ["a1", "a2"]},
            "superregions": {"s1": ["r1"]},
            "continents": {"c1": [1, 2, 3, 4]},
        },
        "provinces": [
            {"id": 1, "name": "One", "owner": "AAA", "development": 10.0},
            {"id": 2, "name": "Two", "owner": "BBB", "development": 5.0},
            {"id": 3, "name": "Three", "owner": None, "development": 7.0},
            {"id": 4, "name": "Four", "owner": "AAA", "development": 2.0},
        ],
    }
    world = ar.geography(payload, "", None)
    assert [(c["key"], c["value"]) for c in world["children"]] == [("c1", 17.0)]
    assert (world["world"], world["uncolonised"]) == (24.0, 7.0)
    continent = ar.geography(payload, "continent:c1", None)
    # s1 lies on c1; a3 is in no region: "other"
    assert [(c["key"], c["value"]) for c in continent["children"]] == [("s1", 15.0), ("other", 2.0)]
    area = ar.geography(payload, "area:a1", frozenset({"AAA"}))  # filtered to AAA
    assert [(c["name"], c["value"]) for c in area["children"]] == [("One", 10.0)]
    assert area["path"] == [
        ("continent", "c1"),
        ("superregion", "s1"),
        ("region", "r1"),
        ("area", "a1"),
    ]
    assert ar.geography({"provinces": []}, "", None) is None  # no game data
    assert ar.analysis_view({"geo": "area:a1"})["geo"] == "area:a1"
    assert ar.analysis_view({"geo": "area:<script>"})["geo"] == ""


def test_the_development_histogram_follows_the_filter():
    payload = {
        "info": {"player_tag": "AAA", "human_tags": []},
        "countries": [{"tag": "AAA"}, {"tag": "BBB"}],
        "development": {"provinces": 3, "bucket_width": 5, "buckets": [[0, 5, 1], [10, 15, 2]]},
        "provinces": [
            {"id": 1, "owner": "AAA", "development": 3.0},
            {"id": 2, "owner": "BBB", "development": 12.0},
            {"id": 3, "owner": "AAA", "development": 14.0},
        ],
    }
    assert ar.development_of(payload, None) is payload["development"]
    mine = ar.development_of(payload, frozenset({"AAA"}))
    assert mine["buckets"] == [[0, 5, 1], [10, 15, 1]]
    assert (mine["provinces"], mine["total"], mine["median"], mine["max"]) == (2, 17.0, 8.5, 14.0)
    csv_text = ar.chart_csv(payload, "development", None, {"cf": "players"})
    assert csv_text.splitlines() == ["low,high,provinces", "0,5,1", "10,15,1"]


# --- the cross-country sections ------------------------------------------------------------

CROSS = {
    "info": {"player_tag": "AAA", "human_tags": ["AAA"]},
    "countries": [
        {
            "tag": "AAA",
            "name": "Aland",
            "development": 30.0,
            "treasury": 100.0,
            "debt": 250.0,
            "inflation": 2.0,
            "idea_groups": [
                {"name": "AAA_ideas", "ideas": 7, "national": True},
                {"name": "quality_ideas", "ideas": 7, "national": False},
                {"name": "trade_ideas", "ideas": 2, "national": False},
            ],
        },
        {
            "tag": "BBB",
            "name": "=Bee",
            "development": 10.0,
            "treasury": 50.0,
            "debt": 0.0,
            "inflation": 0.0,
            "idea_groups": [{"name": "quality_ideas", "ideas": 3, "national": False}],
        },
        {"tag": "CCC", "name": "Cee", "development": 20.0, "idea_groups": []},
    ],
    # BBB's budget omits its zero categories (the kernel may); CCC has none.
    "budgets": [
        {
            "tag": "AAA",
            "last_month_income": {"taxation": 5.0, "trade": 1.0, "gold": 0.0},
            "last_month_income_total": 6.0,
            "total_expense": {"buildings": 10.0, "advisors": 0.0},
        },
        {
            "tag": "BBB",
            "last_month_income": {"trade": 3.0},
            "last_month_income_total": 3.0,
            "total_expense": {"buildings": 4.0, "peace": 2.0},
        },
    ],
    "details": [
        {
            "tag": "AAA",
            "mana": {
                "adm": {"buy_idea": 100, "advance_tech": 50},
                "dip": {"advance_tech": 25},
                "mil": {},
                "adm_total": 150,
                "dip_total": 25,
                "mil_total": 0,
            },
        }
    ],
}


def test_cross_country_rows_come_from_the_shown_countries():
    assert [row["tag"] for row in ar.shown_countries(CROSS, {})] == ["AAA", "BBB", "CCC"]
    view = ar.analysis_view({"cf": "chosen", "ctags": "BBB"})
    assert [row["tag"] for row in ar.budget_table(CROSS, "income", view)["rows"]] == ["BBB"]
    assert [row["tag"] for row in ar.health_grid(CROSS, view)["rows"]] == ["BBB"]
    rows = list(csv.reader(io.StringIO(ar.chart_csv(CROSS, "income_table", view=view))))
    assert [row[0] for row in rows[1:]] == ["BBB"]


def test_budget_tables_treat_a_missing_category_as_zero():
    income = ar.budget_table(CROSS, "income")
    assert income["columns"] == ["taxation", "trade"]  # largest sum first; gold is all zero
    rows = {row["tag"]: row for row in income["rows"]}
    assert set(rows) == {"AAA", "BBB"}  # CCC has no budget
    assert rows["BBB"]["taxation"] == 0 and rows["BBB"]["total"] == 3.0
    total = {row["tag"]: row for row in ar.budget_table(CROSS, "total_expense")["rows"]}
    assert total["BBB"]["total"] == 6.0  # no total field: the categories' sum
    rows = list(csv.reader(io.StringIO(ar.chart_csv(CROSS, "income_table"))))
    assert rows == [
        ["tag", "name", "total", "taxation", "trade"],
        ["AAA", "Aland", "6.0", "5.0", "1.0"],
        ["BBB", "'=Bee", "3.0", "0", "3.0"],
    ]


def test_mana_table_adds_the_kinds_up_per_category():
    (row,) = ar.mana_table(CROSS)["rows"]
    assert (row["adm"], row["dip"], row["mil"], row["total"]) == (150, 25, 0, 175)
    assert row["advance_tech"] == 75 and row["buy_idea"] == 100
    assert row["share"] == {"adm": 150 / 175, "dip": 25 / 175, "mil": 0}
    rows = list(csv.reader(io.StringIO(ar.chart_csv(CROSS, "mana"))))
    assert rows[0] == [
        "tag", "name", "adm", "dip", "mil", "total",
        "adm_advance_tech", "adm_buy_idea", "dip_advance_tech",
    ]  # fmt: skip
    assert rows[1] == ["AAA", "Aland", "150", "25", "0", "175", "50", "100", "25"]


def test_idea_popularity_leaves_national_ideas_out():
    groups = ar.idea_popularity(CROSS)
    assert [(g["name"], g["taken"], g["completed"]) for g in groups] == [
        ("quality_ideas", 2, 1),
        ("trade_ideas", 1, 0),
    ]
    assert groups[0]["share"] == 1 and groups[1]["share"] == 0.5


def test_health_grid_ranks_each_column_and_keeps_its_order():
    grid = ar.health_grid(CROSS, {"hcols": "inflation,net_treasury"})
    keys = [column["key"] for column in grid["columns"]]
    assert keys[:3] == ["inflation", "net_treasury", "monthly_income"]
    assert len(keys) == len(av.HEALTH_COLUMNS)
    assert [row["tag"] for row in grid["rows"]] == ["AAA", "CCC", "BBB"]  # by development
    inflation = [row["cells"][0] for row in grid["rows"]]
    # lower is better: BBB's 0 is the best, AAA's 2 the worst; CCC has none
    assert [c["heat"] for c in inflation] == [0, None, tables.HEAT_LEVELS - 1]
    treasury = [row["cells"][1]["value"] for row in grid["rows"]]
    assert treasury == [-150.0, None, 50.0]
    # Every value equal: the middle level.
    assert tables._heat([3, 3], True) == [tables.HEAT_LEVELS // 2] * 2


def test_health_columns_move_with_links():
    view = ar.analysis_view({"hcols": "dev,prestige,prestige,nope"})
    assert view["hcols"].startswith("prestige,monthly_income,")
    assert ar.analysis_view({"hcols": ",".join(av.health_order(""))})["hcols"] == ""
    default = ar.analysis_view()
    assert ar.health_move_query(default, "net_treasury", -1).startswith(
        "?hcols=net_treasury%2Cmonthly_income%2Cdevelopment%2C"
    )
    # Moving the first column left changes nothing: the default order, no query.
    assert ar.health_move_query(default, "monthly_income", -1) == ""


def test_cross_country_view_keys():
    view = ar.analysis_view(
        {"ledger": "expense", "bsort": "army_maintenance", "msort": "__class__", "bpage": "2"}
    )
    assert (view["ledger"], view["bsort"], view["border"], view["bpage"]) == (
        "expense",
        "army_maintenance",
        "desc",
        2,
    )
    assert (view["msort"], view["morder"]) == ("total", "desc")  # not an identifier
    assert ar.analysis_view({"ledger": "loot"})["ledger"] == "income"
    assert ar.view_query(view) == "?ledger=expense&bsort=army_maintenance&border=desc&bpage=2"
    assert ar.sort_query(view, "b", "name") == ("?ledger=expense&bsort=name&border=asc")
    assert ar.analysis_view(view) == view


def test_cross_country_sections_render_from_the_payload_alone():
    html = ar.render_analysis(CROSS, template="analysis/_economy.html.jinja2")
    assert "Aland" in html and "=Bee" in html  # a table cell, not a CSV: as is
    for template, shown in (("_mana", "Aland"), ("_ideas", "Quality"), ("_health", "Cee")):
        assert shown in ar.render_analysis(CROSS, template=f"analysis/{template}.html.jinja2")


def test_dev_efficiency_counts_clicks_of_every_province():
    payload = {
        **CROSS,
        "provinces": [
            {"id": 1, "improvements": {"AAA": 3, "BBB": 1}},
            {"id": 2, "improvements": {"AAA": 2, "CCC": -4}},  # a negative count: no click
            {"id": 3},  # a payload stored before the field
        ],
    }
    payload["details"] = [
        {
            **CROSS["details"][0],
            "mana": {"adm": {"develop_prov": 50}, "dip": {}, "mil": {"develop_prov": 25}},
        }
    ]
    rows = {row["tag"]: row for row in ar.dev_efficiency(payload)}
    assert set(rows) == {"AAA", "BBB"}
    assert (rows["AAA"]["clicks"], rows["AAA"]["provinces"], rows["AAA"]["mana"]) == (5, 2, 75)
    assert rows["AAA"]["per_click"] == 15
    assert rows["BBB"]["mana"] is None and rows["BBB"]["per_click"] is None
    assert ar.dev_efficiency(CROSS) == []  # no provinces, and AAA spent nothing on them
