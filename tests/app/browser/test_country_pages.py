"""Any country's page and the country filter in Chromium: on a shared save's page (the
filter form lands in the URL) and in local analysis (the same partials re-rendered in
place by the worker, nothing uploaded). Values are read off the JBB save's gamestate."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from support.corpus import EU4, corpus_file

MODDED = EU4 / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
ROWS = "#countries tbody tr"


@pytest.fixture(scope="module")
def shared(app_server: Any, browser_class: Any) -> Iterator[str]:
    """The id of the JBB save, shared by a member of this module's site."""
    member = browser_class(app_server.url)
    member.register(f"countries{secrets.token_hex(4)}")
    response = member.upload(corpus_file(MODDED), name=MODDED.name)
    assert response.status_code in (201, 409), response.text[:300]
    save_id = response.json()["save_id"]
    yield save_id
    member.request("DELETE", f"/api/saves/{save_id}")
    member.close()


def test_the_filter_form_and_a_country_link_on_the_site(app_server, new_context, shared):
    page = new_context(app_server.url).new_page()
    page.goto(f"/saves/{shared}")
    assert page.locator(ROWS).count() == 24  # 24 countries own provinces
    page.select_option("#country-filter select[name=cf]", "great_powers")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**cf=great_powers**")
    # is_great_power=yes on 11 countries of the save (its countries table marks them)
    assert page.locator(ROWS).count() == 11
    page.locator("#countries a.country-link", has_text="JBAB Garrison Remnant").click()
    page.wait_for_url(f"**/saves/{shared}/countries/JBB")
    # JBB={ … national_focus=ADM … powers={ 457 351 805 } }
    assert "457 / 351 / 805" in page.locator("#country-overview").inner_text()


def test_country_pages_and_the_filter_in_local_analysis(app_server, new_context, local):
    page = new_context(app_server.url).new_page()
    page.goto("/local")
    assert local(page, corpus_file(MODDED)) == "done"
    assert page.locator(ROWS).count() == 24
    page.locator("#countries a.country-link", has_text="JBAB Garrison Remnant").click()
    page.wait_for_selector('[data-country="JBB"]')
    overview = page.locator("#country-overview").inner_text()
    # history={ 2024.1.1={ monarch={ name="Julius Arnold" DIP=4 ADM=4 MIL=5 } } }
    assert "Julius Arnold" in overview and "457 / 351 / 805" in overview
    # the history's filter re-renders the page in place
    page.locator("#country-history nav a", has_text="Rulers").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll("#country-history tbody tr")]
            .every((row) => row.dataset.kind === "monarch")"""
    )
    # another country from this one: the march H26 (diplomacy dependency, 2081.7.23)
    page.locator("#country-subjects a.country-link").first.click()
    page.wait_for_selector('[data-country="H26"]')
    assert "March" in page.locator("#country-diplomacy").inner_text()
    page.get_by_role("link", name="← The whole analysis").click()
    page.wait_for_selector("#countries")
    # the filter: only the players (players_countries={ "Assassin Blanc" "JBB" })
    page.select_option("#country-filter select[name=cf]", "players")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_function(f"() => document.querySelectorAll('{ROWS}').length === 1")
    assert "JBAB Garrison Remnant" in page.locator(ROWS).inner_text()
    assert page.url.endswith("/local")  # nothing left the page
