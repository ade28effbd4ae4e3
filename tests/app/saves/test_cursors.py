"""Crafted paging cursors (issue 20, point 3), over HTTP: every route that takes one answers
400 with a readable message (JSON under /api, the error page, or its fragment to htmx),
never a 500; the cursors the app hands out still page."""

from __future__ import annotations

import base64
import secrets

import pytest
from support.saves import fresh_save

from app.cursors import BAD_CURSOR


def cursor_of(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CRAFTED = {
    # PostgreSQL text cannot hold NUL: the query failed with a 500.
    "NUL in the id": cursor_of("2024-05-01T10:00:00+00:00|abc\x00def"),
    # In range as written, out of datetime's range once shifted to UTC (asyncpg's encoding
    # of the parameter overflowed).
    "date past year 9999 in UTC": cursor_of("9999-12-31T23:00:00-05:00|abcdef"),
    "date before year 1 in UTC": cursor_of("0001-01-01T01:00:00+05:00|abcdef"),
    "date without a time zone": cursor_of("2024-05-01T10:00:00|abcdef"),
    "a number for the date": cursor_of("1714557600|abcdef"),
    "JSON": cursor_of('{"upload_time": "2024-05-01T10:00:00+00:00", "id": "abcdef"}'),
    "no id": cursor_of("2024-05-01T10:00:00+00:00|"),
    "no separator": cursor_of("2024-05-01T10:00:00+00:00"),
    "id too long": cursor_of("2024-05-01T10:00:00+00:00|" + "a" * 17),
    "id with a quote": cursor_of("2024-05-01T10:00:00+00:00|a'b"),
    "not UTF-8": cursor_of(b"\xff\xfe|\xe9"),
    "garbage base64": "@@!!~~",
    "base64 padding inside": "YWJj=ZGVm",
    "a single character": "A",
    "not ASCII": "ü" * 8,
    "very long": "A" * 5000,
}


@pytest.fixture(scope="module")
def user_id(browser_class, app_server):
    """A user with two saves (so that there is a page to continue)."""
    member = browser_class(app_server.url)
    try:
        member.register(f"cursors{secrets.token_hex(4)}")
        for _ in range(2):
            assert member.upload(fresh_save()).status_code == 201
        return member.api_key()[0]
    finally:
        member.close()


ROUTES = (
    "/api/saves",
    "/saves",
    "/saves/rows",
    "/users/{user}",
    "/users/{user}/rows",
    "/api/users/{user}",
    "/api/users",
    "/api/achievements/18",
)


@pytest.mark.parametrize("crafted", CRAFTED, ids=list(CRAFTED))
def test_crafted_cursor_is_400(crafted, browser, user_id):
    for route in ROUTES:
        path = route.format(user=user_id)
        for headers in ({}, {"HX-Request": "true"}):
            response = browser.get(path, params={"cursor": CRAFTED[crafted]}, headers=headers)
            assert response.status_code == 400, (path, response.text)
            if path.startswith("/api/"):
                assert response.json() == {"status_code": 400, "detail": BAD_CURSOR}
            else:
                assert BAD_CURSOR in response.text, response.text
                assert ("<html" in response.text) is not headers, (path, headers)


def test_cursor_given_twice_is_400(browser, user_id):
    for route in ROUTES:
        path = route.format(user=user_id)
        response = browser.get(f"{path}?cursor=AAAA&cursor=BBBB")
        assert response.status_code == 400, (path, response.text)


def test_handed_out_cursors_still_page(browser, user_id):
    # The user's two saves are the newest (this module uploads no others).
    first = browser.get("/api/saves", params={"limit": 1}).json()
    cursor = first["cursor"]
    second = browser.get("/api/saves", params={"limit": 1, "cursor": cursor}).json()
    newest, older = first["saves"][0]["id"], second["saves"][0]["id"]
    assert newest != older
    for route in ROUTES[1:5]:
        path = route.format(user=user_id)
        response = browser.get(path, params={"cursor": cursor})
        assert response.status_code == 200, (path, response.text)
        assert f"/saves/{older}" in response.text and f"/saves/{newest}" not in response.text
