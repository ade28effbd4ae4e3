"""Game-data bundles: the format, reading, listing and choosing one for a save.

A game-data directory holds any number of bundles, one folder each, named by the bundle's
id (``eu4-1.31.6``, or ``eu4-1.31.6-<mods>-<hash>`` for a mod set). A bundle folder holds:

- ``manifest.json``: ``Manifest`` (format, game, version, mod set, languages, counts);
- ``names.<language>.json.gz``: ``Names`` for each language the install has;
- ``world.json.gz``: ``World``, what does not depend on the language (geography, colours,
  groups);
- ``map.json.gz`` and ``provinces.bin.gz``: the province map (``MapInfo`` and the
  province-index image, see ``read_index_image``);
- ``flags/<TAG>.png`` when the install has flags.

Everything is msgspec JSON, gzip-compressed: readable by the kernel in both runtimes (the
browser fetches the same files). ``FORMAT`` changes with any incompatible change; a reader
refuses other formats with a clear message. This module is not compiled by mypyc (its
Structs are msgspec's).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Sequence
from typing import Final, Literal

import msgspec

from kernel._errors import KernelError

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
WORLD: Final = "world.json.gz"
MAP_INFO: Final = "map.json.gz"
INDEX_IMAGE: Final = "provinces.bin.gz"
FLAGS: Final = "flags"

ProvinceKind = Literal["land", "sea", "lake", "wasteland"]


def names_file(language: str) -> str:
    return f"names.{language}.json.gz"


class ModRef(msgspec.Struct, frozen=True, kw_only=True):
    """A mod of a bundle's mod set, in load order: ``name`` from its ``descriptor.mod``."""

    name: str
    version: str = ""


class Counts(msgspec.Struct, frozen=True, kw_only=True):
    countries: int
    provinces: int
    names: int  # localised strings kept, over all languages


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    id: str  # the folder name
    game: str  # "eu4"
    version: str  # the install's rawVersion, "1.31.6"
    mods: list[ModRef] = []
    languages: list[str] = []  # "english", "french", ...
    counts: Counts
    files: dict[str, int] = {}  # file name -> bytes, as written ("flags": all flags/*.png)
    has_map: bool = False
    has_flags: bool = False

    @property
    def label(self) -> str:
        """What a page says about the data used: ``EU4 1.31.6 data`` (+ mods)."""
        text = f"{self.game.upper()} {self.version} data"
        if self.mods:
            text += " with " + ", ".join(mod.name for mod in self.mods)
        return text


class Names(msgspec.Struct, frozen=True, kw_only=True):
    """The words of one language, formatting codes already removed.

    ``countries``: tag -> [name, adjective]; ``provinces``: province id (as text) -> name;
    ``keys``: category -> key -> name, for the categories of ``CATEGORIES``."""

    language: str
    countries: dict[str, list[str]] = {}
    provinces: dict[str, str] = {}
    keys: dict[str, dict[str, str]] = {}


# The categories of ``Names.keys``: what a save names by key.
CATEGORIES: Final = (
    "area",
    "region",
    "superregion",
    "continent",
    "religion",
    "religion_group",
    "culture",
    "culture_group",
    "idea_group",
    "idea",
    "estate",
    "government",
    "government_reform",
    "building",
    "trade_good",
    "advisor",
    "trade_company",
    "colonial_region",
    "climate",
    "terrain",
)


class Province(msgspec.Struct, frozen=True, kw_only=True, array_like=True, omit_defaults=True):
    """Where a province lies: ``[kind, area, region, superregion, continent, climate,
    terrain, island]`` ("" where the files say nothing). ``island``: a land province on
    an island, as the game's ``island = yes`` trigger says (the Empire of Mann
    achievement); added after the first bundles, so False in those (a trailing field:
    readers of either layout decode both)."""

    kind: ProvinceKind = "land"
    area: str = ""
    region: str = ""
    superregion: str = ""
    continent: str = ""
    climate: str = ""
    terrain: str = ""
    island: bool = False


class World(msgspec.Struct, frozen=True, kw_only=True):
    """What does not depend on the language: geography, groups and colours.

    Colours are ``[r, g, b]``. ``provinces``: province id (as text) -> Province, for every
    province of definition.csv but those default.map lists as ``only_used_for_random``
    (random-new-world placeholders). Groups map a member to its group (religion -> religion
    group, culture -> culture group); ``areas`` etc. map a name to its members."""

    provinces: dict[str, Province] = {}
    areas: dict[str, list[int]] = {}
    regions: dict[str, list[str]] = {}
    superregions: dict[str, list[str]] = {}
    continents: dict[str, list[int]] = {}
    country_colors: dict[str, list[int]] = {}
    religion_groups: dict[str, str] = {}
    religion_colors: dict[str, list[int]] = {}
    culture_groups: dict[str, str] = {}
    trade_good_colors: dict[str, list[int]] = {}


class MapInfo(msgspec.Struct, frozen=True, kw_only=True):
    """The province map: the image's size and, per province id (as text), its box and
    centre ``[x0, y0, x1, y1, cx, cy]`` in pixels, y down from the top."""

    width: int
    height: int
    provinces: dict[str, list[int]] = {}


# --- reading ---------------------------------------------------------------------------------

_ID: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")
_manifest_decoder: Final = msgspec.json.Decoder(Manifest)
_names_decoder: Final = msgspec.json.Decoder(Names)
_world_decoder: Final = msgspec.json.Decoder(World)
_map_decoder: Final = msgspec.json.Decoder(MapInfo)


def _bundle_path(root: str, bundle_id: str, name: str) -> str:
    if not _ID.match(bundle_id):
        raise KernelError(f"not a bundle id: {bundle_id!r}")
    return os.path.join(root, bundle_id, name)


def read_manifest(root: str, bundle_id: str) -> Manifest:
    path = _bundle_path(root, bundle_id, MANIFEST)
    try:
        with open(path, "rb") as handle:
            manifest = _manifest_decoder.decode(handle.read())
    except (OSError, msgspec.DecodeError) as exc:
        raise KernelError(f"game-data bundle {bundle_id}: unreadable {MANIFEST}: {exc}") from None
    if manifest.format != FORMAT:
        raise KernelError(
            f"game-data bundle {bundle_id} has format {manifest.format}, this kernel reads "
            f"format {FORMAT}: import the game data again"
        )
    return manifest


def _read_gz(root: str, bundle_id: str, name: str) -> bytes:
    path = _bundle_path(root, bundle_id, name)
    try:
        with open(path, "rb") as handle:
            return gzip.decompress(handle.read())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise KernelError(f"game-data bundle {bundle_id}: unreadable {name}: {exc}") from None


def read_names(root: str, bundle_id: str, language: str) -> Names:
    data = _read_gz(root, bundle_id, names_file(language))
    try:
        return _names_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise KernelError(f"game-data bundle {bundle_id}: {names_file(language)}: {exc}") from None


def read_world(root: str, bundle_id: str) -> World:
    try:
        return _world_decoder.decode(_read_gz(root, bundle_id, WORLD))
    except msgspec.DecodeError as exc:
        raise KernelError(f"game-data bundle {bundle_id}: {WORLD}: {exc}") from None


def read_map_info(root: str, bundle_id: str) -> MapInfo:
    try:
        return _map_decoder.decode(_read_gz(root, bundle_id, MAP_INFO))
    except msgspec.DecodeError as exc:
        raise KernelError(f"game-data bundle {bundle_id}: {MAP_INFO}: {exc}") from None


def read_index_image(root: str, bundle_id: str) -> tuple[MapInfo, bytes]:
    """The map and its province-index image: ``width * height`` little-endian u16
    province ids, rows top to bottom (0: no province)."""
    info = read_map_info(root, bundle_id)
    pixels = _read_gz(root, bundle_id, INDEX_IMAGE)
    if len(pixels) != 2 * info.width * info.height:
        raise KernelError(
            f"game-data bundle {bundle_id}: {INDEX_IMAGE} holds {len(pixels)} bytes, "
            f"not {2 * info.width * info.height} ({info.width}x{info.height} u16)"
        )
    return info, pixels


def list_bundles(root: str) -> list[Manifest]:
    """The readable bundles of ``root``, by game, version and id. Folders that are not
    bundles (or of another format) are left out."""
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    found: list[Manifest] = []
    for name in entries:
        if not _ID.match(name) or not os.path.isfile(os.path.join(root, name, MANIFEST)):
            continue
        try:
            found.append(read_manifest(root, name))
        except KernelError:
            continue
    found.sort(key=lambda m: (m.game, version_key(m.version), m.id))
    return found


# --- choosing the bundle of a save ------------------------------------------------------------


def version_key(version: str) -> tuple[int, ...]:
    """``"1.31.6"`` -> (1, 31, 6); parts that are not numbers count as 0."""
    parts: list[int] = []
    for part in version.split("."):
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def choose_bundle(
    bundles: Sequence[Manifest], game: str, version: str, mods: Sequence[str] = ()
) -> Manifest | None:
    """The bundle for a save of ``game`` at ``version`` with the mods named ``mods``: among
    the bundles with the same mod set (names compared without case), else the vanilla ones
    (most mods a save lists change no names: interface and map-mode mods; a bundle of the
    save's own mod set is the way to name what a mod adds), the one of the same major.minor
    (its newest patch); else the nearest older major.minor; else the nearest newer."""
    wanted = sorted(name.casefold() for name in mods)
    same: list[Manifest] = []
    vanilla: list[Manifest] = []
    for bundle in bundles:
        if bundle.game != game:
            continue
        theirs = sorted(mod.name.casefold() for mod in bundle.mods)
        if theirs == wanted:
            same.append(bundle)
        elif not theirs:
            vanilla.append(bundle)
    if not same:
        same = vanilla
    if not same:
        return None
    target = version_key(version)[:2]

    def minor(bundle: Manifest) -> tuple[int, ...]:
        return version_key(bundle.version)[:2]

    exact = [b for b in same if minor(b) == target]
    if exact:
        return max(exact, key=lambda b: version_key(b.version))
    older = [b for b in same if minor(b) < target]
    if older:
        return max(older, key=lambda b: version_key(b.version))
    return min(same, key=lambda b: version_key(b.version))
