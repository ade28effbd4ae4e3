"""In Chromium: /api/docs renders the API's operations (Swagger UI from our static files)
under the site's CSP, without a single violation, and "Try it out" reaches the API."""

from __future__ import annotations

from typing import Any


def test_api_docs_render_operations_without_csp_violations(app_server, new_context):
    page = new_context(app_server.url).new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    outside: list[str] = []
    page.on("request", lambda request: _note_outside(request, app_server.url, outside))
    page.goto("/api/docs")
    operation = page.locator(".opblock", has_text="/api/users").first
    operation.wait_for()
    assert page.locator(".opblock").count() > 5
    # Open GET /api/users and run it: the answer comes from the app.
    page.locator(".opblock-summary", has_text="/api/users").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    page.locator(".responses-wrapper .response-col_status", has_text="200").first.wait_for()
    assert blocked == []
    assert outside == [], "every request stays on the site"


def _note_outside(request: Any, base: str, outside: list[str]) -> None:
    if not request.url.startswith((base, "data:")):
        outside.append(request.url)
