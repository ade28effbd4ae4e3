"""A pre-rendered demo page of the static site (scripts/build_static.py), in Chromium:
its tables sort in the browser from the page's own payload, and a save dropped on it is
analysed locally, with the bundle found through the page's relative links; its charts
are interactive (uPlot and app/static/charts.js reach the static site too)."""

from __future__ import annotations

from typing import Any

import pytest
from support.corpus import save_file

TINY = "eu4/morgotth_tiny_save_1687_trimmed.eu4"
DEMO = "/site/demo/morgotth_tiny_save_1687_trimmed/index.html"
# A save with annual ledgers (2025 to 2087: its nation_size_statistics, `unzip -p
# osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4 gamestate | grep -A2 'name="JBB"'`).
MODDED = "demo/osallek_modded_jbb_2087.7.1_v1.36.2_ziptxt/index.html"


def test_a_demo_page_sorts_and_analyses_locally(static_site_server, new_context, local):
    site = static_site_server
    tiny = save_file(TINY)
    context = new_context(site.url)
    requests: list[Any] = []
    context.on("request", lambda request: requests.append(request))
    page = context.new_page()
    page.goto(DEMO)
    caption = page.locator("[data-prerendered] #countries caption")
    assert "sorted by development" in caption.inner_text()
    page.locator("[data-prerendered] #countries thead a", has_text="Country").click()
    page.wait_for_selector(
        "[data-prerendered] #countries caption:has-text('sorted by name')", timeout=120_000
    )
    assert page.url.endswith(DEMO)  # sorted in place, no navigation
    assert any(r.url.endswith("/analysis.json") for r in requests)
    assert all(r.method == "GET" for r in requests)

    assert local(page, tiny) == "done"
    assert page.locator("[data-result] #analysis").count() == 1
    # The pre-rendered tables still sort from their own payload after the drop.
    page.locator("[data-prerendered] #countries thead a", has_text="Dev").click()
    page.wait_for_selector(
        "[data-prerendered] #countries caption:has-text('sorted by development')",
        timeout=60_000,
    )


def test_a_demo_pages_charts_are_interactive(static_site_server, static_site_dir, new_context):
    """uPlot and app/static/charts.js reach the static site through its relative links and
    draw the pre-rendered charts (the SVG hidden under them)."""
    if not (static_site_dir / MODDED).is_file():
        pytest.skip("the modded save is not in the corpus")
    page = new_context(static_site_server.url).new_page()
    page.goto(f"/site/{MODDED}")
    page.wait_for_function("() => document.querySelector('#chart-nation_size')?.uplot")
    figure = page.locator("#chart-nation_size")
    assert figure.locator(".chart-live canvas").count() == 1
    assert figure.locator("svg.chart").is_hidden()
    years = "(f) => [f.uplot.scales.x.min, f.uplot.scales.x.max]"
    assert figure.evaluate(years) == [2025, 2087]
