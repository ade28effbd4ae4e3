"""The Piccolo Admin mount (/admin) over HTTP: headers and error formats judged on the
full path, the log-in redirect for visitors, for an anonymous visitor, an ordinary user
and an admin."""

import pytest
from support.html import parse_html

from app.web.security import ADMIN_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY

ADMIN_API = ("/admin/api/tables/", "/admin/api/tables/users/?__page=1", "/admin/public/meta/")


def assert_admin_headers(response):
    assert response.headers["content-security-policy"] == ADMIN_CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_anonymous_visitors_are_sent_to_log_in(new_browser):
    anonymous = new_browser()
    for path in ("/admin/", "/admin"):
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login?next=/admin/", path
        assert_admin_headers(response)
    for path in ADMIN_API:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "log in first"}, path  # FastAPI's shape
        assert_admin_headers(response)
    # Outside the mount our own policy holds (the login page the visitor lands on).
    login = anonymous.get("/login?next=/admin/")
    assert login.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    nexts = [attrs for tag, attrs in parse_html(login.text).elements if attrs.get("name") == "next"]
    assert [attrs.get("value") for attrs in nexts] == ["/admin/"]


def test_login_follows_next_to_the_admin(new_browser, unique, sql):
    name = unique("boss")
    new_browser().register(name)
    sql("UPDATE users SET admin = true WHERE username = $1", name)
    client = new_browser()
    response = client.post(
        "/login", data={"username": name, "password": "correct horse battery", "next": "/admin/"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/x",
        "/\t/evil.example/x",  # browsers drop the tab: //evil.example/x
        "/\\evil.example/x",  # browsers read the backslash as a slash
        "/\n/evil.example",
        "evil.example",
        "/caf\u00e9",
    ],
)
def test_login_refuses_next_outside_the_site(new_browser, unique, target):
    name = unique("next")
    new_browser().register(name)
    client = new_browser()
    shown = client.get("/login", params={"next": target})
    nexts = [attrs for tag, attrs in parse_html(shown.text).elements if attrs.get("name") == "next"]
    assert [attrs.get("value") for attrs in nexts] == ["/"]
    response = client.post(
        "/login", data={"username": name, "password": "correct horse battery", "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_ordinary_users_are_refused_readably(new_user):
    user = new_user("plain")
    page = user.get("/admin/")
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "admins only" in page.text
    assert_admin_headers(page)
    for path in ADMIN_API:
        response = user.get(path)
        assert response.status_code == 403, path
        assert response.json() == {"detail": "admins only"}, path
        assert_admin_headers(response)
    # Unsafe methods too (Piccolo's own CSRF check never sees them: our guard answers).
    response = user.post("/admin/api/tables/users/", json={"username": "x"})
    assert response.status_code == 403
    assert response.json() == {"detail": "admins only"}


def test_admins_reach_piccolo_admin_with_its_policy(admin):
    page = admin.get("/admin/")
    assert page.status_code == 200
    assert "Piccolo Admin" in page.text
    assert_admin_headers(page)
    # Piccolo Admin's own answers pass through untouched: its log-in is its own.
    response = admin.get("/admin/api/tables/")
    assert response.status_code == 401
    assert response.json() == {"error": "Auth failed"}
    assert_admin_headers(response)
    meta = admin.get("/admin/public/meta/")
    assert meta.status_code == 200
    assert meta.json()["site_name"].endswith("admin")
    missing = admin.get("/admin/assets/missing.js")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
