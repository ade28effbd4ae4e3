"""With SECURE_COOKIES the session and CSRF cookies are ``__Host-`` prefixed (Secure,
Path=/, no Domain). An app of its own; the cookies are read and sent by hand, because a
client keeps Secure cookies for HTTPS only."""

from http.cookies import SimpleCookie

import httpx
import msgspec
from support.http import PASSWORD


def cookies_of(response: httpx.Response) -> dict[str, dict[str, str]]:
    """name -> attributes (and "value") of every Set-Cookie of ``response``."""
    found: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            attributes = {key: str(value) for key, value in morsel.items() if value}
            found[name] = {"value": morsel.value, **attributes}
    return found


def test_host_prefixed_cookies_when_secure(make_settings, serve_app, unique):
    settings = make_settings()
    security = msgspec.structs.replace(settings.security, secure_cookies=True)
    with (
        serve_app(msgspec.structs.replace(settings, security=security)) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        first = client.get("/register")
        cookies = cookies_of(first)
        assert set(cookies) == {"__Host-chronicle_session", "__Host-chronicle_csrf"}
        for name, cookie in cookies.items():
            assert cookie.get("secure") == "True", name
            assert cookie.get("path") == "/", name
            assert "domain" not in cookie, name
        assert cookies["__Host-chronicle_session"].get("httponly") == "True"
        assert "max-age=31536000" in first.headers["strict-transport-security"]

        # The prefixed cookies are the ones the app reads: register with them.
        session = cookies["__Host-chronicle_session"]["value"]
        token = cookies["__Host-chronicle_csrf"]["value"]
        sent = {"Cookie": f"__Host-chronicle_session={session}", "x-csrftoken": token}
        form = {"username": unique("secure"), "password": PASSWORD, "password_again": PASSWORD}
        registered = client.post("/register", headers=sent, data=form)
        assert registered.status_code == 303, registered.text
        rotated = cookies_of(registered)
        assert rotated["__Host-chronicle_csrf"]["value"] != token
        # A cookie without the prefix is not the session (a subdomain could set that one).
        plain = {"Cookie": f"chronicle_session={session}", "x-csrftoken": token}
        assert client.post("/logout", headers=plain).status_code == 403
