"""Passwords (issue 20, point 5): common ones refused on register and change; the
password-change page voids the user's other sessions and keeps this one; an admin's reset
in Piccolo Admin voids the user's sessions too. Through HTTP against the running app."""

import html

import pytest
from support.html import parse_html
from support.http import PASSWORD

NEW = "plum lantern orbit 7"


def _text(response):
    return html.unescape(response.text)


@pytest.mark.parametrize("common", ["password1", "qwertyuiop", "iloveyou!", "Password123"])
def test_register_refuses_common_passwords(new_browser, unique, common):
    response = new_browser().post(
        "/register",
        data={"username": unique("weak"), "password": common, "password_again": common},
    )
    assert response.status_code == 422
    assert "This password is too easy to guess." in _text(response)


def test_register_refuses_the_username_as_password(new_browser, unique):
    name = unique("selfie")
    password = name + "1"
    response = new_browser().post(
        "/register", data={"username": name, "password": password, "password_again": password}
    )
    assert response.status_code == 422
    assert "too easy to guess" in _text(response)


def _change(client, current, new, again=None, **kwargs):
    return client.post(
        "/account/password",
        data={"current_password": current, "password": new, "password_again": again or new},
        **kwargs,
    )


def test_password_change_voids_other_sessions(new_browser, unique):
    name = unique("changer")
    here = new_browser()
    here.register(name)
    elsewhere = new_browser()
    assert elsewhere.login(name, PASSWORD).status_code == 303
    assert elsewhere.get("/account").status_code == 200

    form = here.get("/account/password")
    assert form.status_code == 200
    page = parse_html(form.text)
    assert "password-form" in page.ids
    assert ("input", "_csrf_token") in {(tag, attrs.get("name")) for tag, attrs in page.elements}
    assert "/account/password" in here.get("/account").text  # linked from the account page

    # CSRF-protected, and only for logged-in users.
    assert _change(here, PASSWORD, NEW, csrf=False).status_code == 403
    anonymous = new_browser()
    assert anonymous.get("/account/password").status_code == 303
    refused = _change(anonymous, PASSWORD, NEW)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")

    refusals = {
        ("wrong current password", NEW, None): "The current password is wrong.",
        (PASSWORD, "password1", None): "This password is too easy to guess.",
        (PASSWORD, NEW, NEW + "x"): "The two new passwords differ.",
        (PASSWORD, "short", None): "The password is too short",
    }
    for (current, new, again), message in refusals.items():
        response = _change(here, current, new, again)
        assert response.status_code == 422
        assert message in _text(response)
    # Nothing changed so far: the other session still works, the old password too.
    assert elsewhere.get("/account").status_code == 200

    # htmx gets the form fragment back on errors.
    fragment = _change(here, "wrong current password", NEW, headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert parse_html(fragment.text).roots == ["form"]

    done = _change(here, PASSWORD, NEW)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert here.get("/account").status_code == 200  # this session goes on
    assert elsewhere.get("/account").status_code == 303  # the other one is over
    assert new_browser().login(name, PASSWORD).status_code == 401
    assert new_browser().login(name, NEW).status_code == 303


def _set_password(admin, token, user_id, password):
    return admin.request(
        "PATCH",
        f"/admin/api/tables/users/{user_id}/",
        json={"password": password},
        headers={"x-csrftoken": token},
    )


# Piccolo Admin's log-in warns when not in production mode (SECURE_COOKIES off, as here).
@pytest.mark.filterwarnings("ignore:If running sessions in production:UserWarning")
def test_admin_reset_voids_the_users_sessions(new_browser, unique, sql):
    admin_name = unique("resetter")
    admin = new_browser()
    admin.register(admin_name)
    # As `createuser --admin` makes them: Piccolo Admin edits users for superusers only.
    sql("UPDATE users SET admin = true, superuser = true WHERE username = $1", admin_name)
    token = admin.piccolo_admin(admin_name)

    victim_name = unique("forgetful")
    victim = new_browser()
    victim.register(victim_name)
    victim_id = sql("SELECT id FROM users WHERE username = $1", victim_name)[0]["id"]
    # The victim is in Piccolo Admin too (an admin): that session must go as well.
    sql("UPDATE users SET admin = true WHERE id = $1", victim_id)
    victim.piccolo_admin(victim_name)
    assert sql("SELECT count(*) AS n FROM sessions WHERE user_id = $1", victim_id)[0]["n"] == 1

    # A common password is refused with our message, and nothing ends.
    weak = _set_password(admin, token, victim_id, "password1")
    assert weak.status_code == 400, (weak.text, weak.headers)
    assert "too easy to guess" in weak.text
    assert victim.get("/account").status_code == 200
    assert sql("SELECT count(*) AS n FROM sessions WHERE user_id = $1", victim_id)[0]["n"] == 1

    reset = _set_password(admin, token, victim_id, NEW)
    assert reset.status_code == 200, reset.text
    assert victim.get("/account").status_code == 303  # logged out
    assert sql("SELECT count(*) AS n FROM sessions WHERE user_id = $1", victim_id)[0]["n"] == 0
    assert new_browser().login(victim_name, NEW).status_code == 303
    assert admin.get("/account").status_code == 200  # the admin's own session is untouched


@pytest.mark.filterwarnings("ignore:If running sessions in production:UserWarning")
def test_piccolo_admin_change_password_ends_our_sessions(new_browser, unique, sql):
    """An admin changing their own password in Piccolo Admin: our checks, and every
    session of theirs ends (Piccolo's and ours)."""
    name = unique("selfchange")
    admin = new_browser()
    admin.register(name)
    sql("UPDATE users SET admin = true, superuser = true WHERE username = $1", name)
    elsewhere = new_browser()
    assert elsewhere.login(name, PASSWORD).status_code == 303
    token = admin.piccolo_admin(name)

    def change(new):
        return admin.post(
            "/admin/api/change-password/",
            json={"current_password": PASSWORD, "new_password": new, "confirm_new_password": new},
            headers={"x-csrftoken": token},
        )

    weak = change("password1")
    assert weak.status_code == 422
    assert "too easy to guess" in weak.json()["detail"]
    assert elsewhere.get("/account").status_code == 200
    assert change(NEW).status_code == 303
    assert elsewhere.get("/account").status_code == 303
    assert admin.get("/account").status_code == 303
    assert new_browser().login(name, NEW).status_code == 303
