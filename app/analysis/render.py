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

This module imports the standard library, Jinja2/MarkupSafe and its sibling modules only
(``view``: the view and its links; ``tables``: the cross-country tables; ``countries``:
the country filter and a country's page; ``geography``: the treemaps), so that the
browser can import them as they are. There is **one** Jinja environment in the app: Litestar's, and
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import jinja2
import jinja2.runtime

from app.analysis.countries import (
    FILTERS as COUNTRY_FILTERS,
)
from app.analysis.countries import (
    HISTORY_GROUPS,
    HISTORY_LABELS,
    HISTORY_PAGE,
    budget_categories,
    country_page,
    development_of,
    filter_label,
    game_date,
    mean,
    place_options,
    player_tags,
    reign_years,
    shown_countries,
    shown_rows,
    shown_tags,
    shown_wars,
)
from app.analysis.geography import geography, state_development, treemap
from app.analysis.tables import (
    MANA_KINDS,
    budget_table,
    dev_efficiency,
    health_grid,
    idea_popularity,
    mana_of,
    mana_table,
)
from app.analysis.view import (
    BUDGET_TABLES,
    COUNTRY_SORTS,
    EMPIRE_SORTS,
    PROVINCE_SORTS,
    analysis_view,
    by_tag,
    country_url,
    filter_query,
    health_move_query,
    page_query,
    paged,
    sort_link_order,
    sort_query,
    sorted_rows,
    view_query,
)

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


@jinja2.pass_context
def country_href(context: jinja2.runtime.Context, tag: Any) -> str:
    """``{{ tag | country_href }}``: ``country_url`` for the view the partials were
    rendered with (read from the render's context, as ``country`` reads ``names``)."""
    return country_url(context.get("view"), tag)


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
        mana = mana_of(analysis)
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
