"""Rendering the EU4 analysis: what the analysis partials may use, in one pure module.

The partials in ``templates/analysis/_*.html.jinja2`` are rendered twice over: by the
server (Litestar's Jinja engine, inside the save page and as htmx fragments) and, later,
by Jinja2 inside the browser under Pyodide, from the same payload. So they read only

- ``analysis``: the payload, ``msgspec.to_builtins(Eu4Analysis)`` (plain dicts, lists,
  strings and numbers: exactly what the ``analysis`` jsonb column decodes to), and
- ``view`` (optional): plain data saying how to show it (sort keys, pages, where links
  and downloads point); ``analysis_view`` fills in the defaults,

and the filters and globals registered by ``configure_environment`` below. Nothing else:
no request, ``url_for``, ``csrf_input``, ``current_user`` or other app globals.

This module imports the standard library and Jinja2/MarkupSafe only, so that the browser
can import it as is. There is **one** Jinja environment in the app: Litestar's, and
``app.web.templating`` calls ``configure_environment`` from its ``engine_callback``.
``render_analysis`` builds a plain ``jinja2.Environment(autoescape=True)`` configured by
the same function: that is the browser's entry point (and the tests' proof that the
partials need nothing from the app); the app never calls it while serving.

Escaping: autoescape is on in both environments and no partial marks anything ``safe``;
every name from the file (countries, rulers, provinces, mods) is escaped, in HTML and in
SVG text alike. CSV cells that a spreadsheet would read as a formula are prefixed with
``'``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import jinja2
import jinja2.runtime

from app.analysis.countries import (
    DAYS_BEFORE,
    HISTORY_GROUPS,
    HISTORY_LABELS,
    HISTORY_PAGE,
    budget_categories,
    chosen_tags,
    country_page,
    development_of,
    filter_kind,
    filter_label,
    mean,
    place_options,
    player_tags,
    reign_years,
    shown_countries,
    shown_rows,
    shown_tags,
    shown_wars,
)
from app.analysis.countries import (
    FILTERS as COUNTRY_FILTERS,
)
from app.analysis.geography import geo_node, geography, state_development, treemap

# <root>/app/analysis/render.py -> <root>/templates (the Pyodide test's copy of the app
# package sits in site-packages: it passes its templates explicitly).
TEMPLATES: Final = Path(__file__).resolve().parent.parent.parent / "templates"
ENTRY: Final = "analysis/_analysis.html.jinja2"
PROVINCE: Final = "analysis/_province.html.jinja2"  # one province's details (the map's click)
# The browser bundle's partials, compiled to Python modules by scripts/build_wasm.py with
# ``compiled_partials`` (and byte-compiled): Jinja then skips parsing and compiling them in
# Wasm at the first render. Only the bundle has this folder; the checkout renders from source.
COMPILED: Final = TEMPLATES.parent / "templates-compiled"
PARTIALS: Final = "analysis/"

# --- the view ------------------------------------------------------------------------------

COUNTRY_SORTS: Final = (
    "tag",
    "name",
    "development",
    "provinces",
    "treasury",
    "monthly_income",
    "manpower",
    "max_manpower",
    "land_units",
    "naval_units",
    "tech",
    "ideas",
    "great_power_score",
    "prestige",
    "stability",
    "inflation",
    "loans",
)
PROVINCE_SORTS: Final = (
    "id",
    "name",
    "owner",
    "base_tax",
    "base_production",
    "base_manpower",
    "development",
    "religion",
    "culture",
    "trade_goods",
    "devastation",
    "expand_infrastructure",
    "centralize_state",
    "exploit_date",
)
# The Stellaris empires table (templates/analysis/_stellaris_empires.html.jinja2); the
# income columns are the ``income`` block's (``_DERIVED``).
EMPIRE_SORTS: Final = (
    "name",
    "capital_name",
    "systems",
    "planets",
    "pops",
    "fleet_power",
    "energy",
    "minerals",
    "alloys",
    "research",
    "technologies",
)
# Text columns sort ascending first, numbers descending.
_TEXT_SORTS: Final = frozenset(
    ("tag", "name", "owner", "religion", "culture", "trade_goods", "capital_name")
)

DEFAULT_VIEW: Final[Mapping[str, Any]] = {
    "base": "",  # the page's path; links are "<base>?<query>#<section>"
    "htmx": False,  # add hx-get attributes for fragment URLs "<base>/<section><query>"
    "csv": "",  # where chart CSVs are downloaded: "<csv>/<chart>" (empty: no links)
    "csort": "development",
    "corder": "desc",
    "psort": "id",
    "porder": "asc",
    "esort": "fleet_power",  # the Stellaris empires table
    "eorder": "desc",
    # The economy section: which budget table (``BUDGET_TABLES``), sorted by "name",
    # "total" or a category; the mana section, sorted by "name", "adm", "dip", "mil",
    # "total" or a category.
    "ledger": "income",
    "bsort": "total",
    "border": "desc",
    "msort": "total",
    "morder": "desc",
    # The development efficiency table: "name", "clicks", "provinces", "mana", "per_click".
    "dsort": "clicks",
    "dorder": "desc",
    "cpage": 1,
    "ppage": 1,
    "wpage": 1,
    "bpage": 1,
    "mpage": 1,
    "gpage": 1,  # the health grid's page
    "dpage": 1,
    "country_page_size": 50,
    "province_page_size": 50,
    "war_page_size": 20,
    # The cross-country tables (economy, mana, health, efficiency): shorter pages, so the
    # save page stays readable (pdx.tools caps its ledger and health views at 30).
    "table_page_size": 25,
    "chart_series": 10,
    # The size of the map of the bundle the analysis was made with (its province image),
    # for the map section; 0: unknown (the server: the bundle is not on the site).
    "map_width": 0,
    "map_height": 0,
    # Which columns the countries, provinces and (Stellaris) empires tables show: "" the
    # priority ones (the table fits a page's column), "all" every one (the table scrolls in
    # its own box).
    "ccols": "",
    "pcols": "",
    "ecols": "",
    "bcols": "",
    "mcols": "",
    # The health grid's column order: its keys (``HEALTH_COLUMNS``) comma-separated; ""
    # the default order.
    "hcols": "",
    # The site's leaderboard score of the save (its patch weights live in the site's
    # database): None where there is no site (local analysis: the kernel's weights are
    # shown), -1 when the site's leaderboards do not count the save's patch.
    "site_score": None,
    # The country filter (app.analysis.countries): "" every country, "alive",
    # "players", "great_powers" or "chosen" (the tags of ``ctags``, "SWE,DAN").
    "cf": "",
    "ctags": "",
    # One country's page instead of the whole analysis: its tag; its history's filter
    # (a group of app.analysis.countries.HISTORY_GROUPS) and page.
    "country": "",
    # The development-by-geography treemap's node: "" the world, "<level>:<key>".
    "geo": "",
    "hkind": "",
    "hpage": 1,
    # Where a country's page is, "{tag}" standing for its tag: the site's
    # "/saves/<id>/countries/{tag}", local analysis' "?country={tag}" (re-rendered in
    # place, the tag travelling in the view); "" no links (the static site).
    "country_href": "",
    # Where the whole analysis is, for a country page's way back (the site's
    # "/saves/<id>"; local analysis goes back by dropping ``country`` from the view).
    "analysis_href": "",
}
# The part of the view that travels in links (query parameters).
STATE_KEYS: Final = (
    "csort",
    "corder",
    "psort",
    "porder",
    "esort",
    "eorder",
    "ledger",
    "bsort",
    "border",
    "msort",
    "morder",
    "dsort",
    "dorder",
    "cpage",
    "ppage",
    "wpage",
    "bpage",
    "mpage",
    "dpage",
    "ccols",
    "pcols",
    "ecols",
    "bcols",
    "mcols",
    "hcols",
    "gpage",
    "cf",
    "ctags",
    "country",
    "geo",
    "hkind",
    "hpage",
)
COLUMN_KEYS: Final = ("ccols", "pcols", "ecols", "bcols", "mcols")
PAGE_KEYS: Final = ("cpage", "ppage", "wpage", "bpage", "mpage", "gpage", "dpage")
# The tables sorted by any identifier (budget and mana: the save's categories; development
# efficiency): an unknown key leaves the rows in their order, no error.
_DYNAMIC_SORTS: Final = ("b", "m", "d")
_SORT_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
ALL_COLUMNS: Final = "all"


def _int(value: Any, default: int, low: int = 1, high: int = 1_000_000) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def _order(value: Any, key: str) -> str:
    if value in ("asc", "desc"):
        return str(value)
    return "asc" if key in _TEXT_SORTS else "desc"


def analysis_view(view: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``view`` with defaults filled in and every value checked (anything unknown falls
    back to the default), so that query parameters can be passed straight in."""
    given = dict(view or {})
    out = dict(DEFAULT_VIEW)
    for key in ("base", "csv", "country_href", "analysis_href"):
        if isinstance(given.get(key), str):
            out[key] = given[key]
    out["htmx"] = bool(given.get("htmx", False))
    csort = given.get("csort")
    out["csort"] = csort if csort in COUNTRY_SORTS else DEFAULT_VIEW["csort"]
    out["corder"] = _order(given.get("corder"), out["csort"]) if csort else "desc"
    psort = given.get("psort")
    out["psort"] = psort if psort in PROVINCE_SORTS else DEFAULT_VIEW["psort"]
    out["porder"] = _order(given.get("porder"), out["psort"]) if psort else "asc"
    esort = given.get("esort")
    out["esort"] = esort if esort in EMPIRE_SORTS else DEFAULT_VIEW["esort"]
    out["eorder"] = _order(given.get("eorder"), out["esort"]) if esort else "desc"
    for prefix in _DYNAMIC_SORTS:
        sort, order = prefix + "sort", prefix + "order"
        wanted = given.get(sort)
        valid = isinstance(wanted, str) and _SORT_KEY.fullmatch(wanted) is not None
        out[sort] = wanted if valid else DEFAULT_VIEW[sort]
        out[order] = _order(given.get(order), out[sort]) if valid else DEFAULT_VIEW[order]
    out["ledger"] = given["ledger"] if given.get("ledger") in BUDGET_TABLES else "income"
    for key in PAGE_KEYS:
        out[key] = _int(given.get(key), 1)
    out["hcols"] = _health_order_key(given.get("hcols"))
    out["hpage"] = _int(given.get("hpage"), 1)
    out["cf"] = filter_kind(given.get("cf"))
    out["ctags"] = chosen_tags(given.get("ctags")) if out["cf"] == "chosen" else ""
    country = chosen_tags(given.get("country"))
    out["country"] = country if "," not in country else ""
    out["hkind"] = given.get("hkind") if given.get("hkind") in HISTORY_GROUPS else ""
    out["geo"] = geo_node(given.get("geo"))
    for key in (
        "country_page_size",
        "province_page_size",
        "war_page_size",
        "table_page_size",
        "chart_series",
    ):
        out[key] = _int(given.get(key), DEFAULT_VIEW[key], 1, 1000)
    for key in ("map_width", "map_height"):
        out[key] = _int(given.get(key), 0, 0, 1 << 16)
    for key in COLUMN_KEYS:
        out[key] = ALL_COLUMNS if given.get(key) == ALL_COLUMNS else ""
    site_score = given.get("site_score")
    if isinstance(site_score, int) and not isinstance(site_score, bool):
        out["site_score"] = max(site_score, -1)
    return out


def view_query(view: Mapping[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` for the link state of ``view`` with ``changes`` ("" when all default).
    A sort key travels with its order (an order alone means different things for text
    and number columns)."""
    state = {key: view.get(key, DEFAULT_VIEW[key]) for key in STATE_KEYS}
    state.update(changes)
    pairs: list[tuple[str, str]] = []
    if state["ledger"] != DEFAULT_VIEW["ledger"]:
        pairs.append(("ledger", str(state["ledger"])))
    for prefix in ("c", "p", "e", *_DYNAMIC_SORTS):
        sort, order = prefix + "sort", prefix + "order"
        if state[sort] != DEFAULT_VIEW[sort] or state[order] != DEFAULT_VIEW[order]:
            pairs += [(sort, str(state[sort])), (order, str(state[order]))]
    keys = [*PAGE_KEYS, *COLUMN_KEYS, "hcols", "cf", "ctags", "geo", "hkind", "hpage"]
    if str(view.get("country_href", "")).startswith("?"):
        keys.insert(0, "country")  # local analysis: the country page is a view, not a path
    for key in keys:
        if state[key] != DEFAULT_VIEW[key]:
            pairs.append((key, str(state[key])))
    return "?" + urlencode(pairs) if pairs else ""


def filter_query(view: Mapping[str, Any]) -> str:
    """``?cf=…&ctags=…``: the view's country filter alone (for CSV downloads); "" for none."""
    return view_query(analysis_view({"cf": view.get("cf"), "ctags": view.get("ctags")}))


def country_url(view: Mapping[str, Any] | None, tag: Any) -> str:
    """The link to a country's page for ``view`` (its ``country_href``); "" when the view
    has none (no links) or ``tag`` is not a tag."""
    href = view.get("country_href") if isinstance(view, Mapping) else None
    clean = chosen_tags(tag)
    if not isinstance(href, str) or not href or not clean or "," in clean:
        return ""
    return href.replace("{tag}", clean)


@jinja2.pass_context
def country_href(context: jinja2.runtime.Context, tag: Any) -> str:
    """``{{ tag | country_href }}``: ``country_url`` for the view the partials were
    rendered with (read from the render's context, as ``country`` reads ``names``)."""
    return country_url(context.get("view"), tag)


def sort_link_order(view: Mapping[str, Any], prefix: str, key: str) -> str:
    """The order a column header link asks for: the other way round when the table is
    already sorted by it, else the natural order of the column."""
    if view.get(prefix + "sort") == key:
        return "asc" if view.get(prefix + "order") == "desc" else "desc"
    return "asc" if key in _TEXT_SORTS else "desc"


def sort_query(view: Mapping[str, Any], prefix: str, key: str) -> str:
    """The query of a column header link of the table ``prefix`` ("c" countries, "p"
    provinces, "e" Stellaris empires, "b" the economy's budget table, "m" the mana
    tables, "d" development efficiency): sorted by ``key``, and back on the first page
    (the empires table has one page)."""
    changes: dict[str, Any] = {
        prefix + "sort": key,
        prefix + "order": sort_link_order(view, prefix, key),
    }
    if prefix != "e":
        changes[prefix + "page"] = 1
    return view_query(view, **changes)


def page_query(view: Mapping[str, Any], key: str, page: int) -> str:
    """The query of a pager link: page ``page`` of ``key`` (one of ``PAGE_KEYS``)."""
    return view_query(view, **{key: page})


# --- rows ------------------------------------------------------------------------------


def _tech(row: Mapping[str, Any]) -> Any:
    return (row.get("adm_tech") or 0) + (row.get("dip_tech") or 0) + (row.get("mil_tech") or 0)


def _income(resource: str) -> Callable[[Mapping[str, Any]], Any]:
    def get(row: Mapping[str, Any]) -> Any:
        income = row.get("income")
        return income.get(resource) if isinstance(income, Mapping) else None

    return get


def _count(key: str) -> Callable[[Mapping[str, Any]], Any]:
    """A province count the payload leaves out when 0."""

    def get(row: Mapping[str, Any]) -> Any:
        return row.get(key, 0)

    return get


_DERIVED: Final[Mapping[str, Callable[[Mapping[str, Any]], Any]]] = {
    "tech": _tech,
    **{key: _count(key) for key in ("expand_infrastructure", "centralize_state")},
    # the Stellaris empires' net monthly income (only that table sorts by these keys)
    **{key: _income(key) for key in ("energy", "minerals", "alloys", "research")},
}


def sorted_rows(
    rows: Iterable[Mapping[str, Any]], key: str, order: str = "asc"
) -> list[Mapping[str, Any]]:
    """``rows`` sorted by ``key`` (text case-insensitively); rows without a value last."""
    get = _DERIVED.get(key)
    present: list[tuple[Any, Mapping[str, Any]]] = []
    missing: list[Mapping[str, Any]] = []
    for row in rows:
        value = get(row) if get is not None else row.get(key)
        if value is None:
            missing.append(row)
        elif isinstance(value, str):
            present.append(((1, value.casefold()), row))
        elif isinstance(value, (int, float)):
            present.append(((0, value), row))
        else:
            missing.append(row)
    present.sort(key=lambda item: item[0], reverse=order == "desc")
    return [row for _, row in present] + missing


def paged(rows: Sequence[Any], page: int, size: int) -> dict[str, Any]:
    """One page of ``rows``: items, page (clamped), pages, total, first and last index."""
    total = len(rows)
    pages = max(1, math.ceil(total / size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    items = list(rows[start : start + size])
    return {
        "items": items,
        "page": page,
        "pages": pages,
        "total": total,
        "first": start + 1 if items else 0,
        "last": start + len(items),
    }


def by_tag(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(row.get("tag")): row for row in rows}


# --- formatting ---------------------------------------------------------------------------

DASH: Final = "\u2013"  # what a missing value shows


def num(value: Any, digits: int = 0) -> str:
    """A number with thousands separators; an en dash for none."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return DASH
    if isinstance(value, float) and not math.isfinite(value):
        return DASH
    rounded = round(value, digits)
    if rounded == 0:
        rounded = 0  # no "-0"
    return f"{rounded:,.{digits}f}"


def pct(value: Any, digits: int = 1) -> str:
    """A 0..1 share as a percentage."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return DASH
    return f"{value * 100:.{digits}f}%"


def humanize(value: Any) -> str:
    """An identifier from the game as words: ``estate_church`` → ``Estate church``."""
    if value is None:
        return DASH
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else DASH


def mark(value: Any) -> str:
    """✓ for passed/yes, ✗ for failed/no."""
    return "✓" if value else "✗"


# --- charts -----------------------------------------------------------------------------

PALETTE: Final = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
# A chart line of a player's country is wider (its colour is the country's, as elsewhere).
HIGHLIGHT_WIDTH: Final = 3.0


def hex_color(rgb: Any) -> str | None:
    """``#rrggbb`` of a payload colour ``[r, g, b]`` (0..255); None for anything else."""
    if not isinstance(rgb, (list, tuple)) or len(rgb) != 3:
        return None
    try:
        r, g, b = (min(max(int(c), 0), 255) for c in rgb)
    except (TypeError, ValueError):
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


def map_colors(analysis: Mapping[str, Any]) -> Mapping[str, Any]:
    """The save's map colour of each country (``analysis.map.colors``: tag -> [r, g, b]);
    empty for payloads stored before the map."""
    found = analysis.get("map")
    colors = found.get("colors") if isinstance(found, Mapping) else None
    return colors if isinstance(colors, Mapping) else {}


@jinja2.pass_context
def country_color(context: jinja2.runtime.Context, tag: Any) -> str | None:
    """``{{ tag | country_color }}``: the country's map colour in this save (the same in
    the map, the charts and the tables), None when the save has none for it."""
    analysis = context.get("analysis")
    if not isinstance(analysis, Mapping):
        return None
    return hex_color(map_colors(analysis).get(str(tag)))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (about ``count`` intervals)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while value < high + step * 0.5 and len(ticks) < 50:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _tick_label(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _year_ticks(first: int, last: int) -> list[int]:
    span = max(last - first, 1)
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        step = candidate
        if span / candidate <= 10:
            break
    start = math.ceil(first / step) * step
    return list(range(start, last + 1, step))


def line_chart(
    series: Sequence[Mapping[str, Any]],
    *,
    names: Mapping[str, Any] | None = None,
    limit: int = 10,
    highlight: Sequence[str] = (),
    colors: Mapping[str, Any] | None = None,
    width: int = 720,
    height: int = 300,
    table_rows: int = 80,
) -> dict[str, Any]:
    """The geometry of a yearly line chart (the ledgers' ``[{tag, points: [[year, value]]}]``):
    the ``limit`` countries with the highest last value, plus those in ``highlight``;
    polyline points, axis ticks and a data table (every year, or evenly spaced years when
    there are more than ``table_rows``). A line has its country's map colour (``colors``:
    tag -> [r, g, b]), else one of ``PALETTE``; the players' lines are wider."""
    usable = [s for s in series if s.get("points")]
    ranked = sorted(usable, key=lambda s: s["points"][-1][1], reverse=True)
    chosen = ranked[:limit]
    for tag in highlight:
        for s in usable:
            if s.get("tag") == tag and s not in chosen:
                chosen.append(s)
    if not chosen:
        return {"empty": True, "series": [], "width": width, "height": height}
    years = sorted({int(p[0]) for s in chosen for p in s["points"]})
    values = [float(p[1]) for s in chosen for p in s["points"]]
    # The x axis spans the points themselves: whole years for the ledgers, fractional
    # ones for dated saves (a playthrough's timeline).
    xs = [float(p[0]) for s in chosen for p in s["points"]]
    first, last = min(xs), max(xs)
    # The interactive chart's x values: the points' own, as the polylines draw them.
    at = sorted({p[0] for s in chosen for p in s["points"]})
    if last == first:
        last = first + 1
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    low, high = ticks[0], ticks[-1]
    left, right, top, bottom = 60, 12, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(year: float) -> float:
        return left + (year - first) / (last - first) * plot_w

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * plot_h

    out_series = []
    for index, s in enumerate(chosen):
        tag = str(s.get("tag"))
        emphasised = tag in highlight
        color = hex_color((colors or {}).get(tag)) or PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(p[0]):.1f},{y(p[1]):.1f}" for p in s["points"])
        row = (names or {}).get(tag)
        out_series.append(
            {
                "tag": tag,
                "name": (row or {}).get("name") if isinstance(row, Mapping) else None,
                "color": color,
                "width": HIGHLIGHT_WIDTH if emphasised else 1.5,
                "player": emphasised,
                "points": points,
                "single": len(s["points"]) == 1,
                "x": x(s["points"][0][0]),
                "y": y(s["points"][0][1]),
                "last": s["points"][-1][1],
                "values": _aligned(at, s["points"]),
            }
        )
    step = max(1, math.ceil(len(years) / table_rows))
    shown = years[::step]
    if shown[-1] != years[-1]:
        shown.append(years[-1])
    lookup = [{int(p[0]): p[1] for p in s["points"]} for s in chosen]
    rows = [[year, *[values.get(year) for values in lookup]] for year in shown]
    return {
        "empty": False,
        "width": width,
        "height": height,
        "plot": {"left": left, "top": top, "right": width - right, "bottom": height - bottom},
        "series": out_series,
        "yticks": [{"y": y(v), "label": _tick_label(v)} for v in ticks],
        "xticks": [{"x": x(t), "label": str(t)} for t in _year_ticks(math.ceil(first), years[-1])],
        "rows": rows,
        "every": step,
        "years": len(years),
        "at": at,
    }


def _aligned(at: Sequence[Any], points: Sequence[Sequence[Any]]) -> list[Any]:
    """A series' values at the chart's x values ``at`` (None where it has no point)."""
    found = {p[0]: p[1] for p in points}
    return [found.get(x) for x in at]


def _rounded(value: Any, digits: int) -> Any:
    # What ``num`` shows, so the interactive chart's hover reads as the data table does.
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if not math.isfinite(value):
        return None
    return round(value) if digits <= 0 else round(value, digits)


@jinja2.pass_context
def line_chart_data(
    context: jinja2.runtime.Context, chart: Mapping[str, Any], digits: int = 0
) -> dict[str, Any]:
    """The data of a ``line_chart`` for the interactive chart (app/static/charts.js draws
    it, the SVG staying as the fallback): the x values (``x``: the years of the ledgers,
    fractional ones for a playthrough's dated saves) and, per line, its country's name as
    the legend shows it, colour, width and values (rounded as the data table shows them).
    The partial emits it with ``tojson`` in a single-quoted ``data-chart`` attribute:
    ``tojson`` escapes ``<``, ``>``, ``&`` and ``'``, so a name from the file cannot end
    the attribute or the tag."""
    names = context.get("names")
    series = []
    for s in chart.get("series") or []:
        tag = str(s.get("tag"))
        shown = country_name(names, tag, s.get("name"))
        series.append(
            {
                "tag": tag,
                "label": tag if shown == tag else f"{shown} ({tag})",
                "color": s.get("color"),
                "width": s.get("width"),
                "player": bool(s.get("player")),
                "values": [_rounded(v, digits) for v in s.get("values") or []],
            }
        )
    return {
        "kind": "lines",
        "x_label": "Year",
        "x": list(chart.get("at") or []),
        "digits": digits,
        "series": series,
    }


def bar_chart_data(chart: Mapping[str, Any]) -> dict[str, Any]:
    """The data of a ``bar_chart`` (the development histogram) for the interactive chart:
    one bar per bucket, in order (``x`` their positions, ``x_names`` the buckets' labels,
    as the SVG and the data table name them); its colour is the page's accent (app.css)."""
    bars = chart.get("bars") or []
    return {
        "kind": "bars",
        "x_label": "Development",
        "x": list(range(len(bars))),
        "x_names": [bar.get("label") for bar in bars],
        "digits": 0,
        "series": [
            {
                "tag": None,
                "label": "Provinces",
                "color": None,
                "width": 0,
                "player": False,
                "values": [bar.get("count") for bar in bars],
            }
        ],
    }


def bar_chart(
    buckets: Sequence[Sequence[Any]], *, width: int = 720, height: int = 240
) -> dict[str, Any]:
    """Bars of the development distribution's ``[[low, high, count], ...]``."""
    if not buckets:
        return {"empty": True, "bars": [], "width": width, "height": height}
    counts = [int(b[2]) for b in buckets]
    ticks = nice_ticks(0, max(max(counts), 1), 4)
    high = ticks[-1]
    left, right, top, bottom = 48, 8, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(buckets)
    bars = []
    for index, (lo, hi, count) in enumerate((b[0], b[1], b[2]) for b in buckets):
        bar_h = count / high * plot_h
        bars.append(
            {
                "x": left + index * slot + slot * 0.1,
                "y": top + plot_h - bar_h,
                "width": slot * 0.8,
                "height": bar_h,
                "label": f"{lo}{DASH}{hi}",
                "label_x": left + index * slot + slot / 2,
                "count": count,
                "show_label": len(buckets) <= 24 or index % math.ceil(len(buckets) / 24) == 0,
            }
        )
    return {
        "empty": False,
        "width": width,
        "height": height,
        "plot": {"left": left, "top": top, "right": width - right, "bottom": height - bottom},
        "bars": bars,
        "yticks": [{"y": top + plot_h - v / high * plot_h, "label": _tick_label(v)} for v in ticks],
    }


# --- cross-country tables (economy, mana, ideas, health, efficiency) -----------------------


def _shown(analysis: Mapping[str, Any], view: Mapping[str, Any] | None) -> list[Any]:
    """The countries a cross-country table shows: the country filter's (``view``: the
    partials' checked view; None, every country)."""
    return shown_countries(analysis, view or {})


def _number(value: Any) -> float:
    """A payload number; 0 for anything else (the kernel may omit zero categories)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return value if math.isfinite(value) else 0


# The economy section's tables: view ``ledger`` -> (title, the ``Budget`` dict, its total
# field: None sums the categories).
BUDGET_TABLES: Final[Mapping[str, tuple[str, str, str | None]]] = {
    "income": ("Income by category, last month", "last_month_income", "last_month_income_total"),
    "expense": (
        "Expenses by category, last month",
        "last_month_expense",
        "last_month_expense_total",
    ),
    "total_expense": ("Total expenses since the start", "total_expense", None),
}
# How many columns of a category table show without "All columns": the largest.
PRIORITY_CATEGORIES: Final = 6


def _category_table(
    rows: Sequence[Mapping[str, Any]],
    values: Callable[[Mapping[str, Any]], Mapping[str, Any] | None],
    total: Callable[[Mapping[str, Any], Mapping[str, Any]], float],
) -> dict[str, Any]:
    """Rows ``{tag, name, total, <category>: value}`` of the countries in ``rows`` that
    ``values`` has data for, and the categories non-zero for one of them, the largest sum
    first (missing categories count 0)."""
    out: list[dict[str, Any]] = []
    sums: dict[str, float] = {}
    for country_row in rows:
        found = values(country_row)
        if found is None:
            continue
        cells = {str(k): _number(v) for k, v in found.items()}
        for key, value in cells.items():
            sums[key] = sums.get(key, 0) + abs(value)
        tag = country_row.get("tag")
        out.append(
            {
                **cells,
                "tag": tag,
                "name": country_row.get("name"),
                "total": total(country_row, cells),
            }
        )
    columns = [k for k, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])) if v]
    for row in out:
        for key in columns:
            row.setdefault(key, 0)
    return {"columns": columns, "rows": out, "priority": columns[:PRIORITY_CATEGORIES]}


def budget_table(
    analysis: Mapping[str, Any], ledger: str, view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One of ``BUDGET_TABLES`` over the shown countries that have a budget (``budgets``:
    the ledgers of the largest countries, the great powers and the players), unsorted:
    ``{title, columns, priority, rows}``."""
    title, field, total_field = BUDGET_TABLES[ledger]
    budgets = by_tag(analysis.get("budgets") or [])

    def values(row: Mapping[str, Any]) -> Mapping[str, Any] | None:
        budget = budgets.get(str(row.get("tag")))
        found = budget.get(field) if budget is not None else None
        return found if isinstance(found, Mapping) else None

    def total(row: Mapping[str, Any], cells: Mapping[str, float]) -> float:
        budget = budgets.get(str(row.get("tag"))) or {}
        given = budget.get(total_field) if total_field else None
        return _number(given) if given is not None else sum(cells.values())

    table = _category_table(_shown(analysis, view), values, total)
    table["title"] = title
    return table


MANA_KINDS: Final = ("adm", "dip", "mil")


def _mana_of(analysis: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(d.get("tag")): d.get("mana") or {} for d in analysis.get("details") or []}


def mana_table(
    analysis: Mapping[str, Any], view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Mana spent by the shown countries that have a detailed view (``details``), unsorted:
    rows ``{tag, name, adm, dip, mil, total, <category>: adm + dip + mil spent on it,
    share: {adm, dip, mil} of the largest total}`` and the categories spent on."""
    mana = _mana_of(analysis)

    def values(row: Mapping[str, Any]) -> Mapping[str, Any] | None:
        spent = mana.get(str(row.get("tag")))
        if spent is None:
            return None
        merged: dict[str, float] = {}
        for kind in MANA_KINDS:
            for key, value in (spent.get(kind) or {}).items():
                merged[key] = merged.get(key, 0) + _number(value)
        return merged

    def total(row: Mapping[str, Any], cells: Mapping[str, float]) -> float:
        spent = mana[str(row.get("tag"))]
        return sum(_number(spent.get(kind + "_total")) for kind in MANA_KINDS)

    table = _category_table(_shown(analysis, view), values, total)
    widest = max((row["total"] for row in table["rows"]), default=0) or 1
    for row in table["rows"]:
        spent = mana[str(row["tag"])]
        for kind in MANA_KINDS:
            row[kind] = _number(spent.get(kind + "_total"))
        row["share"] = {kind: row[kind] / widest for kind in MANA_KINDS}
    return table


def idea_popularity(
    analysis: Mapping[str, Any], view: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Per idea group (national ideas left out): how many shown countries took it
    (``taken``) and completed it (``completed``: 7 ideas), most taken first, with their
    share of the most taken (``share``, ``completed_share``) for the bars."""
    counts: dict[str, list[int]] = {}
    for row in _shown(analysis, view):
        for group in row.get("idea_groups") or []:
            if group.get("national"):
                continue
            name = str(group.get("name"))
            count = counts.setdefault(name, [0, 0])
            count[0] += 1
            count[1] += 1 if _number(group.get("ideas")) >= 7 else 0
    most = max((c[0] for c in counts.values()), default=0) or 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [
        {
            "name": name,
            "taken": taken,
            "completed": completed,
            "share": taken / most,
            "completed_share": completed / most,
        }
        for name, (taken, completed) in ordered
    ]


# The mana category of development clicks (kernel.eu4._mana's tables).
DEVELOP_MANA: Final = "develop_prov"


def dev_efficiency(
    analysis: Mapping[str, Any], view: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Development efficiency of the shown countries that developed a province: ``clicks``
    (their ``country_improve_count`` over every province, whoever owns it now),
    ``provinces`` (how many they developed), ``mana`` (adm + dip + mil spent on
    development: None without a detailed view) and ``per_click`` (mana / clicks), unsorted."""
    clicks: dict[str, int] = {}
    improved: dict[str, int] = {}
    for province in analysis.get("provinces") or []:
        for tag, count in (province.get("improvements") or {}).items():
            # A negative count (the modded corpus save's zombies take development away)
            # is no click.
            if _number(count) > 0:
                clicks[tag] = clicks.get(tag, 0) + int(count)
                improved[tag] = improved.get(tag, 0) + 1
    mana = _mana_of(analysis)
    out: list[dict[str, Any]] = []
    for row in _shown(analysis, view):
        tag = str(row.get("tag"))
        spent = mana.get(tag)
        dev_mana = (
            sum(_number((spent.get(kind) or {}).get(DEVELOP_MANA)) for kind in MANA_KINDS)
            if spent is not None
            else None
        )
        if not clicks.get(tag) and not dev_mana:
            continue
        count = clicks.get(tag, 0)
        out.append(
            {
                "tag": row.get("tag"),
                "name": row.get("name"),
                "clicks": count,
                "provinces": improved.get(tag, 0),
                "mana": dev_mana,
                "per_click": dev_mana / count if dev_mana is not None and count > 0 else None,
            }
        )
    return out


def _net_treasury(row: Mapping[str, Any]) -> Any:
    treasury = row.get("treasury")
    if not isinstance(treasury, (int, float)):
        return None
    return treasury - _number(row.get("debt"))


# The health grid's columns: (key, header, getter, higher is better, digits).
HEALTH_COLUMNS: Final[
    tuple[tuple[str, str, Callable[[Mapping[str, Any]], Any], bool, int], ...]
] = (
    ("monthly_income", "Income", lambda r: r.get("monthly_income"), True, 1),
    ("net_treasury", "Treasury - debt", _net_treasury, True, 0),
    ("development", "Dev", lambda r: r.get("development"), True, 0),
    ("inflation", "Inflation", lambda r: r.get("inflation"), False, 1),
    ("army_tradition", "Army trad.", lambda r: r.get("army_tradition"), True, 1),
    ("navy_tradition", "Navy trad.", lambda r: r.get("navy_tradition"), True, 1),
    ("manpower", "Manpower", lambda r: r.get("manpower"), True, 0),
    ("max_manpower", "Max manpower", lambda r: r.get("max_manpower"), True, 0),
    ("land_units", "Regiments", lambda r: r.get("land_units"), True, 0),
    ("naval_units", "Ships", lambda r: r.get("naval_units"), True, 0),
    ("stability", "Stability", lambda r: r.get("stability"), True, 0),
    ("adm_tech", "Adm tech", lambda r: r.get("adm_tech"), True, 0),
    ("dip_tech", "Dip tech", lambda r: r.get("dip_tech"), True, 0),
    ("mil_tech", "Mil tech", lambda r: r.get("mil_tech"), True, 0),
    ("ideas", "Ideas", lambda r: r.get("ideas"), True, 0),
    ("corruption", "Corruption", lambda r: r.get("corruption"), False, 1),
    ("prestige", "Prestige", lambda r: r.get("prestige"), True, 0),
)
_HEALTH_KEYS: Final = tuple(column[0] for column in HEALTH_COLUMNS)
# A cell's colour: one of this many classes, heat-0 (worst of the column) to heat-N-1
# (best); app.css gives them red to green backgrounds for the light and the dark theme.
HEAT_LEVELS: Final = 7


def health_order(hcols: Any) -> list[str]:
    """The health grid's column keys in the order of ``hcols`` (comma-separated keys):
    the known ones given first, once each, then the rest in the default order."""
    given = hcols.split(",") if isinstance(hcols, str) else []
    order = list(dict.fromkeys(k for k in given if k in _HEALTH_KEYS))
    return order + [k for k in _HEALTH_KEYS if k not in order]


def _health_order_key(hcols: Any) -> str:
    """The view's ``hcols`` for a column order: "" for the default order."""
    order = health_order(hcols)
    return "" if tuple(order) == _HEALTH_KEYS else ",".join(order)


def health_move_query(view: Mapping[str, Any], key: str, step: int) -> str:
    """The query of a "move left" (``step`` -1) / "move right" (+1) link of the health
    grid's column ``key``."""
    order = health_order(view.get("hcols"))
    at = order.index(key)
    to = min(max(at + step, 0), len(order) - 1)
    order[at], order[to] = order[to], order[at]
    return view_query(view, hcols=_health_order_key(",".join(order)))


def _heat(values: Sequence[Any], higher_better: bool) -> list[int | None]:
    """The heat level of each value by its rank in the column (ties share one; None for
    a missing value; every value equal: the middle level)."""
    present = sorted({v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)})
    if not higher_better:
        present.reverse()
    rank = {v: i for i, v in enumerate(present)}
    top = len(present) - 1
    out: list[int | None] = []
    for value in values:
        if value not in rank or isinstance(value, bool) or not isinstance(value, (int, float)):
            out.append(None)
        elif top == 0:
            out.append(HEAT_LEVELS // 2)
        else:
            out.append(round(rank[value] / top * (HEAT_LEVELS - 1)))
    return out


def health_grid(
    analysis: Mapping[str, Any], view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The health grid of the shown countries (largest development first): ``columns``
    ``[{key, header, digits, better}]`` in the view's order, ``rows`` ``[{tag, name,
    human, cells: [{value, heat}]}]``; a cell's ``heat`` ranks it within its column over
    every shown country (not only the page)."""
    order = health_order((view or {}).get("hcols"))
    spec = {column[0]: column for column in HEALTH_COLUMNS}
    rows = sorted_rows(_shown(analysis, view), "development", "desc")
    columns = []
    grid: list[list[dict[str, Any]]] = [[] for _ in rows]
    for key in order:
        _, header, get, higher, digits = spec[key]
        values = [get(row) for row in rows]
        columns.append({"key": key, "header": header, "digits": digits, "better": higher})
        for cells, value, heat in zip(grid, values, _heat(values, higher), strict=True):
            cells.append({"value": value, "heat": heat})
    return {
        "columns": columns,
        "rows": [
            {
                "tag": row.get("tag"),
                "name": row.get("name"),
                "human": row.get("human"),
                "cells": cells,
            }
            for row, cells in zip(rows, grid, strict=True)
        ],
    }


# --- CSV --------------------------------------------------------------------------------

LEDGER_CHARTS: Final = ("income", "nation_size", "score", "inflation")
_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return "" if value is None else value


def _country_header(names: Mapping[str, Mapping[str, str]] | None, tag: Any, saved: Any) -> str:
    shown = country_name(names, tag, saved) if names else str(tag)
    return str(tag) if shown == str(tag) else f"{shown} ({tag})"


CROSS_COUNTRY_CSV: Final = (
    *(f"{ledger}_table" for ledger in BUDGET_TABLES),
    "mana",
    "idea_groups",
    "health",
    "dev_efficiency",
)
CSV_CHARTS: Final = (*LEDGER_CHARTS, "development", *CROSS_COUNTRY_CSV)


def _rows_csv(
    writer: Any,
    names: Mapping[str, Mapping[str, str]] | None,
    rows: Iterable[Mapping[str, Any]],
    keys: Sequence[str],
) -> None:
    writer.writerow(["tag", "name", *keys])
    for row in rows:
        shown = country_name(names, row.get("tag"), row.get("name"))
        writer.writerow([_cell(row.get("tag")), _cell(shown), *(_cell(row.get(k)) for k in keys)])


def _cross_country_csv(
    writer: Any,
    analysis: Mapping[str, Any],
    chart: str,
    names: Mapping[str, Mapping[str, str]] | None,
    view: Mapping[str, Any] | None,
) -> None:
    """The tables of the economy, mana, ideas and health sections, every shown country in
    the tables' default order."""
    if chart.endswith("_table"):
        table = budget_table(analysis, chart.removesuffix("_table"), view)
        _rows_csv(
            writer, names, sorted_rows(table["rows"], "total", "desc"), ["total", *table["columns"]]
        )
    elif chart == "mana":
        mana = _mana_of(analysis)
        rows = sorted_rows(mana_table(analysis, view)["rows"], "total", "desc")
        spent = {
            kind: sorted(
                {k for r in rows for k, v in (mana[str(r["tag"])].get(kind) or {}).items() if v}
            )
            for kind in MANA_KINDS
        }
        flat = [
            {
                **r,
                **{
                    f"{kind}_{k}": (mana[str(r["tag"])].get(kind) or {}).get(k, 0)
                    for kind in MANA_KINDS
                    for k in spent[kind]
                },
            }
            for r in rows
        ]
        _rows_csv(
            writer,
            names,
            flat,
            [
                "adm",
                "dip",
                "mil",
                "total",
                *(f"{kind}_{k}" for kind in MANA_KINDS for k in spent[kind]),
            ],
        )
    elif chart == "dev_efficiency":
        rows = sorted_rows(dev_efficiency(analysis, view), "clicks", "desc")
        _rows_csv(writer, names, rows, ["clicks", "provinces", "mana", "per_click"])
    elif chart == "idea_groups":
        writer.writerow(["idea_group", "taken", "completed"])
        for group in idea_popularity(analysis, view):
            writer.writerow([_cell(group["name"]), group["taken"], group["completed"]])
    else:  # health: the default column order, the raw values
        grid = health_grid(analysis, {**(view or {}), "hcols": ""})
        keys = [column["key"] for column in grid["columns"]]
        flat = [
            {**row, **{k: c["value"] for k, c in zip(keys, row["cells"], strict=True)}}
            for row in grid["rows"]
        ]
        _rows_csv(writer, names, flat, keys)


def chart_csv(
    analysis: Mapping[str, Any],
    chart: str,
    names: Mapping[str, Mapping[str, str]] | None = None,
    view: Mapping[str, Any] | None = None,
) -> str:
    """The data of one chart as CSV: a ledger (``year`` then one column per country, every
    country of the ledger that the view's country filter shows, headed by its tag, or
    ``Name (TAG)`` when ``names`` or the save name it), the development distribution (of
    the provinces the shown countries own), or a cross-country table
    (``CROSS_COUNTRY_CSV``: the countries the view's filter shows).
    KeyError for other names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if chart in LEDGER_CHARTS:
        series = (analysis.get("ledgers") or {}).get(chart) or []
        series = shown_rows(series, shown_tags(analysis, analysis_view(view)))
        tags = [_country_header(names, s.get("tag"), s.get("name")) for s in series]
        table: dict[int, list[Any]] = {}
        for column, s in enumerate(series):
            for year, value in s.get("points") or []:
                table.setdefault(int(year), [None] * len(series))[column] = value
        writer.writerow(["year", *(_cell(t) for t in tags)])
        for year in sorted(table):
            writer.writerow([year, *(_cell(v) for v in table[year])])
    elif chart == "development":
        writer.writerow(["low", "high", "provinces"])
        shown = shown_tags(analysis, analysis_view(view))
        for low, high, count in development_of(analysis, shown).get("buckets") or []:
            writer.writerow([low, high, count])
    elif chart in CROSS_COUNTRY_CSV:
        _cross_country_csv(writer, analysis, chart, names, analysis_view(view))
    else:
        raise KeyError(chart)
    return out.getvalue()


# The Stellaris empires table (templates/analysis/_stellaris_empires.html.jinja2) as CSV:
# (header, path in an ``Empire`` row of kernel.stellaris.types.StellarisAnalysis).
STELLARIS_CSV: Final = "empires"
_EMPIRE_COLUMNS: Final = (
    ("id", ("id",)),
    ("name", ("name",)),
    ("type", ("type",)),
    ("player", ("player",)),
    ("player_name", ("player_name",)),
    ("capital", ("capital_name",)),
    ("systems", ("systems",)),
    ("planets", ("planets",)),
    ("pops", ("pops",)),
    ("fleet_power", ("fleet_power",)),
    ("economy_power", ("economy_power",)),
    ("tech_power", ("tech_power",)),
    ("energy", ("income", "energy")),
    ("minerals", ("income", "minerals")),
    ("food", ("income", "food")),
    ("alloys", ("income", "alloys")),
    ("consumer_goods", ("income", "consumer_goods")),
    ("influence", ("income", "influence")),
    ("unity", ("income", "unity")),
    ("physics_research", ("income", "physics_research")),
    ("society_research", ("income", "society_research")),
    ("engineering_research", ("income", "engineering_research")),
    ("research", ("income", "research")),
    ("technologies", ("technologies",)),
    ("federation", ("federation",)),
    ("victory_rank", ("victory_rank",)),
)


def stellaris_csv(stellaris: Mapping[str, Any]) -> str:
    """The empires table of a Stellaris analysis (the payload's ``stellaris``) as CSV: one
    row per empire, in the table's order (strongest fleet first), every column the payload
    has (the income columns: net monthly balance)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in _EMPIRE_COLUMNS])
    for row in stellaris.get("empires") or []:
        cells: list[Any] = []
        for _, path in _EMPIRE_COLUMNS:
            value: Any = row
            for key in path:
                value = value.get(key) if isinstance(value, Mapping) else None
            cells.append(_cell(value))
        writer.writerow(cells)
    return out.getvalue()


# --- games ---------------------------------------------------------------------------------

GAME_NAMES: Final[Mapping[str, str]] = {
    "eu4": "Europa Universalis IV",
    "ck3": "Crusader Kings III",
    "hoi4": "Hearts of Iron IV",
    "vic3": "Victoria 3",
    "imperator": "Imperator: Rome",
    "eu5": "Europa Universalis V",
    "stellaris": "Stellaris",
}


def game_name(game: Any) -> str:
    """``{{ save.game | game_name }}``: the game's full name ("Crusader Kings III"); a
    file no game claims is "Unknown game"."""
    return GAME_NAMES.get(str(game), "Unknown game")


# --- names (app.analysis.names.used_names): the ``names`` of the render context -------------


def country_name(used: Mapping[str, Mapping[str, str]] | None, tag: Any, saved: Any = None) -> str:
    """A country's name: the save's own (``saved``, when it is more than the tag), else the
    bundle's, else the tag."""
    tag_text = "" if tag is None else str(tag)
    if isinstance(saved, str) and saved and saved != tag_text:
        return saved
    if used:
        found = used.get("country", {}).get(tag_text)
        if found:
            return found
    return tag_text


def key_name(used: Mapping[str, Mapping[str, str]] | None, category: str, key: Any) -> str | None:
    """The bundle's name of ``key`` in ``category``; None when it has none."""
    if not used or not isinstance(key, str):
        return None
    return used.get(category, {}).get(key)


@jinja2.pass_context
def country(context: jinja2.runtime.Context, tag: Any, saved: Any = None) -> str:
    """``{{ tag | country(saved_name) }}``: the save's own name, else the game data's, else
    the tag."""
    return country_name(context.get("names"), tag, saved)


@jinja2.pass_context
def label(
    context: jinja2.runtime.Context, key: Any, category: str, fallback: str | None = None
) -> str:
    """``{{ key | label("religion") }}``: the game data's name of a key, else ``fallback``,
    else the key made readable (``humanize``)."""
    return key_name(context.get("names"), category, key) or fallback or humanize(key)


# --- one province (the map's province details) ---------------------------------------------


def game_date(days: Any) -> str:
    """``YYYY-MM-DD`` of a day count of the payload (``kernel.Date.days()``: the games'
    365-day calendar, from year 0); an en dash for anything else."""
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        return DASH
    year, rest = divmod(days, 365)
    month = 1
    while month < 12 and rest >= DAYS_BEFORE[month]:
        month += 1
    return f"{year:04d}-{month:02d}-{rest - DAYS_BEFORE[month - 1] + 1:02d}"


def find_province(analysis: Mapping[str, Any], pid: int) -> Mapping[str, Any] | None:
    """The payload's row of province ``pid`` (None: the save has no such province)."""
    for row in analysis.get("provinces") or []:
        if isinstance(row, Mapping) and row.get("id") == pid:
            return row
    return None


def province_history(analysis: Mapping[str, Any], pid: int) -> list[dict[str, Any]]:
    """The province's history as the payload keeps it (``map.provinces``: ``[day,
    province, field, value]``), in order: ``{day, date, field, value}``; ``date`` None
    for the entries the game started from (day 0)."""
    history = (analysis.get("map") or {}).get("provinces") or []
    out: list[dict[str, Any]] = []
    for entry in history:
        if isinstance(entry, Sequence) and len(entry) == 4 and entry[1] == pid:
            day, _, field, value = entry
            date = game_date(day) if day else None
            out.append({"day": day, "date": date, "field": field, "value": value})
    return out


# --- the environment ----------------------------------------------------------------------


def war_involves(war: Mapping[str, Any], tags: Iterable[Any]) -> bool:
    """Whether a country of ``tags`` (the players') takes part in ``war``."""
    mine = {str(t) for t in tags if t}
    return any(str(p.get("tag")) in mine for p in war.get("participants") or ())


def wars_in_order(wars: Sequence[Mapping[str, Any]], tags: Iterable[Any]) -> list[Any]:
    """The wars with a country of ``tags`` (the players') in them first, then the others,
    each group in the save's order (active first, as the payload lists them)."""
    tags = list(tags)
    first: list[Any] = []
    rest: list[Any] = []
    for war in wars:
        (first if war_involves(war, tags) else rest).append(war)
    return first + rest


FILTERS: Final[Mapping[str, Callable[..., Any]]] = {
    "num": num,
    "pct": pct,
    "humanize": humanize,
    "mark": mark,
    "country": country,
    "country_color": country_color,
    "country_href": country_href,
    "label": label,
    "game_name": game_name,
}
GLOBALS: Final[Mapping[str, Any]] = {
    "analysis_view": analysis_view,
    "view_query": view_query,
    "filter_query": filter_query,
    "sort_link_order": sort_link_order,
    "sort_query": sort_query,
    "page_query": page_query,
    "sorted_rows": sorted_rows,
    "paged": paged,
    "by_tag": by_tag,
    "line_chart": line_chart,
    "line_chart_data": line_chart_data,
    "map_colors": map_colors,
    "wars_in_order": wars_in_order,
    "war_involves": war_involves,
    "bar_chart": bar_chart,
    "bar_chart_data": bar_chart_data,
    "find_province": find_province,
    "province_history": province_history,
    "game_date": game_date,
    "shown_tags": shown_tags,
    "shown_countries": shown_countries,
    "shown_rows": shown_rows,
    "shown_wars": shown_wars,
    "filter_label": filter_label,
    "place_options": place_options,
    "geography": geography,
    "state_development": state_development,
    "treemap": treemap,
    "PALETTE": PALETTE,
    "player_tags": player_tags,
    "country_page": country_page,
    "development_of": development_of,
    "country_url": country_url,
    "reign_years": reign_years,
    "budget_categories": budget_categories,
    "mean": mean,
    "COUNTRY_FILTERS": COUNTRY_FILTERS,
    "HISTORY_GROUPS": HISTORY_GROUPS,
    "HISTORY_LABELS": HISTORY_LABELS,
    "HISTORY_PAGE": HISTORY_PAGE,
    "budget_table": budget_table,
    "mana_table": mana_table,
    "idea_popularity": idea_popularity,
    "health_grid": health_grid,
    "dev_efficiency": dev_efficiency,
    "health_move_query": health_move_query,
    "BUDGET_TABLES": BUDGET_TABLES,
    "COUNTRY_SORTS": COUNTRY_SORTS,
    "PROVINCE_SORTS": PROVINCE_SORTS,
    "EMPIRE_SORTS": EMPIRE_SORTS,
}


def configure_environment(env: jinja2.Environment) -> jinja2.Environment:
    """Register what the analysis partials use (the app's engine_callback calls this on
    Litestar's environment; ``render_analysis`` on a plain one)."""
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


_environments: dict[Path, jinja2.Environment] = {}


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    """A plain environment over ``templates`` (autoescape on, as Litestar's), configured
    by ``configure_environment``: for the browser and the tests, never the app. The
    partials come precompiled from ``COMPILED`` where it exists (the browser bundle)."""
    env = _environments.get(templates)
    if env is None:
        loader: jinja2.BaseLoader = jinja2.FileSystemLoader(templates)
        if templates == TEMPLATES and COMPILED.is_dir():
            loader = jinja2.ModuleLoader(COMPILED)
        env = _environments[templates] = _plain_environment(loader)
    return env


def _plain_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """The browser's environment: autoescape on (as Litestar's) and strict undefined,
    configured by ``configure_environment``. Compiling and rendering both use it, since
    autoescaping and the filters are fixed when a template is compiled."""
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    return configure_environment(env)


def compiled_partials(target: Path, templates: Path = TEMPLATES) -> list[Path]:
    """Compile the analysis partials of ``templates`` into Python modules in ``target``
    (what ``jinja2.ModuleLoader`` loads), with the environment the browser renders with."""
    _plain_environment(jinja2.FileSystemLoader(templates)).compile_templates(
        target,
        filter_func=lambda name: name.startswith(PARTIALS),
        zip=None,
        ignore_errors=False,
    )
    return sorted(target.glob("*.py"))


def render_analysis(
    payload: Mapping[str, Any],
    view: Mapping[str, Any] | None = None,
    *,
    template: str = ENTRY,
    templates: Path = TEMPLATES,
    names: Mapping[str, Mapping[str, str]] | None = None,
    gamedata: str | None = None,
) -> str:
    """The analysis partial (or ``template``, another one) for ``payload``: the browser's
    entry point, with exactly the inputs the server gives the same partials. ``names``:
    app.analysis.names.used_names of the payload; ``gamedata``: which data named it."""
    return (
        environment(templates)
        .get_template(template)
        .render(analysis=payload, view=view, names=names or {}, gamedata=gamedata)
    )


def render_province(
    payload: Mapping[str, Any],
    pid: int,
    view: Mapping[str, Any] | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
    *,
    templates: Path = TEMPLATES,
) -> str:
    """The province-details partial of province ``pid`` (the map's click): the browser's
    entry point, with the inputs the server's /saves/{id}/provinces/{pid} gives it."""
    return (
        environment(templates)
        .get_template(PROVINCE)
        .render(analysis=payload, view=view, names=names or {}, gamedata=None, pid=pid)
    )
