"""Register, log in, log out, API keys, CSRF, the admin mount: through HTTP."""

import base64
import os
import subprocess
import sys

from support.html import parse_html
from support.http import basic


def test_register_logs_in(browser, unique):
    name = unique("reg")
    response = browser.register(name)
    assert response.headers["location"] == "/account"
    page = browser.get("/account")
    assert page.status_code == 200
    assert name in page.text
    assert "chronicle_session" in browser.client.cookies


def test_register_refuses_taken_names_and_bad_passwords(browser, new_browser, unique):
    name = unique("taken")
    browser.register(name)
    other = new_browser()
    response = other.post(
        "/register",
        data={"username": name, "password": "long enough!", "password_again": "long enough!"},
    )
    assert response.status_code == 422
    assert "taken" in response.text
    response = other.post(
        "/register", data={"username": unique("short"), "password": "x", "password_again": "x"}
    )
    assert response.status_code == 422
    assert "too short" in response.text, response.text[-900:]
    response = other.post(
        "/register",
        data={"username": unique("diff"), "password": "abcdefgh1", "password_again": "abcdefgh2"},
    )
    assert response.status_code == 422


def test_login_and_wrong_password(browser, new_browser, unique):
    name = unique("login")
    browser.register(name, "s3cret-password")
    fresh = new_browser()
    bad = fresh.login(name, "wrong-password")
    assert bad.status_code == 401
    assert "wrong password" in bad.text
    assert fresh.get("/account").status_code == 303  # still anonymous: to the login page
    good = fresh.login(name, "s3cret-password")
    assert good.status_code == 303
    assert fresh.get("/account").status_code == 200


def test_login_redirects_only_to_local_paths(browser, new_browser, unique):
    name = unique("next")
    browser.register(name)
    fresh = new_browser()
    response = fresh.post(
        "/login",
        data={"username": name, "password": "correct horse battery", "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/"
    fresh2 = new_browser()
    response = fresh2.post(
        "/login",
        data={"username": name, "password": "correct horse battery", "next": "/account"},
    )
    assert response.headers["location"] == "/account"


def test_anonymous_account_page_redirects_to_login(browser):
    response = browser.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/account")


def test_logout_invalidates_the_session_cookie(browser, new_browser, unique):
    browser.register(unique("out"))
    stolen = browser.client.cookies.get("chronicle_session")
    assert browser.get("/account").status_code == 200
    assert browser.logout().status_code == 303
    assert browser.get("/account").status_code == 303
    # A copy of the cookie taken before logging out is worth nothing now.
    replay = new_browser()
    replay.client.cookies.set("chronicle_session", stolen)
    assert replay.get("/account").status_code == 303
    assert replay.post("/api/key").status_code == 401


def test_api_key_create_use_revoke(browser, new_browser, unique, make_save):
    browser.register(unique("key"))
    user_id, key = browser.api_key()
    assert len(key) >= 40
    script = new_browser()  # no cookies: HTTP Basic only
    response = script.client.post(
        "/api/saves", files={"file": ("a.eu4", make_save())}, headers=basic(user_id, key)
    )
    assert response.status_code == 201, response.text
    # The key is stored as a digest only.
    page = browser.get("/account")
    assert key not in page.text
    # Revoke: the key stops working.
    assert browser.request("DELETE", "/api/key").status_code == 204
    response = script.client.post(
        "/api/saves", files={"file": ("b.eu4", make_save())}, headers=basic(user_id, key)
    )
    assert response.status_code == 401
    assert "www-authenticate" not in response.headers  # no browser prompt, nothing cached


def test_api_key_from_the_account_page(browser, new_browser, unique, sql):
    name = unique("page")
    browser.register(name)
    created = browser.post("/account/api-key", headers={"HX-Request": "true"})
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    key = parse_html(created.text).text("new-api-key")
    user_id = sql("SELECT id FROM users WHERE username = $1", name)[0]["id"]
    (digest,) = sql("SELECT api_key_digest FROM users WHERE id = $1", user_id)
    assert digest["api_key_digest"] and key not in digest["api_key_digest"]
    script = new_browser()
    assert script.client.post("/api/key", headers=basic(user_id, key)).status_code == 201
    # That replaced the key: the old one is dead, like a revoked one.
    assert script.client.post("/api/key", headers=basic(user_id, key)).status_code == 401
    revoked = browser.post("/account/api-key/revoke")
    assert revoked.status_code == 200
    assert "You have no API key" in revoked.text


def test_bad_basic_credentials_are_401(browser):
    for header in ("Basic !!!", "Basic " + base64.b64encode(b"nope").decode(), "Bearer x"):
        response = browser.client.post("/api/key", headers={"Authorization": header})
        assert response.status_code == 401
    response = browser.client.post("/api/key", headers=basic(999999, "x" * 43))
    assert response.status_code == 401


def test_unsafe_methods_need_the_csrf_token(browser, unique):
    browser.register(unique("csrf"))
    for method, path in (("POST", "/api/key"), ("POST", "/logout"), ("DELETE", "/api/key")):
        missing = browser.request(method, path, csrf=False)
        assert missing.status_code == 403, (method, path)
        forged = browser.request(method, path, csrf=False, headers={"x-csrftoken": "0" * 128})
        assert forged.status_code == 403, (method, path)
    # Still logged in: the forged log out did nothing.
    assert browser.get("/account").status_code == 200
    # A token in the form body works too (forms without JavaScript).
    response = browser.post("/account/api-key", csrf=False, data={"_csrf_token": browser.csrf})
    assert response.status_code == 200


def test_login_form_needs_csrf_too(new_browser, unique):
    client = new_browser()
    response = client.post("/login", csrf=False, data={"username": "x", "password": "y"})
    assert response.status_code == 403


def test_admin_is_for_admins_only(browser, new_browser, unique, sql):
    anonymous = new_browser()
    response = anonymous.get("/admin/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    name = unique("plain")
    browser.register(name)
    assert browser.get("/admin/").status_code == 403
    sql("UPDATE users SET admin = true WHERE username = $1", name)
    response = browser.get("/admin/")
    assert response.status_code in (200, 307), response.text[:300]  # Piccolo Admin itself


def test_createuser_and_apikey_commands(app_server, database_url, new_browser, unique):
    name = unique("cli")
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": app_server.settings.web.var_dir}
    created = subprocess.run(
        [sys.executable, "-m", "app", "createuser", name, "--admin", "--password-stdin"],
        input="a long password\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    assert "admin" in created.stdout
    keyed = subprocess.run(
        [sys.executable, "-m", "app", "apikey", name],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert keyed.returncode == 0, keyed.stderr
    user_id, key = keyed.stdout.split()
    client = new_browser()
    assert client.client.get("/account").status_code == 303
    assert client.client.post("/api/key", headers=basic(int(user_id), key)).status_code == 201
    assert client.login(name, "a long password").status_code == 303
    missing = subprocess.run(
        [sys.executable, "-m", "app", "apikey", unique("nobody")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert missing.returncode == 1 and "no user" in missing.stderr


def test_users_api(browser, unique):
    name = unique("pub")
    browser.register(name)
    user_id, _ = browser.api_key()
    response = browser.get(f"/api/users/{user_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["user_info"]["user_id"] == user_id
    assert body["user_info"]["user_name"] == name
    assert browser.get("/api/users/987654321").status_code == 404
