"""The cross-country tables of the save page (economy, mana, idea groups, health,
development efficiency), from the payload as plain data: the rows of the countries the
view's filter shows, their sorting keys and CSVs' cells.

Imports the standard library and the analysis' own helpers only (the browser's bundle
carries it); app.analysis.render registers these for the partials and writes their CSVs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from app.analysis.countries import shown_countries
from app.analysis.view import (
    BUDGET_TABLES,
    HEALTH_COLUMNS,
    by_tag,
    health_order,
    number_or_zero,
    sorted_rows,
)

# --- cross-country tables (economy, mana, ideas, health, efficiency) -----------------------


def _shown(analysis: Mapping[str, Any], view: Mapping[str, Any] | None) -> list[Any]:
    """The countries a cross-country table shows: the country filter's (``view``: the
    partials' checked view; None, every country)."""
    return shown_countries(analysis, view or {})


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
        cells = {str(k): number_or_zero(v) for k, v in found.items()}
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
        return number_or_zero(given) if given is not None else sum(cells.values())

    table = _category_table(_shown(analysis, view), values, total)
    table["title"] = title
    return table


MANA_KINDS: Final = ("adm", "dip", "mil")


def mana_of(analysis: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(d.get("tag")): d.get("mana") or {} for d in analysis.get("details") or []}


def mana_table(
    analysis: Mapping[str, Any], view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Mana spent by the shown countries that have a detailed view (``details``), unsorted:
    rows ``{tag, name, adm, dip, mil, total, <category>: adm + dip + mil spent on it,
    share: {adm, dip, mil} of the largest total}`` and the categories spent on."""
    mana = mana_of(analysis)

    def values(row: Mapping[str, Any]) -> Mapping[str, Any] | None:
        spent = mana.get(str(row.get("tag")))
        if spent is None:
            return None
        merged: dict[str, float] = {}
        for kind in MANA_KINDS:
            for key, value in (spent.get(kind) or {}).items():
                merged[key] = merged.get(key, 0) + number_or_zero(value)
        return merged

    def total(row: Mapping[str, Any], cells: Mapping[str, float]) -> float:
        spent = mana[str(row.get("tag"))]
        return sum(number_or_zero(spent.get(kind + "_total")) for kind in MANA_KINDS)

    table = _category_table(_shown(analysis, view), values, total)
    widest = max((row["total"] for row in table["rows"]), default=0) or 1
    for row in table["rows"]:
        spent = mana[str(row["tag"])]
        for kind in MANA_KINDS:
            row[kind] = number_or_zero(spent.get(kind + "_total"))
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
            count[1] += 1 if number_or_zero(group.get("ideas")) >= 7 else 0
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
            if number_or_zero(count) > 0:
                clicks[tag] = clicks.get(tag, 0) + int(count)
                improved[tag] = improved.get(tag, 0) + 1
    mana = mana_of(analysis)
    out: list[dict[str, Any]] = []
    for row in _shown(analysis, view):
        tag = str(row.get("tag"))
        spent = mana.get(tag)
        dev_mana = (
            sum(number_or_zero((spent.get(kind) or {}).get(DEVELOP_MANA)) for kind in MANA_KINDS)
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


# A cell's colour: one of this many classes, heat-0 (worst of the column) to heat-N-1
# (best); app.css gives them red to green backgrounds for the light and the dark theme.
HEAT_LEVELS: Final = 7


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
