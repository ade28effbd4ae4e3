"""Local analysis: the Python half of the browser's Web Worker (app/static/local/worker.js).

Under Pyodide the worker imports this module from the Wasm bundle (scripts/build_wasm.py)
and calls ``analyze`` then ``render``: the same kernel analysis the server's upload runs
(``kernel.eu4.analyze``), the same payload encoding (``app.analysis.payload``) and the same
partials (``app.analysis.render``). It imports nothing else of the app, so the bundle
carries only those modules, the kernel, msgspec, Jinja2 and MarkupSafe.

Results are plain dicts (Pyodide hands them to JavaScript as objects); a rejected file is
a result too, ``{"ok": False, "message": …}`` with the kernel's readable message, never
an exception for JavaScript to pick apart. One analysis is kept (``_current``) so the page
can re-render it with another view (sorting, paging) or export a chart's CSV without
parsing the file again.
"""

from __future__ import annotations

import gc
import gzip
from typing import Any, Final

import msgspec

import kernel
from app.analysis.errors import refusal
from app.analysis.names import language_for, save_identity
from app.analysis.payload import payload
from app.analysis.render import analysis_view, chart_csv, render_analysis
from kernel.eu4 import analyze as analyze_eu4
from kernel.gamedata import Manifest, Names, choose_bundle, names_file, used_names

# Where the partials' links point in the browser: sort and page links are "?…#section"
# (the page re-renders them locally), CSV links "#csv/<chart>" (made locally too).
LOCAL_VIEW: Final = {"base": "", "htmx": False, "csv": "#csv"}

_current: dict[str, Any] = {}


def analyze(data: bytes, tokens: bytes | None = None) -> dict[str, Any]:
    """Analyse a save's bytes. ``tokens``: the EU4 token file's text, when the site has one.

    Returns ``{"ok": True, "summary": {…}}``, or ``{"ok": False, "message": …,
    "needs_tokens": bool}`` (``needs_tokens``: a binary save and no ``tokens`` given: fetch
    the table and call again)."""
    _current.clear()
    try:
        table = kernel.parse_tokens(tokens, "the site's EU4 token table") if tokens else None
        analysis = analyze_eu4(data, tokens=table)
    except (kernel.KernelError, RecursionError, MemoryError) as exc:
        refused = refusal(exc)
        assert refused is not None
        return {
            "ok": False,
            "needs_tokens": refused.tokens_needed and tokens is None,
            "message": str(refused),
        }
    enabled = gc.isenabled()
    gc.disable()  # the payload is hundreds of thousands of acyclic containers
    try:
        _current["payload"] = payload(analysis)
    finally:
        if enabled:
            gc.enable()
    info = analysis.info
    summary = {
        "date": info.date,
        "player": info.player_tag,
        "player_name": info.player_name,
        "patch": info.patch,
        "warnings": list(analysis.warnings),
    }
    return {"ok": True, "summary": summary}


def wanted_names(index: str, cookie: str | None, accept_language: str | None) -> Any:
    """After ``analyze``: which names file of the site's game data (``index``: the JSON
    list of its bundle manifests, GET /gamedata/bundles.json) the current analysis wants,
    ``{"bundle", "file", "label"}``, or None (no bundle fits, or not an EU4 analysis)."""
    identity = save_identity(_require())
    if identity is None:
        return None
    bundle = choose_bundle(msgspec.json.decode(index, type=list[Manifest]), *identity)
    if bundle is None:
        return None
    language = language_for(bundle, cookie, accept_language)
    return {"bundle": bundle.id, "file": names_file(language), "label": bundle.label}


def use_names(data: bytes, label: str) -> None:
    """Show the current analysis with the names of ``data`` (a names file, as served)."""
    names = msgspec.json.decode(gzip.decompress(data), type=Names)
    _current["names"] = used_names(_require(), names)
    _current["gamedata"] = label


def use_payload(text: str, names: str | None = None) -> None:
    """Hold a stored analysis (the payload JSON a pre-rendered page links to) for
    ``render`` and ``csv``, as if it had just been analysed; ``names``: the page's names
    file (``{"names": {category: {key: name}}, "gamedata": label}``), if it has one."""
    _current.clear()
    _current["payload"] = msgspec.json.decode(text)
    if names:
        named = msgspec.json.decode(names)
        _current["names"] = named.get("names") or {}
        _current["gamedata"] = named.get("gamedata")


def render(view: dict[str, Any] | None = None) -> str:
    """The analysis partial for the current analysis; ``view`` overrides ``LOCAL_VIEW``
    (only the keys ``analysis_view`` knows; the rest are ignored)."""
    given = dict(LOCAL_VIEW)
    given.update(view or {})
    return render_analysis(
        _require(),
        analysis_view(given),
        names=_current.get("names"),
        gamedata=_current.get("gamedata"),
    )


def csv(chart: str) -> str | None:
    """One chart's CSV (as the server's download), or None for an unknown chart."""
    try:
        return chart_csv(_require(), chart, _current.get("names"))
    except KeyError:
        return None


def _require() -> Any:
    found = _current.get("payload")
    if found is None:
        raise RuntimeError("no analysis yet: call analyze() first")
    return found
