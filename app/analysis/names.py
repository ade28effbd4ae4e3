"""Names for the keys an analysis uses, from a game-data bundle (kernel.gamedata).

The stored payload holds keys (``SWE``, ``catholic``, ``quality_ideas``); the words come
from the bundle chosen for the save, joined when the payload is shown (so a bundle added
later names every stored save). ``used_names`` picks, for one payload, the names of the
keys it holds: ``{category: {key: name}}``, the ``names`` the partials render with, the
API returns beside the analysis and the CSV downloads add to their headers. Names a save
carries itself (custom and colonial nations, provinces) win over the bundle's. Showing a
name is app.analysis.render's (``country_name``, ``key_name``, the ``country`` and
``label`` filters): that module stays free of the kernel. Imports the kernel only (the
browser bundle carries this module).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from kernel.gamedata import Manifest, Names

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


def _walk(value: Any) -> Iterable[Mapping[str, Any]]:
    """Every mapping inside ``value`` (a decoded payload), iteratively."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (Mapping, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (Mapping, list)))


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
    # The save's own names win, wherever a tag is shown.
    for tag in out.get("country", {}):
        if tag in saved:
            out["country"][tag] = saved[tag]
    return out


# --- which bundle and language (the server's pages and the browser alike) -------------------

DEFAULT_LANGUAGE: Final = "english"
LANGUAGE_COOKIE: Final = "lang"
# Accept-Language codes of the languages EU4 ships (and a few more its mods add).
LANGUAGE_CODES: Final = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "pl": "polish",
    "ru": "russian",
    "pt": "braz_por",
    "ja": "japanese",
    "zh": "simp_chinese",
    "ko": "korean",
}


def language_for(
    bundle: Manifest, cookie: str | None, accept_language: str | None
) -> str:
    """The reader's language among the bundle's: the cookie's choice, else the best of
    Accept-Language, else English, else the bundle's first."""
    languages = bundle.languages
    if cookie in languages:
        return str(cookie)
    for code in _accepted(accept_language or ""):
        language = LANGUAGE_CODES.get(code)
        if language in languages:
            return str(language)
    if DEFAULT_LANGUAGE in languages or not languages:
        return DEFAULT_LANGUAGE
    return languages[0]


def _accepted(header: str) -> list[str]:
    """Accept-Language's primary codes, best first (``fr-CH, fr;q=0.9, en;q=0.8``)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code:
            ranked.append((-quality, position, code.split("-")[0].lower()))
    return [code for _, _, code in sorted(ranked)]


def save_identity(payload: Any) -> tuple[str, str, list[str]] | None:
    """(game, version, mod names) of a stored EU4 analysis payload; None for others."""
    if not isinstance(payload, Mapping) or "schema_version" not in payload:
        return None
    info = payload.get("info")
    if not isinstance(info, Mapping):
        return None
    version = info.get("version")
    if not isinstance(version, Mapping):
        return None
    parts = [version.get(key) for key in ("first", "second", "third")]
    text = ".".join(str(part) for part in parts if isinstance(part, int))
    mods = [
        str(mod.get("name"))
        for mod in info.get("mods") or []
        if isinstance(mod, Mapping) and mod.get("name")
    ]
    return "eu4", text, mods
