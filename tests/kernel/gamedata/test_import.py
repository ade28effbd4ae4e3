"""The import on a tiny hand-written install: names, cleaning, geography, the map, flags,
and every hostile case (a missing file named, a wrong bitmap, malformed lines warned
about with file:line while the import goes on, nothing left behind by a failed import)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from support.gamedata import (
    MINI_COLORS,
    MINI_MAP,
    bmp8_bytes,
    bmp_bytes,
    default_map,
    write,
    write_bmp,
    yml,
)

from kernel import KernelError
from kernel.gamedata import (
    list_bundles,
    read_index_image,
    read_manifest,
    read_map_info,
    read_names,
    read_world,
)
from kernel.gamedata.build import build, bundle_id


def _build(game: Path, out: Path, mods: tuple[Path, ...] = ()) -> tuple[str, list[str]]:
    warnings: list[str] = []
    manifest = build(game, mods, out_root=out, warn=warnings.append)
    return manifest.id, warnings


def test_mini_install(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ident, warnings = _build(mini, out)
    assert ident == "eu4-1.31.6"
    assert warnings == []
    root = str(out)
    manifest = read_manifest(root, ident)
    assert manifest.languages == ["english", "french"]
    assert (manifest.counts.countries, manifest.counts.provinces) == (2, 3)
    english = read_names(root, ident, "english")
    assert english.countries == {"AAA": ["Aland", "Alandic"], "BBB": ["Betaland", "Alandic-Beta"]}
    assert english.provinces == {"1": "One", "2": "Two", "3": "Sea Three"}
    assert english.keys["area"] == {"mini_area": "Mini Area"}  # sea_area has no name
    assert english.keys["religion"] == {"catholic": "Catholic"}
    assert english.keys["culture_group"] == {"scandinavian": "Nordic"}
    assert "unused_key" not in str(english)
    french = read_names(root, ident, "french")
    assert french.countries == {"AAA": ["Alande", ""]}
    assert french.provinces == {"1": "Un"}
    assert manifest.counts.names == 4 + 3 + 8 + 2  # strings of both languages
    world = read_world(root, ident)
    assert [world.provinces[p].kind for p in ("1", "2", "3")] == ["land", "land", "sea"]
    two = world.provinces["2"]
    assert (two.area, two.region, two.superregion, two.continent) == (
        "mini_area",
        "mini_region",
        "mini_superregion",
        "mini_continent",
    )
    assert (two.climate, two.terrain) == ("arid", "forest")
    assert world.country_colors == {"AAA": [10, 20, 30], "BBB": [40, 50, 60]}
    assert world.religion_colors == {"catholic": [204, 204, 0]}
    info, pixels = read_index_image(root, ident)
    assert (info.width, info.height) == (4, 2)
    assert list(pixels[::2]) == [p for row in MINI_MAP for p in row]
    assert info.provinces["1"] == [0, 0, 1, 1, 0, 0]  # box, then the centre (on the province)
    assert info.provinces["3"] == [3, 0, 3, 1, 3, 0]
    assert not manifest.has_flags


def test_flags_become_png(mini: Path, tmp_path: Path) -> None:
    flag = mini / "gfx/flags/AAA.tga"
    flag.parent.mkdir(parents=True)
    Image.new("RGB", (8, 8), (200, 10, 10)).save(flag)
    (mini / "gfx/flags/BBB.tga").write_bytes(b"not a tga")
    ident, warnings = _build(mini, tmp_path / "out")
    png = tmp_path / "out" / ident / "flags" / "AAA.png"
    with Image.open(png) as image:
        assert image.format == "PNG" and image.getpixel((3, 3))[:3] == (200, 10, 10)
    assert read_manifest(str(tmp_path / "out"), ident).has_flags
    assert [w for w in warnings if "BBB.tga" in w]  # the broken one is skipped


@pytest.mark.parametrize(
    ("remove", "named"),
    [
        ("launcher-settings.json", "launcher-settings.json"),
        ("map/default.map", "map/default.map"),
        ("map/definition.csv", "map/definition.csv"),
        ("map/provinces.bmp", "map/provinces.bmp"),
        ("common/country_tags/00_countries.txt", "common/country_tags"),
        ("localisation/mini_l_english.yml", "localisation"),
    ],
)
def test_missing_file_is_named(mini: Path, tmp_path: Path, remove: str, named: str) -> None:
    os.remove(mini / remove)
    if remove.startswith("localisation"):
        os.remove(mini / "localisation/mini_l_french.yml")
    out = tmp_path / "out"
    with pytest.raises(KernelError, match=re.escape(named)):
        build(mini, out_root=out, warn=lambda _: None)
    assert not out.exists() or os.listdir(out) == []


def test_not_an_install(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(KernelError, match="not an EU4 install"):
        build(tmp_path / "empty", out_root=tmp_path / "out")
    with pytest.raises(KernelError, match="not a folder"):
        build(tmp_path / "nowhere", out_root=tmp_path / "out")
    write(tmp_path / "ck3/launcher-settings.json", '{"gameId": "ck3", "rawVersion": "1.0"}')
    with pytest.raises(KernelError, match=r"not an EU4 install.*ck3"):
        build(tmp_path / "ck3", out_root=tmp_path / "out")


def test_bitmap_of_the_wrong_size(mini: Path, tmp_path: Path) -> None:
    write_bmp(mini / "map/provinces.bmp", [row[:3] for row in MINI_MAP], MINI_COLORS)
    with pytest.raises(KernelError, match=r"provinces\.bmp: 3x2 pixels, but default\.map says 4x2"):
        build(mini, out_root=tmp_path / "out")
    assert os.listdir(tmp_path / "out") == []


def test_bitmap_of_the_wrong_depth(mini: Path, tmp_path: Path) -> None:
    write_bmp(mini / "map/provinces.bmp", MINI_MAP, MINI_COLORS, bits=32)
    with pytest.raises(KernelError, match=r"provinces\.bmp: 32-bit colour.*24-bit"):
        build(mini, out_root=tmp_path / "out")
    (mini / "map/provinces.bmp").write_bytes(b"GIF89a" + b"\0" * 100)
    with pytest.raises(KernelError, match=r"provinces\.bmp: not a BMP"):
        build(mini, out_root=tmp_path / "out")
    truncated = bmp_bytes([[MINI_COLORS[i] for i in row] for row in MINI_MAP])[:-8]
    (mini / "map/provinces.bmp").write_bytes(truncated)
    with pytest.raises(KernelError, match=r"provinces\.bmp: truncated"):
        build(mini, out_root=tmp_path / "out")


def test_malformed_lines_are_warnings(mini: Path, tmp_path: Path) -> None:
    english = mini / "localisation/mini_l_english.yml"
    lines = english.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "this is not an entry")  # line 3
    english.write_text("\n".join(lines) + "\n", encoding="utf-8")
    definition = mini / "map/definition.csv"
    rows = definition.read_text().splitlines()
    rows.insert(2, "7;red;0;0;Broken;x")  # line 3
    definition.write_text("\n".join(rows) + "\n")
    write(mini / "map/area.txt", "mini_area = {\n\t1 2\n}\nbroken = = yes\nsea_area = { 3 }\n")
    ident, warnings = _build(mini, tmp_path / "out")
    text = "\n".join(warnings)
    assert f"{english}:3: not a localisation entry" in text
    assert f"{definition}:3: not a 'province;red;green;blue;name' row" in text
    assert f"{mini / 'map/area.txt'}:4: " in text
    assert len(warnings) == 3, warnings
    # ... and the import went on with everything else.
    names = read_names(str(tmp_path / "out"), ident, "english")
    assert names.countries["AAA"] == ["Aland", "Alandic"]
    world = read_world(str(tmp_path / "out"), ident)
    assert world.provinces["1"].area == "mini_area" and world.provinces["3"].area == "sea_area"


def test_unknown_colours_and_bad_lists_are_warnings(mini: Path, tmp_path: Path) -> None:
    colors = {**MINI_COLORS, 9: (1, 2, 3)}
    write_bmp(mini / "map/provinces.bmp", ((1, 1, 2, 9), (1, 2, 2, 3)), colors)
    write(mini / "map/continent.txt", "mini_continent = { 1 two 2 }\n")
    ident, warnings = _build(mini, tmp_path / "out")
    assert any("provinces.bmp: 1 pixels of 1 colours not in definition.csv" in w for w in warnings)
    assert any("continent.txt: 1 item(s)" in w for w in warnings)
    info = read_map_info(str(tmp_path / "out"), ident)
    assert info.provinces["3"] == [3, 1, 3, 1, 3, 1]


def test_failed_import_keeps_the_existing_bundle(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ident, _ = _build(mini, out)
    before = {p.name: p.read_bytes() for p in (out / ident).iterdir()}
    write_bmp(mini / "map/provinces.bmp", [row[:2] for row in MINI_MAP], MINI_COLORS)
    with pytest.raises(KernelError):
        build(mini, out_root=out)
    assert os.listdir(out) == [ident]  # no temporary folder left
    assert {p.name: p.read_bytes() for p in (out / ident).iterdir()} == before
    # A good import of the same id replaces it, leaving nothing aside.
    write_bmp(mini / "map/provinces.bmp", MINI_MAP, MINI_COLORS)
    write(mini / "localisation/mini_l_english.yml", yml("english", {"AAA": "Renamed"}))
    _build(mini, out)
    assert os.listdir(out) == [ident]
    assert read_names(str(out), ident, "english").countries == {"AAA": ["Renamed", ""]}
    assert [m.id for m in list_bundles(str(out))] == [ident]


def test_bundle_ids() -> None:
    assert bundle_id("1.31.6") == "eu4-1.31.6"
    one = bundle_id("1.31.6", [("Extended Timeline", "1.2")])
    assert re.fullmatch(r"eu4-1\.31\.6-extended-timeline-[0-9a-f]{8}", one)
    assert bundle_id("1.31.6", [("Extended Timeline", "1.3")]) != one
    long = bundle_id("1.37.5", [("M" * 90, ""), ("Ünïcode!! mod", "")])
    assert len(long) <= 121 and re.fullmatch(r"[a-z0-9][a-z0-9._-]*-[0-9a-f]{8}", long)


def test_default_map_elsewhere(mini: Path, tmp_path: Path) -> None:
    # default.map may name other files for the definitions and the bitmap.
    os.rename(mini / "map/provinces.bmp", mini / "map/other.bmp")
    os.rename(mini / "map/definition.csv", mini / "map/defs.csv")
    write(
        mini / "map/default.map",
        default_map(4, 2)
        .replace("definition.csv", "defs.csv")
        .replace("provinces.bmp", "other.bmp"),
    )
    ident, warnings = _build(mini, tmp_path / "out")
    assert warnings == []
    assert read_map_info(str(tmp_path / "out"), ident).width == 4


def test_reading_needs_neither_numpy_nor_pillow() -> None:
    # The browser imports kernel.gamedata (Pyodide has no numpy/Pillow in the bundle).
    code = (
        "import sys, kernel.gamedata; "
        "found = {'numpy', 'PIL'} & {m.split('.')[0] for m in sys.modules}; "
        "sys.exit(f'imported {found}' if found else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_terrain_from_the_terrain_bitmap(mini: Path, tmp_path: Path) -> None:
    write(
        mini / "map/terrain.txt",
        "categories = {\n\tgrasslands = { }\n\tforest = { terrain_override = { 2 } }\n}\n"
        "terrain = {\n\tgrass = { type = grasslands color = { 0 } }\n"
        "\tforest_12 = { type = forest color = { 12 13 } }\n}\n",
    )
    # Province 1 is (0,0) (1,0) (0,1): two grassland pixels, one forest; 2 is overridden.
    (mini / "map/terrain.bmp").write_bytes(bmp8_bytes([[0, 0, 0, 12], [13, 0, 0, 12]]))
    ident, warnings = _build(mini, tmp_path / "out")
    assert warnings == []
    world = read_world(str(tmp_path / "out"), ident)
    assert [world.provinces[p].terrain for p in ("1", "2", "3")] == [
        "grasslands",
        "forest",
        "forest",
    ]
    # A terrain bitmap that does not fit is a warning, not a failure.
    (mini / "map/terrain.bmp").write_bytes(bmp8_bytes([[0, 0], [0, 0]]))
    ident, warnings = _build(mini, tmp_path / "out")
    assert len(warnings) == 1 and "terrain.bmp: 2x2 pixels" in warnings[0]
    world = read_world(str(tmp_path / "out"), ident)
    assert [world.provinces[p].terrain for p in ("1", "2", "3")] == ["", "forest", ""]
