"""Import an EU4 install (with mods overlaid) into a game-data bundle.

    manifest = build("/games/eu4", mods=["/mods/extended"], out_root="/srv/gamedata")

writes the bundle folder ``<out_root>/<manifest.id>`` in the format of
``kernel.gamedata._bundle`` (manifest, names per language, world, map, the province-index
image, flags). Needs the ``gamedata`` extra (numpy for the bitmap, Pillow for flags);
``import kernel.gamedata`` does not.

Errors are ``KernelError`` naming the file (not an install, a required file missing, a
bitmap of the wrong size or depth). A malformed line of a ``.yml``, ``.csv`` or ``.txt``
costs a warning ``file:line: …`` through ``warn`` and the import goes on. The bundle is
written into a temporary folder inside ``out_root`` and moved into place when complete:
a failed import leaves nothing, and an existing bundle of the same id stays until the
new one is ready.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, TypeVar

import msgspec

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

from kernel._document import Container
from kernel._errors import KernelError
from kernel.gamedata._bundle import (
    _ID,
    FLAGS,
    FORMAT,
    INDEX_IMAGE,
    MANIFEST,
    MAP_INFO,
    WORLD,
    Counts,
    Manifest,
    MapInfo,
    Names,
    Province,
    ProvinceKind,
    World,
    names_file,
)
from kernel.gamedata._install import Install, Mod, read_mod
from kernel.gamedata._localisation import clean, language_of, parse_yml
from kernel.gamedata._script import color, containers, int_list, parse_file

__all__ = ["Warn", "build", "bundle_id"]

Warn = Callable[[str], None]

_log: Final = logging.getLogger("kernel.gamedata")
GAME: Final = "eu4"
_GZIP_LEVEL: Final = 6

# Keys of an idea group that are not ideas.
_IDEA_GROUP_KEYS: Final = frozenset(
    {"start", "bonus", "trigger", "ai_will_do", "free", "category", "important"}
)
# Keys of a culture group that are not cultures.
_CULTURE_GROUP_KEYS: Final = frozenset(
    {"graphical_culture", "second_graphical_culture", "male_names", "female_names", "dynasty_names"}
)
# common/ folders whose top-level keys are named in the localisation: category -> folder.
_KEYED_FOLDERS: Final = (
    ("estate", "estates"),
    ("government", "governments"),
    ("government_reform", "government_reforms"),
    ("building", "buildings"),
    ("advisor", "advisortypes"),
    ("trade_company", "trade_companies"),
    ("colonial_region", "colonial_regions"),
)


K = TypeVar("K")
V = TypeVar("V")

def _default_warn(message: str) -> None:
    _log.warning("%s", message)


# --- the bundle id --------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def bundle_id(version: str, mods: Sequence[tuple[str, str]] = ()) -> str:
    """``eu4-<version>`` for the game alone; with mods (``(name, version)`` in load
    order) ``eu4-<version>-<slug of the mod names>-<8 hex of a hash of the mod set>``."""
    base = f"{GAME}-{re.sub(r'[^a-z0-9._-]+', '-', version.casefold()).strip('-') or 'unknown'}"
    if not mods:
        return base
    digest = hashlib.sha256(json.dumps([list(m) for m in mods]).encode()).hexdigest()[:8]
    slug = "-".join(s for s in (_slug(name) for name, _ in mods) if s) or "mods"
    room = 120 - len(base) - 2 - 8  # _ID allows 121 characters
    slug = slug[:room].strip("-") or "mods"
    found = f"{base}-{slug}-{digest}"
    assert _ID.match(found), found
    return found


# --- reading the install --------------------------------------------------------------------


class _Reader:
    """The install and the warning callback, with the reading helpers both need."""

    def __init__(self, install: Install, warn: Warn) -> None:
        self.install = install
        self.warn = warn

    def script(self, rel: str) -> Container | None:
        return parse_file(self.install.path(rel), self.install.read(rel), self.warn)

    def optional(self, rel: str, what: str) -> Container | None:
        if not self.install.exists(rel):
            self.warn(f"{self.install.game_dir}: no {rel}: {what}")
            return None
        return self.script(rel)

    def folder(self, folder: str) -> Iterable[tuple[str, Container]]:
        """(path, root) of each ``.txt`` of ``common/<folder>``, in load order."""
        for rel in self.install.files(f"common/{folder}", ".txt"):
            root = self.script(rel)
            if root is not None:
                yield self.install.path(rel), root


def _version(game_dir: str) -> str:
    path = os.path.join(game_dir, "launcher-settings.json")
    if not os.path.isdir(game_dir):
        raise KernelError(f"{game_dir}: not a folder")
    if not os.path.isfile(path):
        raise KernelError(
            f"{game_dir} is not an EU4 install: no launcher-settings.json (give the game's "
            "folder, the one holding launcher-settings.json, common/, map/ and localisation/)"
        )
    try:
        with open(path, "rb") as handle:
            settings = json.loads(handle.read().decode("utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise KernelError(f"{path}: unreadable: {exc}") from None
    if not isinstance(settings, dict):
        raise KernelError(f"{path}: not a JSON object")
    game = settings.get("gameId")
    if isinstance(game, str) and game.casefold() != GAME:
        raise KernelError(f"{game_dir} is not an EU4 install: launcher-settings.json says {game!r}")
    version = settings.get("rawVersion")
    if not isinstance(version, str) or not version.strip():
        raise KernelError(f"{path}: no rawVersion")
    return version.strip()


class _DefaultMap:
    def __init__(self) -> None:
        self.size: tuple[int, int] | None = None
        self.sea: set[int] = set()
        self.lakes: set[int] = set()
        self.random_only: set[int] = set()
        self.files: dict[str, str] = {
            "definitions": "definition.csv",
            "provinces": "provinces.bmp",
            "area": "area.txt",
            "region": "region.txt",
            "superregion": "superregion.txt",
            "continent": "continent.txt",
            "climate": "climate.txt",
            "terrain_definition": "terrain.txt",
            "terrain": "terrain.bmp",
        }


def _default_map(reader: _Reader) -> _DefaultMap:
    out = _DefaultMap()
    rel = "map/default.map"
    path = reader.install.path(rel)
    root = reader.script(rel)
    if root is None:
        raise KernelError(f"{path}: unreadable")
    width, height = root.get("width"), root.get("height")
    try:
        if width is not None and height is not None:
            out.size = (width.as_int(), height.as_int())
    except KernelError:
        reader.warn(f"{path}: width/height are not numbers; the bitmap's size is not checked")
    for key, into in (("sea_starts", out.sea), ("lakes", out.lakes)):
        for listed in root.get_all(key):
            into.update(int_list(listed, path, reader.warn))
    for listed in root.get_all("only_used_for_random"):
        out.random_only.update(int_list(listed, path, reader.warn))
    for key in out.files:
        value = root.get(key)
        if value is not None and not value.is_container() and value.as_str().strip():
            out.files[key] = value.as_str().strip()
    return out


class _Geography:
    def __init__(self) -> None:
        self.areas: dict[str, list[int]] = {}
        self.regions: dict[str, list[str]] = {}
        self.superregions: dict[str, list[str]] = {}
        self.continents: dict[str, list[int]] = {}
        self.climates: dict[str, list[int]] = {}
        self.impassable: set[int] = set()
        self.terrains: list[str] = []
        self.terrain_of: dict[int, str] = {}  # terrain_override: province -> category
        self.terrain_index: dict[int, str] = {}  # terrain.bmp palette index -> category


def _geography(reader: _Reader, files: dict[str, str]) -> _Geography:
    geo = _Geography()
    warn = reader.warn

    root: Container | None = reader.optional(f"map/{files['area']}", "no areas")
    if root is not None:
        path = reader.install.path(f"map/{files['area']}")
        for key, value in root.pairs():
            geo.areas[key] = int_list(value, path, warn)
    root = reader.optional(f"map/{files['region']}", "no regions")
    if root is not None:
        for key, box in containers(root):
            areas = box.get("areas")
            geo.regions[key] = (
                []
                if areas is None or not areas.is_container()
                else [v.as_str() for v in areas.as_container().values() if not v.is_container()]
            )
    root = reader.optional(f"map/{files['superregion']}", "no superregions")
    if root is not None:
        for key, box in containers(root):
            regions = [v.as_str() for v in box.values() if not v.is_container()]
            geo.superregions[key] = [r for r in regions if r in geo.regions or not geo.regions]
    root = reader.optional(f"map/{files['continent']}", "no continents")
    if root is not None:
        path = reader.install.path(f"map/{files['continent']}")
        for key, value in root.pairs():
            if key != "island_check_provinces" and value.is_container():
                geo.continents[key] = int_list(value, path, warn)
    root = reader.optional(f"map/{files['climate']}", "no climates or wasteland")
    if root is not None:
        path = reader.install.path(f"map/{files['climate']}")
        for key, value in root.pairs():
            if not value.is_container():
                continue
            ids = int_list(value, path, warn)
            if key == "impassable":
                geo.impassable.update(ids)
            else:
                geo.climates[key] = ids
    root = reader.optional(f"map/{files['terrain_definition']}", "no terrain")
    if root is not None:
        path = reader.install.path(f"map/{files['terrain_definition']}")
        categories = root.get("categories")
        if categories is not None and categories.is_container():
            for key, box in containers(categories.as_container()):
                geo.terrains.append(key)
                override = box.get("terrain_override")
                if override is not None:
                    for province in int_list(override, path, warn):
                        geo.terrain_of.setdefault(province, key)
        table = root.get("terrain")
        if table is not None and table.is_container():
            for _name, box in containers(table.as_container()):
                kind, index = box.get("type"), box.get("color")
                if kind is None or kind.is_container() or index is None:
                    continue
                for number in int_list(index, path, warn):
                    geo.terrain_index.setdefault(number, kind.as_str())
    return geo


class _Common:
    def __init__(self) -> None:
        self.tags: list[str] = []
        self.country_colors: dict[str, list[int]] = {}
        self.religion_groups: dict[str, str] = {}
        self.religion_colors: dict[str, list[int]] = {}
        self.culture_groups: dict[str, str] = {}
        self.trade_good_colors: dict[str, list[int]] = {}
        self.keys: dict[str, list[str]] = {}  # category -> keys the files define


def _add_key(keys: dict[str, list[str]], category: str, key: str) -> None:
    keys.setdefault(category, []).append(key)


def _common(reader: _Reader) -> _Common:
    out = _Common()
    install, warn = reader.install, reader.warn
    tag_files = install.files("common/country_tags", ".txt")
    if not tag_files:
        raise KernelError(f"{install.game_dir}: missing required files common/country_tags/*.txt")
    country_file: dict[str, str] = {}
    for _path, root in reader.folder("country_tags"):
        for tag, value in root.pairs():
            if value.is_container():
                continue
            if tag not in country_file:
                out.tags.append(tag)
            country_file[tag] = value.as_str().replace("\\", "/")
    for tag in out.tags:
        rel = f"common/{country_file[tag]}"
        if not install.exists(rel):
            warn(f"{install.game_dir}: {tag}: no {rel}; no colour")
            continue
        country = reader.script(rel)
        found = None if country is None else color(country.get("color"))
        if found is not None:
            out.country_colors[tag] = found

    for _path, root in reader.folder("religions"):
        for group, box in containers(root):
            _add_key(out.keys, "religion_group", group)
            for key, religion in containers(box):
                if religion.get("color") is None and religion.get("icon") is None:
                    continue
                _add_key(out.keys, "religion", key)
                out.religion_groups[key] = group
                found = color(religion.get("color"))
                if found is not None:
                    out.religion_colors[key] = found
    for _path, root in reader.folder("cultures"):
        for group, box in containers(root):
            _add_key(out.keys, "culture_group", group)
            for key, _culture in containers(box):
                if key not in _CULTURE_GROUP_KEYS:
                    _add_key(out.keys, "culture", key)
                    out.culture_groups[key] = group
    for _path, root in reader.folder("tradegoods"):
        for key, box in containers(root):
            _add_key(out.keys, "trade_good", key)
            found = color(box.get("color"))
            if found is not None:
                out.trade_good_colors[key] = found
    for _path, root in reader.folder("ideas"):
        for group, box in containers(root):
            _add_key(out.keys, "idea_group", group)
            for key, _idea in containers(box):
                if key not in _IDEA_GROUP_KEYS:
                    _add_key(out.keys, "idea", key)
    for category, folder in _KEYED_FOLDERS:
        for _path, root in reader.folder(folder):
            for key, _box in containers(root):
                _add_key(out.keys, category, key)
    return out


# --- localisation -------------------------------------------------------------------------


def _localisation(reader: _Reader) -> dict[str, dict[str, str]]:
    """language -> key -> raw text: files in path order, ``replace/`` folders last (later
    entries win)."""
    files = reader.install.files("localisation", ".yml", recursive=True)
    by_language: dict[str, list[tuple[bool, str]]] = {}
    for rel in files:
        language = language_of(rel.rsplit("/", 1)[-1])
        if language is None:
            continue
        replace = "/replace/" in f"/{rel}"
        by_language.setdefault(language, []).append((replace, rel))
    tables: dict[str, dict[str, str]] = {}
    for language in sorted(by_language):
        table: dict[str, str] = {}
        for _replace, rel in sorted(by_language[language]):
            parse_yml(reader.install.path(rel), reader.install.read(rel), table, reader.warn)
        tables[language] = table
    return tables


def _names(
    language: str,
    table: dict[str, str],
    common: _Common,
    geo: _Geography,
    provinces: Iterable[int],
) -> Names:
    def name(key: str) -> str | None:
        text = table.get(key)
        if text is None:
            return None
        cleaned = clean(text, table)
        return cleaned or None

    countries: dict[str, list[str]] = {}
    for tag in common.tags:
        found = name(tag)
        if found is not None:
            countries[tag] = [found, name(f"{tag}_ADJ") or ""]
    province_names: dict[str, str] = {}
    for province in provinces:
        found = name(f"PROV{province}")
        if found is not None:
            province_names[str(province)] = found
    wanted: dict[str, Iterable[str]] = {
        "area": geo.areas,
        "region": geo.regions,
        "superregion": geo.superregions,
        "continent": geo.continents,
        "climate": geo.climates,
        "terrain": geo.terrains,
        **common.keys,
    }
    keys: dict[str, dict[str, str]] = {}
    for category, members in wanted.items():
        found_names: dict[str, str] = {}
        for key in members:
            found = name(key)
            if found is None and category == "building":
                found = name(f"building_{key}")
            if found is not None:
                found_names[key] = found
        if found_names:
            keys[category] = found_names
    return Names(language=language, countries=countries, provinces=province_names, keys=keys)


def _count(names: Names) -> int:
    return (
        len(names.countries)
        + sum(1 for _, adjective in names.countries.values() if adjective)
        + len(names.provinces)
        + sum(len(v) for v in names.keys.values())
    )


# --- the world ------------------------------------------------------------------------------


_MAIN_CLIMATE: Final = re.compile(r"winter|monsoon")


def _group_of(groups: Mapping[K, Iterable[V]]) -> dict[V, K]:
    """Each member's group (``{area: [provinces]}`` -> ``{province: area}``); a member
    listed in two groups belongs to the first, as the game reads the files."""
    out: dict[V, K] = {}
    for group, members in groups.items():
        for member in members:
            out.setdefault(member, group)
    return out


def _world(
    provinces: list[int],
    dmap: _DefaultMap,
    geo: _Geography,
    common: _Common,
    terrain_of: dict[int, str],
    on_map: set[int],
    joined: set[int],
) -> World:
    """``on_map``: the provinces with pixels; ``joined``: the land provinces that touch
    other land there. A land province on the map that touches none is an island (the
    game's ``island = yes``)."""
    area_of = _group_of(geo.areas)
    region_of = _group_of(geo.regions)
    superregion_of = _group_of(geo.superregions)
    continent_of = _group_of(geo.continents)
    climate_of = _group_of(
        {name: ids for name, ids in geo.climates.items() if not _MAIN_CLIMATE.search(name)}
    )
    out: dict[str, Province] = {}
    for province in provinces:
        kind: ProvinceKind = "land"
        if province in dmap.lakes:
            kind = "lake"
        elif province in dmap.sea:
            kind = "sea"
        elif province in geo.impassable:
            kind = "wasteland"
        area = area_of.get(province, "")
        region = region_of.get(area, "")
        out[str(province)] = Province(
            kind=kind,
            area=area,
            region=region,
            superregion=superregion_of.get(region, ""),
            continent=continent_of.get(province, ""),
            climate=climate_of.get(province, ""),
            terrain=terrain_of.get(province, ""),
            island=kind == "land" and province in on_map and province not in joined,
        )
    return World(
        provinces=out,
        areas=geo.areas,
        regions=geo.regions,
        superregions=geo.superregions,
        continents=geo.continents,
        country_colors=common.country_colors,
        religion_groups=common.religion_groups,
        religion_colors=common.religion_colors,
        culture_groups=common.culture_groups,
        trade_good_colors=common.trade_good_colors,
    )


# --- flags ----------------------------------------------------------------------------------


def _flags(reader: _Reader, tags: Sequence[str], folder: str) -> int:
    """``gfx/flags/<TAG>.tga`` -> ``folder/<TAG>.png``; the number written."""
    wanted = [tag for tag in tags if reader.install.exists(f"gfx/flags/{tag}.tga")]
    if not wanted:
        return 0
    from PIL import Image, UnidentifiedImageError

    os.makedirs(folder, exist_ok=True)
    written = 0
    for tag in wanted:
        path = reader.install.path(f"gfx/flags/{tag}.tga")
        try:
            with Image.open(path) as image:
                image.load()
                mode = "RGBA" if "A" in image.getbands() else "RGB"
                image.convert(mode).save(os.path.join(folder, f"{tag}.png"), optimize=False)
        except (OSError, UnidentifiedImageError, ValueError) as exc:
            reader.warn(f"{path}: not a readable TGA image ({exc}); flag skipped")
            continue
        written += 1
    return written


# --- writing --------------------------------------------------------------------------------


def _write(folder: str, name: str, data: bytes, compress: bool = True) -> int:
    if compress:
        data = gzip.compress(data, compresslevel=_GZIP_LEVEL, mtime=0)
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)
    return len(data)


def _move_into_place(temp: str, final: str) -> None:
    """``temp`` becomes ``final``; an existing ``final`` is set aside first and removed
    only once the new folder is in place (put back if the move fails)."""
    aside = None
    if os.path.lexists(final):
        aside = tempfile.mkdtemp(prefix=".old-", dir=os.path.dirname(final))
        os.rmdir(aside)
        os.replace(final, aside)
    try:
        os.replace(temp, final)
    except OSError:
        if aside is not None:
            os.replace(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def build(
    game_dir: str | os.PathLike[str],
    mods: Sequence[str | os.PathLike[str]] = (),
    *,
    out_root: str | os.PathLike[str],
    warn: Warn | None = None,
) -> Manifest:
    """Import the EU4 install at ``game_dir`` with ``mods`` (folders, in load order)
    overlaid into a bundle under ``out_root``; its manifest. KernelError when the input
    is rejected (nothing is left behind then); malformed lines go to ``warn`` (default:
    the ``kernel.gamedata`` logger)."""
    report = warn if warn is not None else _default_warn
    game = os.fspath(game_dir)
    root_dir = os.fspath(out_root)
    version = _version(game)
    mod_list: list[Mod] = [read_mod(os.fspath(folder), report) for folder in mods]
    ident = bundle_id(version, [(m.name, m.version) for m in mod_list])
    install = Install(game, mod_list)
    reader = _Reader(install, report)
    try:
        os.makedirs(root_dir, exist_ok=True)
        temp = tempfile.mkdtemp(prefix=f".{ident}.tmp-", dir=root_dir)
    except OSError as exc:
        raise KernelError(f"cannot write into {root_dir}: {exc.strerror or exc}") from None
    try:
        manifest = _build_into(temp, ident, version, mod_list, reader)
        _move_into_place(temp, os.path.join(root_dir, ident))
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        where = exc.filename or root_dir
        raise KernelError(f"{where}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return manifest


def _terrain_bitmap(
    reader: _Reader, dmap: _DefaultMap, geo: _Geography, ids: npt.NDArray[np.uint16]
) -> dict[int, str]:
    """Province -> the terrain category most of its pixels have in terrain.bmp (8-bit,
    palette indices named by terrain.txt's ``terrain`` table); {} without the bitmap. A
    bitmap that cannot be used costs a warning (terrain then comes from the overrides)."""
    from kernel.gamedata import _map

    rel = f"map/{dmap.files['terrain']}"
    if not geo.terrain_index or not reader.install.exists(rel):
        return {}
    path = reader.install.path(rel)
    height, width = ids.shape
    try:
        indices = _map.read_indexed_bmp(path, reader.install.read(rel), (int(width), int(height)))
    except KernelError as exc:
        reader.warn(f"{exc}; terrain from terrain.txt's overrides only")
        return {}
    return _map.majority(ids, indices, geo.terrain_index)


def _build_into(temp: str, ident: str, version: str, mods: list[Mod], reader: _Reader) -> Manifest:
    from kernel.gamedata import _map

    install = reader.install
    dmap = _default_map(reader)
    definition_rel = f"map/{dmap.files['definitions']}"
    definition = _map.parse_definition(
        install.path(definition_rel), install.read(definition_rel), reader.warn
    )
    bitmap_rel = f"map/{dmap.files['provinces']}"
    bitmap_path = install.path(bitmap_rel)
    bitmap = _map.read_bmp(bitmap_path, install.read(bitmap_rel), dmap.size)
    ids = _map.index_image(bitmap_path, bitmap, definition, reader.warn)
    del bitmap
    boxes = _map.boxes(ids)
    geo = _geography(reader, dmap.files)
    common = _common(reader)
    tables = _localisation(reader)
    if not tables:
        raise KernelError(
            f"{install.game_dir}: missing required files localisation/*_l_<language>.yml"
        )

    provinces = [p for p in definition.colors if p not in dmap.random_only]
    terrain_of = {**_terrain_bitmap(reader, dmap, geo, ids), **geo.terrain_of}
    land = {
        p
        for p in provinces
        if p not in dmap.sea and p not in dmap.lakes  # wasteland is land: not an island
    }
    joined = _map.land_neighbours(ids, land)
    world = _world(provinces, dmap, geo, common, terrain_of, set(boxes), joined)
    files: dict[str, int] = {}
    total_names = 0
    for language, table in tables.items():
        names = _names(language, table, common, geo, provinces)
        total_names += _count(names)
        files[names_file(language)] = _write(temp, names_file(language), msgspec.json.encode(names))
    files[WORLD] = _write(temp, WORLD, msgspec.json.encode(world))
    height, width = ids.shape
    info = MapInfo(
        width=int(width),
        height=int(height),
        provinces={str(p): box for p, box in sorted(boxes.items())},
    )
    files[MAP_INFO] = _write(temp, MAP_INFO, msgspec.json.encode(info))
    files[INDEX_IMAGE] = _write(temp, INDEX_IMAGE, ids.astype("<u2").tobytes())
    flag_folder = os.path.join(temp, FLAGS)
    flags = _flags(reader, common.tags, flag_folder)
    if flags:
        files[FLAGS] = sum(
            os.path.getsize(os.path.join(flag_folder, n)) for n in os.listdir(flag_folder)
        )
    manifest = Manifest(
        format=FORMAT,
        id=ident,
        game=GAME,
        version=version,
        mods=[m.ref for m in mods],
        languages=sorted(tables),
        counts=Counts(countries=len(common.tags), provinces=len(provinces), names=total_names),
        files=files,
        has_map=True,
        has_flags=flags > 0,
    )
    _write(temp, MANIFEST, msgspec.json.encode(manifest), compress=False)
    return manifest
