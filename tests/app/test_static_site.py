"""The static site of scripts/build_static.py: built into a directory, served by the app
under /site/, every page's relative links resolve, the demo pages hold the analysis the
kernel gives for the corpus save, the achievement pages the kernel's catalogue."""

from __future__ import annotations

import subprocess
import sys
from typing import Any
from urllib.parse import urljoin

import msgspec
import pytest
from support import ROOT
from support.corpus import save_file
from support.gamedata import write_bundle
from support.html import parse_html

from kernel.eu4 import ACHIEVEMENTS
from kernel.gamedata import Names

TINY = "morgotth_tiny_save_1687_trimmed"


@pytest.fixture(scope="module")
def site(static_site_server: Any) -> Any:
    return static_site_server


def links(html: str) -> list[str]:
    attributes = ("href", "src", "data-manifest", "data-worker", "data-payload")
    return [v for v in parse_html(html).attribute_values(*attributes) if not v.startswith("#")]


def test_a_demo_page_is_served_with_every_link_resolving(site, browser_class, static_site_dir):
    client = browser_class(site.url)
    demo = f"/site/demo/{TINY.lower()}/index.html"
    if not (static_site_dir / demo.removeprefix("/site/")).is_file():
        pytest.skip("the tiny save is not in the corpus")
    page = client.get(demo)
    assert page.status_code == 200
    assert "content-security-policy" in page.headers  # the app's headers apply
    html = page.text
    assert 'id="analysis"' in html and "data-local-analysis" in html
    assert "TUR" in html  # the player of the save, read by the kernel at build time
    assert 'href="/' not in html and 'src="/' not in html, "every link is relative"
    for link in links(html):
        if link.startswith(("data:", "http")):
            continue
        target = urljoin(site.url + demo, link)
        assert client.get(target).status_code == 200, link
    # The home page links to the demos when the site is there.
    assert 'href="/site/demo/index.html"' in client.get("/").text
    client.close()


def test_the_landing_and_achievement_pages(site, browser_class):
    client = browser_class(site.url)
    landing = client.get("/site/")
    assert landing.status_code == 200 and "data-local-analysis" in landing.text
    index = client.get("/site/achievements/index.html").text
    for aid, (name, _difficulty, _description) in ACHIEVEMENTS.items():
        assert f'href="{aid}/index.html"' in index
        page = client.get(f"/site/achievements/{aid}/index.html")
        assert page.status_code == 200
        assert name.replace("'", "&#39;") in page.text
    client.close()


def test_the_build_refuses_without_a_bundle_and_keeps_the_old_site(tmp_path):
    """A failed build leaves the previous site in place (built elsewhere, renamed in)."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_static.py"),
            "--out",
            str(out),
            "--corpus",
            str(tmp_path / "none"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr  # no corpus: a site without demos
    assert "0 demo saves" in done.stdout
    assert "No demo saves" in (out / "demo" / "index.html").read_text()
    assert not list(tmp_path.glob(".dist-*"))


def test_demo_pages_name_keys_with_game_data(tmp_path):
    """--gamedata: the demo of a corpus save is rendered with the chosen bundle's names,
    and its names.json lets the browser re-render (sort) with the same names."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    poland = "pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4"
    (corpus / poland).write_bytes(save_file(f"eu4/{poland}").read_bytes())
    gamedata = tmp_path / "gamedata"
    english = Names(language="english", countries={"ENG": ["England", "English"]})
    write_bundle(gamedata, version="1.31.6", names={"english": english})
    out = tmp_path / "site"
    command = [sys.executable, str(ROOT / "scripts" / "build_static.py"), "--out", str(out)]
    command += ["--corpus", str(corpus), "--gamedata", str(gamedata)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    folder = out / "demo" / poland.removesuffix(".eu4").lower()
    page = parse_html((folder / "index.html").read_text())
    assert "England (ENG)" in page.text("countries")
    assert page.text("gamedata") == "EU4 1.31.6 data"  # the 1.17 save: the nearest newer
    named = msgspec.json.decode((folder / "names.json").read_bytes())
    assert named == {"names": {"country": {"ENG": "England"}}, "gamedata": "EU4 1.31.6 data"}
    assert 'data-names="names.json"' in (folder / "index.html").read_text()
    # The demo was analysed with that game data, as the server analyses uploads.
    stored = msgspec.json.decode((folder / "analysis.json").read_bytes())
    assert stored["gamedata"]["label"] == "EU4 1.31.6 data"
