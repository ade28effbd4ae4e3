"""Saves crafted to inflate an analysis (issue 20.1), over HTTP: the kernel keeps every
list that grows with the save to a bound (kernel/eu4/_limits.py) and says what it left
out; an analysis past ``MAX_ANALYSIS_MB`` and a parse past ``KERNEL_PARSE_TIMEOUT`` are
refused with a readable 422, nothing is stored, and the pool keeps serving (a timed-out
worker is replaced)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from support.saves import crowded_save

from app.settings import KernelSettings

PROVINCES = 17_000  # each owned by its own country: 95 MB of analysis before the bounds


@pytest.fixture(scope="module")
def crowded() -> bytes:
    return crowded_save(PROVINCES)


def user_of(server: Any, browser_class: Any) -> Any:
    browser = browser_class(server.url)
    browser.register(f"bounded{secrets.token_hex(4)}")
    return browser


@pytest.fixture
def served(make_settings, serve_app, browser_class) -> Iterator[Any]:
    """``served(**kernel_settings)``: an app with those kernel settings and a user."""
    stack: list[Any] = []

    def start(**kernel: Any) -> tuple[Any, Any]:
        context = serve_app(make_settings(kernel=KernelSettings(workers=1, **kernel)))
        server = context.__enter__()
        stack.append(context)
        user = user_of(server, browser_class)
        stack.append(user)
        return server, user

    yield start
    for item in reversed(stack):
        if hasattr(item, "__exit__"):
            item.__exit__(None, None, None)
        else:
            item.close()


def test_a_crowded_save_gets_a_bounded_analysis(served, crowded) -> None:
    _, user = served()
    response = user.upload(crowded, "crowded.eu4")
    assert response.status_code == 201, response.text[:500]
    save_id = response.json()["save_id"]
    api = user.get(f"/api/saves/{save_id}")
    assert api.status_code == 200
    analysis = api.json()["analysis"]
    assert len(api.content) < 8 * 2**20  # 105 MB before
    assert len(analysis["countries"]) == 1_000
    # every country of the table has its budget and details (its page), no more
    assert len(analysis["budgets"]) == len(analysis["details"]) == 1_000
    assert any("countries owning provinces left out" in w for w in analysis["warnings"])
    page = user.get(f"/saves/{save_id}")
    assert page.status_code == 200
    assert len(page.content) < 2 * 2**20  # 10.9 MB before: every table is paged
    assert "Page 1 of 20" in page.text  # the countries table, 50 a page
    second = user.get(f"/saves/{save_id}/countries?cpage=2", headers={"HX-Request": "true"})
    assert second.status_code == 200 and "Page 2 of 20" in second.text


def test_an_analysis_over_the_limit_is_refused(
    served, crowded, save_count, readable, stored
) -> None:
    server, user = served(max_analysis_mb=1)
    rows, objects = save_count(), stored(server).objects()
    response = user.upload(crowded, "crowded.eu4")
    assert response.status_code == 422, response.text[:500]
    detail = response.json()["detail"]
    readable(detail)
    assert "over this site's limit of 1 MB" in detail
    assert save_count() == rows and stored(server).objects() == objects
    assert stored(server).temp_files() == []


def test_a_parse_past_the_time_limit_is_refused_and_its_worker_replaced(
    served, save_count, readable, workers, make_save
) -> None:
    _, user = served(parse_timeout=0.5)
    (before,) = workers(1)
    rows = save_count()
    slow = crowded_save(250_000)  # 30 MB: seconds of parsing on any machine
    response = user.upload(slow, "slow.eu4")
    assert response.status_code == 422, response.text[:500]
    detail = response.json()["detail"]
    readable(detail)
    assert "took longer than this site allows (0.5 s)" in detail
    assert save_count() == rows
    (after,) = workers(1)  # the killed one is gone, a new one took its place
    assert after.pid != before.pid
    fine = user.upload(make_save(), "fine.eu4")
    assert fine.status_code == 201, fine.text[:500]
