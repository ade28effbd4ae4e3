"""Local analysis in Chromium: the file is analysed in the browser (Pyodide in a Web
Worker, the pure kernel, the server's partials) and never sent anywhere; the HTML is the
server's own; failures read as the kernel's messages; Share uploads and navigates.

The app here has a token table (the corpus pair's, as an operator would install one) and a
database of its own, so that every corpus save is uploaded fresh and analysed by the
server with the same table the browser fetches."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import saves as crafted
from support.corpus import EU4, SAVES, corpus_file, eu4_save_files
from support.gamedata import ENGLISH, FRENCH, crafted_save, write_bundle

from app.settings import DatabaseSettings, KernelSettings
from kernel._archive import open_archive
from kernel.eu4._parallel import MIN_SPLIT

TINY = EU4 / "morgotth_tiny_save_1687_trimmed.eu4"
MODDED = EU4 / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
BINARY_META = EU4 / "jomini_eu4_meta_1597.1.15_v1.29.4.bin"
CK3 = SAVES / "ck3" / "jomini_ck3_header_1066.9.15_v1.0.3.txt"
NEXITRON = SAVES / "stellaris" / "stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav"
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
    if PAIR_TOKENS.is_file():
        (tokens / "eu4.txt").write_bytes(PAIR_TOKENS.read_bytes())
    gamedata = tmp_path_factory.mktemp("gamedata")
    write_bundle(gamedata, version="1.31.6", names={"english": ENGLISH, "french": FRENCH})
    settings = make_settings(
        database=DatabaseSettings(url=own_database, pool_max_size=5),
        kernel=KernelSettings(workers=2, tokens_dir=str(tokens), gamedata_dir=str(gamedata)),
    )
    with serve_app(settings) as server:
        yield server


@pytest.fixture
def member(site: Any, browser_class: Any) -> Iterator[Any]:
    """A registered user's HTTP client (API uploads, the session cookie for Chromium)."""
    client = browser_class(site.url)
    client.register(f"local{secrets.token_hex(4)}")
    yield client
    client.close()


def recorded(context: Any) -> list[Any]:
    """Every request the context makes from now on (pages and workers alike)."""
    requests: list[Any] = []
    context.on("request", lambda request: requests.append(request))
    return requests


def normalized(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


# --- nothing leaves the machine ----------------------------------------------------------


def test_local_analysis_sends_nothing(site, new_context, local, own_sql):
    """Every request made while a save is dropped and analysed is a GET without a body for
    a file of the app's bundle (or the page's assets): none carries the file or anything
    read from it, and the server stores nothing."""
    corpus_file(MODDED)
    data = MODDED.read_bytes()
    saves_before = own_sql("SELECT count(*) AS n FROM saves")[0]["n"]
    context = new_context(site.url)
    page = context.new_page()
    page.goto("/local")
    requests = recorded(context)
    assert local(page, MODDED) == "done"
    status = page.locator("[data-status]").inner_text()
    assert "JBB" in status or "2087" in status, status
    # The analysis is on the page: the player's country and the province table.
    assert page.locator("#countries table").count() >= 1
    assert page.locator("#provinces table").count() >= 1

    assert requests, "the analysis loaded its runtime over the network: requests expected"
    # Words only the file holds: the player's tag and the campaign id must never travel.
    secrets_of_the_file = [b"JBB", b"2087"]
    for request in requests:
        assert request.method == "GET", (request.method, request.url)
        assert request.post_data_buffer is None, request.url
        path = request.url.removeprefix(site.url)
        assert path.startswith(("/static/", "/local/tokens/", "/gamedata/")), path
        for secret in secrets_of_the_file:
            assert secret.decode() not in request.url, request.url
        assert all(len(value) < 512 for value in request.headers.values())
    # The file itself is 1 MB: nothing near that size went out.
    assert not any(data[:64] in (r.post_data_buffer or b"") for r in requests)
    assert own_sql("SELECT count(*) AS n FROM saves")[0]["n"] == saves_before

    # Sorting re-renders in the browser, again without a request.
    requests.clear()
    url = page.url
    page.locator("#countries thead a", has_text="Country").click()
    page.wait_for_selector("#countries caption:has-text('sorted by name, lowest first')")
    assert page.url == url  # the page did not navigate
    assert [r.url for r in requests] == []


def test_local_analysis_names_keys_from_the_sites_game_data(site, new_context, local, tmp_path):
    """The worker fetches the bundle list and the files of the bundle the save wants (GETs
    of game data only), analyses with them and renders "Sweden" where the save says SWE,
    in the reader's language."""
    save = tmp_path / "named.eu4"
    save.write_bytes(crafted_save())
    context = new_context(site.url)
    page = context.new_page()
    page.goto("/local")
    requests = recorded(context)
    assert local(page, save) == "done"
    assert "Sweden (SWE)" in page.locator("[data-result] #countries").inner_text()
    assert "EU4 1.31.6 data" in page.locator("[data-result] #gamedata").inner_text()
    fetched = [r.url.removeprefix(site.url) for r in requests if "/gamedata/" in r.url]
    assert fetched == [
        "/gamedata/bundles.json",
        "/gamedata/eu4-1.31.6/world.json.gz",
        "/gamedata/eu4-1.31.6/names.english.json.gz",
    ]
    # The reader's choice (the cookie the language links set) reaches the worker.
    context.add_cookies([{"name": "lang", "value": "french", "url": site.url}])
    page = context.new_page()
    page.goto("/local")
    assert local(page, save) == "done"
    assert "Suède (SWE)" in page.locator("[data-result] #countries").inner_text()


def test_a_dropped_file_is_analysed(site, new_context, local):
    """A real drop event (a File in the DataTransfer, as dragging from the desktop)."""
    corpus_file(TINY)
    page = new_context(site.url).new_page()
    page.goto("/")
    assert local(page, TINY, drop=True) == "done"
    steps = page.locator("[data-steps] li.done")
    names = [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]
    # "names": this site has game data (fetched before the analysis, which uses it).
    assert names == ["runtime", "read", "names", "parse", "render"]
    assert all(float(steps.nth(i).get_attribute("data-ms") or -1) >= 0 for i in range(len(names)))
    assert "TUR" in page.locator("[data-status]").inner_text()


# --- the same HTML as the server ----------------------------------------------------------


@pytest.fixture(scope="module")
def uploaded(site: Any, browser_class: Any) -> Iterator[dict[str, str]]:
    """Every EU4 corpus save uploaded to the server (name -> save id)."""
    client = browser_class(site.url)
    client.register(f"corpus{secrets.token_hex(4)}")
    ids = {}
    for path in eu4_save_files():
        response = client.upload(path, name=path.name)
        assert response.status_code == 201, (path.name, response.text)
        ids[path.name] = response.json()["save_id"]
    yield ids
    client.close()


@pytest.mark.parametrize("path", eu4_save_files(), ids=lambda p: p.name)
def test_the_browser_renders_the_servers_html(path, site, uploaded, new_context, local):
    """For each EU4 save of the corpus: the analysis the browser computes and renders
    (pure kernel under Pyodide, Jinja2 in Wasm) is the save page's analysis, byte for byte
    up to whitespace, when both render it with the same view."""
    save_id = uploaded[path.name]
    page = new_context(site.url).new_page()
    server = page.request.get(f"/saves/{save_id}")
    assert server.status == 200
    server_html = server.text()
    assert 'id="analysis"' in server_html, f"the server has no analysis of {path.name}"

    page.goto("/local")
    # With more than one core the worker starts helpers, and a large text save is parsed in
    # parts (kernel.eu4.SplitSave): once they run, that is the analysis compared here.
    helpers = page.evaluate("Math.min(2, (navigator.hardwareConcurrency || 1) - 1)")
    if helpers > 0:
        page.wait_for_function(
            "(n) => document.querySelector('[data-local-analysis]').dataset.helpers == n",
            arg=helpers,
            timeout=120_000,
        )
    assert local(page, path) == "done", page.locator("[data-status]").inner_text()
    large = len(open_archive(path.read_bytes()).gamestate().data) >= MIN_SPLIT
    text = open_archive(path.read_bytes()).gamestate().encoding == "text"
    expected_parts = helpers if large and text and helpers > 0 else 0
    assert page.locator(ROOT).get_attribute("data-parts") == str(expected_parts)
    # The save page's view: its links, and its leaderboard score from the site's weights.
    score = page.request.get(f"/api/saves/{save_id}").json()["score_days"]
    view = {
        "base": f"/saves/{save_id}",
        "htmx": True,
        "csv": f"/saves/{save_id}/csv",
        "country_href": f"/saves/{save_id}/countries/{{tag}}",
        "analysis_href": f"/saves/{save_id}",
        "site_score": -1 if score is None else score,
    }
    browser_html = page.evaluate(
        "(view) => document.querySelector('[data-local-analysis]').renderView(view)", view
    )
    assert browser_html.lstrip().startswith('<div id="analysis"')
    assert normalized(browser_html) in normalized(server_html)


# --- failures read well ----------------------------------------------------------------------


def test_a_file_the_kernel_rejects_shows_its_message(site, new_context, local, tmp_path):
    page = new_context(site.url).new_page()
    page.goto("/local")
    broken = tmp_path / "broken.eu4"
    broken.write_bytes(b'EU4txt\ndate=1444.11.11\nplayer="unterminated')
    assert local(page, broken) == "failed"
    status = page.locator("[data-status]").inner_text()
    assert status.startswith("broken.eu4 could not be analysed: unterminated quoted string")
    assert "at byte" in status and "Traceback" not in status
    assert page.locator("[data-result]").inner_html() == ""

    # A truncated Stellaris save (half of the zip: no central directory).
    cut = tmp_path / "cut.sav"
    cut.write_bytes(corpus_file(NEXITRON).read_bytes()[:1_000_000])
    assert local(page, cut) == "failed"
    status = page.locator("[data-status]").inner_text()
    assert status.startswith("cut.sav could not be analysed: zip archive is truncated")
    assert page.locator("[data-result]").inner_html() == ""


# --- every game ----------------------------------------------------------------------------

# (file, the player the page names: read off the file)
OTHER_GAMES = [
    (CK3, "Chieftain Botulf"),  # meta_player_name="Chieftain Botulf"
    (SAVES / "hoi4" / "lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4", "GER"),  # player="GER"
    (
        SAVES / "imperator" / "rakaly_imperator_header_v1.5.3_melted_text_fragment.txt",
        "Suionia",  # meta_player_name="Suionia"
    ),
    (NEXITRON, "Nexitron Awareness"),  # meta: name="Nexitron Awareness"
]


@pytest.mark.parametrize(("path", "player"), OTHER_GAMES, ids=lambda v: getattr(v, "name", v))
def test_other_games_get_the_servers_page_locally(path, player, site, member, new_context, local):
    """A save of another game dropped on /local: its info and summary page (Stellaris:
    the analysis), the same HTML as its save page on the server."""
    corpus_file(path)
    response = member.upload(path, name=path.name)
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    page = new_context(site.url).new_page()
    server_html = page.request.get(f"/saves/{save_id}").text()
    page.goto("/local")
    assert local(page, path) == "done", page.locator("[data-status]").inner_text()
    assert player in page.locator("[data-status]").inner_text()
    assert player in page.locator("[data-result] #save-info").inner_text()
    view = {"base": f"/saves/{save_id}", "htmx": True, "csv": f"/saves/{save_id}/csv"}
    browser_html = page.evaluate(
        "(view) => document.querySelector('[data-local-analysis]').renderView(view)", view
    )
    assert browser_html.lstrip().startswith('<div id="analysis"')
    assert normalized(browser_html) in normalized(server_html)
    if path == NEXITRON:
        # The empires table's CSV, made in the browser: the server's download.
        with page.expect_download() as download:
            page.locator("[data-result] #empires a[download]").click()
        local_csv = Path(download.value.path()).read_bytes()
        assert local_csv == page.request.get(f"/saves/{save_id}/csv/empires").body()
        assert "Nexitron Awareness" in local_csv.decode()


def test_a_binary_save_uses_the_sites_token_table(site, new_context, local):
    corpus_file(BINARY_META)
    corpus_file(PAIR_TOKENS)
    context = new_context(site.url)
    page = context.new_page()
    page.goto("/local")
    requests = recorded(context)
    assert local(page, BINARY_META) == "done", page.locator("[data-status]").inner_text()
    assert any(r.url.endswith("/local/tokens/eu4.txt") for r in requests)
    steps = page.locator("[data-steps] li.done")
    assert "tokens" in [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]
    assert "1597" in page.locator("[data-status]").inner_text()


# --- Share ---------------------------------------------------------------------------------


def test_share_uploads_the_file_and_opens_its_page(
    site, member, new_context, local, own_sql, tmp_path
):
    save = tmp_path / "shared.eu4"  # a save of its own: the corpus ones are uploaded above
    save.write_bytes(crafted.text_save(seed=secrets.randbelow(1 << 30)))
    context = new_context(site.url)
    cookies = [
        {"name": name, "value": value, "url": site.url}
        for name, value in member.client.cookies.items()
    ]
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto("/local")
    share = page.locator("[data-share]")
    assert share.is_hidden()  # nothing to share yet
    assert local(page, save) == "done"
    with page.expect_navigation(url=re.compile(r"/saves/[^/]+$")):
        share.click()
    save_id = page.url.rsplit("/", 1)[1]
    rows = own_sql("SELECT filename, user_id FROM saves WHERE id = $1", save_id)
    assert [r["filename"] for r in rows] == [save.name]
    assert page.locator("#analysis").count() == 1
    # Sharing the same file again opens the page it is on (tests/app/browser/test_one_way_in.py).
    page.goto("/local")
    assert local(page, save) == "done"
    with page.expect_navigation(url=re.compile(f"/saves/{save_id}$")):
        page.locator("[data-share]").click()
    assert page.locator(f"#flashes a[href='/saves/{save_id}']").count() == 1


def test_visitors_are_asked_to_log_in_to_share(site, new_context):
    page = new_context(site.url).new_page()
    page.goto("/local")
    assert page.locator("[data-share]").count() == 0
    link = page.locator("[data-local-analysis]").get_by_role("link", name="log in")
    assert link.get_attribute("href") == "/login?next=/local"


def test_the_runtime_starts_on_intent_or_on_the_local_page(site, new_context):
    """/local starts the runtime as it opens; the home page waits for a sign of intent (the
    pointer on the drop zone), so that browsing the site costs no Wasm start."""
    context = new_context(site.url)
    requests = recorded(context)
    page = context.new_page()
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert not [r.url for r in requests if "/static/wasm/" in r.url]
    assert page.locator(ROOT).get_attribute("data-runtime") is None
    page.hover("[data-drop]")
    page.wait_for_selector(f"{ROOT}[data-runtime=ready]", timeout=120_000)
    assert any("/static/wasm/" in r.url for r in requests)

    other = context.new_page()
    other.goto("/local")
    other.wait_for_selector(f"{ROOT}[data-runtime=ready]", timeout=120_000)
