"""The analysis on the save page: the stored payload, the partials rendered by the app's
one Jinja environment, and the per-process cache (app.saves.analysis_cache) in between.

The page and its htmx fragments show the same partials (templates/analysis/) with the
same inputs, ``analysis`` and ``view`` (app.analysis.render): a section is rendered from
its partial once per stored analysis and view, off the event loop (a thread: it is
pure-Python work of tens of milliseconds for a large save), and kept.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, NamedTuple, cast

import anyio
import msgspec
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from app.analysis.names import LANGUAGE_COOKIE, language_for, save_identity
from app.analysis.render import ENTRY
from app.analysis.view import STATE_KEYS, analysis_view
from app.gamedata.services import GameData
from app.maps.services import Maps
from app.saves import services
from app.saves.analysis_cache import DECODED_FACTOR, AnalysisCache
from kernel.gamedata import used_names

COUNTRIES: Final = "analysis/_countries.html.jinja2"
PROVINCES: Final = "analysis/_provinces.html.jinja2"
WARS: Final = "analysis/_wars.html.jinja2"
EMPIRES: Final = "analysis/_stellaris_empires.html.jinja2"
# The cross-country tables (sorted, paged; the health grid's columns move).
ECONOMY: Final = "analysis/_economy.html.jinja2"
MANA: Final = "analysis/_mana.html.jinja2"
HEALTH: Final = "analysis/_health.html.jinja2"
EFFICIENCY: Final = "analysis/_efficiency.html.jinja2"
GEOGRAPHY: Final = "analysis/_geography.html.jinja2"
# The sections with URLs of their own (/saves/{id}/<name>): sorted, paged, swapped by htmx.
SECTIONS: Final = {
    "countries": COUNTRIES,
    "provinces": PROVINCES,
    "wars": WARS,
    "empires": EMPIRES,
    "economy": ECONOMY,
    "mana": MANA,
    "health": HEALTH,
    "dev-efficiency": EFFICIENCY,
    "geography": GEOGRAPHY,
}
# The sections of a Stellaris save's page (the others are the EU4 analysis').
STELLARIS_SECTIONS: Final = frozenset((EMPIRES,))


class _GcPause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pausers = 0
        self.was_enabled = True


_gc_pause = _GcPause()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while a payload is decoded or rendered: both allocate
    hundreds of thousands of containers, none in cycles, and the collections they would
    trigger walk every cached payload (tens of milliseconds each). Nested and concurrent
    uses (render threads) share one pause; the last to end restores the collector."""
    state = _gc_pause
    with state.lock:
        if state.pausers == 0:
            state.was_enabled = gc.isenabled()
            gc.disable()
        state.pausers += 1
    try:
        yield
    finally:
        with state.lock:
            state.pausers -= 1
            if state.pausers == 0 and state.was_enabled:
                gc.enable()


def is_eu4_analysis(payload: Any) -> bool:
    """Whether a stored payload is a kernel.eu4 analysis (not another game's metadata)."""
    return isinstance(payload, dict) and "schema_version" in payload and "info" in payload


def is_stellaris_analysis(payload: Any) -> bool:
    """Whether a stored payload is a Stellaris save's (kernel.stellaris analysis inside)."""
    return (
        isinstance(payload, dict)
        and payload.get("kind") == "stellaris"
        and isinstance(payload.get("stellaris"), dict)
    )


def view_for(request: Request[Any, Any, Any], save_id: str) -> dict[str, Any]:
    """The partials' ``view`` on the save page: its query parameters (checked by
    ``analysis_view``) and where its links, fragments and CSV downloads are."""
    params = request.query_params
    given: dict[str, Any] = {key: params.get(key) for key in STATE_KEYS if key in params}
    given.pop("country", None)  # a country's page is a path of its own (app.saves.countries)
    given.update(
        base=f"/saves/{save_id}",
        htmx=True,
        csv=f"/saves/{save_id}/csv",
        country_href=f"/saves/{save_id}/countries/{{tag}}",
        analysis_href=f"/saves/{save_id}",
    )
    return analysis_view(given)


def map_size(
    request: Request[Any, Any, Any], found: tuple[Any, dict[str, Any]] | None
) -> tuple[int, int] | None:
    """(width, height) of the map the save page shows for this stored analysis (the view's
    ``map_width``/``map_height``); None when it cannot be drawn here (app.maps)."""
    if found is None or not is_eu4_analysis(found[1]):
        return None
    maps: Maps = request.app.state.maps
    return maps.size_for(found[1])


async def payload(save_id: str, cache: AnalysisCache) -> tuple[Any, dict[str, Any]] | None:
    """(cache key, decoded payload) of the save's stored analysis; None without one."""
    stamp = await services.analysis_stamp(save_id)
    if stamp is None:
        return None
    key = ("payload", save_id, *stamp)
    found = cache.get(key)
    if found is None:
        text = await services.analysis_text(save_id)
        if text is None:
            return None
        with paused_gc():
            found = msgspec.json.decode(text)
        cache.put(key, found, int(len(text) * DECODED_FACTOR))
    return key, found


class Naming(NamedTuple):
    """The names a save's analysis is shown with (app.analysis.names)."""

    used: dict[str, dict[str, str]]  # {category: {key: name}}; {} without game data
    label: str | None  # "EU4 1.31.6 data"; None without game data
    bundle: str  # the bundle's id ("" without one)
    language: str
    languages: tuple[str, ...]  # what the bundle offers


NO_NAMES: Final = Naming({}, None, "", "", ())


def naming(
    request: Request[Any, Any, Any], key: Any, analysis: Any, cache: AnalysisCache
) -> Naming:
    """The game data chosen for this stored analysis (``key``: its cache key) in the
    reader's language (cookie, else Accept-Language); the used names are cached."""
    identity = save_identity(analysis)
    gamedata: GameData = request.app.state.gamedata
    bundle = gamedata.for_save(*identity) if identity is not None else None
    if bundle is None:
        return NO_NAMES
    language = language_for(
        bundle, request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )
    names_key = ("names", *key[1:], bundle.id, language)
    used = cache.get(names_key)
    if used is None:
        names = gamedata.names(bundle, language)
        if names is None:
            return NO_NAMES
        used = used_names(analysis, names)
        cache.put(names_key, used, 200 * sum(len(v) for v in used.values()) + 1000)
    return Naming(used, bundle.label, bundle.id, language, tuple(bundle.languages))


async def page_naming(
    request: Request[Any, Any, Any], save_id: str, cache: AnalysisCache
) -> Naming:
    """``naming`` of the save's stored analysis (NO_NAMES without one, or without any
    game data on the site: then the payload is not decoded for it)."""
    gamedata: GameData = request.app.state.gamedata
    if not gamedata.bundles():
        return NO_NAMES
    found = await payload(save_id, cache)
    if found is None:
        return NO_NAMES
    return naming(request, found[0], found[1], cache)


def _render(
    engine: JinjaTemplateEngine, template: str, analysis: Any, view: Any, naming: Naming
) -> str:
    with paused_gc():
        return engine.engine.get_template(template).render(
            analysis=analysis, view=view, names=naming.used, gamedata=naming.label
        )


async def section_html(
    request: Request[Any, Any, Any],
    save_id: str,
    view: dict[str, Any],
    cache: AnalysisCache,
    template: str = ENTRY,
    *,
    found: tuple[Any, dict[str, Any]] | None = None,
) -> Markup | None:
    """The partial ``template`` rendered for the save's analysis and ``view``; None when
    the save has no analysis, or (for a section of the EU4 analysis) not an EU4 one (for
    the Stellaris empires, not a Stellaris one).
    ``found``: the save's ``payload`` when the caller has it already."""
    if found is None:
        found = await payload(save_id, cache)
    if found is None:
        return None
    key, analysis = found
    if template != ENTRY:
        stellaris = template in STELLARIS_SECTIONS
        if not (is_stellaris_analysis(analysis) if stellaris else is_eu4_analysis(analysis)):
            return None
    named = naming(request, key, analysis, cache)
    html_key = (
        "html",
        *key[1:],
        template,
        named.bundle,
        named.language,
        view["map_width"],  # the map section: whether the site has the analysis's bundle
        view["map_height"],
        view["site_score"],  # the leaderboard section: changes when admins rebalance
        *(view[k] for k in STATE_KEYS),
    )
    html = cache.get(html_key)
    if html is None:
        engine = cast(JinjaTemplateEngine, request.app.template_engine)
        html = await anyio.to_thread.run_sync(_render, engine, template, analysis, view, named)
        cache.put(html_key, html, len(html))
    return Markup(html)
