"""Achievements index, per-achievement leaderboards (page and JSON) and user pages,
through HTTP. Leaderboards need saves that pass the achievement gate: binary ironman saves,
crafted here (tests/support/saves.py) and read with this module's own token table. The
database is shared with other modules, so boards are checked on this module's saves."""

from __future__ import annotations

import pytest
from support import saves as crafted
from support.html import parse_html

import kernel

START = kernel.Date(1444, 11, 11).days()


ALL = {"limit": 200}  # the API pages boards (this module's page size is 3)


def days(date: str) -> int:
    y, m, d = (int(p) for p in date.split("."))
    return kernel.Date(y, m, d).days() - START


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    tokens = crafted.TokenDir(tmp_path_factory.mktemp("tokens"))
    tokens.binary(crafted.text_save(seed=1))
    return tokens


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, tokens):
    """This module's app: a token table, and pages of 3 saves (to see "load more")."""
    from app.settings import KernelSettings, LimitSettings

    settings = make_settings(
        kernel=KernelSettings(workers=2, tokens_dir=str(tokens.directory)),
        limits=LimitSettings(
            page_size=3, login_rate_per_minute=10_000, upload_rate_per_minute=10_000
        ),
    )
    with serve_app(settings) as server:
        yield server


@pytest.fixture
def player(new_user):
    return new_user("runner")


def upload(client, tokens, **fields) -> str:
    response = client.upload(tokens.binary(crafted.text_save(**fields)), name="run.eu4")
    assert response.status_code == 201, response.text
    return response.json()["save_id"]


def mine(board: dict, ids: set[str]) -> list[dict]:
    return [entry for entry in board["saves"] if entry["id"] in ids]


def test_leaderboard_ranks_the_best_save_of_each_run(player, admin, tokens, new_browser):
    other = new_browser()
    other.register(f"rival{kernel.__version__.replace('.', '')}{id(other) % 100000}")
    # Run A: two saves of one playthrough (same seed); the earlier one counts.
    a_late = upload(player, tokens, seed=500, date="1500.1.1", minor=35)
    a_early = upload(player, tokens, seed=500, date="1480.1.1", minor=35)
    # Run B: 1490 on the latest patch (weight 1.0): 16,476 weighted days, behind A's 1480
    # save on 1.35 (weight 1.2: 15,391) but ahead of A's 1500 save (24,151).
    b = upload(other, tokens, seed=501, date="1490.1.1", minor=37)
    # Run C: the same score as B, uploaded after it: ranked after B.
    c = upload(player, tokens, seed=502, date="1490.1.1", minor=37)
    # Run D: disqualified by an admin; run E: France (only Ruina Imperii, not Italy).
    d = upload(player, tokens, seed=503, date="1450.1.1", minor=37)
    e = upload(player, tokens, seed=504, date="1460.1.1", minor=37, player="FRA", name="France")
    # Run F: an unsupported patch (1.28): achievements, but no weighted score.
    f = upload(player, tokens, seed=505, date="1445.1.1", minor=28)
    # Run G: the same run as text: never eligible.
    text = player.upload(crafted.text_save(seed=506, date="1446.1.1", minor=37)).json()["save_id"]
    assert player.get(f"/api/saves/{f}").json()["achievements"] == [18, 47]
    assert player.get(f"/api/saves/{f}").json()["score_days"] is None
    assert admin.post(f"/saves/{d}/leaderboard", data={"qualified": "no"}).status_code == 303
    ours = {a_late, a_early, b, c, d, e, f, text}

    board = player.get("/api/achievements/18", params=ALL).json()
    assert board["achievement"] == {
        "id": 18,
        "name": "Italian Ambition",
        "description": "Form Italy.",
        "difficulty": "medium",
    }
    ranks = [entry["rank"] for entry in board["saves"]]
    assert ranks == list(range(1, len(ranks) + 1))
    scores = [entry["weighted_score"]["days"] for entry in board["saves"]]
    assert scores == sorted(scores)
    entries = mine(board, ours)
    assert [entry["id"] for entry in entries] == [a_early, b, c]
    assert entries[0]["weighted_score"]["days"] == days("1480.1.1") * 12 // 10
    assert entries[0]["days"] == days("1480.1.1")
    second = entries[1]
    assert second["weighted_score"]["days"] == days("1490.1.1")
    assert second["weighted_score"]["date"] == "1490-01-01"
    assert entries[0]["rank"] < second["rank"] < entries[2]["rank"]
    assert second["user_name"].startswith("rival")
    assert (second["player_tag"], second["player_start_tag"], second["patch"]) == (
        "ITA",
        "ITA",
        "1.37.0.0",
    )
    # Ruina Imperii: France is there too.
    ruina = mine(player.get("/api/achievements/47", params=ALL).json(), ours)
    assert [entry["id"] for entry in ruina] == [e, a_early, b, c]
    # Qualify D again: it leads (the earliest date).
    admin.post(f"/saves/{d}/leaderboard", data={"qualified": "yes"})
    board = player.get("/api/achievements/18", params=ALL).json()
    assert [x["id"] for x in mine(board, ours)] == [d, a_early, b, c]
    # Deleting the better save of run A brings its other save back (now last).
    assert player.request("DELETE", f"/api/saves/{a_early}").status_code == 204
    board = player.get("/api/achievements/18", params=ALL).json()
    assert [x["id"] for x in mine(board, ours)] == [d, b, c, a_late]
    # The page shows the same board, with links to the saves and their uploaders.
    page = player.get("/achievements/18")
    assert page.status_code == 200
    parsed = parse_html(page.text)
    linked = [href for href in parsed.hrefs if href.startswith("/saves/")]
    ordered = [
        href.removeprefix("/saves/") for href in linked if href.removeprefix("/saves/") in ours
    ]
    assert ordered == [d, b, c, a_late]
    body = parsed.rows("leaderboard")[1:]
    assert [int(row[0]) for row in body] == list(range(1, len(body) + 1))
    assert any(row[1].startswith("rival") and row[6] == f"{days('1490.1.1'):,}" for row in body)

    # The index: every achievement of the catalogue, with runs and best scores.
    index = player.get("/api/achievements").json()["achievements"]
    by_id = {item["id"]: item for item in index}
    assert len(index) >= 20 and by_id[18]["name"] == "Italian Ambition"
    assert by_id[18]["runs"] >= 4 and by_id[18]["best_score_days"] <= days("1450.1.1")
    page = player.get("/achievements")
    assert page.status_code == 200
    index_page = parse_html(page.text)
    index_rows = index_page.rows("achievements")[1:]
    assert len(index_rows) == len(index)
    assert "/achievements/18" in index_page.hrefs


def test_boards_page_with_cursors(player, tokens):
    for seed in range(520, 525):
        upload(player, tokens, seed=seed, date=f"14{seed - 470}.1.1", minor=37)
    whole = player.get("/api/achievements/18", params=ALL).json()
    assert whole["cursor"] is None and len(whole["saves"]) >= 5
    first = player.get("/api/achievements/18").json()  # the page size
    assert len(first["saves"]) == 3 and first["cursor"]
    walked, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = player.get("/api/achievements/18", params=params)
        assert page.status_code == 200, page.text
        walked += page.json()["saves"]
        cursor = page.json()["cursor"]
        if cursor is None:
            break
    assert [(x["id"], x["rank"]) for x in walked] == [(x["id"], x["rank"]) for x in whole["saves"]]
    assert [x["rank"] for x in walked] == list(range(1, len(walked) + 1))
    # A cursor of the saves list is not a board's: 400 with the readable message.
    saves_cursor = player.get("/api/saves", params={"limit": 1}).json()["cursor"]
    bad = player.get("/api/achievements/18", params={"cursor": saves_cursor})
    assert bad.status_code == 400 and "bad cursor" in bad.json()["detail"]


def test_unknown_achievements(player):
    assert player.get("/api/achievements/999999").status_code == 404
    assert player.get("/api/achievements/999999").json()["detail"] == "achievement not found"
    assert player.get("/achievements/999999").status_code == 404
    assert player.get("/api/achievements/abc").status_code in (400, 404)


def test_the_board_escapes_names(player, tokens, sql, new_browser, unique):
    evil = "<script>alert(1)</script>"
    client = new_browser()
    name = unique("esc")
    client.register(name)
    sql("UPDATE users SET display_name = $1 WHERE username = $2", evil, name)
    save_id = upload(client, tokens, seed=600, date="1444.12.1", minor=37, name=evil)
    detail = client.get(f"/api/saves/{save_id}").json()
    assert detail["player_tag_name"] == evil and detail["user_name"] == evil
    for url in ("/achievements/18", f"/users/{detail['user_id']}", "/saves", f"/saves/{save_id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert evil not in page.text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, url


def test_user_page_lists_their_saves(player, tokens, new_browser):
    made = [upload(player, tokens, seed=700 + i, date="1450.1.1", minor=37) for i in range(4)]
    user_id = player.get(f"/api/saves/{made[0]}").json()["user_id"]
    page = player.get(f"/users/{user_id}")
    assert page.status_code == 200
    parsed = parse_html(page.text)
    shown = [href.removeprefix("/saves/") for href in parsed.hrefs if href.startswith("/saves/")]
    assert shown[:3] == made[::-1][:3]  # newest first, 3 a page
    assert "user-name" in parsed.ids and "html" in parsed.tags
    more = [href for href in parsed.hrefs if href.startswith(f"/users/{user_id}?cursor=")]
    assert len(more) == 1
    # Without JavaScript: the next page; with htmx: the rows fragment.
    cursor = more[0].split("cursor=")[1]
    second = player.get(more[0])
    assert made[0] in second.text and made[3] not in second.text
    fragment = player.get(f"/users/{user_id}/rows?cursor={cursor}", headers={"HX-Request": "true"})
    assert made[0] in fragment.text and "<html" not in fragment.text
    hx = player.get(f"/users/{user_id}", headers={"HX-Request": "true"})
    assert "<html" not in hx.text and made[3] in hx.text and hx.headers["vary"] == "HX-Request"
    # The JSON twin, other users' pages, unknown users and bad cursors.
    api = player.get(f"/api/users/{user_id}").json()
    assert [s["id"] for s in api["saves"]][:3] == made[::-1][:3]
    stranger = new_browser()
    assert stranger.get(f"/users/{user_id}").status_code == 200
    assert stranger.get("/users/99999999").status_code == 404
    assert stranger.get(f"/users/{user_id}?cursor=%%%").status_code == 400
    # The navigation links to one's own page.
    assert f'href="/users/{user_id}"' in player.get("/").text
