"""Leaderboard operations (issue 18, point 7), over HTTP: the patch weights live in the
database, the achievements page and API say which patches count, and an admin's
"rebalance" replaces them and rescores the stored saves; anyone else is refused. The
module has its own database: rebalancing changes every board."""

from __future__ import annotations

import re

import pytest
from support import saves as crafted
from support.html import parse_html

import kernel

START = kernel.Date(1444, 11, 11).days()
# The kernel's weights until now (1 + 0.1 x (37 - minor)), which the migration stored.
KERNEL_WEIGHTS = {f"1.{m}": f"{(47 - m) // 10}.{(47 - m) % 10}" for m in range(37, 28, -1)}


def days(date: str) -> int:
    y, m, d = (int(p) for p in date.split("."))
    return kernel.Date(y, m, d).days() - START


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    tokens = crafted.TokenDir(tmp_path_factory.mktemp("tokens"))
    tokens.binary(crafted.text_save(seed=1))
    return tokens


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, tokens, own_database):
    from app.settings import DatabaseSettings, KernelSettings

    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, tokens_dir=str(tokens.directory)),
    )
    with serve_app(settings) as server:
        yield server


@pytest.fixture
def sql(own_sql):
    """new_user(admin=True) makes the admin in this module's database."""
    return own_sql


def upload(client, tokens, **fields) -> str:
    response = client.upload(tokens.binary(crafted.text_save(**fields)), name="run.eu4")
    assert response.status_code == 201, response.text
    return response.json()["save_id"]


def score(client, save_id: str) -> int | None:
    return client.get(f"/api/saves/{save_id}").json()["score_days"]


def weights_shown(client) -> dict[str, str]:
    """The "Which patches count" table of the achievements page: patch -> weight."""
    page = client.get("/achievements")
    assert page.status_code == 200
    rows = parse_html(page.text).rows("patch-weights")
    return {
        patch: weight.removeprefix("\N{MULTIPLICATION SIGN}").strip() for patch, weight in rows[1:]
    }


def test_page_and_api_say_which_patches_count(browser):
    assert weights_shown(browser) == KERNEL_WEIGHTS  # the migration's rows: no score moved
    api = browser.get("/api/achievements").json()["patch_weights"]
    assert api[0] == {"patch": "1.37", "minor": 37, "weight": "1.0"}
    assert {row["patch"]: row["weight"] for row in api} == KERNEL_WEIGHTS
    assert 'id="rebalance-form"' not in browser.get("/achievements").text


def test_only_admins_rebalance(new_user, browser, admin):
    body = {"weights": "1.37 1.0"}
    anonymous = browser.post("/achievements/rebalance", data=body)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    member = new_user("member")
    assert member.post("/achievements/rebalance", data=body).status_code == 403
    assert 'id="rebalance-form"' not in member.get("/achievements").text
    # CSRF: an admin's post without the session's token is refused too.
    assert admin.post("/achievements/rebalance", data=body, csrf=False).status_code == 403
    assert weights_shown(browser) == KERNEL_WEIGHTS
    assert 'id="rebalance-form"' in admin.get("/achievements").text


def page_score(client, save_id: str) -> tuple[str, str]:
    """(score, weighting) of the save page's leaderboard section."""
    text = client.get(f"/saves/{save_id}").text
    section = text[text.index('<section id="leaderboard"') :]
    shown = re.search(r'<dd id="score-days">([^<]*)</dd>', section)
    weight = re.search(r"<dt>Patch weighting</dt><dd>(× [\d.]+)", section)  # noqa: RUF001
    assert shown and weight, section[:2000]
    return shown[1], weight[1]


def test_rebalance_rescores_the_stored_saves(new_user, admin, tokens, browser):
    player = new_user("runner")
    old = upload(player, tokens, seed=700, date="1480.1.1", minor=35)
    latest = upload(player, tokens, seed=701, date="1490.1.1", minor=37)
    newer = upload(player, tokens, seed=702, date="1470.1.1", minor=38)
    assert score(player, old) == days("1480.1.1") * 12 // 10
    assert score(player, latest) == days("1490.1.1")
    assert score(player, newer) == days("1470.1.1")  # newer than 1.37: 1.37's weight
    assert browser.get("/achievements/18").text.count(old) >= 1

    # 1.38 joins at 1.0, 1.37 becomes harder to beat (1.2), 1.35 gets 2.0, the rest drop.
    response = admin.post(
        "/achievements/rebalance", data={"weights": "1.38 1.0\n1.37 = 1.2\n1.35: 2\n"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/achievements"
    assert "saves rescored" in admin.get("/achievements").text
    assert weights_shown(browser) == {"1.38": "1.0", "1.37": "1.2", "1.35": "2.0"}
    assert score(player, old) == days("1480.1.1") * 2
    assert score(player, latest) == days("1490.1.1") * 12 // 10
    assert score(player, newer) == days("1470.1.1")
    # The save page's leaderboard section says the site's score and weight, not the
    # kernel's own (1.35 counted 1.2 there).
    section = page_score(player, old)
    assert section == (f"{days('1480.1.1') * 2:,}", "× 2.0")  # noqa: RUF001
    # A patch no longer listed does not count: its save leaves the boards.
    admin.post("/achievements/rebalance", data={"weights": "1.38 1.0\n1.37 1.0"})
    assert score(player, old) is None
    assert old not in browser.get("/achievements/18").text
    assert "do not count patch 1.35" in player.get(f"/saves/{old}").text
    # A new upload is scored with the weights of the day.
    again = upload(player, tokens, seed=703, date="1480.1.1", minor=35)
    assert score(player, again) is None
    restore = "\n".join(f"{patch} {weight}" for patch, weight in KERNEL_WEIGHTS.items())
    assert admin.post("/achievements/rebalance", data={"weights": restore}).status_code == 303
    assert score(player, old) == score(player, again) == days("1480.1.1") * 12 // 10
    assert score(player, newer) == days("1470.1.1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.37 abc", "is not a number"),
        ("1.37 1.25", "one decimal at most"),
        ("1.37 0", "between 0.1 and 10.0"),
        ("1.37 11", "between 0.1 and 10.0"),
        ("1.37 1.0\n1.37 1.1", "listed twice"),
        ("37 1.0", "is not “1.&lt;patch&gt; &lt;weight&gt;”"),
        ("   \n", "at least one patch"),
        ("1.37 NaN", "is not a number"),
        ("1.37 Infinity", "is not a number"),
    ],
)
def test_bad_weights_are_refused_with_a_message(admin, browser, text, message):
    before = weights_shown(browser)
    response = admin.post("/achievements/rebalance", data={"weights": text})
    assert response.status_code == 400
    assert message in response.text, response.text
    textarea = response.text.split('id="rebalance-weights"', 1)[1].split("</textarea>", 1)[0]
    assert text.strip() in textarea.replace("&#34;", '"')  # the admin's text is kept
    assert weights_shown(browser) == before
