"""What the map draws: ``MapLayers``, computed from an analysis and a game-data bundle.

One ``MapLayers`` serves the server's PNG renderer (``kernel.eu4.map.render``), the
browser's map (app/static/map/, as JSON: GET /saves/{id}/map.json, or the local-analysis
worker) and the province tooltips. Every colour decision is made here, in Python, once:
the renderers only look colours up by province id and draw stripes and borders the same
way (docs/map.md "Drawing").

Conventions: per-province lists are indexed by province id (length ``MapLayers.size``,
id 0 is "no province"); colours are ``0xRRGGBB`` ints, ``-1`` for "none" (no stripes);
countries are indices into ``MapLayers.countries``, ``-1`` for none; days are
``kernel.Date.days()``. Not compiled by mypyc (msgspec Structs).
"""

from __future__ import annotations

import msgspec


class MapCountry(msgspec.Struct, kw_only=True, frozen=True):
    tag: str
    name: str  # the save's own name, else the bundle's, else the tag
    color: int  # its map colour now
    player: bool  # a player's country (human or the save's player)
    great_power: bool
    overlord: int = -1
    subjects: list[int] = []
    allies: list[int] = []


class LegendEntry(msgspec.Struct, kw_only=True, frozen=True, array_like=True):
    """``[color, label, provinces]``: one key of a mode's legend (gradients: its stops,
    provinces 0)."""

    color: int
    label: str
    provinces: int


class MapMode(msgspec.Struct, kw_only=True, frozen=True):
    key: str  # "political", "religion", ... (MODES)
    label: str  # "Political"
    primary: list[int]  # per province id
    secondary: list[int]  # per province id: the stripes' colour, -1 for none
    values: list[str]  # per province id: the mode's value for the tooltip ("" for none)
    legend: list[LegendEntry]
    gradient: bool = False  # the legend is a gradient's stops, not categories


class Timeline(msgspec.Struct, kw_only=True, frozen=True):
    """The timelapse: events whose replay from an empty map gives the map at any day.

    State at day ``d`` = every event with ``day <= d`` applied in list order, starting
    from "nothing drawn". The events at ``start`` set every province (the map the game
    started from), so any ``d >= start`` has a complete map."""

    start: int  # the save's start date
    end: int  # the save's date
    # [day, province, owner, primary, secondary]: owner a country index or -1
    political: list[list[int]] = []
    # [day, province, primary, secondary]
    religion: list[list[int]] = []
    # [day, province, losses]: one per battle (both sides' losses)
    battles: list[list[int]] = []


class MapLayers(msgspec.Struct, kw_only=True, frozen=True):
    bundle: str  # the game-data bundle whose province image the ids refer to
    width: int  # that image's size
    height: int
    size: int  # the length of every per-province list: the largest id + 1
    date: str  # the save's date, "1600-01-01"
    names: list[str]  # per province id: the save's name, else the bundle's
    kinds: list[str]  # per province id: "land", "sea", "lake", "wasteland", "" (unknown)
    owner: list[int]  # per province id: country index or -1 (country borders)
    controller: list[int]
    countries: list[MapCountry]
    modes: list[MapMode]  # in MODES order, those the save and bundle allow
    timeline: Timeline
    unknown: list[int] = []  # province ids of the save that the bundle's map lacks
    notes: list[str] = []  # what a reader should know: "12 provinces are not on this map"
