"""The partials' ``view``: how a payload is shown (sorts, pages, columns, the country
filter, which country's page, links) and the rows it pages and sorts.

``analysis_view`` checks a view given from anywhere (query parameters, the browser) and
fills in the defaults; ``view_query`` and friends make the links that carry it. Imports
the standard library and the analysis' own helpers only (the browser's bundle carries it);
app.analysis.render registers these for the partials.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from app.analysis.countries import HISTORY_GROUPS, chosen_tags, filter_kind, one_tag
from app.analysis.geography import geo_node

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
    out["country"] = one_tag(given.get("country"))
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
    clean = one_tag(tag)
    if not isinstance(href, str) or not href or not clean:
        return ""
    return href.replace("{tag}", clean)


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


# --- the cross-country tables' vocabulary (app.analysis.tables) -------------------------


def number_or_zero(value: Any) -> float:
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


def _net_treasury(row: Mapping[str, Any]) -> Any:
    treasury = row.get("treasury")
    if not isinstance(treasury, (int, float)):
        return None
    return treasury - number_or_zero(row.get("debt"))


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
