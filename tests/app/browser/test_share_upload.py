"""Share in Chromium (app/static/local/local.js): a large text save is sent gzip-compressed
(fewer bytes on the wire than the file) with upload progress (bytes sent, then "reading
the save") and lands on its page, the server storing the file as it was; Cancel aborts the
request while it is sending, and nothing is stored."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
from support import saves as crafted

from app.core import AppCore
from app.settings import DatabaseSettings

# Bounds for waiting on the app (never asserted as timings).
TIMEOUT = 120


@pytest.fixture(scope="module")
def site(make_settings: Any, serve_app: Any, own_database: str) -> Iterator[Any]:
    settings = make_settings(database=DatabaseSettings(url=own_database, pool_max_size=5))
    with serve_app(settings) as server:
        yield server


@pytest.fixture
def member(site: Any, browser_class: Any) -> Iterator[Any]:
    client = browser_class(site.url)
    client.register(f"share{secrets.token_hex(4)}")
    yield client
    client.close()


def logged_in_page(new_context: Any, site: Any, member: Any) -> tuple[Any, Any]:
    context = new_context(site.url)
    context.add_cookies(
        [{"name": n, "value": v, "url": site.url} for n, v in member.client.cookies.items()]
    )
    return context, context.new_page()


def large_text_save(path: Any, padding: bytes) -> bytes:
    """A text save of its own, padded with comment lines past the size Share compresses."""
    data = crafted.text_save(seed=secrets.randbelow(1 << 30))
    data += b"".join(b"# " + padding[i : i + 100] + b"\n" for i in range(0, len(padding), 100))
    path.write_bytes(data)
    return data


def saves_of(own_sql: Any, member: Any) -> list[dict[str, Any]]:
    user_id = member.api_key()[0]
    return own_sql("SELECT id FROM saves WHERE user_id = $1", user_id)


def test_share_sends_a_large_text_save_compressed_with_progress(
    site, member, new_context, local, own_sql, tmp_path
):
    save = tmp_path / "large.eu4"
    data = large_text_save(save, b"war and peace " * 200_000)  # some 3 MB of text
    context, page = logged_in_page(new_context, site, member)
    events: list[dict[str, Any]] = []
    page.expose_function("recordShare", lambda detail: events.append(detail))
    posts: list[Any] = []
    context.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    page.goto("/local")
    assert local(page, save) == "done"
    page.evaluate(
        """() => document.querySelector("[data-local-analysis]")
            .addEventListener("share-progress", (e) => window.recordShare(e.detail))"""
    )
    with page.expect_navigation(url=re.compile(r"/saves/[^/]+$")):
        page.locator("[data-share]").click()
    save_id = page.url.rsplit("/", 1)[1]
    # On the wire: gzip, far fewer bytes than the file.
    (post,) = [r for r in posts if r.url.endswith("/saves")]
    assert post.headers["content-encoding"] == "gzip"
    sent = int(post.all_headers()["content-length"])
    assert 0 < sent < len(data) // 10
    # Progress: bytes sent up to the whole (compressed) body, then the server's part.
    phases = [e["phase"] for e in events]
    assert phases[0] == "packing" and phases[-1] == "reading", phases
    sending = [e for e in events if e["phase"] == "sending"]
    assert sending and sending[-1]["sent"] == sending[-1]["total"] == sent
    assert all(e["size"] == len(data) for e in events)
    # Stored as the file was (a save the game loads), under its name.
    assert member.get(f"/api/saves/{save_id}/file").content == data
    rows = own_sql("SELECT filename, size FROM saves WHERE id = $1", save_id)
    assert [(r["filename"], r["size"]) for r in rows] == [("large.eu4", len(data))]


def test_cancel_aborts_the_upload_and_nothing_is_stored(
    site, member, new_context, local, own_sql, tmp_path
):
    save = tmp_path / "slow.eu4"
    # Random text compresses to about half: a body that takes a while at the throttled
    # upload speed below, so that there is time to press Cancel.
    large_text_save(save, secrets.token_hex(1 << 20).encode())
    context, page = logged_in_page(new_context, site, member)
    page.goto("/local")
    assert local(page, save) == "done"
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 20_000},
    )
    page.evaluate(
        """() => {
            window.shareEvents = [];
            document.querySelector("[data-local-analysis]")
                .addEventListener("share-progress", (e) => window.shareEvents.push(e.detail));
        }"""
    )
    page.locator("[data-share]").click()
    page.wait_for_function(
        "() => window.shareEvents.some((e) => e.phase === 'sending' && e.sent < e.total)"
    )
    assert page.locator("[data-share-progress]").is_visible()
    page.locator("[data-cancel]").click()
    status = page.locator("[data-status]")
    page.wait_for_function(
        """() => document.querySelector("[data-status]").textContent.includes("cancelled")"""
    )
    assert status.inner_text() == "Sharing cancelled: nothing was stored."
    assert page.locator("[data-share-progress]").is_hidden()
    assert "reading" not in [e["phase"] for e in page.evaluate("window.shareEvents")]
    # The server saw the body end early: once its request is over, nothing is stored.
    inflight = site.app.plugins.get(AppCore).inflight
    deadline = time.monotonic() + TIMEOUT
    while inflight.count:
        assert time.monotonic() < deadline, "the cancelled upload never ended on the server"
        time.sleep(0.05)
    assert saves_of(own_sql, member) == []
    assert list((site.app.state.settings.var_path / "tmp").glob("*")) == []
