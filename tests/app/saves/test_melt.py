"""Melting on the site: GET /saves/{id}/melted and GET /api/saves/{id}/melted answer a
shared binary save as the text save the game would write (the bytes of ``python -m kernel
melt``), for the owner and for anyone who may download the file; text saves and saves
whose game's table the site lacks are refused in words; the melted file is kept on disk
and goes with the save. This module's app has a TOKENS_DIR with an EU4 table only (the
corpus pair's tokens plus the tokens of the crafted binary saves, support.saves
``TokenDir``)."""

from __future__ import annotations

import pytest
from support import saves as crafted
from support.corpus import PAIR, save_file
from support.html import parse_html
from support.melting import kernel_melt

CK3_BINARY = "ck3/jomini_ck3_header_1066.9.15_v1.0.3.bin"


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    tokens = crafted.TokenDir(tmp_path_factory.mktemp("tokens"), PAIR / "tokens.txt")
    tokens.binary(crafted.text_save(seed=1))  # the usual names, before the app starts
    return tokens


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app, tokens, own_database):
    """This module's app: a token table, and a database of its own (the corpus files
    uploaded here are new to it, never duplicates of other modules' uploads)."""
    from app.settings import DatabaseSettings, KernelSettings

    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=2, tokens_dir=str(tokens.directory)),
    )
    with serve_app(settings) as server:
        yield server


@pytest.fixture
def owner(new_user):
    return new_user("melter")


def cache_folder(app_server, save_id):
    return app_server.settings.var_path / "cache" / "melted" / save_id


def test_the_corpus_pair_melts_for_the_owner_and_for_anyone(owner, new_browser, app_server):
    path = save_file("eu4/binary-pair/meta.bin")
    expected = (PAIR / "meta.bin.melted").read_bytes()  # the pair's own melted text
    uploaded = owner.upload(path, name="meta.bin")
    assert uploaded.status_code == 201, uploaded.text
    save_id = uploaded.json()["save_id"]

    response = owner.get(f"/api/saves/{save_id}/melted")
    assert response.status_code == 200, response.text
    assert response.content == expected
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment") and "meta_melted.eu4" in disposition
    assert response.headers["content-type"] == "application/octet-stream"

    anonymous = new_browser()  # not logged in: the file download is public, so is this
    page = anonymous.get(f"/saves/{save_id}/melted")
    assert page.status_code == 200 and page.content == expected
    assert "meta_melted.eu4" in page.headers["content-disposition"]

    # The save page links to it (a binary save).
    links = list(parse_html(anonymous.get(f"/saves/{save_id}").text).attribute_values("href"))
    assert f"/saves/{save_id}/melted" in links


def test_a_crafted_binary_save_melts_as_the_kernel_command_does(owner, tokens, tmp_path):
    data = tokens.binary(crafted.text_save(seed=101, name="Melted Italy"))
    source = tmp_path / "crafted.eu4"
    source.write_bytes(data)
    expected = kernel_melt(source, tokens.directory / "eu4.txt")
    assert b'displayed_country_name="Melted Italy"' in expected  # text, from our text_save
    save_id = owner.upload(data, name="my ironman.eu4").json()["save_id"]
    response = owner.get(f"/api/saves/{save_id}/melted")
    assert response.status_code == 200, response.text
    assert response.content == expected
    assert "my%20ironman_melted.eu4" in response.headers["content-disposition"]


def test_a_text_save_has_nothing_to_melt(owner, make_save):
    save_id = owner.upload(make_save(), name="plain.eu4").json()["save_id"]
    for url in (f"/api/saves/{save_id}/melted", f"/saves/{save_id}/melted"):
        response = owner.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 409, response.text
        assert "this save is not binary: nothing to melt" in response.text
    links = list(parse_html(owner.get(f"/saves/{save_id}").text).attribute_values("href"))
    assert f"/saves/{save_id}/melted" not in links


def test_a_binary_save_without_its_games_table_names_the_table(owner):
    path = save_file(CK3_BINARY)  # a binary CK3 save; the site has eu4.txt only
    response = owner.upload(path, name="ck3.bin")
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    melted = owner.get(f"/api/saves/{save_id}/melted")
    assert melted.status_code == 422, melted.text
    assert "ck3.txt" in melted.json()["detail"]


def test_an_unknown_save_is_404(owner):
    assert owner.get("/api/saves/nosuchsave00/melted").status_code == 404


def test_the_melted_file_is_kept_and_goes_with_the_save(owner, app_server, tokens):
    data = tokens.binary(crafted.text_save(seed=102))
    save_id = owner.upload(data, name="kept.eu4").json()["save_id"]
    first = owner.get(f"/api/saves/{save_id}/melted")
    assert first.status_code == 200
    folder = cache_folder(app_server, save_id)
    kept = [p for p in folder.iterdir() if not p.name.startswith(".")]
    assert len(kept) == 1 and kept[0].read_bytes() == first.content
    inode = kept[0].stat().st_ino

    # Asked again: the same file answers (not melted and written anew).
    second = owner.get(f"/saves/{save_id}/melted")
    assert second.content == first.content
    assert [p.stat().st_ino for p in folder.iterdir()] == [inode]
    # A client that has it gets a 304 (the ETag is the melt's key), on both routes.
    etag = first.headers["etag"]
    assert etag.startswith('"melted-') and second.headers["etag"] == etag
    for path in (f"/api/saves/{save_id}/melted", f"/saves/{save_id}/melted"):
        again = owner.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
    assert (
        owner.get(f"/saves/{save_id}/melted", headers={"If-None-Match": '"x"'}).status_code == 200
    )

    # The save deleted: its melted file goes too, and the URL is a 404.
    assert owner.request("DELETE", f"/api/saves/{save_id}").status_code == 204
    assert not folder.exists()
    assert owner.get(f"/api/saves/{save_id}/melted").status_code == 404


def test_a_replaced_table_melts_anew(owner, app_server, tokens):
    """The table's stamp is part of the cache key: a table the operator replaces is used
    (here the same names written again: the same melt, a new file)."""
    data = tokens.binary(crafted.text_save(seed=103))
    save_id = owner.upload(data, name="again.eu4").json()["save_id"]
    response = owner.get(f"/api/saves/{save_id}/melted")
    first, etag = response.content, response.headers["etag"]
    folder = cache_folder(app_server, save_id)
    before = {p.name for p in folder.iterdir()}
    table = tokens.directory / "eu4.txt"
    table.write_text(table.read_text() + "# replaced\n")
    assert owner.get(f"/api/saves/{save_id}/melted").content == first
    # a new table is a new ETag: the old one no longer answers 304
    assert (
        owner.get(f"/api/saves/{save_id}/melted", headers={"If-None-Match": etag}).status_code
        == 200
    )
    after = {p.name for p in folder.iterdir()}
    assert len(after) == 1 and after != before  # the older version pruned


def test_every_games_table_is_used_and_published(owner, tokens, tmp_path):
    """A table the operator adds for another game (here a ck3.txt of one made-up name: the
    real one is not distributable) melts that game's binary saves on the site, as the
    kernel command does with it, and is published for the browser beside eu4.txt."""
    table = tokens.directory / "ck3.txt"
    table.write_text("# a stand-in CK3 table\n0x6000 crafted_name\n")
    try:
        path = save_file(CK3_BINARY)
        uploaded = owner.upload(path, name="king.ck3")
        save_id = uploaded.json()["save_id"]  # 201, or the 409 of the test above: the same
        response = owner.get(f"/api/saves/{save_id}/melted")
        assert response.status_code == 200, response.text
        assert response.content == kernel_melt(path, table)
        # Text now: the version as its text twin (…_v1.0.3.txt, line 3) writes it.
        assert b'="1.0.3"\n' in response.content
        assert "_melted.ck3" in response.headers["content-disposition"]

        assert owner.get("/local/tokens/ck3.txt").text == table.read_text()
        assert owner.get("/local/tokens/hoi4.txt").status_code == 404
        tables = list(parse_html(owner.get("/local").text).attribute_values("data-tables"))
        assert tables == ['{"eu4": "/local/tokens/eu4.txt", "ck3": "/local/tokens/ck3.txt"}']
    finally:
        table.unlink()
