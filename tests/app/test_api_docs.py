"""Readable API docs (issue 18, point 6), over HTTP: /api/docs is a page whose scripts and
styles are our own static files, under the site's strict CSP; the footer and the account
page link to it; the users list pages with cursors like the saves list."""

from __future__ import annotations

from urllib.parse import urlsplit

from support.html import parse_html
from support.saves import fresh_save

PATHS = ("/api/docs", "/api/schema/swagger")


def test_docs_page_loads_only_our_static_files(browser):
    for path in PATHS:
        response = browser.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        elements = parse_html(response.text).elements
        scripts = [attrs.get("src") for tag, attrs in elements if tag == "script"]
        assert None not in scripts, "no inline scripts"
        links = [attrs for tag, attrs in elements if tag == "link"]
        styles = [attrs.get("href") for attrs in links if attrs.get("rel") == "stylesheet"]
        urls = [str(url) for url in scripts + styles]
        assert any("swagger-ui-bundle.js" in url for url in urls)
        assert any("swagger-ui.css" in url for url in urls)
        for url in urls:
            assert urlsplit(url).netloc == "" and url.startswith("/static/"), url
            assert browser.get(url).status_code == 200, url
        csp = response.headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "cdn" not in response.text.lower()


def test_docs_are_linked_from_footer_and_account(browser, unique):
    assert 'href="/api/docs"' in browser.get("/").text
    browser.register(unique("docs"))
    assert 'href="/api/docs"' in browser.get("/account").text


def test_users_list_pages_with_cursors(browser_class, app_server, browser, unique):
    made = []
    for _ in range(3):
        member = browser_class(app_server.url)
        member.register(unique("lister"))
        made.append(member.api_key()[0])
        member.close()
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = browser.get("/api/users", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["users"]) <= 2
        seen += [user["user_id"] for user in body["users"]]
        cursor = body["cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert set(made) <= set(seen)


def test_a_users_saves_page_with_cursors(browser, unique):
    browser.register(unique("pager"))
    for _ in range(3):
        assert browser.upload(fresh_save()).status_code == 201
    user_id = browser.api_key()[0]
    first = browser.get(f"/api/users/{user_id}", params={"limit": 2}).json()
    assert len(first["saves"]) == 2 and first["cursor"]
    rest = browser.get(
        f"/api/users/{user_id}", params={"limit": 2, "cursor": first["cursor"]}
    ).json()
    assert len(rest["saves"]) == 1 and rest["cursor"] is None
    ids = {save["id"] for save in first["saves"] + rest["saves"]}
    assert len(ids) == 3
