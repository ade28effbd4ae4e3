"""Melting in local analysis, in Chromium: a dropped binary (ironman) save gets a Melt
button; pressing it melts the file in the browser's worker (the kernel's melt in Pyodide,
with the site's published token table for the save's game) and downloads
``<name>_melted.<ext>``, byte for byte what ``python -m kernel melt`` writes; nothing but
the token table is fetched. A text save offers nothing to melt; a binary save of a game
whose table the site does not publish says which table is missing.

The site publishes one table, eu4.txt: the corpus pair's tokens plus the names of the
crafted binary saves (support.saves ``TokenDir``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import saves as crafted
from support.corpus import EU4, PAIR, SAVES, corpus_file
from support.melting import kernel_melt

from app.settings import DatabaseSettings, KernelSettings

TINY = EU4 / "morgotth_tiny_save_1687_trimmed.eu4"
CK3_BINARY = SAVES / "ck3" / "jomini_ck3_header_1066.9.15_v1.0.3.bin"
ROOT = "[data-local-analysis]"


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> crafted.TokenDir:
    corpus_file(PAIR / "tokens.txt")
    tokens = crafted.TokenDir(tmp_path_factory.mktemp("tokens"), PAIR / "tokens.txt")
    tokens.binary(crafted.text_save(seed=1))  # every name the crafted saves use
    return tokens


@pytest.fixture(scope="module")
def site(
    make_settings: Callable[..., Any], serve_app: Any, own_database: str, tokens: Any
) -> Iterator[Any]:
    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, tokens_dir=str(tokens.directory)),
    )
    with serve_app(settings) as server:
        yield server


def melt_in_page(page: Any) -> tuple[str, bytes]:
    """Press Melt; (the downloaded file's name, its bytes)."""
    with page.expect_download(timeout=240_000) as waiting:
        page.locator(f"{ROOT} [data-melt] button", has_text="Melt").click()
    download = waiting.value
    page.wait_for_function(
        f"() => document.querySelector('{ROOT}').dataset.melt === 'done'", timeout=60_000
    )
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def test_the_corpus_pair_melts_in_the_browser(site, new_context, local):
    """The bare binary meta of the corpus pair, with its tokens.txt as the site's table:
    the download equals the pair's meta.bin.melted, and only the table was fetched."""
    path = corpus_file(PAIR / "meta.bin")
    expected = corpus_file(PAIR / "meta.bin.melted").read_bytes()
    context = new_context(site.url)
    page = context.new_page()
    page.goto("/local")
    assert local(page, path) == "done", page.locator("[data-status]").inner_text()
    root = page.locator(ROOT)
    assert root.get_attribute("data-melt") == "offered"
    requests: list[Any] = []
    context.on("request", lambda request: requests.append(request))
    name, data = melt_in_page(page)
    assert name == "meta_melted.eu4"
    assert data == expected
    # Progress: the steps of the melting, each with its time.
    done = page.locator("[data-melt-steps] li.done")
    assert "melt" in [done.nth(i).get_attribute("data-step") for i in range(done.count())]
    assert "meta_melted.eu4" in page.locator("[data-melt-status]").inner_text()
    # Nothing went out: the worker fetched the table (or had it) and nothing else.
    for request in requests:
        assert request.method == "GET", request.url
        assert request.post_data_buffer is None, request.url
        assert request.url.startswith(("blob:", f"{site.url}/local/tokens/")), request.url


def test_a_crafted_binary_save_melts_as_the_kernel_command(
    site, new_context, local, tokens, tmp_path
):
    """A binary save built here (a crafted EU4 save and the site's table), dropped on the
    home page's drop zone: the download is ``python -m kernel melt``'s output."""
    save = tmp_path / "my ironman.eu4"
    save.write_bytes(tokens.binary(crafted.text_save(seed=4242, name="Crafted Italy")))
    expected = kernel_melt(save, tokens.directory / "eu4.txt")
    assert b'displayed_country_name="Crafted Italy"' in expected  # text, from text_save
    page = new_context(site.url).new_page()
    page.goto("/")
    assert local(page, save, drop=True) == "done", page.locator("[data-status]").inner_text()
    name, data = melt_in_page(page)
    assert name == "my ironman_melted.eu4"
    assert data == expected


def test_text_saves_offer_nothing_and_missing_tables_are_named(site, new_context, local):
    page = new_context(site.url).new_page()
    page.goto("/local")
    corpus_file(TINY)
    assert local(page, TINY) == "done"
    root = page.locator(ROOT)
    assert root.get_attribute("data-melt") == "none"
    assert page.locator(f"{ROOT} [data-melt]").is_hidden()

    corpus_file(CK3_BINARY)  # a binary CK3 save: the site publishes no ck3.txt
    local(page, CK3_BINARY)  # CK3's info page (no tokens); what melting takes is said
    assert root.get_attribute("data-melt") == "unavailable"
    assert page.locator(f"{ROOT} [data-melt]").is_hidden()
    note = page.locator("[data-melt-status]").inner_text()
    assert "ck3.txt" in note and "does not publish" in note, note
    assert page.request.get("/local/tokens/ck3.txt").status == 404
    assert page.request.get("/local/tokens/eu4.txt").status == 200


def test_another_games_binary_save_melts_with_its_published_table(site, new_context, local, tokens):
    """Once the operator adds ck3.txt (a stand-in of one made-up name here: the real table
    is not distributable), a binary CK3 save, whose page here shows its info (its binary
    metadata unread), melts here with it, as the kernel command melts it."""
    table = tokens.directory / "ck3.txt"
    table.write_text("# a stand-in CK3 table\n0x6000 crafted_name\n")
    try:
        path = corpus_file(CK3_BINARY)
        expected = kernel_melt(path, table)
        page = new_context(site.url).new_page()
        page.goto("/local")
        assert local(page, path) == "done"  # CK3's info page
        assert "Crusader Kings III" in page.locator("[data-result] #game").inner_text()
        assert page.locator(ROOT).get_attribute("data-melt") == "offered"
        name, data = melt_in_page(page)
        assert name == "jomini_ck3_header_1066.9.15_v1.0.3_melted.ck3"
        assert data == expected
    finally:
        table.unlink()
