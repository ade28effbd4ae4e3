"""The local-analysis bundle as the app serves it: built by scripts/setup, every file of
the manifest served with its hash, the right types for module scripts and Wasm, cached for
good; the page's script URLs carry content hashes."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from support import ROOT
from support.html import parse_html

from app.local import assets


def test_the_drop_zone_points_at_the_bundle(browser):
    page = browser.get("/local").text
    parsed = parse_html(page)
    manifest = list(parsed.attribute_values("data-manifest"))
    worker = list(parsed.attribute_values("data-worker"))
    assert manifest and worker, "the bundle is built by scripts/setup"
    url = manifest[0]
    assert re.fullmatch(r"/static/wasm/manifest\.json\?v=[0-9a-f]{16}", url)
    body = browser.get(url)
    assert body.status_code == 200
    assert url.endswith(hashlib.sha256(body.content).hexdigest()[:16])
    script = browser.get(worker[0])
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    # The home page has the same drop zone; without a token table, no data-tokens.
    home = browser.get("/").text
    assert f'data-manifest="{url}"' in home and "data-tokens" not in home


def test_every_file_of_the_manifest_is_served_as_built(browser):
    manifest = json.loads(browser.get("/static/wasm/manifest.json").content)
    runtime = manifest["pyodide"]["files"]
    stdlib = manifest["pyodide"]["stdlib"]
    entries = [*runtime.values(), stdlib, *manifest["site_packages"], manifest["app"]]
    assert {Path(e["url"]).name for e in runtime.values()} >= {"pyodide.mjs", "pyodide.asm.wasm"}
    for entry in entries:
        response = browser.get(f"/static/wasm/{entry['url']}")
        assert response.status_code == 200, entry["url"]
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"], entry["url"]
        assert "immutable" in response.headers["cache-control"], entry["url"]
        if entry["url"].endswith(".wasm"):
            assert response.headers["content-type"] == "application/wasm"
        if entry["url"].endswith(".mjs"):
            assert response.headers["content-type"].startswith("text/javascript")
    # The app's archive holds the modules the worker imports and the analysis partials.
    names = _zip_names(browser.get(f"/static/wasm/{manifest['app']['url']}").content)
    assert "app/local/worker.py" in names and "templates/analysis/_analysis.html.jinja2" in names
    assert not any(name.startswith(("app/saves/", "app/web/")) for name in names)


def test_the_bundle_ships_byte_code(browser):
    """Every module is byte-compiled for Pyodide's CPython at build time (the browser would
    otherwise compile the standard library, the kernel and Jinja2 at every start): the
    standard library as sourceless .pyc files in its zip, our archives with __pycache__
    beside the sources, all "unchecked hash" .pyc files (PEP 552: flags 0b01)."""
    import io
    import zipfile

    manifest = json.loads(browser.get("/static/wasm/manifest.json").content)
    stdlib = zipfile.ZipFile(
        io.BytesIO(browser.get(f"/static/wasm/{manifest['pyodide']['stdlib']['url']}").content)
    )
    names = stdlib.namelist()
    assert "re/__init__.pyc" in names and "json/__init__.pyc" in names
    assert not any(name.endswith(".py") and name + "c" in names for name in names)
    assert _pyc_flags(stdlib.read("re/__init__.pyc")) == 1
    for entry in [*manifest["site_packages"], manifest["app"]]:
        archive = zipfile.ZipFile(io.BytesIO(browser.get(f"/static/wasm/{entry['url']}").content))
        names = set(archive.namelist())
        sources = [n for n in names if n.endswith(".py")]
        assert sources, entry["url"]
        for source in sources:
            folder, _, module = source.rpartition("/")
            pyc = f"{folder}/__pycache__/{module[:-3]}.cpython-314.pyc".lstrip("/")
            assert pyc in names, (entry["url"], source)
            assert _pyc_flags(archive.read(pyc)) == 1, pyc


def _pyc_flags(pyc: bytes) -> int:
    """The flags word of a .pyc header (after the 4-byte magic number)."""
    return int.from_bytes(pyc[4:8], "little")


def _zip_names(data: bytes) -> list[str]:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_the_build_is_idempotent_and_reproducible(tmp_path):
    """Two builds of the same inputs give the same bytes (the hashes in the names only
    change when the content does); a second run writes nothing."""
    first = tmp_path / "first"
    run = [sys.executable, str(ROOT / "scripts" / "build_wasm.py"), "--out"]
    done = subprocess.run([*run, str(first)], capture_output=True, text=True, check=True)
    assert "0 stale removed" in done.stdout
    again = subprocess.run([*run, str(first)], capture_output=True, text=True, check=True)
    assert "(0 written, 0 stale removed)" in again.stdout
    built = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    served = assets.STATIC_DIR / assets.BUNDLE
    # (A difference here means the served bundle is stale: scripts/setup rebuilds it.)
    assert built == {
        p.relative_to(served): p.read_bytes() for p in served.rglob("*") if p.is_file()
    }
    (first / "py" / "stale.zip").write_bytes(b"old")
    pruned = subprocess.run([*run, str(first)], capture_output=True, text=True, check=True)
    assert "1 stale removed" in pruned.stdout and not (first / "py" / "stale.zip").exists()
