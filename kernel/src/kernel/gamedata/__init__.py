"""Game data: the operator's game install (or a mod) as bundles of names, geography and
the province map (format and reading: ``kernel.gamedata._bundle``; import:
``kernel.gamedata.build``, which needs the ``gamedata`` extra: Pillow and numpy)."""

from kernel.gamedata._bundle import (
    CATEGORIES,
    FORMAT,
    Counts,
    Manifest,
    MapInfo,
    ModRef,
    Names,
    Province,
    World,
    choose_bundle,
    list_bundles,
    names_file,
    read_index_image,
    read_manifest,
    read_map_info,
    read_names,
    read_world,
    version_key,
)
from kernel.gamedata._names import used_names

__all__ = [
    "CATEGORIES",
    "FORMAT",
    "Counts",
    "Manifest",
    "MapInfo",
    "ModRef",
    "Names",
    "Province",
    "World",
    "choose_bundle",
    "list_bundles",
    "names_file",
    "read_index_image",
    "read_manifest",
    "read_map_info",
    "read_names",
    "read_world",
    "used_names",
    "version_key",
]
