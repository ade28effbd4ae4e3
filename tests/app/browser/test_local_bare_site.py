"""Local analysis on a site without a token table, and with the defaults otherwise."""

from __future__ import annotations

from support.corpus import save_file

from app.analysis.errors import NO_TABLE

BINARY_META = "eu4/jomini_eu4_meta_1597.1.15_v1.29.4.bin"


def test_without_a_token_table_a_binary_save_is_explained(app_server, new_context, local):
    binary_meta = save_file(BINARY_META)
    assert app_server.settings.kernel.tokens_dir is None
    page = new_context(app_server.url).new_page()
    page.goto("/local")
    assert page.locator("[data-local-analysis]").get_attribute("data-tokens") is None
    assert page.request.get("/local/tokens/eu4.txt").status == 404
    assert local(page, binary_meta) == "failed"
    status = page.locator("[data-status]").inner_text()
    # In words for players: what an ironman save is, who can enable it, what works now.
    assert NO_TABLE in status and "16-bit" not in status
    assert page.locator("[data-result]").inner_html() == ""
