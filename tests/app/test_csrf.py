"""The CSRF token over HTTP: bound to its session, new at log-in, registration and log-out
(app.web.csrf). The secure-cookie names are in test_csrf_secure.py (an app of its own)."""

from support.html import parse_html

REFUSED = "security token is missing or out of date"


def page_token(html: str) -> str:
    """The token a page gives its forms (Litestar's csrf_input)."""
    tokens = {
        attrs.get("value")
        for tag, attrs in parse_html(html).elements
        if tag == "input" and attrs.get("name") == "_csrf_token"
    }
    assert len(tokens) == 1, tokens
    token = tokens.pop()
    assert token
    return token


def test_a_token_from_another_session_is_refused(new_user, new_browser):
    victim = new_user("victim")
    attacker = new_user("attacker")
    anonymous = new_browser()
    for foreign in (attacker.csrf, anonymous.csrf):
        assert foreign != victim.csrf
        api = victim.post("/api/key", csrf=False, headers={"x-csrftoken": foreign})
        assert api.status_code == 403
        assert REFUSED in api.json()["detail"]
        form = victim.post("/account/api-key", csrf=False, data={"_csrf_token": foreign})
        assert form.status_code == 403
        assert REFUSED in form.text  # the error page says what to do
    # Still logged in and unchanged: the forged requests did nothing.
    assert "You have no API key" in victim.get("/account").text
    assert victim.post("/api/key").status_code == 201


def test_the_cookie_alone_is_not_enough(new_user):
    """The check reads the header or the form field, never the cookie: a cookie planted in
    the browser (double submit's weakness) proves nothing."""
    user = new_user("cookie")
    user.client.cookies.set("chronicle_csrf", "planted")
    response = user.post("/api/key", csrf=False, headers={"x-csrftoken": "planted"})
    assert response.status_code == 403


def test_the_token_changes_at_login_and_the_old_one_is_refused(new_browser, unique):
    name = unique("rotate")
    new_browser().register(name)
    client = new_browser()
    before = page_token(client.get("/login").text)
    assert client.csrf == before  # the cookie is a copy of the session's token
    response = client.login(name)
    assert response.status_code == 303
    after = client.csrf  # the log-in answer set the new cookie
    assert after != before
    page = client.get("/account")
    assert page.status_code == 200
    assert page_token(page.text) == after
    assert f'"x-csrftoken": "{after}"' in page.text  # what htmx sends
    stale = client.post("/api/key", csrf=False, headers={"x-csrftoken": before})
    assert stale.status_code == 403
    assert client.post("/api/key", csrf=False, headers={"x-csrftoken": after}).status_code == 201


def test_the_token_changes_at_registration_and_logout(new_browser, unique):
    client = new_browser()
    anonymous = client.csrf
    client.register(unique("reg"))
    registered = client.csrf
    assert registered != anonymous
    assert client.post("/api/key", headers={"x-csrftoken": anonymous}).status_code == 403
    assert client.logout().status_code == 303
    logged_out = client.csrf
    assert logged_out not in (anonymous, registered)
    # The logged-in token cannot log in again (or do anything) from the anonymous session.
    refused = client.post("/login", csrf=False, data={"_csrf_token": registered})
    assert refused.status_code == 403


def test_a_session_ended_elsewhere_gets_the_login_page_not_403(new_browser, unique):
    """Logging out voids every session of the user; a form posted from another one still
    carries that session's token, so it is answered like any anonymous request (log in
    first), and the browser gets a new anonymous session and token."""
    name = unique("stale")
    laptop = new_browser()
    laptop.register(name)
    phone = new_browser()
    assert phone.login(name).status_code == 303
    old = phone.csrf
    assert laptop.logout().status_code == 303
    response = phone.post("/account/api-key")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert phone.csrf != old


def test_htmx_gets_a_new_document_after_login_and_logout(new_browser, unique):
    """A boosted swap keeps <body>'s attributes (htmx's CSRF header among them), so the
    session's change is answered with HX-Redirect: the browser loads the new page."""
    name = unique("boost")
    new_browser().register(name)
    client = new_browser()
    boosted = {"HX-Request": "true", "HX-Boosted": "true"}
    response = client.post(
        "/login",
        headers=boosted,
        data={"username": name, "password": "correct horse battery", "next": "/account"},
    )
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/account"
    response = client.post("/logout", headers=boosted)
    assert response.headers["hx-redirect"] == "/"


def test_api_keys_need_no_token(new_user):
    user = new_user("script")
    user_id, key = user.api_key()
    fresh = new_user("other")
    fresh.client.cookies.clear()
    response = fresh.client.post("/api/key", auth=(str(user_id), key))
    assert response.status_code == 201
