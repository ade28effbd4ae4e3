"""An ironman (binary) save dropped on a site whose token table stays on the server
(``PUBLISH_TOKENS=false``): the page cannot read it, says so in words for players, and
Share stays the way in: it uploads the save, the server reads it with its table and the
save's page opens."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.corpus import EU4, corpus_file

from app.settings import DatabaseSettings, KernelSettings

BINARY_META = EU4 / "jomini_eu4_meta_1597.1.15_v1.29.4.bin"
PAIR_TOKENS = EU4 / "binary-pair" / "tokens.txt"
ROOT = "[data-local-analysis]"


@pytest.fixture(scope="module")
def site(
    make_settings: Callable[..., Any],
    serve_app: Any,
    own_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    tokens = tmp_path_factory.mktemp("tokens")
    (tokens / "eu4.txt").write_bytes(corpus_file(PAIR_TOKENS).read_bytes())
    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, tokens_dir=str(tokens), publish_tokens=False),
    )
    with serve_app(settings) as server:
        yield server


def test_an_ironman_save_is_shared_to_be_read_on_the_server(
    site, browser_class, new_context, local, own_sql
):
    member = browser_class(site.url)
    try:
        member.register(f"iron{secrets.token_hex(4)}")
        context = new_context(site.url)
        context.add_cookies(
            [{"name": n, "value": v, "url": site.url} for n, v in member.client.cookies.items()]
        )
    finally:
        member.close()
    page = context.new_page()
    page.goto("/")
    root = page.locator(ROOT)
    assert root.get_attribute("data-tokens") is None
    assert root.get_attribute("data-server-tokens") == "1"
    assert local(page, corpus_file(BINARY_META), drop=True) == "failed"
    status = page.locator("[data-status]")
    assert "ironman (binary) save" in status.inner_text()
    assert "Press Share" in status.inner_text()
    share = page.locator("[data-share]")
    assert share.is_visible()
    with page.expect_navigation(url=re.compile(r"/saves/[^/]+$")):
        share.click()
    save_id = page.url.rsplit("/", 1)[1]
    rows = own_sql("SELECT date FROM saves WHERE id = $1", save_id)
    assert [str(r["date"]) for r in rows] == ["1597-01-15"]
