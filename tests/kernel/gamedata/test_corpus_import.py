"""The corpus's EU4 1.31.6 install imported once (session fixture), checked against values
read off its files here in the simplest way (regular expressions over the raw text, the
bitmap's bytes by hand), never through the importer's own helpers."""

from __future__ import annotations

import gzip
import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from support.gamedata import Imported

from kernel.gamedata import (
    FORMAT,
    list_bundles,
    read_index_image,
    read_manifest,
    read_names,
    read_world,
)

pytestmark = pytest.mark.slow


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _loc(game: Path, key: str) -> str:
    """The English text of ``key`` as the last file (in path order) defines it."""
    found = None
    for path in sorted((game / "localisation").glob("*_l_english.yml")):
        match = re.search(rf'^ *{re.escape(key)}:\d* *"(.*)"', _text(path), re.M)
        if match:
            found = match.group(1)
    assert found is not None, key
    return found


def _blocks(path: Path) -> dict[str, str]:
    """``key = { … }`` blocks of a flat script file (comments removed)."""
    text = re.sub(r"#[^\n]*", "", path.read_text(encoding="latin-1"))
    return {m.group(1): m.group(2) for m in re.finditer(r"(\w+)\s*=\s*\{([^{}]*)\}", text)}


def _definition(game: Path) -> dict[tuple[int, int, int], int]:
    colours: dict[tuple[int, int, int], int] = {}
    for line in (game / "map/definition.csv").read_bytes().decode("cp1252").splitlines()[1:]:
        cells = line.split(";")
        colours.setdefault((int(cells[1]), int(cells[2]), int(cells[3])), int(cells[0]))
    return colours


def _rgb(parts: tuple[str, ...]) -> list[int]:
    """A colour as the files write it: 0..255 integers, or fractions (0.96) of 255."""
    if any("." in part for part in parts):
        return [round(float(part) * 255) for part in parts]
    return [int(part) for part in parts]


def test_manifest(corpus_bundle: Imported, corpus_game: Path) -> None:
    manifest = read_manifest(str(corpus_bundle.root), corpus_bundle.id)
    assert manifest == corpus_bundle.manifest
    assert manifest.format == FORMAT
    assert manifest.id == "eu4-1.31.6"
    assert manifest.game == "eu4"
    assert (
        manifest.version == json.loads(_text(corpus_game / "launcher-settings.json"))["rawVersion"]
    )
    assert manifest.mods == []
    assert manifest.languages == ["english"]
    assert manifest.has_map and not manifest.has_flags  # the corpus has no gfx/
    tags = re.findall(r"^([A-Z0-9]{3})\s*=", _text(game_tags(corpus_game)), re.M)
    assert manifest.counts.countries == len(set(tags))
    assert manifest.counts.names > 10_000
    assert [m.id for m in list_bundles(str(corpus_bundle.root))] == ["eu4-1.31.6"]


def game_tags(game: Path) -> Path:
    return game / "common/country_tags/00_countries.txt"


def test_no_warnings_but_the_known_duplicate_colours(corpus_bundle: Imported) -> None:
    # definition.csv repeats ten colours (SOURCES.md): one warning for all of them.
    assert len(corpus_bundle.warnings) == 1, corpus_bundle.warnings
    assert "definition.csv:3611: 10 province(s)" in corpus_bundle.warnings[0]


def test_country_names_and_colours(corpus_bundle: Imported, corpus_game: Path) -> None:
    names = read_names(str(corpus_bundle.root), corpus_bundle.id, "english")
    world = read_world(str(corpus_bundle.root), corpus_bundle.id)
    assert names.countries["SWE"] == [_loc(corpus_game, "SWE"), _loc(corpus_game, "SWE_ADJ")]
    assert names.countries["SWE"] == ["Sweden", "Swedish"]
    sweden = (corpus_game / "common/countries/Sweden.txt").read_text(encoding="latin-1")
    rgb = re.search(r"^color\s*=\s*\{\s*(\d+)\s+(\d+)\s+(\d+)", sweden, re.M)
    assert rgb is not None
    assert world.country_colors["SWE"] == [int(v) for v in rgb.groups()]


def test_province_names_and_geography(corpus_bundle: Imported, corpus_game: Path) -> None:
    names = read_names(str(corpus_bundle.root), corpus_bundle.id, "english")
    world = read_world(str(corpus_bundle.root), corpus_bundle.id)
    assert names.provinces["1"] == _loc(corpus_game, "PROV1") == "Stockholm"
    assert names.provinces["2"] == _loc(corpus_game, "PROV2")  # Östergötland: UTF-8 kept
    areas = _blocks(corpus_game / "map/area.txt")
    area = next(key for key, body in areas.items() if "1" in body.split())
    stockholm = world.provinces["1"]
    assert stockholm.kind == "land"
    assert stockholm.area == area
    assert 1 in world.areas[area]
    regions = re.findall(
        r"(\w+)\s*=\s*\{\s*areas\s*=\s*\{([^{}]*)\}",
        re.sub(r"#[^\n]*", "", (corpus_game / "map/region.txt").read_text(encoding="latin-1")),
    )
    region = next(key for key, body in regions if area in body.split())
    assert stockholm.region == region
    assert stockholm.continent == "europe"
    assert names.keys["area"][area] == _loc(corpus_game, area)
    assert names.keys["region"][region] == _loc(corpus_game, region)


def test_province_kinds(corpus_bundle: Imported, corpus_game: Path) -> None:
    world = read_world(str(corpus_bundle.root), corpus_bundle.id)
    default_map = _blocks(corpus_game / "map/default.map")
    sea = default_map["sea_starts"].split()
    lakes = default_map["lakes"].split()
    impassable = _blocks(corpus_game / "map/climate.txt")["impassable"].split()
    random_only = set(default_map["only_used_for_random"].split())
    assert world.provinces[sea[0]].kind == "sea"
    assert world.provinces[lakes[0]].kind == "lake"
    assert world.provinces[impassable[0]].kind == "wasteland"
    assert not random_only & set(world.provinces)  # random-new-world placeholders left out
    glacier = re.search(
        r"glacier = \{.*?terrain_override = \{\s*(\d+)",
        (corpus_game / "map/terrain.txt").read_text(),
        re.S,
    )
    assert glacier is not None
    assert world.provinces[glacier.group(1)].terrain == "glacier"


def test_religion_culture_trade_goods(corpus_bundle: Imported, corpus_game: Path) -> None:
    names = read_names(str(corpus_bundle.root), corpus_bundle.id, "english")
    world = read_world(str(corpus_bundle.root), corpus_bundle.id)
    religion = (corpus_game / "common/religions/00_religion.txt").read_text(encoding="latin-1")
    catholic = re.search(
        r"\tcatholic = \{.*?color = \{ *([\d.]+) +([\d.]+) +([\d.]+)", religion, re.S
    )
    assert catholic is not None
    assert world.religion_colors["catholic"] == _rgb(catholic.groups())
    assert world.religion_groups["catholic"] == "christian"
    assert world.culture_groups["swedish"] == "scandinavian"
    assert names.keys["religion"]["catholic"] == _loc(corpus_game, "catholic")
    assert names.keys["culture_group"]["scandinavian"] == _loc(corpus_game, "scandinavian")
    goods = (corpus_game / "common/tradegoods/00_tradegoods.txt").read_text(encoding="latin-1")
    grain = re.search(r"^grain = \{.*?color = \{ *([\d.]+) +([\d.]+) +([\d.]+)", goods, re.S | re.M)
    assert grain is not None
    assert world.trade_good_colors["grain"] == _rgb(grain.groups())
    assert names.keys["trade_good"]["grain"] == _loc(corpus_game, "grain")


def test_only_names_of_keys_the_game_defines(corpus_bundle: Imported) -> None:
    names = read_names(str(corpus_bundle.root), corpus_bundle.id, "english")
    assert names.keys["idea_group"]["quality_ideas"] == "Quality Ideas"
    assert names.keys["estate"]["estate_church"] == "Clergy"
    assert names.keys["building"]["marketplace"] == "Market Place"
    assert names.keys["trade_company"]["trade_company_west_africa"] == "Guinea Charter"
    assert names.keys["colonial_region"]["colonial_canada"] == "Colonial Canada"
    assert names.keys["advisor"]["philosopher"]
    assert names.keys["government_reform"]["feudalism_reform"] == "Feudal Nobility"
    every = [v for d in names.keys.values() for v in d.values()] + list(names.provinces.values())
    every += [n for pair in names.countries.values() for n in pair]
    assert not [v for v in every if re.search(r"[§£$]|\[\w+\.\w+", v)]
    assert not any(key.startswith("PROV") for d in names.keys.values() for key in d)


def test_sizes(corpus_bundle: Imported) -> None:
    files = corpus_bundle.manifest.files
    assert files["names.english.json.gz"] + files["world.json.gz"] <= 1_500_000
    assert files["map.json.gz"] + files["provinces.bin.gz"] <= 3_000_000
    for name, size in files.items():
        assert (corpus_bundle.root / corpus_bundle.id / name).stat().st_size == size


def test_index_image_pixels(corpus_bundle: Imported, corpus_game: Path) -> None:
    info, pixels = read_index_image(str(corpus_bundle.root), corpus_bundle.id)
    data = (corpus_game / "map/provinces.bmp").read_bytes()
    (offset,) = struct.unpack_from("<I", data, 10)
    width, height = struct.unpack_from("<ii", data, 18)
    assert (info.width, info.height) == (width, height) == (5632, 2048)
    colours = _definition(corpus_game)
    stride = (width * 3 + 3) & ~3
    for x, y in [(2900, 400), (3000, 450), (100, 1000), (5631, 2047), (0, 0), (4000, 1200)]:
        at = offset + (height - 1 - y) * stride + 3 * x  # rows bottom-up, BGR
        b, g, r = data[at : at + 3]
        expected = colours.get((r, g, b), 0)
        (got,) = struct.unpack_from("<H", pixels, 2 * (y * width + x))
        assert got == expected, (x, y)
    assert (
        len(
            gzip.decompress(
                (corpus_bundle.root / corpus_bundle.id / "provinces.bin.gz").read_bytes()
            )
        )
        == 2 * width * height
    )


def test_boxes_and_centres(corpus_bundle: Imported) -> None:
    info, pixels = read_index_image(str(corpus_bundle.root), corpus_bundle.id)
    ids = np.frombuffer(pixels, dtype="<u2").reshape(info.height, info.width)
    for province in (1, 2, 1252, 151):
        ys, xs = np.nonzero(ids == province)
        x0, y0, x1, y1, cx, cy = info.provinces[str(province)]
        assert (x0, y0, x1, y1) == (xs.min(), ys.min(), xs.max(), ys.max())
        assert ids[cy, cx] == province
    assert len(info.provinces) == len(np.unique(ids)) - (1 if (ids == 0).any() else 0)
