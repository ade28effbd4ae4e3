"""Development by geography, from the EU4 payload as plain data: the treemaps of the
save page (continent → superregion → region → area → province) and of a country's page
(its development by state), drawn as SVG rectangles by the partials.

The geography is the payload's ``places`` (the game-data bundle's, kept to the save's
provinces): without game data there is nothing to draw. Like app.analysis.countries, it
imports the standard library only (the browser's bundle carries it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

_NODE: Final = re.compile(r"(continent|superregion|region|area):[a-z0-9_]{1,80}")
OTHER: Final = "other"  # provinces of a level's node that no child of the bundle holds


def geo_node(value: Any) -> str:
    """``geo`` made safe: "" (the world) or ``<level>:<key>``."""
    return value if isinstance(value, str) and _NODE.fullmatch(value) else ""


class _Tree:
    """The payload's places as a tree of province sets."""

    def __init__(self, places: Mapping[str, Any]) -> None:
        self.areas: dict[str, list[int]] = dict(places.get("areas") or {})
        self.regions: dict[str, list[str]] = dict(places.get("regions") or {})
        self.superregions: dict[str, list[str]] = dict(places.get("superregions") or {})
        self.continents: dict[str, list[int]] = dict(places.get("continents") or {})
        self.continent_of: dict[int, str] = {}
        for name, members in self.continents.items():
            for pid in members:
                self.continent_of[pid] = name

    def provinces(self, level: str, key: str) -> list[int]:
        if level == "area":
            return list(self.areas.get(key) or ())
        if level == "region":
            return [p for area in self.regions.get(key) or () for p in self.areas.get(area) or ()]
        if level == "superregion":
            return [
                p for r in self.superregions.get(key) or () for p in self.provinces("region", r)
            ]
        if level == "continent":
            return list(self.continents.get(key) or ())
        return [p for members in self.continents.values() for p in members]

    def children(self, level: str, key: str) -> list[tuple[str, str]]:
        """(level, key) of the node's children: a continent's superregions (those whose
        provinces lie mostly on it), a superregion's regions, a region's areas."""
        if level == "world":
            return [("continent", name) for name in self.continents]
        if level == "continent":
            out = []
            for name in self.superregions:
                provinces = self.provinces("superregion", name)
                if provinces and _most(self.continent_of.get(p) for p in provinces) == key:
                    out.append(("superregion", name))
            return out
        if level == "superregion":
            return [("region", name) for name in self.superregions.get(key) or ()]
        if level == "region":
            return [("area", name) for name in self.regions.get(key) or ()]
        return []


def _most(values: Iterable[str | None]) -> str | None:
    counts: dict[str | None, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else None


def geography(
    analysis: Mapping[str, Any], node: str, shown: frozenset[str] | None
) -> dict[str, Any] | None:
    """The treemap of ``node`` (``geo``: "" the world, else ``<level>:<key>``): its
    children with the development of their provinces (owned by a country the filter
    shows: ``shown``; None every owner), the path to it, and its totals (every province,
    the shown countries', the uncolonised). None without the payload's places."""
    places = analysis.get("places")
    if not isinstance(places, Mapping) or not places.get("continents"):
        return None
    tree = _Tree(places)
    level, _, key = node.partition(":") if node else ("world", "", "")
    rows = {row["id"]: row for row in analysis.get("provinces") or [] if isinstance(row, Mapping)}

    def development(provinces: Iterable[int]) -> float:
        total = 0.0
        for pid in provinces:
            row = rows.get(pid)
            if row and row.get("owner") and (shown is None or row["owner"] in shown):
                total += row.get("development") or 0.0
        return total

    mine = tree.provinces(level, key)
    children: list[dict[str, Any]] = []
    covered: set[int] = set()
    kids = tree.children(level, key)
    for kid_level, kid_key in kids:
        provinces = tree.provinces(kid_level, kid_key)
        covered.update(provinces)
        value = development(provinces)
        if value > 0:
            children.append({"level": kid_level, "key": kid_key, "value": value})
    if level == "area" or not kids:
        for pid in mine:  # an area's provinces, the leaves
            value = development((pid,))
            if value > 0:
                name = rows[pid].get("name") or str(pid)
                children.append(
                    {"level": "province", "key": str(pid), "name": name, "value": value}
                )
    else:
        rest = development(p for p in mine if p not in covered)
        if rest > 0:
            children.append({"level": OTHER, "key": OTHER, "value": rest})
    children.sort(key=lambda child: -child["value"])
    unowned = sum(
        (rows[p].get("development") or 0.0) for p in mine if p in rows and not rows[p].get("owner")
    )
    return {
        "level": level,
        "key": key,
        "path": _path(tree, level, key),
        "children": children,
        "total": sum(child["value"] for child in children),
        "world": sum((rows[p].get("development") or 0.0) for p in mine if p in rows),
        "uncolonised": unowned,
    }


def _path(tree: _Tree, level: str, key: str) -> list[tuple[str, str]]:
    """The nodes from the world down to ``(level, key)``, as (level, key): the region
    holding an area, the superregion holding a region, and the continent most of the
    topmost one's provinces lie on."""
    if level == "world":
        return []
    path = [(level, key)]
    if level == "area":
        region = _holder(tree.regions, key)
        if region is not None:
            path.insert(0, ("region", region))
            level, key = "region", region
    if level == "region":
        superregion = _holder(tree.superregions, key)
        if superregion is not None:
            path.insert(0, ("superregion", superregion))
            level, key = "superregion", superregion
    if level != "continent":
        continent = _most(tree.continent_of.get(p) for p in tree.provinces(level, key))
        if continent is not None:
            path.insert(0, ("continent", continent))
    return path


def _holder(groups: Mapping[str, Sequence[str]], member: str) -> str | None:
    return next((name for name, members in groups.items() if member in members), None)


def state_development(analysis: Mapping[str, Any], tag: str) -> list[dict[str, Any]]:
    """The country's development by area (its states and territories): ``{key, value,
    provinces, state, prosperity}``, largest first; [] without the payload's places."""
    places = analysis.get("places")
    if not isinstance(places, Mapping):
        return []
    area_of: dict[int, str] = {}
    for name, members in (places.get("areas") or {}).items():
        for pid in members:
            area_of[pid] = name
    details = next(
        (
            d
            for d in analysis.get("details") or []
            if isinstance(d, Mapping) and d.get("tag") == tag
        ),
        {},
    )
    states = {s.get("area"): s.get("prosperity") for s in details.get("states") or []}
    out: dict[str, dict[str, Any]] = {}
    for row in analysis.get("provinces") or []:
        if row.get("owner") != tag:
            continue
        area = area_of.get(row.get("id"), OTHER)
        item = out.setdefault(
            area,
            {
                "key": area,
                "value": 0.0,
                "provinces": 0,
                "state": area in states,
                "prosperity": states.get(area),
            },
        )
        item["value"] += row.get("development") or 0.0
        item["provinces"] += 1
    return sorted(out.values(), key=lambda item: -item["value"])


# --- the treemap's rectangles ------------------------------------------------------------------


def treemap(
    items: Sequence[Mapping[str, Any]], width: float = 720, height: float = 360
) -> list[dict[str, Any]]:
    """Rectangles for ``items`` (largest first, each with a positive ``value``), their
    areas proportional to the values, as square as the squarified layout makes them
    (Bruls, Huizing, van Wijk): ``{x, y, w, h, item}`` for each."""
    total = sum(float(item["value"]) for item in items)
    if total <= 0:
        return []
    scale = width * height / total
    queue = [(float(item["value"]) * scale, item) for item in items]
    out: list[dict[str, Any]] = []
    x, y, w, h = 0.0, 0.0, float(width), float(height)
    row: list[tuple[float, Mapping[str, Any]]] = []
    while queue:
        side = min(w, h)
        candidate = [*row, queue[0]]
        if not row or _worst(candidate, side) <= _worst(row, side):
            row = candidate
            queue.pop(0)
            continue
        x, y, w, h = _lay(row, x, y, w, h, out)
        row = []
    if row:
        _lay(row, x, y, w, h, out)
    return out


def _worst(row: Sequence[tuple[float, Any]], side: float) -> float:
    areas = [area for area, _ in row]
    total = sum(areas)
    if total <= 0 or side <= 0:
        return float("inf")
    return max(
        max(side * side * a / (total * total), total * total / (side * side * a))
        for a in areas
        if a > 0
    )


def _lay(
    row: Sequence[tuple[float, Mapping[str, Any]]],
    x: float,
    y: float,
    w: float,
    h: float,
    out: list[dict[str, Any]],
) -> tuple[float, float, float, float]:
    """Lay ``row`` along the shorter side of the free rectangle; what is left of it."""
    total = sum(area for area, _ in row)
    if w >= h:  # a column at the left
        thick = total / h if h else 0.0
        offset = y
        for area, item in row:
            length = area / thick if thick else 0.0
            out.append({"x": x, "y": offset, "w": thick, "h": length, "item": item})
            offset += length
        return x + thick, y, w - thick, h
    thick = total / w if w else 0.0  # a row at the top
    offset = x
    for area, item in row:
        length = area / thick if thick else 0.0
        out.append({"x": offset, "y": y, "w": length, "h": thick, "item": item})
        offset += length
    return x, y + thick, w, h - thick
