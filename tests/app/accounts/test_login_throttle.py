"""Per-account login throttling beside the per-address limit (issue 20, point 5): too
many failed log-ins for one username answer 429 for that name from any browser, for one
short window; the owner's own browser (it logged in before) is not held back. Each test
serves its own app with a low limit and a generous per-address one."""

import html
import time

from support.http import PASSWORD

from app.settings import LimitSettings


def _settings(make_settings, window=300):
    return make_settings(
        limits=LimitSettings(
            login_rate_per_minute=1000,
            upload_rate_per_minute=1000,
            login_failures_per_account=3,
            login_account_window=window,
        )
    )


def test_too_many_failures_lock_the_name_not_the_owner(
    make_settings, serve_app, client_for, unique
):
    with serve_app(_settings(make_settings)) as server:
        name = unique("target")
        owner = client_for(server.url)
        owner.register(name)  # this browser is the owner's: it logged in to the account
        attacker = client_for(server.url)
        statuses = [attacker.login(name, f"guess number {n}").status_code for n in range(3)]
        assert statuses == [401, 401, 401]

        locked = attacker.login(name.upper(), PASSWORD)  # any case, even the right password
        assert locked.status_code == 429
        assert 0 < int(locked.headers["retry-after"]) <= 300
        assert "Too many failed log-ins for this account: try again in 5 minutes" in (
            html.unescape(locked.text)
        )
        # not logged in (every visitor has a session: it carries the CSRF token)
        account = attacker.get("/account")
        assert account.status_code == 303 and account.headers["location"].startswith("/login")
        # From any other browser (or address) alike: the name is held, not the client.
        assert client_for(server.url).login(name, PASSWORD).status_code == 429
        # htmx gets the form fragment with the message.
        fragment = attacker.post(
            "/login",
            data={"username": name, "password": PASSWORD},
            headers={"HX-Request": "true"},
        )
        assert fragment.status_code == 429 and "<form" in fragment.text

        # Other accounts are not affected, from the same browser.
        other = unique("bystander")
        client_for(server.url).register(other)
        assert attacker.login(other, PASSWORD).status_code == 303

        # A forged device cookie is worth nothing...
        forger = client_for(server.url)
        forger.client.cookies.set("chronicle_login_device", "0" * 64)
        assert forger.login(name, PASSWORD).status_code == 429
        # ... while the owner's browser logs in all the same (its cookie from registering).
        owner.logout()
        assert owner.login(name, PASSWORD).status_code == 303


def test_unknown_names_are_throttled_alike(make_settings, serve_app, client_for, unique):
    """The answer does not tell which names exist."""
    with serve_app(_settings(make_settings)) as server:
        client = client_for(server.url)
        nobody = unique("nobody")
        statuses = [client.login(nobody, "wrong password").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]


def test_the_lock_ends_with_its_window(make_settings, serve_app, client_for, unique):
    with serve_app(_settings(make_settings, window=2)) as server:
        name = unique("patient")
        client_for(server.url).register(name)
        client = client_for(server.url)
        for _ in range(3):
            client.login(name, "not the password")
        assert client.login(name, PASSWORD).status_code == 429
        time.sleep(2.5)  # past the 2-second window (a deadline, not a measurement)
        assert client.login(name, PASSWORD).status_code == 303
        # Success cleared the count: one more failure does not lock again.
        fresh = client_for(server.url)
        assert fresh.login(name, "not the password").status_code == 401
        assert fresh.login(name, PASSWORD).status_code == 303
