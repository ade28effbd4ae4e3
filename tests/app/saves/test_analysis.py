"""Uploads analysed by ``kernel.eu4.analyze``: binary saves with the server's token table,
pdx.tools' columns filled from the analysis, reprocess (command and admin button) and
disqualification. This module's app has a TOKENS_DIR (the corpus pair's tokens plus the
tokens of the crafted binary saves, support.saves ``TokenDir``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import ROOT as REPO
from support import saves as crafted
from support.corpus import PAIR, save_file

import kernel


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    tokens = crafted.TokenDir(tmp_path_factory.mktemp("tokens"), PAIR / "tokens.txt")
    tokens.binary(crafted.text_save(seed=1))  # the usual names, before the app starts
    return tokens


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, tokens):
    """This module's app: with a token table."""
    from app.settings import KernelSettings

    settings = make_settings(kernel=KernelSettings(workers=2, tokens_dir=str(tokens.directory)))
    with serve_app(settings) as server:
        yield server


@pytest.fixture
def text_save():
    return crafted.text_save


@pytest.fixture
def owner(new_user):
    return new_user("analyst")


def test_binary_save_is_read_with_the_token_table(owner):
    path = save_file("eu4/binary-pair/meta.bin")
    response = owner.upload(path, name="meta.bin")
    assert response.status_code == 201, response.text
    detail = owner.get(f"/api/saves/{response.json()['save_id']}").json()
    assert (detail["date"], detail["player_tag"], detail["player_tag_name"]) == (
        "1597-01-15",
        "RAG",
        "Ragusa",
    )
    assert (detail["encoding"], detail["patch"]) == ("binary", "1.29.4.0")
    assert detail["analysis"]["info"]["ironman"] is True


def test_crafted_ironman_save_fills_the_leaderboard_columns(text_save, owner, tokens, sql):
    text = text_save(player="ITA", name="Italy", date="1500.1.1", minor=35, seed=11)
    data = tokens.binary(text)
    response = owner.upload(data, name="italy.eu4")
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    detail = owner.get(f"/api/saves/{save_id}").json()
    analysis = detail["analysis"]
    assert analysis["achievements"]["eligible"] is True
    # Italian Ambition (18) and Ruina Imperii (47): the crafted world has no HRE.
    assert detail["achievements"] == [18, 47]
    days = kernel.Date(1500, 1, 1).days() - kernel.Date(1444, 11, 11).days()
    assert detail["days"] == days
    assert detail["score_days"] == days * 12 // 10  # 1.35: two patches behind 1.37
    assert detail["score_days"] == analysis["leaderboard"]["score_days"]
    assert detail["game_difficulty"] == "normal"
    assert (detail["player_start_tag"], detail["player_start_tag_name"]) == ("ITA", "Italy")
    assert detail["playthrough_id"] == analysis["info"]["playthrough_id"] is not None
    assert detail["patch"] == "1.35.0.0" and detail["encoding"] == "binary"
    assert detail["leaderboard_qualified"] is True
    (row,) = sql("SELECT achieve_ids, kernel_version, analysis FROM saves WHERE id = $1", save_id)
    assert row["achieve_ids"] == [18, 47]
    assert row["kernel_version"] == kernel.__version__
    # The same run as text: the same playthrough, but never eligible.
    text_copy = owner.upload(text, name="italy.txt").json()["save_id"]
    as_text = owner.get(f"/api/saves/{text_copy}").json()
    assert as_text["playthrough_id"] == detail["playthrough_id"]
    assert as_text["achievements"] == []


def test_multiplayer_names_and_nul_characters(text_save, owner):
    mp = text_save(
        multi_player="yes",
        extra='players_countries={ "Alice" "ITA" "Bob<script>" "AAA" }',
    )
    detail = owner.get(f"/api/saves/{owner.upload(mp).json()['save_id']}").json()
    assert detail["players"] == ["Alice", "Bob<script>"]
    # PostgreSQL refuses NUL in text and jsonb: names keep the rest.
    nul = text_save(countries='ITA={ human=yes name="A\x00B" capital=1 }', name="It\x00aly")
    response = owner.upload(nul)
    assert response.status_code == 201, response.text
    detail = owner.get(f"/api/saves/{response.json()['save_id']}").json()
    names = [c["name"] for c in detail["analysis"]["countries"]]
    assert "A\ufffdB" in names
    assert "\x00" not in (detail["player_tag_name"] or "")


def test_other_games_keep_their_metadata(owner):
    path = save_file("ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt")
    response = owner.upload(path)
    assert response.status_code == 201, response.text
    detail = owner.get(f"/api/saves/{response.json()['save_id']}").json()
    assert detail["game"] == "ck3"
    assert detail["analysis"]["kind"] == "info"
    assert detail["date"] == "1066-09-15"
    assert detail["achievements"] == [] and detail["score_days"] is None
    assert owner.get(f"/saves/{detail['id']}").status_code == 200


def _tamper(sql, save_id):
    sql(
        "UPDATE saves SET analysis = NULL, kernel_version = 'old', achieve_ids = '{}',"
        " score_days = NULL, playthrough_id = NULL WHERE id = $1",
        save_id,
    )


def test_admin_reprocess_button(text_save, owner, admin, tokens, sql, new_browser):
    data = tokens.binary(text_save(seed=21))
    save_id = owner.upload(data).json()["save_id"]
    before = owner.get(f"/api/saves/{save_id}").json()
    _tamper(sql, save_id)
    # Not for owners, anonymous users or requests without the CSRF token.
    assert owner.post(f"/saves/{save_id}/reprocess").status_code == 403
    anonymous = new_browser()
    anonymous.csrf  # noqa: B018 (gets the cookie)
    assert anonymous.post(f"/saves/{save_id}/reprocess").status_code == 303  # to log in
    assert admin.post(f"/saves/{save_id}/reprocess", csrf=False).status_code == 403
    assert 'id="admin-actions"' not in owner.get(f"/saves/{save_id}").text
    page = admin.get(f"/saves/{save_id}").text
    assert 'id="admin-actions"' in page and f'action="/saves/{save_id}/reprocess"' in page
    response = admin.post(f"/saves/{save_id}/reprocess")
    assert response.status_code == 303 and response.headers["location"] == f"/saves/{save_id}"
    assert "Reprocessed with kernel" in admin.get(f"/saves/{save_id}").text
    after = owner.get(f"/api/saves/{save_id}").json()
    for key in ("achievements", "score_days", "playthrough_id", "kernel_version", "analysis"):
        assert after[key] == before[key], key
    assert admin.post("/saves/nosuchsave/reprocess").status_code == 404


def test_admin_reprocess_failure_keeps_the_row(text_save, owner, admin, tokens, sql, app_server):
    save_id = owner.upload(tokens.binary(text_save(seed=22))).json()["save_id"]
    _tamper(sql, save_id)
    storage_root = app_server.settings.var_path / "storage"
    (storage_root / "saves" / save_id).unlink()
    response = admin.post(f"/saves/{save_id}/reprocess", headers={"HX-Request": "true"})
    assert response.headers["hx-redirect"] == f"/saves/{save_id}"
    assert "Not reprocessed: the stored file is missing" in admin.get(f"/saves/{save_id}").text
    (row,) = sql("SELECT kernel_version, analysis FROM saves WHERE id = $1", save_id)
    assert (row["kernel_version"], row["analysis"]) == ("old", None)


def test_disqualify_and_requalify(text_save, owner, admin, tokens):
    save_id = owner.upload(tokens.binary(text_save(seed=23))).json()["save_id"]
    assert owner.post(f"/saves/{save_id}/leaderboard", data={"qualified": "no"}).status_code == 403
    response = admin.post(f"/saves/{save_id}/leaderboard", data={"qualified": "no"})
    assert response.status_code == 303
    assert owner.get(f"/api/saves/{save_id}").json()["leaderboard_qualified"] is False
    page = admin.get(f"/saves/{save_id}").text
    assert "Disqualified from leaderboards." in page and 'id="disqualified"' in page
    assert admin.post(f"/saves/{save_id}/leaderboard", data={"qualified": "x"}).status_code == 400
    admin.post(f"/saves/{save_id}/leaderboard", data={"qualified": "yes"})
    assert owner.get(f"/api/saves/{save_id}").json()["leaderboard_qualified"] is True
    # Reprocessing leaves the admin's decision alone.
    admin.post(f"/saves/{save_id}/leaderboard", data={"qualified": "no"})
    admin.post(f"/saves/{save_id}/reprocess")
    assert owner.get(f"/api/saves/{save_id}").json()["leaderboard_qualified"] is False


def test_reprocess_command(owner, tokens, text_save, sql, app_server, database_url):
    ours = [owner.upload(tokens.binary(text_save(seed=30 + i))).json()["save_id"] for i in range(3)]
    ours.append(owner.upload(text_save(seed=40)).json()["save_id"])
    for save_id in ours:
        _tamper(sql, save_id)
    # One save whose file is gone: reported, and its row is kept as it was.
    lost = owner.upload(text_save(seed=41)).json()["save_id"]
    _tamper(sql, lost)
    (app_server.settings.var_path / "storage" / "saves" / lost).unlink()
    snapshot = {
        row["id"]: row for row in sql("SELECT id, kernel_version, analysis, hash FROM saves")
    }
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAR_DIR": str(app_server.settings.var_path),
        "TOKENS_DIR": str(tokens.directory),
        "KERNEL_WORKERS": "2",
        "STORAGE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "reprocess"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr  # the lost file is a failure
    lines = done.stdout.splitlines()
    total = len(sql("SELECT id FROM saves"))
    assert any(line.startswith(f"[{total}/{total}] ") for line in lines), done.stdout
    for save_id in ours:
        assert any(save_id in line and " ok " in line for line in lines), (save_id, done.stdout)
    (lost_line,) = [line for line in lines if lost in line]
    assert "FAILED" in lost_line and "the stored file is missing" in lost_line
    assert lines[-1].startswith("reprocessed ") and "failed" in lines[-1]
    for save_id in ours:
        detail = owner.get(f"/api/saves/{save_id}").json()
        assert detail["kernel_version"] == kernel.__version__
        assert detail["analysis"]["schema_version"] == 1
        assert detail["playthrough_id"]
    assert owner.get(f"/api/saves/{ours[0]}").json()["achievements"] == [18, 47]
    # Nothing lost: the rows that failed (this module's lost file, and the saves of other
    # test modules, whose files live in other stores) are exactly as they were.
    failed = {line.split()[1] for line in lines if " FAILED " in line}
    assert lost in failed
    for row in sql("SELECT id, kernel_version, analysis, hash FROM saves"):
        if row["id"] in failed:
            assert row == snapshot[row["id"]]
    # Only some saves, by id; an id that starts with "-" (as ids made before
    # new_save_id ruled that out may) goes after "--".
    dashed = "-" + ours[1][1:]
    sql("UPDATE saves SET id = $1 WHERE id = $2", dashed, ours[1])
    ours[1] = dashed
    _tamper(sql, ours[1])
    again = subprocess.run(
        [sys.executable, "-m", "app", "reprocess", "--", ours[1]],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[0].startswith(f"[1/1] {ours[1]} ok")
    assert owner.get(f"/api/saves/{ours[1]}").json()["kernel_version"] == kernel.__version__
