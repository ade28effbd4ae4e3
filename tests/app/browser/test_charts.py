"""The analysis' interactive charts (app/static/charts.js, uPlot) in Chromium: drawn over
the server's SVG (hidden, kept for pages without JavaScript), values on hover as the data
table shows them, legend entries that hide a line, drag to zoom the years and double-click
to see them all (the development histogram too, by bucket); the same chart in local
analysis of the same file; a phone's width.
(The static site's demo page: test_static_demo.py, which serves that site.)"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from support.corpus import EU4, corpus_file
from support.html import parse_html
from support.playthrough import before_and_after

# A text save (zipped) with annual ledgers from 2025 to 2087; JBB is the player's country.
MODDED = EU4 / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
# `unzip -p osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4 gamestate | grep -A2 'name="JBB"'`:
# its second hit, in nation_size_statistics, reads "... 2060=66 ..." and "2025=30 ...
# 2087=166" (the first and last years of the ledger).
YEAR, TAG, NATION_SIZE = 2060, "JBB", "66"
FIRST, LAST = 2025, 2087
FIGURE = "#chart-nation_size"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

DRAWN = """(selector) => {
    const figure = document.querySelector(selector);
    return Boolean(figure?.uplot && figure.querySelector(".chart-live canvas"));
}"""
# The data table's cell of ``year`` in the column headed ``tag`` (the server renders it
# from the save; it is in a closed <details>, so read its text).
TABLE_CELL = """(figure, [year, tag]) => {
    const heads = [...figure.querySelectorAll("table.data thead th")]
        .map((th) => th.textContent.trim());
    const row = [...figure.querySelectorAll("table.data tbody tr")]
        .find((tr) => tr.querySelector("th").textContent.trim() === String(year));
    return row.children[heads.indexOf(tag)].textContent.trim();
}"""
# The uPlot series (1..) of a country: its legend label is "Name (TAG)" or "TAG".
SERIES_OF = """(figure, tag) => figure.uplot.series.findIndex(
    (s, i) => i > 0 && (s.label === tag || s.label.endsWith(`(${tag})`)))"""
TABLE_ROWS = """(figure) => [...figure.querySelectorAll("table.data tbody tr")].map(
    (tr) => [...tr.children].map((cell) => cell.textContent.trim()))"""
# The legend's first value: the x (year or bucket) under the pointer.
LEGEND_X = """([selector, text]) =>
    document.querySelector(selector).querySelector(".u-legend .u-value").textContent === text"""
X_RANGE = "(figure) => [figure.uplot.scales.x.min, figure.uplot.scales.x.max]"


@pytest.fixture(scope="module")
def site(app_server: Any, browser_class: Any) -> Iterator[tuple[str, Any, str]]:
    member = browser_class(app_server.url)
    member.register(f"charts{secrets.token_hex(4)}")
    response = member.upload(corpus_file(MODDED), name=MODDED.name)
    assert response.status_code in (201, 409), response.text[:300]
    save_id = response.json()["save_id"]
    yield app_server.url, member, save_id
    member.request("DELETE", f"/api/saves/{save_id}")
    member.close()


def chart_data(html: str) -> str:
    """The nation size chart's ``data-chart`` in a page (as a browser decodes it)."""
    for tag, attrs in parse_html(html).elements:
        if tag == "figure" and attrs.get("id") == FIGURE.removeprefix("#"):
            return attrs.get("data-chart") or ""
    raise AssertionError("no nation size chart")


def drawn(page: Any, selector: str = FIGURE) -> Any:
    page.wait_for_function(DRAWN, arg=selector)
    return page.locator(selector)


def test_the_html_served_has_the_svg_and_the_charts_data(site):
    """Without JavaScript the page is the server's SVG; the chart's data rides along."""
    _, member, save_id = site
    html = member.get(f"/saves/{save_id}").text
    figure = html[html.index('<figure class="chart" id="chart-nation_size"') :]
    figure = figure[: figure.index("</figure>")]
    assert '<svg class="chart"' in figure and "<polyline" in figure
    data = json.loads(chart_data(html))
    assert data["x"][0] == FIRST and data["x"][-1] == LAST
    jbb = next(s for s in data["series"] if s["tag"] == TAG)
    assert jbb["values"][data["x"].index(YEAR)] == int(NATION_SIZE)


def test_the_save_pages_chart_hovers_toggles_and_zooms(site, new_context):
    url, _, save_id = site
    page = new_context(url, viewport=DESKTOP).new_page()
    page.goto(f"/saves/{save_id}")
    for chart in ("income", "nation_size", "score", "inflation"):
        figure = drawn(page, f"#chart-{chart}")
        assert figure.locator("svg.chart").is_hidden()  # the fallback, under the chart
        assert figure.locator("ul.legend").is_hidden()
        assert figure.locator(".chart-live .u-legend").is_visible()
    figure = page.locator(FIGURE)
    figure.scroll_into_view_if_needed()
    cell = figure.evaluate(TABLE_CELL, [YEAR, TAG])
    assert cell == NATION_SIZE
    series = figure.evaluate(SERIES_OF, TAG)
    assert series > 0

    # Hover the year: the legend reads the year and the country's value, as the table does.
    over = figure.locator(".u-over").bounding_box()
    x, y = figure.evaluate(
        "(f, [year, value]) => [f.uplot.valToPos(year, 'x'), f.uplot.valToPos(value, 'y')]",
        [YEAR, int(NATION_SIZE)],
    )
    page.mouse.move(over["x"] + x, over["y"] + y)
    legend = figure.locator(".u-legend tr.u-series")
    page.wait_for_function(LEGEND_X, arg=[FIGURE, str(YEAR)])
    assert legend.nth(0).locator(".u-value").text_content() == str(YEAR)
    assert legend.nth(series).locator(".u-value").text_content() == cell

    # A legend entry hides its line, and shows it again.
    entry = legend.nth(series).locator("th")
    entry.click()
    assert "u-off" in (legend.nth(series).get_attribute("class") or "")
    assert figure.evaluate("(f, i) => f.uplot.series[i].show", series) is False
    assert entry.get_attribute("aria-pressed") == "false"
    entry.click()
    assert figure.evaluate("(f, i) => f.uplot.series[i].show", series) is True

    # Dragging across the plot zooms the years; a double-click shows them all again.
    assert figure.evaluate(X_RANGE) == [FIRST, LAST]
    middle = over["y"] + over["height"] / 2
    page.mouse.move(over["x"] + over["width"] * 0.3, middle)
    page.mouse.down()
    page.mouse.move(over["x"] + over["width"] * 0.6, middle, steps=8)
    page.mouse.up()
    low, high = figure.evaluate(X_RANGE)
    assert FIRST < low < high < LAST
    page.mouse.dblclick(over["x"] + over["width"] / 2, middle)
    assert figure.evaluate(X_RANGE) == [FIRST, LAST]


def test_the_development_histogram_hovers_and_zooms_by_bucket(site, new_context):
    url, _, save_id = site
    page = new_context(url, viewport=DESKTOP).new_page()
    page.goto(f"/saves/{save_id}")
    figure = drawn(page, "#chart-development")
    assert figure.locator("svg.chart").is_hidden()
    # The data table's rows: bucket ("5-10") and provinces, as the server rendered them.
    rows = figure.evaluate(TABLE_ROWS)
    assert len(rows) >= 3
    figure.scroll_into_view_if_needed()
    over = figure.locator(".u-over").bounding_box()
    values = figure.locator(".u-legend .u-value")
    for index in (0, 1, len(rows) - 1):
        x = figure.evaluate("(f, i) => f.uplot.valToPos(i, 'x')", index)
        page.mouse.move(over["x"] + x, over["y"] + over["height"] / 2)
        page.wait_for_function(LEGEND_X, arg=["#chart-development", rows[index][0]])
        assert values.nth(1).text_content() == rows[index][1]
    # Every bucket is shown, then a drag narrows them and a double-click shows them all.
    assert figure.evaluate(X_RANGE) == [-0.5, len(rows) - 0.5]
    middle = over["y"] + over["height"] / 2
    page.mouse.move(over["x"] + over["width"] * 0.05, middle)
    page.mouse.down()
    page.mouse.move(over["x"] + over["width"] * 0.5, middle, steps=8)
    page.mouse.up()
    low, high = figure.evaluate(X_RANGE)
    assert -0.5 < low < high < len(rows) - 0.5
    page.mouse.dblclick(over["x"] + over["width"] / 2, middle)
    assert figure.evaluate(X_RANGE) == [-0.5, len(rows) - 0.5]


def test_the_chart_fits_a_phone(site, new_context):
    url, _, save_id = site
    page = new_context(url, viewport=PHONE).new_page()
    page.goto(f"/saves/{save_id}")
    figure = drawn(page)
    canvas = figure.locator(".chart-live canvas").bounding_box()
    assert (
        canvas is not None and canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= PHONE["width"]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_dark_theme_draws_light_axes(site, new_context):
    """The canvas's colours come from the page's palette (app.css), in the theme in force."""
    url, _, save_id = site
    labels = {}
    for scheme in ("light", "dark"):
        page = new_context(url, viewport=DESKTOP, color_scheme=scheme).new_page()
        page.goto(f"/saves/{save_id}")
        figure = drawn(page)
        labels[scheme] = figure.evaluate("(f) => f.uplot.axes[0].stroke(f.uplot, 0)")
    assert labels["light"] != labels["dark"]


def test_local_analysis_draws_the_same_chart(site, new_context, local):
    url, member, save_id = site
    served = member.get(f"/saves/{save_id}").text
    page = new_context(url, viewport=DESKTOP).new_page()
    page.goto("/local")
    assert local(page, corpus_file(MODDED)) == "done"
    figure = drawn(page)
    assert figure.locator("svg.chart").is_hidden()
    mine = json.loads(figure.get_attribute("data-chart") or "")
    theirs = json.loads(chart_data(served))
    assert mine == theirs
    assert figure.evaluate(X_RANGE) == [FIRST, LAST]
    labels = figure.evaluate("(f) => f.uplot.series.map((s) => s.label)")
    assert labels[1:] == [s["label"] for s in theirs["series"]]


def test_charts_are_drawn_after_htmx_navigation_and_history(site, new_context):
    """Boosted links swap the page's body (htmx) and going back restores it from htmx's
    history: the charts are drawn again each time, on a live canvas."""
    url, member, save_id = site
    page = new_context(url, viewport=DESKTOP).new_page()
    page.goto(f"/users/{member_id(member)}")
    page.locator(f'a[href="/saves/{save_id}"]').first.click()
    page.wait_for_url(f"**/saves/{save_id}")
    assert page.evaluate("() => Boolean(window.htmx)")  # the body was swapped, not loaded
    figure = drawn(page)
    page.get_by_role("link", name="Recent saves").click()
    page.wait_for_url("**/saves")
    page.go_back()
    page.wait_for_url(f"**/saves/{save_id}")
    figure = drawn(page)
    assert figure.locator(".chart-live canvas").count() == 1
    assert figure.evaluate("(f) => f.uplot.root.isConnected")


def member_id(member: Any) -> str:
    text = member.get("/account").text
    return text.split('href="/users/', 1)[1].split('"', 1)[0]


def test_a_playthroughs_timeline_is_interactive_at_the_saves_dates(site, new_context):
    """The playthrough page's charts (the same macro) are drawn at the saves' own dates:
    2086.11.15 and 2087.7.1 (the edited copies of the modded save, support/playthrough.py)
    as fractional years, which the legend shows with two decimals."""
    url, member, _ = site
    ids = []
    for data, name in zip(before_and_after(), ("before.eu4", "after.eu4"), strict=True):
        response = member.upload(data, name=name)
        assert response.status_code in (201, 409), response.text[:300]
        ids.append(response.json()["save_id"])
    page = new_context(url, viewport=DESKTOP).new_page()
    page.goto(f"/saves/{ids[0]}")
    page.locator("#playthrough a", has_text="timeline").click()
    figure = drawn(page, "#chart-timeline-development")
    assert figure.locator("svg.chart").is_hidden()
    # 2086 + (304 + 15 - 1) / 365 and 2087 + (181 + 1 - 1) / 365: days before November and July.
    low, high = 2086 + 318 / 365, 2087 + 181 / 365
    assert figure.evaluate("(f) => f.uplot.data[0]") == pytest.approx([low, high])
    over = figure.locator(".u-over").bounding_box()
    x = figure.evaluate("(f, v) => f.uplot.valToPos(v, 'x')", high)
    page.mouse.move(over["x"] + x - 1, over["y"] + over["height"] / 2)
    page.wait_for_function(LEGEND_X, arg=["#chart-timeline-development", f"{high:.2f}"])
    for save_id in ids:
        member.request("DELETE", f"/api/saves/{save_id}")
