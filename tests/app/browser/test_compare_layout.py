"""The comparison and the playthrough timeline in Chromium: on a 390 px phone no page is
wider than the screen (the tables scroll in their own box, the folded province lists
opened), and the dark theme holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.layout import BACKGROUND, PAGE_WIDTH, PHONE
from support.playthrough import before_and_after


@pytest.fixture(scope="module")
def pair(app_server: Any, browser_class: Any) -> Iterator[tuple[str, str]]:
    client = browser_class(app_server.url)
    client.register("phonecompare")
    ids = []
    for data, name in zip(before_and_after(), ("before.eu4", "after.eu4"), strict=True):
        response = client.upload(data, name=name)
        assert response.status_code in (201, 409), response.text[:300]
        ids.append(response.json()["save_id"])
    yield ids[0], ids[1]
    for save_id in ids:
        client.request("DELETE", f"/api/saves/{save_id}")
    client.close()


def test_compare_and_timeline_fit_a_phone_in_the_dark(app_server, pair, new_context):
    before, after = pair
    page = new_context(app_server.url, viewport=PHONE, color_scheme="dark").new_page()
    page.goto(f"/saves/{before}")
    timeline = page.locator("#playthrough a", has_text="timeline").get_attribute("href")
    assert timeline is not None
    for path in (f"/saves/{before}/compare/{after}", timeline):
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], path
        assert page.evaluate(BACKGROUND) < 0.2, path
    # Sorting is a plain link: it reloads the page sorted, no script needed.
    page.goto(f"/saves/{before}/compare/{after}")
    page.get_by_role("link", name="Provinces change").click()
    page.wait_for_url("**sort=provinces**")
    assert page.locator("#countries tbody tr").first.get_attribute("id") == "country-JBB"
