"""The names of the keys one analysis payload uses (``used_names``): the join of a save's
keys with a bundle's ``Names``, for the app's pages, its API, the browser and
``python -m kernel analyze --gamedata``. Works on the payload as plain data (the decoded
JSON the server stores), so a stored analysis is named by whatever bundle exists when it
is shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from kernel.gamedata._bundle import Names

# Payload fields (of rows in the lists below) and the category of the key they hold.
_COUNTRY_FIELDS: Final = ("tag", "overlord", "owner", "controller", "country")
_KEY_FIELDS: Final = {
    "religion": "religion",
    "culture": "culture",
    "primary_culture": "culture",
    "trade_goods": "trade_good",
    "government": "government",
    "area": "area",
}
_KEY_LISTS: Final = {
    "reforms": "government_reform",
    "accepted_cultures": "culture",
    "buildings": "building",
}

Used = dict[str, dict[str, str]]


# Parts of the payload that hold numbers only (ledger points, histogram buckets, budgets'
# entries): most of its values, and no key to name. Not walked.
_NUMBERS: Final = frozenset(
    (
        "points",
        "buckets",
        "losses",
        "conditions",
        "mana",
        "last_month_income",
        "last_month_expense",
        "year_to_date_income",
        "year_to_date_expense",
        "last_year_income",
        "last_year_expense",
        "total_expense",
    )
)


def _walk(value: Any) -> Iterable[Mapping[str, Any]]:
    """Every mapping inside ``value`` (a decoded payload), iteratively, but for the
    number-only parts of ``_NUMBERS``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            yield item
            for key, inner in item.items():
                kind = type(inner)
                if (kind is dict or kind is list) and key not in _NUMBERS:
                    stack.append(inner)
        elif type(item) is list:
            for inner in item:
                kind = type(inner)
                if kind is dict or kind is list:
                    stack.append(inner)


def used_names(payload: Any, names: Names | None) -> Used:
    """``{category: {key: name}}`` for the keys of ``payload`` that ``names`` names
    (categories: ``country`` and those of kernel.gamedata.CATEGORIES); {} without names."""
    if names is None or not isinstance(payload, Mapping):
        return {}
    countries = names.countries
    keys = names.keys
    out: Used = {}

    def add(category: str, key: Any, table: Mapping[str, str] | None) -> None:
        if isinstance(key, str) and table is not None:
            name = table.get(key)
            if name:
                out.setdefault(category, {})[key] = name

    country_names = {tag: pair[0] for tag, pair in countries.items() if pair and pair[0]}
    # Names the save gives its countries (custom, colonial, formed): the countries table
    # and the detailed views (not other rows with a tag and a name: players, …).
    saved: dict[str, str] = {}
    for section in ("countries", "details"):
        for row in payload.get(section) or []:
            if isinstance(row, Mapping):
                tag, name = row.get("tag"), row.get("name")
                if isinstance(tag, str) and isinstance(name, str) and name and name != tag:
                    saved.setdefault(tag, name)
    for row in _walk(payload):
        for field in _COUNTRY_FIELDS:
            add("country", row.get(field), country_names)
        for field, category in _KEY_FIELDS.items():
            add(category, row.get(field), keys.get(category))
        for field, category in _KEY_LISTS.items():
            listed = row.get(field)
            if isinstance(listed, list):
                for key in listed:
                    add(category, key, keys.get(category))
        for side in ("attackers", "defenders"):
            tags = row.get(side)
            if isinstance(tags, list):
                for tag in tags:
                    add("country", tag, country_names)
        # Rows named by their key: idea groups ({name, ideas}) and estates ({type, …}).
        for field, key_field, category in (
            ("idea_groups", "name", "idea_group"),
            ("estates", "type", "estate"),
        ):
            listed = row.get(field)
            if isinstance(listed, list):
                for item in listed:
                    if isinstance(item, Mapping):
                        add(category, item.get(key_field), keys.get(category))
    # The geography of the save's provinces (Eu4Analysis.places): named by their keys.
    places = payload.get("places")
    if isinstance(places, Mapping):
        for field, category in (
            ("areas", "area"),
            ("regions", "region"),
            ("superregions", "superregion"),
            ("continents", "continent"),
        ):
            table = places.get(field)
            if isinstance(table, Mapping):
                for key in table:
                    add(category, key, keys.get(category))
    # The save's own names win, wherever a tag is shown.
    for tag in out.get("country", {}):
        if tag in saved:
            out["country"][tag] = saved[tag]
    return out
