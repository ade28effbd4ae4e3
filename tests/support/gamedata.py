"""Game data written by hand for the tests: small EU4 installs and mods (the import
tests), and small bundles in the format kernel.gamedata reads (the app's tests; the real
import of the corpus install is tested in tests/kernel/gamedata).

``write_bmp`` writes an uncompressed BMP with the standard library only (rows bottom-up,
each padded to 4 bytes), so the tests' bitmaps do not depend on the importer or on
Pillow. ``mini_install`` writes a complete, tiny install: a 4x2 map of three provinces
(two land, one sea), one area, region, superregion, continent, climate, terrain
override, two countries with colours, one religion, one culture, English localisation.
"""

from __future__ import annotations

import gzip
import secrets
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from kernel.gamedata import FORMAT, Counts, Manifest, ModRef, Names, World
from support.saves import text_save

Rgb = tuple[int, int, int]

# The mini install's map, rows top to bottom: province ids.
MINI_MAP: tuple[tuple[int, ...], ...] = ((1, 1, 2, 3), (1, 2, 2, 3))
MINI_COLORS: dict[int, Rgb] = {1: (128, 34, 64), 2: (0, 36, 128), 3: (10, 20, 30)}


def bmp_bytes(rows: Sequence[Sequence[Rgb]], bits: int = 24) -> bytes:
    """An uncompressed BMP of ``rows`` (top to bottom) at 24 or 32 bits per pixel."""
    height, width = len(rows), len(rows[0])
    size = bits // 8
    stride = (width * size + 3) & ~3
    body = bytearray()
    for row in reversed(rows):  # BMP rows are stored bottom-up
        line = bytearray()
        for r, g, b in row:
            line += bytes((b, g, r)) + (b"\xff" if size == 4 else b"")
        body += line + b"\0" * (stride - len(line))
    header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bits, 0, len(body), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(body), 0, 0, 54) + header + bytes(body)


def bmp8_bytes(rows: Sequence[Sequence[int]]) -> bytes:
    """An uncompressed 8-bit BMP of palette indices ``rows`` (top to bottom), grey palette."""
    height, width = len(rows), len(rows[0])
    stride = (width + 3) & ~3
    body = b"".join(bytes(row) + b"\0" * (stride - width) for row in reversed(rows))
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))
    offset = 14 + 40 + len(palette)
    header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 0, len(body), 2835, 2835, 256, 0)
    return b"BM" + struct.pack("<IHHI", offset + len(body), 0, 0, offset) + header + palette + body


def write_bmp(
    path: Path, ids: Sequence[Sequence[int]], colors: dict[int, Rgb], bits: int = 24
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bmp_bytes([[colors[i] for i in row] for row in ids], bits))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def definition_csv(colors: dict[int, Rgb], names: dict[int, str] | None = None) -> str:
    lines = ["province;red;green;blue;x;x"]
    for province, (r, g, b) in colors.items():
        lines.append(f"{province};{r};{g};{b};{(names or {}).get(province, f'P{province}')};x")
    return "\n".join(lines) + "\n"


def default_map(width: int, height: int, sea: Sequence[int] = (3,)) -> str:
    return (
        f"width = {width}\nheight = {height}\nmax_provinces = 5001\n"
        f"sea_starts = {{ {' '.join(map(str, sea))} }}\nlakes = {{ }}\n"
        'definitions = "definition.csv"\nprovinces = "provinces.bmp"\n'
    )


def yml(language: str, entries: dict[str, str]) -> str:
    lines = [f"\ufeffl_{language}:"]
    lines += [f' {key}:0 "{text}"' for key, text in entries.items()]
    return "\n".join(lines) + "\n"


MINI_ENGLISH = {
    "AAA": "Aland",
    "AAA_ADJ": "Alandic",
    "BBB": "§YBeta§!land £icon£",
    "BBB_ADJ": "$AAA_ADJ$-Beta [Root.GetName]",
    "PROV1": "One",
    "PROV2": "Two",
    "PROV3": "Sea Three",
    "mini_area": "Mini Area",
    "mini_region": "Mini Region",
    "mini_superregion": "Mini Superregion",
    "mini_continent": "Mini Continent",
    "catholic": "Catholic",
    "christian": "Christian",
    "swedish": "Swedish",
    "scandinavian": "Nordic",
    "unused_key": "Never kept",
}


def mini_install(root: Path) -> Path:
    """A tiny but complete EU4 install at ``root``."""
    write(root / "launcher-settings.json", '{"gameId": "eu4", "rawVersion": "1.31.6"}')
    write(root / "map/default.map", default_map(4, 2))
    write(root / "map/definition.csv", definition_csv(MINI_COLORS), "cp1252")
    write_bmp(root / "map/provinces.bmp", MINI_MAP, MINI_COLORS)
    write(root / "map/area.txt", "mini_area = {\n\t1 2\n}\nsea_area = { 3 }\n")
    write(root / "map/region.txt", "mini_region = {\n\tareas = { mini_area }\n}\n")
    write(root / "map/superregion.txt", "mini_superregion = { mini_region }\n")
    write(root / "map/continent.txt", "mini_continent = { 1 2 }\n")
    write(root / "map/climate.txt", "arid = { 2 }\nimpassable = { }\n")
    write(
        root / "map/terrain.txt",
        "categories = {\n\tforest = { color = { 1 2 3 } terrain_override = { 2 } }\n}\n",
    )
    write(
        root / "common/country_tags/00_countries.txt",
        'AAA = "countries/A.txt"\nBBB = "countries/B.txt"\n',
    )
    write(root / "common/countries/A.txt", "color = { 10 20 30 }\n")
    write(root / "common/countries/B.txt", "color = { 40 50 60 }\n")
    write(
        root / "common/religions/00_religion.txt",
        "christian = {\n\tcatholic = {\n\t\tcolor = { 0.8 0.8 0 }\n\t\ticon = 1\n\t}\n}\n",
    )
    write(
        root / "common/cultures/00_cultures.txt",
        "scandinavian = {\n\tgraphical_culture = northerngfx\n\tswedish = { primary = SWE }\n}\n",
    )
    write(root / "localisation/mini_l_english.yml", yml("english", MINI_ENGLISH))
    write(root / "localisation/mini_l_french.yml", yml("french", {"AAA": "Alande", "PROV1": "Un"}))
    return root


def descriptor(name: str, version: str = "", replace: Sequence[str] = ()) -> str:
    text = f'name = "{name}"\n'
    if version:
        text += f'version = "{version}"\n'
    for path in replace:
        text += f'replace_path = "{path}"\n'
    return text + 'supported_version = "1.31.*"\n'


class Imported:
    """A bundle built by a fixture: where, its manifest and the warnings given."""

    def __init__(self, root: Path, manifest: Manifest, warnings: list[str]) -> None:
        self.root = root
        self.manifest = manifest
        self.warnings = warnings

    @property
    def id(self) -> str:
        return self.manifest.id


# --- bundles written directly (the app reads them) ---------------------------------------


def write_bundle(
    root: Path,
    *,
    version: str = "1.31.6",
    names: Mapping[str, Names],
    world: World | None = None,
    mods: Sequence[str] = (),
    bundle_id: str | None = None,
) -> Manifest:
    """A bundle folder under ``root`` with ``names`` per language; its manifest."""
    bundle_id = bundle_id or f"eu4-{version}" + (f"-mods{len(mods)}" if mods else "")
    folder = root / bundle_id
    folder.mkdir(parents=True)
    files: dict[str, int] = {}
    for language, table in names.items():
        data = gzip.compress(msgspec.json.encode(table))
        (folder / f"names.{language}.json.gz").write_bytes(data)
        files[f"names.{language}.json.gz"] = len(data)
    data = gzip.compress(msgspec.json.encode(world or World()))
    (folder / "world.json.gz").write_bytes(data)
    files["world.json.gz"] = len(data)
    first = next(iter(names.values()))
    manifest = Manifest(
        format=FORMAT,
        id=bundle_id,
        game="eu4",
        version=version,
        mods=[ModRef(name=name) for name in mods],
        languages=list(names),
        counts=Counts(
            countries=len(first.countries),
            provinces=len(first.provinces),
            names=sum(len(n.countries) + len(n.provinces) for n in names.values()),
        ),
        files=files,
    )
    (folder / "manifest.json").write_bytes(msgspec.json.encode(manifest))
    return manifest


# --- a bundle and a save that uses it ---------------------------------------------------

ENGLISH = Names(
    language="english",
    countries={"SWE": ["Sweden", "Swedish"], "ITA": ["Kingdom of Italy", "Italian"]},
    keys={"religion": {"catholic": "Catholic"}, "culture": {"swedish": "Swedish"}},
)
FRENCH = Names(
    language="french",
    countries={"SWE": ["Suède", "suédois"], "ITA": ["Royaume d'Italie", "italien"]},
    keys={"religion": {"catholic": "Catholique"}},
)


def crafted_save() -> bytes:
    """ITA (the player, named "Italy" in the save) and SWE (no name of its own), with a
    ledger of both."""
    seed = secrets.randbelow(2**31)
    countries = (
        f'ITA={{ human=yes was_player=yes name="Italy" capital=1 num_of_cities=1 '
        f'history={{ 1444.11.11={{ monarch={{ id={{ id=1 type=48 }} name="R {seed}" '
        f"ADM=3 DIP=4 MIL=5 }} }} }} }} "
        f"SWE={{ capital=2 num_of_cities=1 }}"
    )
    provinces = (
        '-1={ name="Roma" owner="ITA" controller="ITA" base_tax=5.000 religion=catholic '
        "culture=umbrian } "
        '-2={ name="Stockholm" owner="SWE" controller="ITA" base_tax=4.000 religion=catholic '
        "culture=swedish }"
    )
    ledger = (
        "income_statistics={ ledger_data={ name=ITA data={ 1445=12 1446=24 } } "
        "ledger_data={ name=SWE data={ 1445=10 1446=11 } } }"
    )
    return text_save(
        player="ITA", name="Italy", minor=31, countries=countries, provinces=provinces,
        extra=ledger, seed=seed,
    )
