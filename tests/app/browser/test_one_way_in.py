"""One way in, in Chromium: the home page's one drop zone analyses a save in the browser and
Share uploads it and lands on its page; sharing it again opens the page it is already on
(no red "Sharing failed"); without JavaScript the plain upload form is there instead, and a
refused file gives it back with its text fields kept and the next step."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import saves as crafted

from app.saves.upload_advice import CHOOSE_AGAIN

ROOT = "[data-local-analysis]"


@pytest.fixture
def member(app_server: Any, browser_class: Any) -> Iterator[Any]:
    client = browser_class(app_server.url)
    client.register(f"oneway{secrets.token_hex(4)}")
    yield client
    client.close()


def logged_in(new_context: Any, url: str, member: Any, **options: Any) -> Any:
    """A browser context with ``member``'s session cookie."""
    context = new_context(url, **options)
    context.add_cookies(
        [{"name": n, "value": v, "url": url} for n, v in member.client.cookies.items()]
    )
    return context


def test_the_home_page_has_one_drop_zone(app_server, member, new_context):
    page = logged_in(new_context, app_server.url, member).new_page()
    page.goto("/")
    # one picker: the drop zone's (the upload form is in <noscript>, not in the page)
    assert page.locator("input[type=file]").count() == 1
    assert page.locator(f"{ROOT} input[type=file]").count() == 1
    assert page.locator("#upload-form").count() == 0
    assert page.locator("[data-share]").count() == 1


def test_drop_then_share_lands_on_the_page_and_again_on_the_same_one(
    app_server, member, new_context, local, tmp_path: Path, sql
):
    save = tmp_path / "dropped.eu4"
    save.write_bytes(crafted.text_save(seed=secrets.randbelow(1 << 30)))
    page = logged_in(new_context, app_server.url, member).new_page()
    page.goto("/")
    assert local(page, save, drop=True) == "done"
    with page.expect_navigation(url=re.compile(r"/saves/[^/]+$")):
        page.locator("[data-share]").click()
    save_id = page.url.rsplit("/", 1)[1]
    assert [r["filename"] for r in sql("SELECT filename FROM saves WHERE id = $1", save_id)] == [
        save.name
    ]
    assert "Uploaded." in page.locator("#flashes").inner_text()

    # The same save again, from the home page: its page opens, with a link to it.
    page.goto("/")
    assert local(page, save, drop=True) == "done"
    with page.expect_navigation(url=re.compile(f"/saves/{save_id}$")):
        page.locator("[data-share]").click()
    flashes = page.locator("#flashes")
    assert "uploaded before" in flashes.inner_text()
    assert flashes.locator(f"a[href='/saves/{save_id}']").count() == 1
    assert page.locator("[role=alert]").count() == 0
    assert len(sql("SELECT id FROM saves WHERE filename = $1", save.name)) == 1


def test_without_javascript_the_form_keeps_its_text_after_a_refusal(
    app_server, member, new_context, tmp_path: Path
):
    bad = tmp_path / "not-a-save.eu4"
    bad.write_bytes(b"\x00\x01 nonsense")
    context = logged_in(new_context, app_server.url, member, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    form = page.locator("#upload-form")
    assert form.count() == 1  # <noscript>: shown without JavaScript
    name, report = 'My "first" <campaign>', "We fought & won.\nThen lost."
    form.locator("input[name=filename]").fill(name)
    form.locator("textarea[name=aar]").fill(report)
    form.locator("input[type=file]").set_input_files(str(bad))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    form = page.locator("#upload-form")
    assert form.locator("input[name=filename]").input_value() == name
    assert form.locator("textarea[name=aar]").input_value() == report
    assert form.locator("[role=alert]").inner_text().strip()
    assert CHOOSE_AGAIN in form.locator("[data-advice]").inner_text()


def test_the_link_preview_resolves_to_an_image(app_server, member, new_context):
    """What a chat app unfurling /saves/{id} reads: the tags, then the og:image (here, on a
    site without game data, the summary card)."""
    save = crafted.text_save(player="CAS", name="Castile", seed=secrets.randbelow(1 << 30))
    save_id = member.upload(save, name="preview.eu4").json()["save_id"]
    page = new_context(app_server.url).new_page()
    page.goto(f"/saves/{save_id}")
    wanted = (("property", "og:title"), ("property", "og:image"), ("name", "twitter:card"))
    content = {
        key: page.locator(f"meta[{attr}='{key}']").get_attribute("content")
        for attr, key in wanted
    }
    assert content["og:title"] == "Castile, 1 January 1500, EU4 1.35.0"
    assert content["twitter:card"] == "summary_large_image"
    image = page.request.get(content["og:image"] or "")
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    # the PNG's own header: width and height at bytes 16-24
    body = image.body()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")) == (1200, 630)
