"""The pages as a player sees them in Chromium, on a 390 px phone and a 1440 px desktop:
no page wider than the screen (tables scroll in their own box), the save page's sticky
table of contents, the tables' priority columns, and the light/dark theme."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from support.corpus import EU4, SAVES, corpus_file
from support.layout import BACKGROUND, DESKTOP, PAGE_WIDTH, PHONE

MODDED = EU4 / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
SMALL = EU4 / "pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4"
# Other games' pages: Stellaris' analysis (its wide empires table) and CK3's info.
OTHER_GAMES = (
    SAVES / "stellaris" / "pjmagee_UNE_ironman_2250.11.15_v3.14.sav",
    SAVES / "ck3" / "jomini_ck3_header_1066.9.15_v1.0.3.txt",
)


class Site:
    def __init__(self, url: str, member: Any, modded: str, small: str, *others: str) -> None:
        self.url, self.member, self.modded, self.small = url, member, modded, small
        self.others = others


@pytest.fixture(scope="module")
def site(app_server: Any, browser_class: Any) -> Iterator[Site]:
    member = browser_class(app_server.url)
    member.register(f"layout{secrets.token_hex(4)}")
    ids = []
    for path in (MODDED, SMALL, *OTHER_GAMES):
        response = member.upload(corpus_file(path), name=path.name)
        assert response.status_code in (201, 409), response.text[:300]
        ids.append(response.json()["save_id"])
    yield Site(app_server.url, member, *ids)
    for save_id in ids:
        member.request("DELETE", f"/api/saves/{save_id}")
    member.close()


def signed_in(new_context: Any, site: Site, **options: Any) -> Any:
    context = new_context(site.url, **options)
    context.add_cookies(
        [{"name": n, "value": v, "url": site.url} for n, v in site.member.client.cookies.items()]
    )
    return context


def pages_of(site: Site) -> list[str]:
    user = site.member.get("/account")
    user_id = user.text.split('href="/users/', 1)[1].split('"', 1)[0]
    return [
        "/",
        "/local",
        "/saves",
        f"/saves/{site.modded}",
        f"/saves/{site.modded}?ccols=all&pcols=all",
        f"/saves/{site.modded}?cf=great_powers",
        f"/saves/{site.modded}/countries/JBB",  # a country's page, every section
        f"/saves/{site.modded}/countries/H26",
        f"/saves/{site.modded}?ledger=total_expense&bcols=all&mcols=all",
        f"/saves/{site.small}",
        *(f"/saves/{save_id}" for save_id in site.others),
        "/achievements",
        f"/users/{user_id}",
        "/account",
        "/account/password",
        "/api/docs",
    ]


def test_no_page_is_wider_than_a_phone(site, new_context):
    page = signed_in(new_context, site, viewport=PHONE).new_page()
    for path in pages_of(site):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], path
    # Signed out too (the log-in links are on the screen, not pushed off it).
    anonymous = new_context(site.url, viewport=PHONE).new_page()
    for path in ("/", "/login", "/register", f"/saves/{site.modded}"):
        anonymous.goto(path)
        assert anonymous.evaluate(PAGE_WIDTH) <= PHONE["width"], path
    for name in ("Log in", "Register"):
        box = anonymous.get_by_role("link", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_save_page_fits_a_desktop_and_its_tables_their_column(site, new_context):
    page = signed_in(new_context, site, viewport=DESKTOP).new_page()
    page.goto(f"/saves/{site.modded}")
    assert page.evaluate(PAGE_WIDTH) <= DESKTOP["width"]
    countries = page.locator("#countries table")
    # The priority columns fit: the table does not scroll sideways on a desktop.
    assert countries.evaluate("(t) => t.scrollWidth <= t.clientWidth")
    assert countries.locator("thead th").count() == 7
    # "All columns" swaps the section in place (htmx) and the URL says so.
    page.get_by_role("link", name="All columns").first.click()
    page.wait_for_function("() => document.querySelectorAll('#countries thead th').length === 16")
    assert "ccols=all" in page.url
    page.get_by_role("link", name="Fewer columns").first.click()
    page.wait_for_function("() => document.querySelectorAll('#countries thead th').length === 7")


def test_the_table_of_contents_stays_and_marks_the_section(site, new_context):
    page = signed_in(new_context, site, viewport=PHONE).new_page()
    page.goto(f"/saves/{site.modded}")
    toc = page.locator("nav.toc")
    toc.get_by_role("link", name="Wars").click()
    page.wait_for_function(
        "() => document.querySelector('nav.toc a[aria-current]')?.hash === '#wars'"
    )
    assert page.url.endswith("#wars")
    # The contents stay at the top, and the section's heading is not under them.
    bar = toc.bounding_box()
    heading = page.locator("#wars h2").bounding_box()
    assert bar is not None and heading is not None
    assert abs(bar["y"]) < 1 and heading["y"] >= bar["y"] + bar["height"] - 1
    # The marked link is scrolled into the contents' view (they scroll sideways here).
    link = toc.locator("a[aria-current]").bounding_box()
    assert link is not None and link["x"] >= 0 and link["x"] + link["width"] <= PHONE["width"]
    # Scrolling back up marks another section.
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function(
        "() => document.querySelector('nav.toc a[aria-current]')?.hash !== '#wars'"
    )


def test_the_theme_follows_the_system_until_the_player_picks_one(site, new_context):
    page = new_context(site.url, viewport=DESKTOP, color_scheme="dark").new_page()
    page.goto(f"/saves/{site.small}")
    assert page.evaluate(BACKGROUND) < 0.2  # the system's dark
    page.get_by_role("button", name="Light").click()
    # (documentElement is null for a moment while the form's redirect loads: "?.")
    page.wait_for_function("() => document.documentElement?.dataset.theme === 'light'")
    page.wait_for_load_state()  # the form's redirect back has finished loading
    assert page.url.endswith(f"/saves/{site.small}")  # back where the player was
    assert page.evaluate(BACKGROUND) > 0.8
    page.goto("/saves")  # kept (a cookie) on every page
    assert page.evaluate(BACKGROUND) > 0.8
    page.get_by_role("button", name="Dark").click()
    page.wait_for_function("() => document.documentElement?.dataset.theme === 'dark'")
    page.wait_for_load_state()  # the form's redirect back has finished loading
    assert page.evaluate(BACKGROUND) < 0.2
    # A chart and the tables follow: the chart's panel is dark too.
    page.goto(f"/saves/{site.modded}#charts")
    panel = page.locator("svg.chart").first.evaluate(
        "(svg) => getComputedStyle(svg).backgroundColor"
    )
    assert panel != "rgb(255, 255, 255)"
    page.get_by_role("button", name="System").click()
    page.wait_for_function("() => document.documentElement?.dataset.theme === 'auto'")
    page.wait_for_load_state()  # the form's redirect back has finished loading
    assert page.evaluate(BACKGROUND) < 0.2  # the system's again


def test_local_analysis_fits_a_phone_and_has_the_same_columns(site, new_context, local):
    page = new_context(site.url, viewport=PHONE).new_page()
    page.goto("/local")
    assert local(page, corpus_file(SMALL)) == "done"
    assert page.locator("#countries thead th").count() == 7
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    page.get_by_role("link", name="All columns").first.click()
    page.wait_for_function("() => document.querySelectorAll('#countries thead th').length === 16")


# The luminance of the computed background and text colour of the first element matching
# a selector.
COLOURS = """(selector) => {
    const style = getComputedStyle(document.querySelector(selector));
    const lum = (c) => { const [r, g, b] = c.match(/\\d+/g).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
    return [lum(style.backgroundColor), lum(style.color)];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_health_grid_colours_are_readable_in_both_themes(site, new_context, scheme):
    """The health grid's worst (heat-0) and best (heat-6) cells: a pale background under
    dark text in the light theme, a dark one under light text in the dark theme."""
    page = new_context(site.url, viewport=DESKTOP, color_scheme=scheme).new_page()
    page.goto(f"/saves/{site.modded}#health")
    for level in ("heat-0", "heat-6"):
        background, text = page.evaluate(COLOURS, f"#health td.{level}")
        if scheme == "light":
            assert background > 0.7 and text < 0.3, level
        else:
            assert background < 0.3 and text > 0.7, level
