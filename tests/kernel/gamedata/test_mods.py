"""Mods overlaid on an install: a mod built here in tmp_path replaces a country's name
(localisation/replace/), empties a base folder (replace_path), and brings its own map
(a small bitmap, definition.csv and default.map) with an extra province."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from support.gamedata import (
    Imported,
    default_map,
    definition_csv,
    descriptor,
    write,
    write_bmp,
    yml,
)

from kernel import KernelError
from kernel.gamedata import (
    ModRef,
    choose_bundle,
    list_bundles,
    read_index_image,
    read_names,
    read_world,
)
from kernel.gamedata.build import build

# The mod's map: Stockholm (1) beside the new province 5000, with the colours of its own
# definition.csv.
MOD_COLORS = {1: (128, 34, 64), 5000: (250, 1, 2)}
MOD_MAP = ((1, 5000, 5000), (1, 1, 5000))


def _mod(folder: Path, name: str = "Test Mod", version: str = "1.0") -> Path:
    write(folder / "descriptor.mod", descriptor(name, version, replace=["common/ideas"]))
    write(
        folder / "localisation/replace/test_mod_l_english.yml",
        yml("english", {"SWE": "Svea Rike", "PROV5000": "Atlantis", "test_ideas": "Test Ideas"}),
    )
    write(
        folder / "common/ideas/test_ideas.txt",
        "test_ideas = {\n\tstart = { }\n\tfirst_idea = { }\n}\n",
    )
    write(folder / "map/default.map", default_map(3, 2, sea=()))
    write(folder / "map/definition.csv", definition_csv(MOD_COLORS), "cp1252")
    write_bmp(folder / "map/provinces.bmp", MOD_MAP, MOD_COLORS)
    return folder


@pytest.fixture(scope="module")
def modded(corpus_game: Path, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    folder = _mod(tmp_path_factory.mktemp("mod") / "test_mod")
    out = tmp_path_factory.mktemp("gamedata")
    warnings: list[str] = []
    manifest = build(corpus_game, [folder], out_root=out, warn=warnings.append)
    return Imported(out, manifest, warnings)


@pytest.mark.slow
def test_mod_over_the_corpus(modded: Imported) -> None:
    manifest = modded.manifest
    assert manifest.mods == [ModRef(name="Test Mod", version="1.0")]
    assert re.fullmatch(r"eu4-1\.31\.6-test-mod-[0-9a-f]{8}", manifest.id)
    assert manifest.label == "EU4 1.31.6 data with Test Mod"
    assert modded.warnings == []
    root = str(modded.root)
    names = read_names(root, manifest.id, "english")
    assert names.countries["SWE"] == ["Svea Rike", "Swedish"]  # adjective still the game's
    assert names.countries["DAN"][0] == "Denmark"
    assert names.provinces == {"1": "Stockholm", "5000": "Atlantis"}
    assert names.keys["idea_group"] == {"test_ideas": "Test Ideas"}  # common/ideas replaced
    assert "quality_ideas" not in names.keys.get("idea", {})
    assert names.keys["religion"]["catholic"] == "Catholic"  # the rest is the game's
    world = read_world(root, manifest.id)
    assert sorted(world.provinces, key=int) == ["1", "5000"]
    assert world.provinces["1"].area == "ostra_svealand_area"
    assert manifest.counts.provinces == 2
    info, pixels = read_index_image(root, manifest.id)
    assert (info.width, info.height) == (3, 2)
    assert list(struct.unpack(f"<{len(pixels) // 2}H", pixels)) == [
        p for row in MOD_MAP for p in row
    ]
    assert info.provinces["5000"][:4] == [1, 0, 2, 1]
    found = choose_bundle(list_bundles(root), "eu4", "1.31.6", ["test mod"])
    assert found is not None and found.id == manifest.id


def test_mods_in_order_over_the_mini_install(mini: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    write(first / "descriptor.mod", descriptor("First", "2"))
    write(first / "common/countries/A.txt", "color = { 1 1 1 }\n")
    write(first / "localisation/replace/first_l_english.yml", yml("english", {"AAA": "First"}))
    second = tmp_path / "second"
    write(second / "descriptor.mod", descriptor("Second", replace=["common/religions"]))
    write(second / "localisation/replace/zz_l_english.yml", yml("english", {"AAA": "Second"}))
    warnings: list[str] = []
    manifest = build(mini, [first, second], out_root=tmp_path / "out", warn=warnings.append)
    assert warnings == []
    assert [(m.name, m.version) for m in manifest.mods] == [("First", "2"), ("Second", "")]
    assert re.fullmatch(r"eu4-1\.31\.6-first-second-[0-9a-f]{8}", manifest.id)
    root = str(tmp_path / "out")
    assert read_names(root, manifest.id, "english").countries["AAA"][0] == "Second"
    world = read_world(root, manifest.id)
    assert world.country_colors["AAA"] == [1, 1, 1]
    assert world.religion_colors == {}  # common/religions emptied by the second mod
    # The same mods in another order are another bundle.
    other = build(mini, [second, first], out_root=tmp_path / "out", warn=warnings.append)
    assert other.id != manifest.id


def test_mod_without_descriptor_or_folder(mini: Path, tmp_path: Path) -> None:
    bare = tmp_path / "Bare Mod"
    write(bare / "localisation/replace/bare_l_english.yml", yml("english", {"AAA": "Bare"}))
    warnings: list[str] = []
    manifest = build(mini, [bare], out_root=tmp_path / "out", warn=warnings.append)
    assert manifest.mods == [ModRef(name="Bare Mod")]
    assert any("descriptor.mod" in w for w in warnings)
    with pytest.raises(KernelError, match=r"mod folder .*missing.* does not exist"):
        build(mini, [tmp_path / "missing"], out_root=tmp_path / "out")


def test_a_save_of_the_mod_is_drawn_on_the_mods_map(
    modded: Imported, corpus_bundle: Imported, tmp_path: Path
) -> None:
    """The bundle of the save's mod set is chosen and its own map drawn: the mod's new
    province 5000 is on it; on the vanilla bundle it is counted and reported instead."""
    from PIL import Image
    from support.saves import text_save

    from kernel.eu4 import analyze
    from kernel.eu4.map import layers
    from kernel.eu4.map.render import png, read_image
    from kernel.gamedata import read_map_info

    countries = (
        'SWE={ human=yes name="Sweden" capital=1 colors={ map_color={ 10 20 30 } } } '
        'AAA={ name="Atlanteans" capital=5000 colors={ map_color={ 200 100 0 } } }'
    )
    provinces = (
        '-1={ name="Stockholm" owner="SWE" controller="SWE" base_tax=5.000 } '
        '-5000={ name="Atlantis" owner="AAA" controller="AAA" base_tax=3.000 }'
    )
    mods = 'mods_enabled_names={ { filename="mod/test.mod" name="Test Mod" } }'
    data = text_save(
        player="SWE", name="Sweden", minor=31, countries=countries, provinces=provinces,
        extra=mods,
    )  # fmt: skip
    analysis = analyze(data, gamedata=modded.root)
    assert analysis.gamedata is not None and analysis.gamedata.id == modded.id
    root = str(modded.root)
    drawn = layers(
        analysis,
        world=read_world(root, modded.id),
        names=read_names(root, modded.id, "english"),
        info=read_map_info(root, modded.id),
        bundle=modded.id,
    )
    assert drawn.unknown == [] and drawn.notes == []
    assert drawn.modes[0].primary[5000] == 0xC86400
    out = tmp_path / "mod.png"
    out.write_bytes(png(drawn, read_image(root, modded.id), borders=False))
    with Image.open(out) as image:
        assert image.size == (3, 2)
        pixels = image.convert("RGB")
        # (0, 1): Stockholm on all sides that count (right: Stockholm, no row below)
        assert pixels.getpixel((0, 1)) == (10, 20, 30)

    vanilla = str(corpus_bundle.root)
    on_vanilla = layers(
        analysis,
        world=read_world(vanilla, corpus_bundle.id),
        names=None,
        info=read_map_info(vanilla, corpus_bundle.id),
        bundle=corpus_bundle.id,
    )
    assert on_vanilla.unknown == [5000]
    assert "1 of the save's provinces are not on the map" in on_vanilla.notes[0]
