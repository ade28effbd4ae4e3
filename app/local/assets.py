"""URLs of the static files, with the content hash that makes them safe to cache.

``asset_url("app.css")`` is ``/static/app.css?v=<hash>``: the hash of the file's bytes,
computed once per file and again when its size or mtime changes, so a deploy never serves
a page with a stale script. The local-analysis bundle (app/static/wasm/, built by
scripts/build_wasm.py) hashes its own file names; its manifest's URL carries the manifest's
hash the same way. ``local_analysis()`` is what templates/local/_dropzone.html.jinja2 needs.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from app.analysis.melting import MELTED_EXTENSIONS, token_file
from app.saves.parsing import EU4_TOKEN_FILE
from app.settings import Settings

STATIC_DIR: Final = Path(__file__).resolve().parents[1] / "static"
STATIC_URL: Final = "/static"
BUNDLE: Final = "wasm"  # app/static/wasm/, served at /static/wasm/ (cached for good)
MANIFEST: Final = f"{BUNDLE}/manifest.json"
WORKER: Final = "local/worker.js"
TOKENS_PREFIX: Final = "/local/tokens/"  # + <game>.txt: the published token tables
TOKENS_URL: Final = TOKENS_PREFIX + EU4_TOKEN_FILE
# The site's game-data bundles (app.gamedata.controllers), for names in local analysis.
GAMEDATA_INDEX_URL: Final = "/gamedata/bundles.json"
STATIC_SITE_URL: Final = "/site"  # where the app serves dist/ (scripts/build_static.py)

# Not every system's mime.types knows these, and browsers refuse module scripts and
# streaming Wasm compilation under other types.
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")

_hashes: dict[Path, tuple[tuple[int, int], str]] = {}


def _version(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _hashes.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, hashlib.sha256(path.read_bytes()).hexdigest()[:16])
        _hashes[path] = cached
    return cached[1]


def asset_url(name: str, static_dir: Path = STATIC_DIR, prefix: str = STATIC_URL) -> str:
    """The URL of static file ``name`` with its content hash (none if it is missing)."""
    version = _version(static_dir / name)
    url = f"{prefix}/{name}"
    return f"{url}?v={version}" if version else url


def local_analysis(
    tokens: Path | None,
    static_dir: Path = STATIC_DIR,
    prefix: str = STATIC_URL,
    gamedata: bool = False,
    tables: Mapping[str, Path] | None = None,
) -> dict[str, str] | None:
    """The drop zone's URLs: manifest, worker, (``tokens``: the published token table,
    if any) the EU4 token table, (``gamedata``: the site has game data) the list of its
    bundles and (``tables``: the published token tables by game, ``published_tables``)
    ``tables``, a JSON object game -> URL, for melting; None when the bundle was not built
    (the page says so)."""
    if _version(static_dir / MANIFEST) is None:
        return None
    urls = {
        "manifest": asset_url(MANIFEST, static_dir, prefix),
        "worker": asset_url(WORKER, static_dir, prefix),
    }
    if tokens is not None:
        urls["tokens"] = TOKENS_URL
    if gamedata:
        urls["gamedata"] = GAMEDATA_INDEX_URL
    if tables:
        urls["tables"] = json.dumps(
            {game: TOKENS_PREFIX + path.name for game, path in tables.items()}
        )
    return urls


def published_tables(settings: Settings) -> dict[str, Path]:
    """Every token table browsers may fetch, by game: ``<TOKENS_DIR>/<game>.txt`` of each
    game whose saves the kernel melts, when the operator has it and publishes tables."""
    kernel = settings.kernel
    if not (kernel.tokens_dir and kernel.publish_tokens):
        return {}
    found: dict[str, Path] = {}
    for game in MELTED_EXTENSIONS:
        path = Path(kernel.tokens_dir) / token_file(game)
        if path.is_file():
            found[game] = path
    return found


def published_tokens(settings: Settings) -> Path | None:
    """The EU4 token table browsers may fetch (for local analysis): the one the server's
    kernel reads (app.saves.parsing.token_table), when the operator has one and publishes
    it."""
    return published_tables(settings).get("eu4")


def server_only_tokens(settings: Settings) -> bool:
    """The server reads binary saves but does not publish its table (PUBLISH_TOKENS=false):
    the drop zone then offers Share for a binary save it cannot read itself."""
    kernel = settings.kernel
    if kernel.publish_tokens or not kernel.tokens_dir:
        return False
    return (Path(kernel.tokens_dir) / EU4_TOKEN_FILE).is_file()
