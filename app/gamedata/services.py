"""Game data on the server: the bundles of ``Settings.gamedata_path``, the one chosen for a
save, its names in the reader's language.

Bundles are read from disk when first asked for and kept (they change only when the
operator imports again: the listing is read again when the directory changes). Names are
joined to a save's keys when its page or API answer is made, so a bundle added later
names every stored save without reprocessing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import kernel
from kernel.gamedata import (
    Manifest,
    MapInfo,
    Names,
    World,
    choose_bundle,
    list_bundles,
    read_map_info,
    read_names,
    read_world,
)

logger = logging.getLogger(__name__)

NAMES_KEPT: Final = 8  # (bundle, language) pairs held in memory per process
WORLDS_KEPT: Final = 4  # bundles whose world and map info are held (the maps read them)


class GameData:
    """The bundles of one directory, read on demand and cached (thread-safe: pages render
    in worker threads)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._bundles: list[Manifest] = []
        self._names: dict[tuple[str, str], Names] = {}
        self._worlds: dict[str, tuple[World, MapInfo]] = {}

    def bundles(self) -> list[Manifest]:
        """Every readable bundle (read again when the directory changed)."""
        try:
            stamp = os.stat(self.root).st_mtime
        except OSError:
            return []
        with self._lock:
            if stamp != self._stamp:
                self._bundles = list_bundles(str(self.root))
                self._stamp = stamp
                self._names.clear()
                self._worlds.clear()
            return list(self._bundles)

    def for_save(self, game: str, version: str, mods: Sequence[str]) -> Manifest | None:
        return choose_bundle(self.bundles(), game, version, mods)

    def bundle(self, bundle_id: str) -> Manifest | None:
        """The readable bundle ``bundle_id`` (the one an analysis was made with), if here."""
        return next((b for b in self.bundles() if b.id == bundle_id), None)

    def world(self, bundle: Manifest) -> tuple[World, MapInfo]:
        """The bundle's world and map info (what the map is computed from), read once.
        Raises kernel.KernelError when they cannot be read (or it has no map)."""
        with self._lock:
            found = self._worlds.get(bundle.id)
        if found is not None:
            return found
        root = str(self.root)
        found = (read_world(root, bundle.id), read_map_info(root, bundle.id))
        with self._lock:
            if len(self._worlds) >= WORLDS_KEPT:
                self._worlds.pop(next(iter(self._worlds)))
            self._worlds[bundle.id] = found
        return found

    def names(self, bundle: Manifest, language: str) -> Names | None:
        """The bundle's names in ``language`` (None: unreadable, logged)."""
        key = (bundle.id, language)
        with self._lock:
            found = self._names.get(key)
        if found is not None:
            return found
        try:
            found = read_names(str(self.root), bundle.id, language)
        except kernel.KernelError as exc:
            logger.error("game data: %s", exc)
            return None
        with self._lock:
            if len(self._names) >= NAMES_KEPT:
                self._names.pop(next(iter(self._names)))
            self._names[key] = found
        return found
