"""Local analysis: the Python half of the browser's Web Worker (app/static/local/worker.js).

Under Pyodide the worker imports this module from the Wasm bundle (scripts/build_wasm.py)
and calls ``analyze`` then ``render``: the same kernel analysis the server's upload runs
(``kernel.eu4.analyze``; for another game's save app.analysis.games: Stellaris'
analysis, the others' info and summary), the same payload encoding
(``app.analysis.payload``) and the same partials (``app.analysis.render``). It imports
nothing else of the app, so the bundle carries only those modules, the kernel, msgspec,
Jinja2 and MarkupSafe.

``melt_plan`` says whether a dropped file is a binary save and which token table melting
it takes; ``melt`` melts it (``kernel.melt``: the bytes of ``python -m kernel melt``), for
the page's "Melt" button. Neither needs the file to be an EU4 save.

Results are plain dicts (Pyodide hands them to JavaScript as objects); a rejected file is
a result too, ``{"ok": False, "message": …}`` with the kernel's readable message, never
an exception for JavaScript to pick apart. One analysis is kept (``_current``) so the page
can re-render it with another view (sorting, paging) or export a chart's CSV without
parsing the file again.
"""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import parse_qsl

import msgspec

import kernel
from app.analysis.errors import refusal
from app.analysis.games import game_payload
from app.analysis.melting import NOT_BINARY, is_binary, plan, token_file
from app.analysis.names import language_for
from app.analysis.payload import payload
from app.analysis.render import (
    STELLARIS_CSV,
    chart_csv,
    render_analysis,
    render_province,
    stellaris_csv,
)
from app.analysis.view import analysis_view
from kernel.eu4 import SplitSave
from kernel.eu4 import analyze as analyze_eu4
from kernel.eu4.types import Eu4Analysis
from kernel.gamedata import (
    Manifest,
    choose_bundle,
    names_file,
    read_map_info,
    read_names,
    read_world,
    used_names,
)

# Where the partials' links point in the browser: sort and page links are "?…#section"
# (the page re-renders them locally), CSV links "#csv/<chart>[?cf=…]" (made locally too),
# a country's page is the view "?country=TAG".
LOCAL_VIEW: Final = {"base": "", "htmx": False, "csv": "#csv", "country_href": "?country={tag}"}

_current: dict[str, Any] = {}
# The dropped file as opened (melt_plan, split and analyze each read it): until its
# analysis is done, the same bytes are not inflated again.
_opened: list[tuple[bytes, kernel.Archive]] = []


def _archive(data: bytes) -> kernel.Archive:
    """``data`` opened (KernelError for what the kernel rejects), once per dropped file."""
    if _opened and _opened[0][0] == data:
        return _opened[0][1]
    archive = kernel.open_archive(data)
    _opened[:] = [(data, archive)]
    return archive


# Game data for the next analysis (``gamedata_for``, ``put_gamedata``): its files live in
# GAMEDATA_ROOT (Pyodide's in-memory file system in the browser), where the kernel reads
# them as it reads a server's game-data directory.
GAMEDATA_ROOT: Final = os.path.join(tempfile.gettempdir(), "chronicle-gamedata")
MANIFEST: Final = "manifest.json"
WORLD: Final = "world.json.gz"
MAP_INFO: Final = "map.json.gz"
_gamedata: dict[str, str] = {}


def analyze(data: bytes, tokens: bytes | None = None) -> dict[str, Any]:
    """Analyse a save's bytes. ``tokens``: the EU4 token file's text, when the site has one.

    Returns ``{"ok": True, "summary": {…}}``, or ``{"ok": False, "message": …,
    "needs_tokens": bool}`` (``needs_tokens``: a binary save and no ``tokens`` given: fetch
    the table and call again)."""

    def run() -> Eu4Analysis:
        table = kernel.parse_tokens(tokens, "the site's EU4 token table") if tokens else None
        return analyze_eu4(_archive(data), tokens=table, gamedata=_gamedata_root())

    return _analyzed(run, data, tokens)


# A parallel parse (kernel.eu4.SplitSave): ``split`` gives the parts for the worker's
# helpers (``kernel.eu4.parse_part``), ``parse_rest`` parses the rest meanwhile,
# ``analyze_split`` takes what they sent back and answers as ``analyze``.
_split: list[SplitSave] = []


def split(data: bytes, count: int) -> list[tuple[str, bytes]]:
    """The parts of a large EU4 text save to hand out, (key, bytes) (at most ``count``);
    none for any other file (``analyze`` it then: another game's save opened here is not
    opened again)."""
    _split.clear()
    try:
        archive = _archive(data)
        if archive.game != "eu4" and archive.game != "unknown":
            return []
        found = SplitSave(archive, count)
    except (kernel.KernelError, MemoryError):
        return []  # analyze() says why
    parts = found.parts()
    if parts:
        _split.append(found)
    return parts


def parse_rest() -> None:
    """Parse the split save but its parts (an error waits for ``analyze_split``)."""
    with contextlib.suppress(kernel.KernelError, RecursionError, MemoryError):
        _split[0].parse_rest()


def analyze_split(data: bytes, results: list[bytes]) -> dict[str, Any]:
    """``analyze`` of the save ``split`` cut, ``results`` the helpers' (empty: failed)."""
    found = _split.pop()

    def run() -> Eu4Analysis:
        return found.analyze(results, gamedata=_gamedata_root())

    return _analyzed(run, data, None)


def _gamedata_root() -> str | None:
    return GAMEDATA_ROOT if _gamedata.get("bundle") else None


def _analyzed(run: Callable[[], Eu4Analysis], data: bytes, tokens: bytes | None) -> dict[str, Any]:
    _current.clear()
    try:
        return _analysis_answer(run, data, tokens)
    finally:
        _opened.clear()  # the file is read: its inflated entries need not stay


def _analysis_answer(
    run: Callable[[], Eu4Analysis], data: bytes, tokens: bytes | None
) -> dict[str, Any]:
    try:
        try:
            analysis = run()
        except kernel.OtherGame:
            return _other_game(data)
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
    _current["analysis"] = analysis  # the map's layers are computed from it (``map_layers``)
    _name_current()
    info = analysis.info
    summary = {
        "date": info.date,
        "player": info.player_tag,
        "player_name": info.player_name,
        "patch": info.patch,
        "warnings": list(analysis.warnings),
    }
    return {"ok": True, "summary": summary}


def _other_game(data: bytes) -> dict[str, Any]:
    """``analyze`` of another game's save: the payload the server stores for it
    (app.analysis.games: Stellaris' analysis, the others' info and summary). KernelError
    for a file it rejects, as ``analyze``."""
    found = game_payload(kernel.Save(_archive(data), None))
    _current["payload"] = payload(found.payload)
    info = found.info
    named = _current["payload"].get("summary") or {}
    player = named.get("character") or named.get("empire") or named.get("country")
    summary = {
        "game": info.get("game"),
        "date": info.get("date"),
        "player": info.get("player"),
        "player_name": player or info.get("player_name"),
        "patch": info.get("version"),
        "warnings": list(found.notes),
    }
    return {"ok": True, "summary": summary}


def melt_plan(data: bytes) -> dict[str, str | bool] | None:
    """What melting the dropped file takes (``app.analysis.melting.plan``: binary, game,
    table, meltable); None when the kernel does not recognise it as a save."""
    try:
        return plan(_archive(data))
    except (kernel.KernelError, RecursionError, MemoryError):
        return None


def melt(data: bytes, tokens: bytes, game: str) -> bytes | str:
    """The melted save (bytes), or why it cannot be melted (str, for people). ``tokens``:
    the site's token table for ``game`` (the game ``melt_plan`` found)."""
    try:
        table = kernel.parse_tokens(tokens, f"the site's {token_file(game)} token table")
        if not is_binary(kernel.open_archive(data)):
            return NOT_BINARY
        melted: bytes = kernel.melt(data, table)
    except (kernel.KernelError, RecursionError, MemoryError) as exc:
        refused = refusal(exc)
        assert refused is not None
        return str(refused)
    return melted


def gamedata_for(
    data: bytes,
    tokens: bytes | None,
    index: str,
    cookie: str | None,
    accept_language: str | None,
) -> Any:
    """Before ``analyze``: the site's bundle for this save (``index``: the JSON list of its
    bundle manifests, GET /gamedata/bundles.json), chosen as the server chooses it from
    what the save says about itself (game, version, mods: ``kernel.open_save().info()``,
    cheap). ``{"bundle", "files", "label"}``: the files to fetch and hand to
    ``put_gamedata``; None when no bundle fits or the save does not say (the analysis then
    goes without game data; a file it cannot read is its error to report)."""
    _gamedata.clear()
    try:
        table = kernel.parse_tokens(tokens, "the site's EU4 token table") if tokens else None
        info = kernel.Save(_archive(data), table).info()
    except kernel.KernelError:
        return None
    version, mods = info.get("version"), info.get("mods")
    if info.get("game") not in ("eu4", "unknown") or not isinstance(version, str):
        return None
    names = [str(mod) for mod in mods] if isinstance(mods, list) else []
    manifests = msgspec.json.decode(index, type=list[Manifest])
    bundle = choose_bundle(manifests, "eu4", version, names)
    if bundle is None:
        return None
    language = language_for(bundle, cookie, accept_language)
    folder = os.path.join(GAMEDATA_ROOT, bundle.id)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, MANIFEST), "wb") as handle:
        handle.write(msgspec.json.encode(bundle))
    _gamedata.update(bundle=bundle.id, language=language, label=bundle.label)
    files = [WORLD, names_file(language)]
    if bundle.has_map:
        _gamedata["map"] = "1"
        files.append(MAP_INFO)  # the map's size and province boxes (``map_layers``)
    return {"bundle": bundle.id, "files": files, "label": bundle.label}


def put_gamedata(bundle: str, name: str, data: bytes) -> None:
    """One file of the bundle ``gamedata_for`` chose, as served."""
    if bundle != _gamedata.get("bundle") or os.path.basename(name) != name:
        raise ValueError(f"not a file of the chosen bundle: {bundle}/{name}")
    with open(os.path.join(GAMEDATA_ROOT, bundle, name), "wb") as handle:
        handle.write(data)


def _name_current() -> None:
    """After an analysis with game data: the names of its keys (its bundle, the reader's
    language), for ``render`` and ``csv``."""
    bundle, language = _gamedata.get("bundle"), _gamedata.get("language")
    if not bundle or not language:
        return
    try:
        names = read_names(GAMEDATA_ROOT, bundle, language)
    except kernel.KernelError:
        return  # keys, as without game data
    _current["names"] = used_names(_require(), names)
    _current["gamedata"] = _gamedata.get("label")


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
    given.update(_map_size())
    given.update(view or {})
    return render_analysis(
        _require(),
        analysis_view(given),
        names=_current.get("names"),
        gamedata=_current.get("gamedata"),
    )


def csv(chart: str) -> str | None:
    """One chart's CSV (as the server's download; a Stellaris save: ``empires``, its
    empires table), or None for an unknown chart. ``chart`` may carry the view's country
    filter as a query: "income?cf=players"."""
    current = _require()
    chart, _, query = chart.partition("?")
    view = dict(parse_qsl(query))
    if current.get("kind") == "stellaris":
        return stellaris_csv(current["stellaris"]) if chart == STELLARIS_CSV else None
    try:
        return chart_csv(current, chart, _current.get("names"), view)
    except KeyError:
        return None


def map_layers() -> str | None:
    """The current analysis's map (``kernel.eu4.map.layers``: ``MapLayers`` as JSON text,
    what GET /saves/{id}/map.json serves for a stored save), computed once and kept; None
    when there is no map to draw (no analysis of a dropped save, or its game data has no
    map). The page draws it with app/static/map/ on the bundle's province-index image."""
    cached = _current.get("map")
    if cached is not None:
        return str(cached)
    analysis, bundle = _current.get("analysis"), _gamedata.get("bundle")
    if analysis is None or not bundle or not _gamedata.get("map"):
        return None
    from kernel.eu4.map import layers  # only when a map is asked for

    language = _gamedata.get("language")
    try:
        world = read_world(GAMEDATA_ROOT, bundle)
        info = read_map_info(GAMEDATA_ROOT, bundle)
        names = read_names(GAMEDATA_ROOT, bundle, language) if language else None
    except kernel.KernelError:
        return None
    drawn = layers(analysis, world=world, names=names, info=info, bundle=bundle)
    text = msgspec.json.encode(drawn).decode()
    _current["map"] = text
    return text


def province(pid: int) -> str:
    """One province's details (the fragment GET /saves/{id}/provinces/{pid} serves)."""
    view = analysis_view(dict(LOCAL_VIEW))
    html: str = render_province(_require(), pid, view, _current.get("names"))
    return html


def _map_size() -> dict[str, int]:
    """The map section's ``map_width``/``map_height`` (the bundle's map) when the current
    analysis has a map to draw (``map_layers``); {} otherwise: the section says so. Read
    once per analysis (every re-render, a sort or a page, asks again)."""
    cached = _current.get("map_size")
    if isinstance(cached, dict):
        return cached
    size: dict[str, int] = {}
    bundle = _gamedata.get("bundle")
    if bundle and _gamedata.get("map") and "analysis" in _current:
        try:
            info = read_map_info(GAMEDATA_ROOT, bundle)
        except kernel.KernelError:
            pass
        else:
            size = {"map_width": info.width, "map_height": info.height}
    _current["map_size"] = size
    return size


def _require() -> Any:
    found = _current.get("payload")
    if found is None:
        raise RuntimeError("no analysis yet: call analyze() first")
    return found
