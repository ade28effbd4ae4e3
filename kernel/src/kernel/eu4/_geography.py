"""The game data an EU4 analysis uses: the bundle chosen for a save, its ``World`` made
ready for the achievement detectors, cached per process.

``load_geography(root, version, mods)`` chooses the bundle of ``root`` for the save
(``kernel.gamedata.choose_bundle``) and returns its ``Geography``: the province ids of
every area, region, superregion and continent, terrains, islands, culture groups and the
province list. A loaded ``Geography`` is kept in ``_LOADED`` by (directory, bundle id)
while its manifest is unchanged (a re-import gives a new manifest), so a server that
analyzes many saves reads and prepares each bundle once; the province lists a detector
asks for are computed on first use and kept with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from kernel.gamedata import Manifest, choose_bundle, list_bundles, read_world
from kernel.gamedata import World as GameWorld


class Geography:
    """A bundle's ``World`` as the detectors read it: province ids (ints) by name."""

    def __init__(self, root: str, manifest: Manifest, world: GameWorld) -> None:
        self.root = root
        self.manifest = manifest
        self.bundle_id = manifest.id
        self.label = manifest.label
        self.game = manifest.game
        self.version = manifest.version
        self.province_ids: set[int] = set()
        self.terrain: dict[int, str] = {}
        self.area_of: dict[int, str] = {}
        self.islands: list[int] = []
        for key, province in world.provinces.items():
            try:
                pid = int(key)
            except ValueError:
                continue
            self.province_ids.add(pid)
            if province.terrain:
                self.terrain[pid] = province.terrain
            if province.area:
                self.area_of[pid] = province.area
            if province.island:
                self.islands.append(pid)
        self.islands.sort()
        self.areas: dict[str, list[int]] = {}
        for name, members in world.areas.items():
            self.areas[name] = list(members)
        self.regions: dict[str, list[str]] = {}
        for name, names in world.regions.items():
            self.regions[name] = list(names)
        self.superregions: dict[str, list[str]] = {}
        for name, names in world.superregions.items():
            self.superregions[name] = list(names)
        self.continents: dict[str, list[int]] = {}
        for name, members in world.continents.items():
            self.continents[name] = list(members)
        self.culture_groups: dict[str, str] = dict(world.culture_groups)
        self.culture_group_names: set[str] = set(self.culture_groups.values())
        # Lists computed for the detectors on first use: "area:x", "region:x", ...
        self._memo: dict[str, list[int] | None] = {}

    # -- province lists ---------------------------------------------------------------

    def area(self, name: str) -> list[int] | None:
        """The provinces of an area (None: the bundle has no such area)."""
        return self.areas.get(name)

    def region(self, name: str) -> list[int] | None:
        key = "region:" + name
        if key in self._memo:
            return self._memo[key]
        found: list[int] | None = None
        areas = self.regions.get(name)
        if areas is not None:
            found = []
            for area in areas:
                members = self.areas.get(area)
                if members is not None:
                    found.extend(members)
        self._memo[key] = found
        return found

    def superregion(self, name: str) -> list[int] | None:
        key = "superregion:" + name
        if key in self._memo:
            return self._memo[key]
        found: list[int] | None = None
        regions = self.superregions.get(name)
        if regions is not None:
            found = []
            for region in regions:
                members = self.region(region)
                if members is not None:
                    found.extend(members)
        self._memo[key] = found
        return found

    def continent(self, name: str) -> list[int] | None:
        return self.continents.get(name)

    def union(self, key: str, areas: Sequence[str], regions: Sequence[str]) -> list[int] | None:
        """The provinces of several areas and regions, without repeats, kept under ``key``
        (None when the bundle lacks one of them)."""
        if key in self._memo:
            return self._memo[key]
        parts: list[list[int]] = []
        missing = False
        for name in regions:
            members = self.region(name)
            if members is None:
                missing = True
            else:
                parts.append(members)
        for name in areas:
            found = self.areas.get(name)
            if found is None:
                missing = True
            else:
                parts.append(found)
        out: list[int] | None = None
        if not missing:
            seen: set[int] = set()
            out = []
            for part in parts:
                for pid in part:
                    if pid not in seen:
                        seen.add(pid)
                        out.append(pid)
        self._memo[key] = out
        return out

    def with_terrain(self, continent: str, terrain: str) -> list[int] | None:
        """The provinces of a continent with the given terrain."""
        key = "terrain:" + continent + ":" + terrain
        if key in self._memo:
            return self._memo[key]
        members = self.continents.get(continent)
        found: list[int] | None = None
        if members is not None:
            found = []
            for pid in members:
                if self.terrain.get(pid) == terrain:
                    found.append(pid)
        self._memo[key] = found
        return found

    def in_culture_group(self, culture: str, group: str) -> bool:
        return culture != "" and self.culture_groups.get(culture) == group

    def known(self, key: str) -> bool:
        """Whether a list is kept under ``key`` (``remember``)."""
        return key in self._memo

    def recall(self, key: str) -> list[int] | None:
        return self._memo.get(key)

    def remember(self, key: str, provinces: list[int] | None) -> None:
        """Keep a list a detector computed, with this bundle (computed once per bundle)."""
        self._memo[key] = provinces

    def has_culture_group(self, group: str) -> bool:
        return group in self.culture_group_names


# (directory, bundle id) -> the prepared bundle
_LOADED: Final[dict[tuple[str, str], Geography]] = {}


def load_geography(root: str, version: str, mods: Sequence[str]) -> Geography | None:
    """The game data of ``root`` for an EU4 save of ``version`` with the mods named
    ``mods`` (None: no bundle fits). Raises ``KernelError`` for an unreadable bundle."""
    manifest = choose_bundle(list_bundles(root), "eu4", version, mods)
    if manifest is None:
        return None
    key = (root, manifest.id)
    cached = _LOADED.get(key)
    if cached is not None and cached.manifest == manifest:
        return cached
    geography = Geography(root, manifest, read_world(root, manifest.id))
    _LOADED[key] = geography
    return geography


def forget_loaded() -> None:
    """Drop every cached bundle (tests; an operator's re-import changes the manifest)."""
    _LOADED.clear()
