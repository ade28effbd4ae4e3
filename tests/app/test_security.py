"""Security headers and cookie flags."""

import base64
import re

from support.html import parse_html

HTMX = r"/static/vendor/htmx\.min\.js\?v=[0-9a-f]{16}"


def test_security_headers_on_pages_errors_and_static(browser):
    for path in ("/", "/no/such/page", "/static/app.css", "/api/saves"):
        response = browser.get(path)
        csp = response.headers["content-security-policy"]
        assert "'wasm-unsafe-eval'" in csp, path
        assert "worker-src 'self' blob:" in csp, path
        assert "script-src 'self' 'wasm-unsafe-eval'" in csp, path  # no inline scripts
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    assert browser.get("/no/such/page").status_code == 404


def test_htmx_is_served_by_us(browser):
    page = browser.get("/").text
    scripts = [
        attrs.get("src") or "" for tag, attrs in parse_html(page).elements if tag == "script"
    ]
    htmx = [src for src in scripts if re.fullmatch(HTMX, src)]
    assert htmx, "htmx is loaded from our static files, with its content hash"
    assert "unpkg" not in page and "cdn" not in page.lower()
    script = browser.get(htmx[0])
    assert script.status_code == 200 and b"htmx" in script.content[:2000]
    # So is every other script of the layout (uPlot for the charts too): no CDN.
    for src in filter(None, scripts):
        assert src.startswith("/static/"), src
        assert browser.get(src).status_code == 200, src


def test_session_cookie_flags(browser, unique):
    response = browser.register(unique("cookie"))
    cookie = next(c for c in response.headers.get_list("set-cookie") if "chronicle_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    # Encrypted: the session's JSON ({"uid": …}) is not in it, as text or as base64 (a
    # bare "uid" can turn up in random base64 by chance).
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert '"uid"' not in value
    decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    assert b'"uid"' not in decoded
