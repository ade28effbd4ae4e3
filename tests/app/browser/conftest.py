"""Browser tests: Playwright's Python driver and Debian's chromium (/usr/bin/chromium,
installed by scripts/setup), against the real app served on loopback.

The launch flags are the ones this closed network needs: without the background-network
ones Chromium keeps trying to reach Google's services. Each test gets a new browser
context (own cookies and HTTP cache: a "cold" visitor)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The launch of Chromium, written once for the tests and scripts/bench/bench_browser.py.
from scripts.bench.harness import CHROMIUM as DEFAULT_CHROMIUM
from scripts.bench.harness import launch_chromium

CHROMIUM = Path(os.environ.get("CHRONICLE_CHROMIUM", DEFAULT_CHROMIUM))
# A large save takes seconds in Pyodide (and tens of seconds for a 30 MB binary one on a
# busy 2-core machine): a generous bound, never a timing assertion.
ANALYSIS_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium for one module's tests. Not session-wide: Playwright's sync API keeps an
    event loop running in this thread while it is active, and other test modules call
    asyncio.run (a directory without __init__.py has no package scope)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(chromium: Any) -> Iterator[Callable[..., Any]]:
    """``new_context(base_url)``: a fresh browser context (closed after the test)."""
    made: list[Any] = []

    def make(base_url: str, **options: Any) -> Any:
        context = chromium.new_context(base_url=base_url, **options)
        context.set_default_timeout(60_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def analyze_locally(page: Any, path: Path, *, drop: bool = False) -> str:
    """Give ``path`` to the page's local analysis (the file input, or a drop event with
    the file in its DataTransfer, as a drag from the desktop makes) and wait until it is
    done or has failed; returns the final state."""
    root = page.locator("[data-local-analysis]")
    if drop:
        data = list(path.read_bytes())
        transfer = page.evaluate_handle(
            """([name, bytes]) => {
                const transfer = new DataTransfer();
                transfer.items.add(new File([new Uint8Array(bytes)], name));
                return transfer;
            }""",
            [path.name, data],
        )
        page.dispatch_event("[data-drop]", "drop", {"dataTransfer": transfer})
    else:
        page.set_input_files("[data-local-analysis] input[type=file]", str(path))
    page.wait_for_function(
        """() => {
            const state = document.querySelector("[data-local-analysis]").dataset.state;
            return state === "done" || state === "failed";
        }""",
        timeout=ANALYSIS_TIMEOUT_MS,
    )
    state: str = root.get_attribute("data-state") or ""
    return state


@pytest.fixture(scope="session")
def local() -> Callable[..., str]:
    """``analyze_locally(page, path, drop=False)`` (see above)."""
    return analyze_locally


@pytest.fixture(scope="module")
def gamedata_site(
    make_settings: Callable[..., Any], serve_app: Any, own_database: str, corpus_bundle: Any
) -> Iterator[Any]:
    """The app served with the corpus install as its game data (one per module)."""
    from app.settings import DatabaseSettings, KernelSettings

    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=1, gamedata_dir=str(corpus_bundle.root)),
    )
    with serve_app(settings) as server:
        yield server
