"""A save's map on the server: its layers (``kernel.eu4.map.layers``) from the stored
payload and the game-data bundle the analysis was made with, and its pictures (the full
map, the OpenGraph image) drawn by ``kernel.eu4.map.render``.

- Layers are computed once per stored analysis, bundle and language and kept in the
  per-process analysis cache (app.saves.analysis_cache), with their JSON (plain and
  gzip-compressed) and its digest, the map's version: every picture's cache key and ETag
  starts with it, so a reprocessed save, a bundle imported again or a new kernel draw anew.
- Pictures are kept on local disk, ``<VAR_DIR>/cache/maps/<save>/<version>-<key>.png``:
  written once (atomically), then served from the file. Writing a picture removes the
  save's pictures of other map versions; deleting a save removes its folder. The cache
  can be deleted at any time: a picture is drawn again when asked for.
- Computing and drawing run in worker threads, one at a time per process (a capacity
  limiter): numpy and zlib release the GIL for the pixel work, so the event loop keeps
  serving; the kernel's process pool (app.saves.pool) is left to uploads, and would have
  to receive the payload and the 23 MB index image for every job.

Nothing here is a request or a response: ``MapUnavailable`` carries the status and the
message the controllers answer with.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

import anyio
import msgspec

import kernel
from app.analysis.names import language_for
from app.gamedata.services import GameData
from app.saves.analysis_cache import AnalysisCache
from kernel import Date
from kernel.eu4.map import MapLayers, layers
from kernel.eu4.map.render import (
    MAX_SCALE,
    MIN_SCALE,
    IndexImage,
    check,
    focus,
    og_image,
    png,
    read_image,
)
from kernel.eu4.types import Eu4Analysis
from kernel.gamedata import Manifest

logger = logging.getLogger(__name__)

T = TypeVar("T")
Drawing = Callable[[], bytes]  # a picture's PNG, drawn when called (in a worker thread)

IMAGES_KEPT: Final = 2  # index images in memory (5632x2048 u16: 23 MB each)
LAYERS_FACTOR: Final = 4  # bytes a decoded MapLayers takes per byte of its JSON (about)
GZIP_LEVEL: Final = 6


class MapUnavailable(Exception):
    """No map for this save or this request: ``status`` (4xx) and a message for people."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class MapEntry(NamedTuple):
    """A save's layers as computed once: the object, its JSON and the map's version."""

    layers: MapLayers
    json: bytes
    gzip: bytes
    digest: str  # of the JSON: the ETag of map.json, the start of every picture's key


class Picture(NamedTuple):
    """What a picture request asks for, checked: the cache key is made of it."""

    mode: str
    scale: float
    day: int | None
    focus: tuple[str, ...]


def bundle_id(analysis: Any) -> str | None:
    """The game-data bundle a stored EU4 payload was analysed with (None: without)."""
    used = analysis.get("gamedata") if isinstance(analysis, dict) else None
    found = used.get("id") if isinstance(used, dict) else None
    return found if isinstance(found, str) and found else None


def needs_gamedata(analysis: Any) -> str:
    """What to say when the analysis was made without game data."""
    version = (analysis.get("info") or {}).get("version") or {}
    numbers = ".".join(str(version.get(k, 0)) for k in ("first", "second", "third"))
    return (
        f"The map needs the game data of EU4 {numbers}: an admin imports it with "
        "'python -m app gamedata import GAME_DIR', then reprocesses this save."
    )


class Maps:
    """Layers and pictures of saves' maps (thread-safe where it is used from threads)."""

    def __init__(self, gamedata: GameData, cache: AnalysisCache, folder: Path) -> None:
        self.gamedata = gamedata
        self.cache = cache
        self.folder = folder  # <VAR_DIR>/cache/maps
        self._images: dict[str, IndexImage] = {}
        self._lock = threading.Lock()
        self._limiter: anyio.CapacityLimiter | None = None

    # --- which bundle -----------------------------------------------------------------------

    def bundle_for(self, analysis: Any) -> Manifest:
        """The bundle with the map of this stored EU4 payload; MapUnavailable (404) with
        the reason otherwise."""
        wanted = bundle_id(analysis)
        if wanted is None:
            raise MapUnavailable(needs_gamedata(analysis))
        bundle = self.gamedata.bundle(wanted)
        if bundle is None:
            raise MapUnavailable(
                f"The game data this save was analysed with ({wanted}) is not on this site "
                "any more: an admin imports it again, or reprocesses the save."
            )
        if not bundle.has_map:
            raise MapUnavailable(
                f"The game data {bundle.label} has no map: an admin imports the game again."
            )
        return bundle

    def size_for(self, analysis: Any) -> tuple[int, int] | None:
        """(width, height) of the map the save page shows; None when it cannot be drawn
        (the page then says why, and nothing else changes)."""
        try:
            bundle = self.bundle_for(analysis)
            _, info = self.gamedata.world(bundle)
        except (MapUnavailable, kernel.KernelError):
            return None
        return info.width, info.height

    # --- layers -----------------------------------------------------------------------------

    async def entry(
        self,
        key: Any,
        analysis: Any,
        cookie: str | None = None,
        accept_language: str | None = None,
    ) -> MapEntry:
        """The layers of the stored payload ``analysis`` (``key``: its analysis-cache key)
        in the reader's language, computed once. MapUnavailable when there is no map."""
        bundle = self.bundle_for(analysis)
        language = language_for(bundle, cookie, accept_language)
        cache_key = ("map", *key[1:], bundle.id, language)
        found = self.cache.get(cache_key)
        if isinstance(found, MapEntry):
            return found
        entry = await self.run(self._compute, analysis, bundle, language)
        self.cache.put(cache_key, entry, len(entry.json) * LAYERS_FACTOR + len(entry.gzip))
        return entry

    def _compute(self, analysis: Any, bundle: Manifest, language: str) -> MapEntry:
        try:
            typed = msgspec.convert(analysis, Eu4Analysis)
        except msgspec.ValidationError:
            raise MapUnavailable(
                "This save's analysis was stored by an older version: an admin reprocesses "
                "it to show its map."
            ) from None
        try:
            world, info = self.gamedata.world(bundle)
        except kernel.KernelError as exc:
            logger.error("map: %s", exc)
            raise MapUnavailable(f"The game data {bundle.label} cannot be read.") from None
        names = self.gamedata.names(bundle, language)
        try:
            computed = layers(typed, world=world, names=names, info=info, bundle=bundle.id)
        except Exception:  # a kernel bug must not take the page down: logged, then a 404
            logger.exception("map: the layers of a save on %s failed", bundle.id)
            raise MapUnavailable("The map of this save cannot be drawn.") from None
        body = msgspec.json.encode(computed)
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        return MapEntry(computed, body, gzip.compress(body, GZIP_LEVEL, mtime=0), digest)

    # --- pictures ---------------------------------------------------------------------------

    def picture(
        self,
        entry: MapEntry,
        *,
        mode: str | None,
        scale: str | None,
        date: str | None,
        country: str | None,
    ) -> Picture:
        """The query of a map picture, checked (MapUnavailable 400 with what is wrong)."""
        chosen = mode or "political"
        try:
            value = float(scale) if scale else 1.0
        except ValueError:
            raise MapUnavailable(f"scale {scale!r} is not a number", 400) from None
        if not MIN_SCALE <= value <= MAX_SCALE:
            raise MapUnavailable(
                f"scale {value:g} is not between {MIN_SCALE:g} and {MAX_SCALE:g}", 400
            )
        day = None
        if date:
            parsed = Date.parse(date.replace("-", "."))
            if parsed is None:
                raise MapUnavailable(f"date {date!r} is not a date like 1600-01-01", 400)
            day = parsed.days()
        layers = entry.layers
        try:
            tags = tuple(focus(layers, country)) if country else ()
            check(layers, chosen, day)
        except kernel.KernelError as exc:
            raise MapUnavailable(str(exc), 400) from None
        return Picture(chosen, round(value, 4), day, tags)

    @staticmethod
    def picture_key(entry: MapEntry, what: str) -> str:
        """The cache key and ETag of one picture of this map version."""
        # The map's version first: pictures of older versions are told apart and pruned.
        hashed = hashlib.blake2b(f"{entry.digest}/{what}".encode(), digest_size=12).hexdigest()
        return f"{entry.digest}-{hashed}"

    def map_picture(self, entry: MapEntry, picture: Picture) -> tuple[str, Drawing]:
        """(cache key, drawing) of a map picture; ``file`` draws it when not kept yet."""
        what = "map/{}/{:g}/{}/{}".format(
            picture.mode, picture.scale, picture.day, ",".join(picture.focus)
        )

        def draw() -> bytes:
            return png(
                entry.layers,
                self.image(entry.layers.bundle),
                mode=picture.mode,
                day=picture.day,
                scale=picture.scale,
                highlight=picture.focus,
            )

        return self.picture_key(entry, what), draw

    def og_picture(self, entry: MapEntry) -> tuple[str, Drawing]:
        """(cache key, drawing) of the 1200x630 OpenGraph image."""

        def draw() -> bytes:
            return og_image(entry.layers, self.image(entry.layers.bundle))

        return self.picture_key(entry, "og"), draw

    async def file(self, save_id: str, key: str, draw: Drawing, area: str = "") -> Path:
        """The kept picture ``key`` of the save, drawn (off the event loop) and written
        first when it is not on disk. MapUnavailable when it cannot be drawn. ``area``: a
        subfolder for pictures that are not of the map (the summary card), so that each
        kind prunes only its own older versions."""
        folder = self.folder / save_id / area
        path = folder / f"{key}.png"
        if path.is_file():
            return path

        def make() -> Path:
            if path.is_file():  # drawn by a request that waited for the limiter before us
                return path
            try:
                data = draw()
            except kernel.KernelError as exc:
                logger.error("map: %s", exc)
                raise MapUnavailable(f"The map cannot be drawn: {exc}") from None
            _write(folder, path, data)
            _prune(folder, key.split("-", 1)[0])
            return path

        return await self.run(make)

    def image(self, bundle: str) -> IndexImage:
        """The bundle's province-index image, read once (KernelError: unreadable)."""
        with self._lock:
            found = self._images.get(bundle)
        if found is not None:
            return found
        found = read_image(str(self.gamedata.root), bundle)
        with self._lock:
            if len(self._images) >= IMAGES_KEPT:
                self._images.pop(next(iter(self._images)))
            self._images[bundle] = found
        return found

    async def forget(self, save_id: str) -> None:
        """Remove the save's pictures (it was deleted)."""
        await anyio.to_thread.run_sync(shutil.rmtree, self.folder / save_id, True)

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """``job(*args)`` in a worker thread, one such job at a time in this process."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(job, *args, limiter=self._limiter)


def _prune(folder: Path, version: str) -> None:
    """Remove the pictures of other map versions (a reprocessed save, a bundle imported
    again): they are never asked for again."""
    for old in folder.glob("*.png"):
        if not old.name.startswith(version + "-"):
            old.unlink(missing_ok=True)


def _write(folder: Path, path: Path, data: bytes) -> None:
    """``data`` into ``path`` atomically (readers never see half a file)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
