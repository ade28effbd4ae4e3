"""Names: usernames unique case-insensitively; no name that looks like another user's, the
site's or its staff's (issue 20, point 5). Through HTTP, plus the key function itself."""

import html

import pytest

from app.accounts.names import name_key, reserved_keys


def _register(client, username, display_name="", password="correct horse battery"):
    return client.post(
        "/register",
        data={
            "username": username,
            "display_name": display_name,
            "password": password,
            "password_again": password,
        },
    )


def _text(response):
    return html.unescape(response.text)


@pytest.mark.parametrize(
    "name",
    [
        "admin",
        "ADMIN",
        "\uff21dmin",  # fullwidth A
        "a d m i n",
        "ad\u200bmin",  # zero-width space
        "\u202eadmin",  # right-to-left override
        "admin\u3164",  # Hangul filler
        "\u00e1dmin",  # á
        "a\u0301dmin",  # a + combining acute
        "Ad_min",
        "ad-min.",
        "\uff41\uff44\uff4d\uff49\uff4e",  # fullwidth
    ],
)
def test_look_alikes_share_a_key(name):
    assert name_key(name) == "admin"


def test_distinct_names_keep_distinct_keys():
    assert len({name_key(n) for n in ("alice", "alicia", "bob", "b0b", "Chronicle 2")}) == 5
    assert name_key("\u200b\u200d \u3164") == ""
    assert reserved_keys("My Site") >= {"admin", "administrator", "moderator", "mysite"}


def test_usernames_are_unique_whatever_the_case(new_browser, unique):
    name = unique("Case")
    first = new_browser()
    assert _register(first, name).status_code == 303
    other = new_browser()
    for variant in (name.lower(), name.upper()):
        response = _register(other, variant)
        assert response.status_code == 422
        assert "That username is taken" in _text(response)
    # Logging in matches case-insensitively too: the one account.
    assert new_browser().login(name.upper(), "correct horse battery").status_code == 303


def test_display_names_cannot_imitate(new_browser, unique):
    owner = new_browser()
    owner_name = unique("owner")
    owner_display = unique("Famous Player ")
    assert _register(owner, owner_name, owner_display).status_code == 303
    cases = {
        # another user's username: other case, a zero-width space, fullwidth letters
        owner_name.upper(): "too close to another user's name",
        owner_name[:3] + "\u200b" + owner_name[3:]: "too close to another user's name",
        "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in owner_name): "too close",
        # another user's display name, spaced and cased differently
        owner_display.upper().replace(" ", "  "): "too close to another user's name",
        # the staff and the site
        "Administrator": "reserved for the site",
        "\uff2d\uff4f\uff44\uff45\uff52\uff41\uff54\uff4f\uff52": "reserved for the site",
        "chronicle": "reserved for the site",  # the site's name (APP_SITE_NAME)
        "\u200b\u3164": "needs letters or digits that can be seen",
        # a Cyrillic letter among Latin ones ("\u0430" looks like "a")
        "F\u0430mous Player": "cannot mix alphabets whose letters look alike",
    }
    client = new_browser()
    for display, message in cases.items():
        response = _register(client, unique("imitator"), display)
        assert response.status_code == 422, display
        assert message in _text(response), (display, response.text[-600:])
    # A username is a shown name too: it cannot take another user's display name.
    response = _register(client, owner_display.replace(" ", "_"))
    assert response.status_code == 422
    assert "too close to another user's name" in _text(response)
    # Nothing was created by the refusals; a name of one's own is fine.
    assert _register(client, unique("honest"), "Honest Abe").status_code == 303
    # names in one alphabet, whatever it is, are fine
    assert _register(client, unique("cyrillic"), "\u041f\u0451\u0442\u0440").status_code == 303
    assert _register(client, unique("greek"), "\u03a9\u03bc\u03ad\u03b3\u03b1").status_code == 303


def test_reserved_usernames_are_refused_at_registration(new_browser):
    response = _register(new_browser(), "Admin")
    assert response.status_code == 422
    assert "That username is reserved for the site." in _text(response)
