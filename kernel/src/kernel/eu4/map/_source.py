"""What the analysis keeps for the map (``Eu4Analysis.map``): country colours, the
province histories' owner/controller/religion/culture entries, the country-history events
the timelapse replays, subjects and allies.

Read during ``analyze`` from sections it already has; nothing here is read again later
(the layers, ``kernel.eu4.map._layers``, work from the payload alone).
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container, Value
from kernel.eu4._countries import CountryData
from kernel.eu4._diplomacy import Dependency
from kernel.eu4._provinces import province_id
from kernel.eu4._read import DATE_FIRST, container_of, dated, ints, opt_text, parse_date_key
from kernel.eu4.types import CountryChange, MapHistory, ProvinceChange

# The province-history fields the map replays.
_FIELDS: Final = frozenset(("owner", "controller", "religion", "culture"))
# The country-history events it replays.
_COUNTRY_EVENTS: Final = frozenset(("changed_tag_from", "changed_country_mapcolor_from"))


def map_history(
    provinces: list[ProvinceChange],
    countries: dict[str, CountryData],
    diplomacy: Container | None,
    dependencies: list[Dependency],
) -> MapHistory:
    subjects: dict[str, list[str]] = {}
    for dep in dependencies:
        subjects.setdefault(dep.first, []).append(dep.second)
    return MapHistory(
        colors=country_colors(countries),
        provinces=provinces,
        countries=country_changes(countries),
        subjects=subjects,
        allies=alliances(diplomacy),
    )


def country_colors(countries: dict[str, CountryData]) -> dict[str, list[int]]:
    """Tag -> ``colors.map_color`` (every country of the save, dead ones too: the timelapse
    draws them)."""
    out: dict[str, list[int]] = {}
    for tag, country in countries.items():
        block = container_of(country.get("colors"))
        if block is None:
            continue
        rgb = _rgb(block.get("map_color"))
        if rgb is not None:
            out[tag] = rgb
    return out


def _rgb(value: Value | None) -> list[int] | None:
    parts = ints(value)
    if len(parts) != 3:
        return None
    out: list[int] = []
    for part in parts:
        out.append(min(max(part, 0), 255))
    return out


def province_changes(section: Container | None) -> list[ProvinceChange]:
    """Every owner/controller/religion/culture entry of every province's history, by day
    (undated setup entries: day 0), then in the save's order."""
    out: list[ProvinceChange] = []
    if section is None:
        return out
    for key, value in section.pairs():
        pid = province_id(key)
        province = container_of(value)
        if pid is None or province is None:
            continue
        history = container_of(province.get("history"))
        if history is None:
            continue
        for field, item in history.select(_FIELDS, DATE_FIRST):
            if field in _FIELDS:
                _add(out, 0, pid, field, item)
                continue
            when = parse_date_key(field)
            block = container_of(item) if when is not None else None
            if when is None or block is None:
                continue
            day = when.days()
            for name, entry in block.select(_FIELDS):
                _add(out, day, pid, name, entry)
    out.sort(key=_change_day)
    return out


def _change_day(change: ProvinceChange) -> int:
    return change.day


def _add(out: list[ProvinceChange], day: int, pid: int, field: str, value: Value) -> None:
    if field == "controller":
        block = container_of(value)  # ``controller={ tag="SWE" }``; plain text in old saves
        text = opt_text(block.get("tag")) if block is not None else opt_text(value)
    else:
        text = opt_text(value)
    if text is None:
        return
    if text == "---":
        text = ""
    out.append(ProvinceChange(day=day, province=pid, field=field, value=text))


def country_changes(countries: dict[str, CountryData]) -> list[CountryChange]:
    """Tag switches (``changed_tag_from``) and map-colour changes
    (``changed_country_mapcolor_from``) of every country's history, by day."""
    out: list[CountryChange] = []
    for tag, country in countries.items():
        history = container_of(country.get("history"))
        if history is None:
            continue
        for when, block in dated(history):
            day = when.days()
            for name, entry in block.select(_COUNTRY_EVENTS):
                if name == "changed_tag_from":
                    old = opt_text(entry)
                    if old is not None and old != tag:
                        out.append(CountryChange(day=day, tag=tag, field="tag", value=old))
                elif name == "changed_country_mapcolor_from":
                    rgb = _rgb(entry)
                    if rgb is not None:
                        value = f"{rgb[0]} {rgb[1]} {rgb[2]}"
                        out.append(CountryChange(day=day, tag=tag, field="color", value=value))
    out.sort(key=_country_day)
    return out


def _country_day(change: CountryChange) -> int:
    return change.day


def alliances(section: Container | None) -> dict[str, list[str]]:
    """``alliance={ first=… second=… }`` entries, both ways."""
    out: dict[str, list[str]] = {}
    if section is None:
        return out
    for value in section.get_all("alliance"):
        block = container_of(value)
        if block is None:
            continue
        first = opt_text(block.get("first"))
        second = opt_text(block.get("second"))
        if first is None or second is None or first == second:
            continue
        out.setdefault(first, []).append(second)
        out.setdefault(second, []).append(first)
    return out
