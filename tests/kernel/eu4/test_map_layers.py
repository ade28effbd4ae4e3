"""kernel.eu4.map: the modes and the timelapse, on crafted saves (every rule of
docs/map.md) and on corpus saves with the corpus bundle."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from support.corpus import save_file
from support.gamedata import Imported
from support.saves import text_save

from kernel import Date
from kernel.eu4 import analyze
from kernel.eu4.map import MODES, MapLayers, focus_tags, highlight, layers, state_at
from kernel.eu4.map._colors import LAKE, NONE, SEA, UNCOLONISED, grey
from kernel.eu4.types import Eu4Analysis
from kernel.gamedata import MapInfo, Names, Province, World, read_map_info, read_names, read_world

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"
MODDED = "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"

AAA, BBB, CCC = 0xC80000, 0x00C800, 0x0000C8


def day(text: str) -> int:
    parsed = Date.parse(text)
    assert parsed is not None
    return parsed.days()


# --- crafted: the timeline's rules ------------------------------------------------------------

COUNTRIES = (
    'AAA={ human=yes was_player=yes name="Aland" capital=1 colors={ map_color={ 200 0 0 } } '
    "religion=catholic technology={ adm_tech=5 dip_tech=4 mil_tech=6 } } "
    'BBB={ name="Bland" capital=2 colors={ map_color={ 0 200 0 } } religion=sunni } '
    'CCC={ name="Cland" colors={ map_color={ 0 0 200 } } '
    "history={ 1480.1.1={ changed_tag_from=BBB } "
    "1490.1.1={ changed_country_mapcolor_from={ 10 20 30 } } } }"
)
PROVINCES = (
    '-1={ name="One" owner="CCC" controller="CCC" base_tax=3.000 religion=sunni culture=swedish '
    "claims={ AAA } history={ owner=AAA controller={ tag=AAA } religion=catholic "
    "1450.1.1={ controller={ tag=BBB } } 1450.1.2={ controller={ tag=AAA } } "
    '1460.1.1={ controller={ tag="REB" } } 1470.1.1={ owner="BBB" controller={ tag="BBB" } '
    "religion=sunni } } } "
    '-2={ name="Two" owner="AAA" controller="BBB" base_tax=9.000 religion=catholic '
    "culture=swedish history={ owner=AAA controller={ tag=AAA } "
    "1455.1.1={ controller={ tag=BBB } } } } "
    '-3={ name="Sea" }'
)
WORLD = World(
    provinces={
        "1": Province(kind="land", terrain="hills"),
        "2": Province(kind="land"),
        "3": Province(kind="sea"),
        "4": Province(kind="lake"),
    },
    religion_colors={"catholic": [200, 200, 0], "sunni": [0, 150, 0]},
    culture_groups={"swedish": "scandinavian"},
)
INFO = MapInfo(
    width=8,
    height=2,
    provinces={str(pid): [0, 0, 1, 1, 0, 0] for pid in (1, 2, 3, 4)},
)


@pytest.fixture(scope="module")
def crafted() -> MapLayers:
    data = text_save(
        player="AAA", name="Aland", date="1500.1.1", countries=COUNTRIES, provinces=PROVINCES
    )
    return layers(analyze(data), world=WORLD, names=None, info=INFO, bundle="test")


def owner_tag(result: MapLayers, owners: list[int], pid: int) -> str | None:
    return result.countries[owners[pid]].tag if owners[pid] >= 0 else None


def test_the_modes_at_the_save_date(crafted: MapLayers) -> None:
    assert [mode.key for mode in crafted.modes] == list(MODES)  # terrain: province 1 has one
    political = crafted.modes[0]
    assert political.primary[1] == CCC and political.secondary[1] == NONE
    assert political.primary[2] == AAA and political.secondary[2] == BBB  # occupied: stripes
    assert political.primary[3] == SEA and political.primary[4] == LAKE
    assert political.values[2] == "Aland"
    religion = next(mode for mode in crafted.modes if mode.key == "religion")
    # AAA's state religion, with Two's own religion as stripes only when it differs
    assert religion.primary[2] == 0xC8C800 and religion.secondary[2] == NONE
    assert owner_tag(crafted, crafted.owner, 1) == "CCC"
    assert crafted.names[1] == "One" and crafted.kinds[3] == "sea"
    labels = {entry.label for entry in political.legend}
    assert {"Cland", "Aland", "Sea", "Lake"} <= labels


def test_the_timeline_replays_owners_colours_and_occupations(crafted: MapLayers) -> None:
    def at(date: str) -> tuple[list[int], list[int], list[int]]:
        return state_at(crafted, "political", day(date))

    primary, secondary, owners = at("1449.1.1")
    assert owner_tag(crafted, owners, 1) == "AAA" and primary[1] == AAA and secondary[1] == NONE
    assert primary[3] == SEA
    # a controller undone the next day is a siege flicker: ignored
    assert at("1450.1.1")[1][1] == NONE
    # a lasting occupation: the occupier's stripes
    assert at("1455.6.1")[1][2] == BBB
    # rebels are ignored
    assert at("1460.6.1")[1][1] == NONE
    primary, _, owners = at("1475.1.1")
    assert owner_tag(crafted, owners, 1) == "BBB" and primary[1] == BBB
    # BBB became CCC in 1480 (the province history does not say so); CCC's colour before
    # its 1490 change was 10 20 30
    primary, _, owners = at("1485.1.1")
    assert owner_tag(crafted, owners, 1) == "CCC" and primary[1] == 0x0A141E
    primary, _, owners = at("1495.1.1")
    assert primary[1] == CCC
    # the end of the timeline is the map at the save's date
    final = state_at(crafted, "political", crafted.timeline.end)
    political = crafted.modes[0]
    for pid in (1, 2, 3, 4):
        assert final[0][pid] == political.primary[pid]
    assert crafted.timeline.start == day("1444.11.11")
    assert crafted.timeline.end == day("1500.1.1")


def test_religion_history_and_focus(crafted: MapLayers) -> None:
    catholic, sunni = 0xC8C800, 0x009600
    assert state_at(crafted, "religion", day("1460.1.1"))[0][1] == catholic
    assert state_at(crafted, "religion", day("1471.1.1"))[0][1] == sunni
    primary, _, owners = state_at(crafted, "political", None)
    greyed = highlight(crafted, primary, owners, ["AAA"])
    assert greyed[2] == primary[2]  # AAA's own province keeps its colour
    assert greyed[1] == grey(CCC) and greyed[3] == SEA  # others greyed; sea untouched
    assert focus_tags(crafted, "AAA") == ["AAA"]


def test_layers_are_json_for_the_browser(crafted: MapLayers) -> None:
    encoded = msgspec.json.encode(crafted)
    assert msgspec.json.decode(encoded, type=MapLayers) == crafted


def test_an_unknown_province_is_reported_not_drawn() -> None:
    provinces = PROVINCES + ' -99={ name="Modded" owner="AAA" base_tax=2.000 }'
    data = text_save(player="AAA", countries=COUNTRIES, provinces=provinces)
    result = layers(analyze(data), world=WORLD, names=None, info=INFO, bundle="test")
    assert result.unknown == [99]
    assert result.size == 5 and "1 of the save's provinces" in result.notes[0]


def test_a_payload_stored_before_the_map_still_draws() -> None:
    data = text_save(player="AAA", countries=COUNTRIES, provinces=PROVINCES)
    analysis = analyze(data)
    old = msgspec.json.decode(
        msgspec.json.encode(analysis).replace(b'"map":', b'"old_map":'), type=Eu4Analysis
    )
    result = layers(old, world=WORLD, names=None, info=INFO, bundle="test")
    assert result.modes[0].primary[2] != UNCOLONISED
    assert any("reprocess" in note for note in result.notes)


# --- corpus saves on the corpus bundle --------------------------------------------------------


def corpus_layers(bundle: Imported, rel: str) -> tuple[Eu4Analysis, MapLayers]:
    analysis = analyze(save_file(rel).read_bytes())
    root, bundle_id = str(bundle.root), bundle.manifest.id
    names: Names = read_names(root, bundle_id, "english")
    world = read_world(root, bundle_id)
    info = read_map_info(root, bundle_id)
    return analysis, layers(analysis, world=world, names=names, info=info, bundle=bundle_id)


def test_korea_political_colours_are_the_save_map_colours(corpus_bundle: Imported) -> None:
    analysis, result = corpus_layers(corpus_bundle, KOREA)
    political = result.modes[0]
    checked = 0
    for row in analysis.provinces:
        if row.owner and row.id < result.size and result.kinds[row.id] == "land":
            r, g, b = analysis.map.colors[row.owner]
            assert political.primary[row.id] == r << 16 | g << 8 | b
            checked += 1
    assert checked > 1000
    assert result.unknown == []  # vanilla: only random-new-world placeholders are off the map
    sea = [pid for pid, kind in enumerate(result.kinds) if kind == "sea"]
    assert sea and all(political.primary[pid] == SEA for pid in sea)
    assert {mode.key for mode in result.modes} == set(MODES)
    # a province's name: the save's own
    assert result.names[1] == next(row.name for row in analysis.provinces if row.id == 1)


def test_modded_timelapse_owners_equal_the_province_history(corpus_bundle: Imported) -> None:
    analysis, result = corpus_layers(corpus_bundle, MODDED)
    timeline = result.timeline
    assert timeline.start < timeline.end and len(timeline.political) > 4000
    recorded: dict[int, list[tuple[int, str]]] = {}
    for change in analysis.map.provinces:
        if change.field == "owner":
            recorded.setdefault(change.province, []).append((change.day, change.value))
    assert not any(change.field == "tag" for change in analysis.map.countries)  # no switches here
    span = timeline.end - timeline.start
    for step in range(1, 6):
        when = timeline.start + span * step // 6
        _, _, owners = state_at(result, "political", when)
        compared = 0
        for pid, entries in recorded.items():
            if pid >= result.size or result.kinds[pid] != "land":
                continue
            owner = ""
            for entry_day, tag in entries:
                if entry_day <= when:
                    owner = tag
            assert owner_tag(result, owners, pid) == (owner or None), (pid, when)
            compared += 1
        assert compared > 100
    assert timeline.battles and all(b[0] <= timeline.end for b in timeline.battles)


def test_gradients_are_clamped(corpus_bundle: Imported) -> None:
    _, result = corpus_layers(corpus_bundle, KOREA)
    development = next(mode for mode in result.modes if mode.key == "development")
    assert development.gradient and len(development.legend) == 5
    top = float(development.legend[-1].label)
    land = [
        float(v) for pid, v in enumerate(development.values) if v and result.kinds[pid] == "land"
    ]
    assert max(land) > top  # the outliers are above the top of the gradient


def test_layers_need_no_names(corpus_bundle: Imported, tmp_path: Path) -> None:
    analysis = analyze(save_file(KOREA).read_bytes())
    root, bundle_id = str(corpus_bundle.root), corpus_bundle.manifest.id
    result = layers(
        analysis,
        world=read_world(root, bundle_id),
        names=None,
        info=read_map_info(root, bundle_id),
        bundle=bundle_id,
    )
    assert result.countries[0].name  # the save's own names, else the tag
