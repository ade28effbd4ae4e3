"""Achievements that need game data, the leaderboard's map check, and the choice of the
bundle (``analyze(..., gamedata=DIR)`` and ``python -m kernel analyze --gamedata``).

The bundles are small Worlds written in the test: every area, region, superregion and
continent the detectors name gets a few made-up province ids (from 5000 up, clear of the
ids the detectors list), so a crafted save can hold them all, or all but one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from support.achievements import failed, result
from support.gamedata import write_bundle
from support.saves import TokenDir, text_save

from kernel.eu4 import ACHIEVEMENTS, analyze
from kernel.eu4 import _achievements as A
from kernel.eu4.types import Eu4Analysis
from kernel.gamedata import Names, Province, World

NAMES = {"english": Names(language="english")}

# --- a World with every name the detectors read --------------------------------------------

AREAS = sorted(
    {
        *A.BASILEUS_AREAS,
        *A.AUSTRIA_AREAS,
        *A.HUNGARY_AREAS,
        *A.MADAGASCAR_AREAS,
        *A.ROMAN_AREAS,
        *A.ROMAN_EXCLUDED_AREAS,
        "morea_area",
        "northern_greece_area",
        "macedonia_area",
        "east_prussia_area",
        "west_prussia_area",
        "silesia_area",
    }
)
REGIONS = sorted(
    {
        *A.INDIA_REGIONS,
        *A.ROMAN_REGIONS,
        *A.MEHMET_135_REGIONS,
        "british_isles_region",
        "iberia_region",
        "caucasia_region",
        "balkan_region",
        "anatolia_region",
        "egypt_region",
        "russia_region",
        "ural_region",
        "crimea_region",
        "baltic_region",
        "france_region",
        "carribeans_region",
        "australia_region",
        "moluccas_region",
        "indonesia_region",
        "scandinavia_region",
        "north_german_region",
    }
)
# The Roman regions are sized so that the Roman Empire's lands (Mehmet's Ambition after
# 1.35) are exactly 425 provinces: 3 listed ids, one province per Roman area, the rest in
# the seven regions.
ROMAN_REGION_SIZE = dict.fromkeys(A.ROMAN_REGIONS, 55)
ROMAN_REGION_SIZE["anatolia_region"] += 425 - 3 - len(set(A.ROMAN_AREAS)) - 55 * 7


@dataclass
class Geo:
    """The made-up ids of every name, and the World they make."""

    areas: dict[str, list[int]] = field(default_factory=dict)
    regions: dict[str, list[str]] = field(default_factory=dict)
    superregions: dict[str, list[str]] = field(default_factory=dict)
    continents: dict[str, list[int]] = field(default_factory=dict)
    provinces: dict[int, Province] = field(default_factory=dict)
    next_id: int = 5000

    def new_area(self, name: str, size: int, **kw: object) -> list[int]:
        ids = list(range(self.next_id, self.next_id + size))
        self.next_id += size
        self.areas[name] = ids
        for pid in ids:
            self.provinces[pid] = Province(area=name, **kw)  # type: ignore[arg-type]
        return ids

    def region_ids(self, name: str) -> list[int]:
        return [pid for area in self.regions[name] for pid in self.areas[area]]

    def world(self) -> World:
        return World(
            provinces={str(pid): p for pid, p in self.provinces.items()},
            areas=self.areas,
            regions=self.regions,
            superregions=self.superregions,
            continents=self.continents,
            culture_groups={"kazani": "tartar", "nogaybak": "tartar", "irish": "gaelic"},
        )


def make_geo() -> Geo:
    g = Geo()
    for area in AREAS:
        g.new_area(area, 1)
    for region in REGIONS:
        size = ROMAN_REGION_SIZE.get(region, 2)
        g.new_area(f"{region}_land", size)
        g.regions[region] = [f"{region}_land"]
    # the North German region also holds Bohemia, which Almost Prussian Blue leaves out
    g.new_area("bohemia_area", 1)
    g.regions["north_german_region"].append("bohemia_area")
    g.superregions["india_superregion"] = list(A.INDIA_REGIONS)
    g.continents["europe"] = g.new_area("europe_land", 100)
    g.continents["africa"] = g.new_area("africa_land", 3)
    g.continents["asia"] = g.new_area("asia_grass", 3, terrain="grasslands")
    g.continents["asia"] += g.new_area("asia_hills", 2, terrain="hills")
    g.new_area("mann_isles", 2, island=True)
    g.new_area("sahara", 2, terrain="desert")
    g.new_area("coast", 1, terrain="coastal_desert")
    g.new_area("farmland", 1, terrain="farmlands")
    return g


GEO = make_geo()


@pytest.fixture(scope="module")
def gamedata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gamedata")
    write_bundle(root, version="1.35.1", names=NAMES, world=GEO.world())
    return root


# --- crafted saves ---------------------------------------------------------------------------


def prov(pid: int, owner: str | None, *, cored: bool = True, religion: str = "catholic",
         culture: str = "french", colony: bool = False) -> str:  # fmt: skip
    owner_text = f'owner="{owner}" controller="{owner}" ' if owner else ""
    cores = f"cores={{ {owner} }} " if owner and cored else ""
    return (
        f'-{pid}={{ name="P{pid}" {owner_text}{cores}base_tax=1.000 base_production=1.000 '
        f"base_manpower=1.000 religion={religion} culture={culture} hre=no"
        f"{' colonysize=100.000' if colony else ''} }}"
    )


@dataclass
class Case:
    """An achievement completed by ``player`` (started as ``start``) holding ``hold``;
    ``broken`` overrides make the save that fails on the condition starting ``fails``
    (by default the first held province goes to another country)."""

    aid: int
    player: str
    hold: list[int]
    fails: str
    start: str | None = None
    country: str = ""
    countries: str = ""
    date: str = "1499.1.1"
    minor: int = 35
    extra: str = ""
    religion: str = "catholic"
    culture: str = "french"
    broken: dict[str, Any] = field(default_factory=dict)

    def save(self, *, take_first: bool = False, **overrides: Any) -> bytes:
        """The save; ``take_first``: the first held province belongs to another country."""
        case = replace(self, **overrides)
        hold = list(case.hold)
        taken = set(hold[:1]) if take_first else set()
        player = case.player
        history = ""
        if case.start:
            history = f'history={{ 1400.1.1={{ changed_tag_from="{case.start}" }} }}'
        countries = (
            f"{player}={{ human=yes was_player=yes capital={hold[0] if hold else 1} "
            f"religion={case.religion} {history} {case.country} }} "
            f"AAA={{ capital=1 }} {case.countries}"
        )
        rows = []
        for pid in sorted(GEO.provinces):
            if pid in hold and pid not in taken:
                rows.append(prov(pid, player, religion=case.religion, culture=case.culture))
            elif pid in taken:
                rows.append(prov(pid, "AAA", religion="shinto", culture=case.culture))
            else:
                rows.append(prov(pid, "AAA", religion="shinto", culture="japanese"))
        for pid in hold:
            if pid not in GEO.provinces:  # the ids the detectors list themselves
                if pid in taken:
                    rows.append(prov(pid, "AAA", religion="shinto", culture=case.culture))
                else:
                    rows.append(prov(pid, player, religion=case.religion, culture=case.culture))
        return text_save(
            player=player,
            date=case.date,
            minor=case.minor,
            countries=countries,
            provinces=" ".join(rows),
            extra=case.extra,
        )


def areas(*names: str) -> list[int]:
    return [pid for name in names for pid in GEO.areas[name]]


def regions(*names: str) -> list[int]:
    return [pid for name in names for pid in GEO.region_ids(name)]


N_GERMAN = [
    pid
    for pid in regions("north_german_region")
    if pid not in GEO.areas["bohemia_area"]
] + areas("east_prussia_area", "west_prussia_area", "silesia_area")  # fmt: skip
ROMAN = [*A.ROMAN_PROVINCES, *areas(*A.ROMAN_AREAS), *regions(*A.ROMAN_REGIONS)]

CASES = [
    Case(38, "BYZ", areas(*A.BASILEUS_AREAS), "Greece and Anatolia (15 areas) owned and cored"),
    Case(42, "KON", GEO.continents["africa"], "every province of Africa owned and cored"),
    Case(55, "IRE", regions("british_isles_region"), "the British Isles region owned and cored",
         country="history={ primary_culture=irish }"),
    Case(64, "ADU", regions("iberia_region"), "the Iberia region owned and cored by ADU",
         start="GRA"),
    Case(105, "ALB", regions("iberia_region", "caucasia_region"),
         "the Iberia and Caucasia regions owned by the player or a subject"),
    Case(110, "RMN", regions("balkan_region"), "the Balkan region owned by the player or a non",
         start="WAL", countries="WAL={ history={ primary_culture=romanian } }"),
    Case(118, "PER",
         regions("anatolia_region", "egypt_region")
         + areas("morea_area", "northern_greece_area", "macedonia_area"),
         "Anatolia, Egypt and Greece owned and cored"),
    Case(121, "TEU", regions("russia_region", "ural_region", "crimea_region"),
         "the Russia, Ural and Crimea regions owned and cored and catholic"),
    Case(131, "HUN", areas(*A.AUSTRIA_AREAS), "Austria (4 areas) owned and cored"),
    Case(133, "CEY", regions(*A.INDIA_REGIONS), "the five regions of India owned and cored",
         religion="buddhism"),
    Case(135, "FRA", GEO.continents["europe"], "at least 100 provinces of Europe"),
    Case(157, "SER", regions("balkan_region"), "the Balkan region owned and cored"),
    Case(159, "KAZ", regions("baltic_region"), "every Tatar-culture province owned",
         culture="kazani"),
    Case(160, "RIG", regions("baltic_region"), "the Baltic region owned by the player or a non"),
    Case(208, "GLH", [], "the year is before 1500 (1500)", broken={"date": "1500.1.1"},
         country="history={ primary_culture=kazani add_government_reform=steppe_horde }"),
    Case(239, "AVR", areas(*A.HUNGARY_AREAS), "Hungary (5 areas) owned by AVR",
         country="government_rank=3"),
    Case(259, "KOI", areas("mann_isles"), "every island province owned by the player or a"),
    Case(275, "KAL", areas("asia_grass"), "every grassland province of Asia owned by"),
    Case(277, "MUG", regions(*A.INDIA_REGIONS), "the India superregion owned by the player",
         start="TRS", date="1549.1.1"),
    Case(281, "NEV", regions("france_region"), "the France region owned and cored"),
    Case(285, "MYS", regions("deccan_region", "coromandel_region"),
         "the Deccan and Coromandel regions owned by the player or a non-tributary"),
    Case(306, "LPP", regions("british_isles_region"), "the British Isles region owned ("),
    Case(324, "SKA", [*areas(*A.MADAGASCAR_AREAS), *A.PENGUIN_PROVINCES],
         "Madagascar (4 areas) owned and cored"),
    Case(327, "KNI", [*regions("carribeans_region"), *A.MEDITERRANEAN_ISLANDS],
         "the Caribbean region owned ("),
    Case(328, "AUS", regions("australia_region"), "Hungary (HUN) is a vassal",
         extra='diplomacy={ dependency={ first="AUS" second="HUN" subject_type="vassal" } }',
         broken={"extra": ""}),
    Case(329, "JUD", regions("egypt_region"), "the Egypt region is jewish", religion="jewish",
         country='church={ power=10.000 aspect="judaism_communities_aspect" }'),
    Case(331, "ZAN", regions("moluccas_region", "indonesia_region"),
         "the Moluccas and Indonesia regions follow sunni", religion="sunni"),
    Case(332, "EGY", areas("sahara", "coast"), "owns only desert and coastal desert provinces",
         country="raw_development=50.000", countries="BBB={ raw_development=49.000 }",
         broken={"hold": [*areas("sahara", "coast", "farmland")]}),
    Case(336, "DAN", regions("scandinavia_region"), "the Scandinavia region owned and cored by DAN",
         country="government={ reform_stack={ reforms={ danish_archkingdom } } }"),
    Case(345, "LVA", [*N_GERMAN, *A.PRUSSIAN_PROVINCES], "the North German Confederation",
         start="LIV"),
    Case(348, "TUR", ROMAN, "the lands of the Roman Empire owned by the player or core eyalets",
         minor=37),
]  # fmt: skip


def test_every_achievement_needing_game_data_has_a_case() -> None:
    assert sorted(c.aid for c in CASES) == sorted(A.NEEDS_GAMEDATA)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.aid}-{ACHIEVEMENTS[c.aid][0]}")
def test_completed_with_game_data(case: Case, gamedata: Path) -> None:
    out = analyze(case.save(), gamedata=str(gamedata))
    item = result(out, case.aid)
    assert failed(item) == [], item.conditions
    assert item.completed
    assert out.achievements.needs_gamedata == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.aid}-{ACHIEVEMENTS[c.aid][0]}")
def test_fails_on_the_named_condition(case: Case, gamedata: Path) -> None:
    data = case.save(**case.broken) if case.broken else case.save(take_first=True)
    item = result(analyze(data, gamedata=str(gamedata)), case.aid)
    reasons = failed(item)
    assert not item.completed
    assert len(reasons) == 1 and reasons[0].startswith(case.fails), reasons


def test_without_game_data_they_need_it() -> None:
    out = analyze(CASES[0].save())
    assert out.gamedata is None
    assert sorted(out.achievements.needs_gamedata) == sorted(A.NEEDS_GAMEDATA)
    for aid, needs in A.NEEDS_GAMEDATA.items():
        item = result(out, aid)
        assert not item.completed
        assert [c.description for c in item.conditions] == [
            f"needs game data ({needs}): not decided without a game-data bundle"
        ]
    # the others are decided as before: 75 in the catalogue, 44 from the save alone
    assert len(ACHIEVEMENTS) == 75
    decided = [r for r in out.achievements.results if r.id not in A.NEEDS_GAMEDATA]
    assert len(decided) == 44
    for item in decided:
        assert item.conditions[0].description == "no custom nations"


def test_no_bundle_for_the_save_gives_a_warning(tmp_path: Path) -> None:
    write_bundle(tmp_path, version="1.35.1", names=NAMES, world=GEO.world(), mods=["Big Mod"])
    out = analyze(CASES[0].save(), gamedata=str(tmp_path))
    assert out.gamedata is None and len(out.achievements.needs_gamedata) == 31
    assert "no game-data bundle for EU4 1.35.0" in out.warnings
    assert not any(str(tmp_path) in warning for warning in out.warnings)  # shown on pages


def test_unknown_names_and_missing_data_fail_with_a_reason(tmp_path: Path) -> None:
    # a bundle without geography: every list is missing, islands and culture groups too
    write_bundle(tmp_path, version="1.35.1", names=NAMES, world=World())
    out = analyze(CASES[0].save(), gamedata=str(tmp_path))
    assert failed(result(out, 38))[-1] == "Greece and Anatolia (15 areas): not in the game data"
    assert failed(result(out, 259))[-1] == (
        "every island province: the game data marks no province as an island"
    )
    assert failed(result(out, 159))[-1] == (
        "every Tatar-culture province owned: no tartar group in the game data"
    )


# --- achievements newly decided from the save alone ------------------------------------------


def test_three_mountains() -> None:
    countries = (
        "RYU={ human=yes } V01={ } T01={ tribute_type=1 } "
    )
    deps = (
        'diplomacy={ dependency={ first="RYU" second="V01" subject_type="vassal" } '
        'dependency={ first="RYU" second="T01" subject_type="tributary_state" } }'
    )
    won = " ".join([prov(1, "RYU"), prov(2, "V01"), prov(3, None)])
    item = result(analyze(text_save(player="RYU", countries=countries, provinces=won,
                                    extra=deps)), 49)  # fmt: skip
    assert item.completed, item.conditions
    lost = " ".join([prov(1, "RYU"), prov(2, "T01")])
    item = result(analyze(text_save(player="RYU", countries=countries, provinces=lost,
                                    extra=deps)), 49)  # fmt: skip
    assert failed(item) == [
        "only the player, Ryukyu and Ryukyu's non-tributary subjects own provinces "
        "(1 other owners)"
    ]


def test_listed_provinces_sun_never_sets_mare_nostrum_great_moravia() -> None:
    def run(player: str, ids: tuple[int, ...], minor: int, drop: bool) -> Eu4Analysis:
        rows = [prov(pid, "AAA" if drop and i == 0 else player) for i, pid in enumerate(ids)]
        save = text_save(
            player=player,
            minor=minor,
            countries=f"{player}={{ human=yes }} AAA={{ }}",
            provinces=" ".join(rows),
        )
        return analyze(save)

    cases = [
        (108, "HIN", (236, 1177, 667, 2585), 35, "the four provinces owned by the player or"),
        (171, "ROM", A.MARE_NOSTRUM_130, 30, "the Mediterranean coast owned ("),
        (171, "ROM", A.MARE_NOSTRUM_129, 29, "the Mediterranean coast owned ("),
        (241, "MVA", A.GREAT_MORAVIA_130, 31, "the Great Moravian borders owned and cored"),
        (241, "SLO", A.GREAT_MORAVIA_129, 29, "the Great Moravian borders owned and cored"),
    ]
    for aid, player, ids, minor, fails in cases:
        done = result(run(player, ids, minor, False), aid)
        assert done.completed, (aid, minor, done.conditions)
        item = result(run(player, ids, minor, True), aid)
        assert len(failed(item)) == 1 and failed(item)[0].startswith(fails), failed(item)
    # before 1.30, the 1.30 list is not enough (1.29 needs Verona, Zeta, Gorz)
    old = result(run("ROM", A.MARE_NOSTRUM_130, 29, False), 171)
    assert not old.completed


def test_mehmets_ambition_on_135_and_before(gamedata: Path) -> None:
    lands = [*A.MEHMET_135_PROVINCES, *regions(*A.MEHMET_135_REGIONS)]
    case = Case(348, "TUR", lands, "", minor=35)
    item = result(analyze(case.save(), gamedata=str(gamedata)), 348)
    assert item.completed, failed(item)
    old = result(analyze(case.save(minor=34), gamedata=str(gamedata)), 348)
    assert failed(old) == [
        "the lands of the Roman Empire owned by the player or core eyalets: decided from "
        "patch 1.35 (1.34)"
    ]


# --- the bundle chosen for a save -------------------------------------------------------------


def test_the_bundle_of_the_save_version_is_used(tmp_path: Path) -> None:
    small = World(provinces={"1": Province(), "2": Province(), "3": Province()})
    write_bundle(tmp_path, version="1.31.6", names=NAMES, world=small)
    write_bundle(tmp_path, version="1.35.1", names=NAMES, world=small)
    write_bundle(tmp_path, version="1.37.2", names=NAMES, world=small)
    out = analyze(text_save(minor=31), gamedata=str(tmp_path))
    assert out.gamedata is not None
    assert (out.gamedata.id, out.gamedata.label, out.gamedata.game, out.gamedata.version) == (
        "eu4-1.31.6",
        "EU4 1.31.6 data",
        "eu4",
        "1.31.6",
    )
    newest = analyze(text_save(minor=37), gamedata=tmp_path).gamedata  # a Path works too
    assert newest is not None and newest.id == "eu4-1.37.2"
    # a 1.33 save gets the nearest older bundle
    older = analyze(text_save(minor=33), gamedata=str(tmp_path)).gamedata
    assert older is not None and older.id == "eu4-1.31.6"


def test_loaded_worlds_are_cached_per_bundle(tmp_path: Path) -> None:
    from kernel.eu4 import _geography

    write_bundle(tmp_path, version="1.35.1", names=NAMES, world=GEO.world())
    analyze(CASES[0].save(), gamedata=str(tmp_path))
    first = _geography._LOADED[(str(tmp_path), "eu4-1.35.1")]
    analyze(CASES[1].save(), gamedata=str(tmp_path))
    assert _geography._LOADED[(str(tmp_path), "eu4-1.35.1")] is first
    assert first.known("areas:" + ",".join(A.BASILEUS_AREAS))


# --- the leaderboard's map check --------------------------------------------------------------

MAP = "the save's provinces are those of the game's map for its patch"


def map_check(out: Eu4Analysis) -> tuple[str, bool]:
    found = [c for c in out.leaderboard.checks if c.description.startswith(MAP)]
    assert len(found) == 1
    gate = [c for c in out.achievements.gate if c.description.startswith(MAP)]
    assert gate == found
    return found[0].description, found[0].completed


def three_provinces(tmp_path: Path, version: str = "1.35.1") -> Path:
    world = World(provinces={str(i): Province() for i in (1, 2, 3)})
    write_bundle(tmp_path, version=version, names=NAMES, world=world)
    return tmp_path


def test_map_check_passes_and_blocks(tmp_path: Path) -> None:
    root = three_provinces(tmp_path / "gd")
    (tmp_path / "tok").mkdir()
    tokens = TokenDir(tmp_path / "tok")
    same = tokens.binary(text_save(minor=35))
    out = analyze(same, tokens=tmp_path / "tok" / "eu4.txt", gamedata=root)
    assert map_check(out) == (f"{MAP} (3 provinces, as in EU4 1.35.1 data)", True)
    assert out.achievements.eligible and out.leaderboard.eligible
    # a province the map lacks, and one of the map's missing
    rows = (
        '-1={ name="A" owner="ITA" } -2={ name="B" owner="ITA" } -4={ name="D" owner="ITA" }'
    )
    other = tokens.binary(text_save(minor=35, provinces=rows))
    out = analyze(other, tokens=tmp_path / "tok" / "eu4.txt", gamedata=root)
    assert map_check(out) == (
        f"{MAP} (3 provinces against EU4 1.35.1 data: 1 not on the map: 4; 1 of the map's 3 "
        "missing)",
        False,
    )
    assert not out.achievements.eligible and not out.leaderboard.eligible
    assert out.achievements.completed == []
    # fewer provinces only (an older patch's save labelled as this one)
    fewer = tokens.binary(text_save(minor=35, provinces='-1={ name="A" owner="ITA" }'))
    description, ok = map_check(
        analyze(fewer, tokens=tmp_path / "tok" / "eu4.txt", gamedata=root)
    )
    assert not ok and description.endswith("2 of the map's 3 missing)")


def test_map_check_not_made_without_the_patch_data(tmp_path: Path) -> None:
    (tmp_path / "tok").mkdir()
    tokens = TokenDir(tmp_path / "tok")
    rows = '-1={ name="A" owner="ITA" } -9={ name="Z" owner="ITA" }'
    data = tokens.binary(text_save(minor=35, provinces=rows))
    token_file = tmp_path / "tok" / "eu4.txt"
    out = analyze(data, tokens=token_file)
    assert map_check(out) == (f"{MAP}: not checked, needs game data (does not block)", True)
    assert out.leaderboard.eligible
    # only a bundle of another patch: not checked either
    root = three_provinces(tmp_path / "gd", version="1.31.6")
    out = analyze(data, tokens=token_file, gamedata=root)
    assert out.gamedata is not None and out.gamedata.version == "1.31.6"
    assert map_check(out) == (
        f"{MAP}: not checked, the game data is for 1.31.6, the save is 1.35 (does not block)",
        True,
    )
    assert out.leaderboard.eligible


# --- the command line ---------------------------------------------------------------------------


def run_cli(args: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    environ = {k: v for k, v in os.environ.items() if k != "CHRONICLE_GAMEDATA_DIR"}
    environ.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "kernel", "analyze", *args],
        capture_output=True,
        timeout=120,
        env=environ,
    )
    assert done.returncode == 0, done.stderr
    payload: dict[str, object] = json.loads(done.stdout)
    return payload


def test_cli_gamedata_option_and_environment(tmp_path: Path, gamedata: Path) -> None:
    save = tmp_path / "byz.eu4"
    save.write_bytes(CASES[0].save())
    out = run_cli([str(save), "--gamedata", str(gamedata)])
    assert out["gamedata"] == {
        "id": "eu4-1.35.1",
        "label": "EU4 1.35.1 data",
        "game": "eu4",
        "version": "1.35.1",
    }
    achievements = out["achievements"]
    assert isinstance(achievements, dict) and achievements["needs_gamedata"] == []
    basileus = next(r for r in achievements["results"] if r["id"] == 38)
    assert basileus["completed"] is True
    # the environment variable is the default
    out = run_cli([str(save)], env={"CHRONICLE_GAMEDATA_DIR": str(gamedata)})
    assert isinstance(out["gamedata"], dict) and out["gamedata"]["id"] == "eu4-1.35.1"
    out = run_cli([str(save)])
    assert out["gamedata"] is None
    assert isinstance(out["achievements"], dict)
    assert len(out["achievements"]["needs_gamedata"]) == 31
