"""In Chromium: htmx keeps working across the CSRF token's change at log-in, and Piccolo
Admin's UI runs under the policy the app gives it (no CSP violation on the way)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from support.http import PASSWORD


def at(path: str) -> Any:
    """A ``wait_for_url`` predicate: the page's path is ``path``."""
    return lambda url: urlsplit(url).path == path


def violations(page: Any) -> list[str]:
    """Console messages of the CSP blocking something, from now on."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: seen.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    return seen


def log_in(page: Any, name: str) -> None:
    page.fill("#login-form input[name=username]", name)
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_htmx_posts_after_a_boosted_login(app_server, new_browser, new_context, unique):
    name = unique("htmx")
    new_browser().register(name)
    page = new_context(app_server.url).new_page()
    blocked = violations(page)
    page.goto("/login?next=/account")
    before = page.get_attribute("body", "hx-headers")
    log_in(page, name)  # boosted: the answer is HX-Redirect, a new document
    page.wait_for_url(at("/account"))
    after = page.get_attribute("body", "hx-headers")
    assert after != before
    cookie = next(c for c in page.context.cookies() if c["name"] == "chronicle_csrf")
    assert cookie["value"] in (after or "")
    page.click("#api-key button[type=submit]")  # an htmx POST with the header from <body>
    page.wait_for_selector("#new-api-key")
    assert blocked == []


# Piccolo's log-in warns when not in production mode (plain HTTP: SECURE_COOKIES off).
@pytest.mark.filterwarnings("ignore:If running sessions in production:UserWarning")
def test_piccolo_admin_runs_under_its_policy(app_server, new_browser, new_context, unique, sql):
    name = unique("chief")
    new_browser().register(name)
    sql("UPDATE users SET admin = true WHERE username = $1", name)
    page = new_context(app_server.url).new_page()
    blocked = violations(page)
    page.goto("/admin/")
    page.wait_for_url(at("/login"))
    assert urlsplit(page.url).query == "next=/admin/"
    log_in(page, name)
    page.wait_for_url(at("/admin/"))
    # Piccolo Admin asks for the same credentials (its own session).
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Login").click()
    page.get_by_text("users", exact=True).first.click()
    page.get_by_text(name).first.wait_for()  # the users table, fetched from its API
    assert blocked == []
