"""The detailed country view, the provinces table and the development distribution."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import pytest
from support.saves import text_save

from kernel.eu4 import analyze
from kernel.eu4._mana import TABLE_1_30, TABLE_1_31, TABLE_1_35, spent, table_for
from kernel.eu4.types import CountryDetails, Eu4Analysis, Privilege, ProvinceRow


def details(analysis: Eu4Analysis, tag: str) -> CountryDetails:
    for item in analysis.details:
        if item.tag == tag:
            return item
    raise AssertionError(f"no details for {tag}")


def province(analysis: Eu4Analysis, pid: int) -> ProvinceRow:
    for item in analysis.provinces:
        if item.id == pid:
            return item
    raise AssertionError(f"no province {pid}")


def test_modded_player_details(modded: Eu4Analysis) -> None:
    jbb = details(modded, "JBB")
    # the player first, then every other country of the table in its order
    assert [d.tag for d in modded.details] == [r.tag for r in modded.countries]
    # history={ 2024.1.1={ monarch={ id={ id=5 type=48 } name="Julius Arnold" DIP=4 ADM=4
    # MIL=5 personalities={ entrepreneur_personality=yes ... } } } }
    (ruler,) = jbb.rulers
    assert ruler.name == "Julius Arnold" and ruler.id == 5
    assert (ruler.adm, ruler.dip, ruler.mil) == (4, 4, 5)
    assert ruler.start == "2024-01-01" and ruler.end is None
    assert ruler.personalities[0] == "entrepreneur_personality"
    # 2086.2.2={ leader={ name="Moses Adams" type=general siege=1 maneuver=1 fire=2 shock=2
    # activation=2086.2.2 id={ id=696 type=49 } } }; the country refers to leader id=696
    moses = next(x for x in jbb.leaders if x.name == "Moses Adams")
    assert (moses.fire, moses.shock, moses.maneuver, moses.siege) == (2, 2, 1, 1)
    assert moses.kind == "general" and moses.activation == "2086-02-02" and moses.alive
    # Francis Barclay (id 66) is no longer referenced by the country
    assert not next(x for x in jbb.leaders if x.name == "Francis Barclay").alive
    # estate={ type="estate_church" loyalty=52.700 territory=13.674 ... granted_privileges={
    # { estate_church_land_rights 2074.9.15 } ... } }
    church = jbb.estates[0]
    assert church.type == "estate_church" and church.loyalty == 52.7
    assert church.territory == 13.674 and church.influence is None
    assert church.privileges[0] == Privilege(name="estate_church_land_rights", date="2074-09-15")
    assert len(church.privileges) == 5 and church.influence_modifiers == 2
    assert jbb.reforms[:2] == ["republic_mechanic", "oligarchy_reform"]
    assert jbb.completed_missions[0] == "build_army_mission"
    assert "became_great_power_flag" in jbb.flags


def test_modded_mana_uses_the_1_35_table(modded: Eu4Analysis) -> None:
    mana = details(modded, "JBB").mana
    # adm_spent_indexed={ 0=1717 1=3345 2=694 7=210 17=3292 }
    assert mana.adm["buy_idea"] == 1717 and mana.adm["advance_tech"] == 3345
    assert mana.adm["boost_stab"] == 694 and mana.adm["develop_prov"] == 210
    assert mana.adm["make_province_core"] == 3292
    assert mana.adm_total == 1717 + 3345 + 694 + 210 + 3292
    # mil_spent_indexed={ 0=2588 1=3983 7=1930 44=190 }: 44 is create_leader from 1.35
    assert mana.mil["create_leader"] == 190 and "other" not in mana.mil  # zeros left out
    # dip_spent_indexed={ 0=333 1=4332 7=1024 26=1238 }
    assert mana.dip["develop_prov"] == 1024 and mana.dip_total == 333 + 4332 + 1024 + 1238


@pytest.mark.parametrize(
    ("minor", "index", "name"),
    [
        (29, 25, "buy_native_advancement"),
        (30, 44, ""),
        (30, 45, "force_march"),
        (31, 25, "increase_tariffs"),
        (31, 43, "add_tribal_land"),
        (34, 42, "naval_barrage"),
        (35, 43, "force_march"),
        (35, 44, "create_leader"),
        (36, 36, ""),
    ],
)
def test_mana_index_tables(minor: int, index: int, name: str) -> None:
    table = table_for(minor)
    assert table[index] == name
    assert len(TABLE_1_30) == len(TABLE_1_31) == 50 and len(TABLE_1_35) == 48


def test_mana_unknown_indices_are_other() -> None:
    out = spent([(8, 1), (45, 2), (60, 5), (38, 7)], TABLE_1_30)
    assert out["force_march"] == 3 and out["other"] == 12


def test_shares_and_states(modded: Eu4Analysis) -> None:
    jbb = details(modded, "JBB")
    total = sum(s.development for s in jbb.religions)
    assert total == pytest.approx(990.0)
    assert sum(s.provinces for s in jbb.religions) == 169
    assert sum(s.share for s in jbb.cultures) == pytest.approx(1.0, abs=1e-3)
    # num_of_religions_dev={ 29=26.000 30=506.000 31=458.000 }: the same split by dev
    assert sorted(round(s.development) for s in jbb.religions) == [26, 458, 506]
    # map_area_data: every state of JBB is listed with its prosperity
    assert jbb.states and all(s.area for s in jbb.states)


def test_1_17_details(poland: Eu4Analysis) -> None:
    swe = details(poland, "SWE")
    assert [d.tag for d in poland.details] == ["SWE", "ENG"]  # the player, then humans
    # 1444.11.11={ monarch={ name="Christopher III" ... } } then Karl VIII from 1452.3.25
    assert [r.name for r in swe.rulers] == ["Christopher III", "Karl VIII"]
    assert swe.rulers[0].end == swe.rulers[1].start == "1452-03-25"
    assert swe.rulers[0].dynasty == "von Wittelsbach"
    # heir={ name="Johan" ... claim=30.000 } (1456.12.25)
    assert swe.heirs[-1].name == "Johan" and swe.heirs[-1].claim == 30.0
    # estate={ type="estate_church" loyalty=61.001 influence=65.250 territory=23.500 }
    church = swe.estates[0]
    assert church.influence == 65.25 and church.loyalty == 61.001 and church.territory == 23.5
    assert swe.accepted_cultures == ["finnish"]
    assert sum(swe.mana.adm.values()) == 0  # no *_spent_indexed before the tables existed


def test_details_on_request(eu4_file: Callable[[str], bytes]) -> None:
    data = eu4_file("osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4")
    # SWE={ ... } is in the countries section but owns no province (not in the table)
    out = analyze(data, details_for=["H26", "SWE", "XXX"])
    tags = [d.tag for d in out.details]
    assert tags[:3] == ["JBB", "H26", "SWE"] and "XXX" not in tags
    assert "SWE" not in [r.tag for r in out.countries]


def test_modded_provinces(modded: Eu4Analysis) -> None:
    assert len(modded.provinces) == 4941
    assert [p.id for p in modded.provinces] == sorted(p.id for p in modded.provinces)
    # -1={ name="White House" owner="TFA" controller="TFA" cores={ TFA } culture=human
    # religion=secular base_tax=10.000 base_production=5.000 base_manpower=5.000
    # trade_goods=fuel buildings={ marketplace=yes impressment_offices=yes } }
    white = province(modded, 1)
    assert white.name == "White House" and white.owner == "TFA" and white.controller == "TFA"
    assert white.cores == ["TFA"]
    assert (white.base_tax, white.base_production, white.base_manpower) == (10.0, 5.0, 5.0)
    assert white.development == 20.0
    assert white.culture == "human" and white.religion == "secular"
    assert white.trade_goods == "fuel"
    assert white.buildings == ["marketplace", "impressment_offices"]
    assert white.is_city and not white.hre and not white.colony
    # -1109={ name="JBAB Headquarters" owner="JBB" base_tax=3.000 base_production=5.000
    # base_manpower=5.000 trade_goods=canned_goods buildings={ workshop=yes temple=yes … } }
    hq = province(modded, 1109)
    assert hq.name == "JBAB Headquarters" and hq.owner == "JBB" and hq.development == 13.0
    assert hq.buildings[:2] == ["workshop", "temple"]


def test_1_5_provinces_use_old_fields(tiny: Eu4Analysis) -> None:
    # -1={ name="Stockholm" owner="SWE" controller="SWE" core="SWE" ... base_tax=6.000
    # manpower=3.000 trade_goods=grain temple=yes regimental_camp=yes shipyard=yes ... }
    stockholm = province(tiny, 1)
    assert stockholm.name == "Stockholm" and stockholm.owner == "SWE"
    assert stockholm.cores == ["SWE"]
    assert (stockholm.base_tax, stockholm.base_production, stockholm.base_manpower) == (
        6.0,
        0.0,
        3.0,
    )
    assert stockholm.development == 9.0
    assert {"temple", "regimental_camp", "shipyard", "fort1"} <= set(stockholm.buildings)
    assert stockholm.religion == "protestant" and stockholm.culture == "swedish"


def test_development_distribution(modded: Eu4Analysis) -> None:
    dist = modded.development
    owned = [p.development for p in modded.provinces if p.owner is not None]
    assert dist.provinces == len(owned) == sum(b.count for b in dist.buckets)
    assert dist.total == pytest.approx(sum(owned))
    assert dist.max == max(owned)
    for bucket in dist.buckets:
        inside = [d for d in owned if bucket.low <= d < bucket.high]
        assert len(inside) == bucket.count


def test_modded_timeline_relations_rivals(modded: Eu4Analysis) -> None:
    jbb = details(modded, "JBB")
    events = [(e.date, e.kind, e.value) for e in jbb.history]
    # JBB's history: 2024.1.1={ monarch={ name="Julius Arnold" … } } … 2024.1.1={ leader={
    # name="Francis Barclay" … } } 2024.1.1={ national_focus=MIL } 2024.1.2={ capital=1109
    # changed_country_name_from="JBAB Garrison Remnant" … } 2037.3.22={ mass_army=yes … }
    assert ("2024-01-01", "monarch", "Julius Arnold") in events
    assert ("2024-01-01", "leader", "Francis Barclay") in events
    assert ("2024-01-01", "focus", "MIL") in events
    assert ("2024-01-02", "capital", "1109") in events
    assert ("2024-01-02", "name", "JBAB Garrison Remnant") in events
    assert ("2037-03-22", "enacted", "mass_army") in events
    assert ("2050-08-13", "focus", "ADM") in events
    assert [e.date for e in jbb.history] == sorted(e.date for e in jbb.history)
    # the colour change is the map's, not the timeline's (a block, not a value)
    assert not any(e.kind == "enacted" and e.value.startswith("changed_") for e in jbb.history)
    # national_focus=ADM; rival={ country="DPD" date=2064.2.11 }
    assert jbb.national_focus == "ADM" and jbb.rivals == ["DPD"]
    assert jbb.powers == [457, 351, 805]  # powers={ 457 351 805 }
    # republican_tradition=100.000 devotion=0.000 meritocracy=0.000 legitimacy=0.000
    assert jbb.government_strength == {"republican_tradition": 100.0}
    # diplomacy={ dependency={ first="JBB" second="H26" start_date=2081.7.23
    # subject_type="march" } military_access={ first="H23" second="JBB" start_date=2083.3.8 } }
    march = next(r for r in jbb.relations if r.kind == "dependency")
    assert (march.other, march.outgoing, march.start, march.subject_type) == (
        "H26",
        True,
        "2081-07-23",
        "march",
    )
    access = [r for r in jbb.relations if r.kind == "military_access" and r.other == "H23"]
    assert access and access[0].outgoing is False and access[0].start == "2083-03-08"
    assert all(r.kind != "casus_belli" for r in jbb.relations)
    h26 = details(modded, "H26")
    assert any(
        r.kind == "dependency" and r.other == "JBB" and not r.outgoing for r in h26.relations
    )


def test_modded_development_clicks_and_state_counts(modded: Eu4Analysis) -> None:
    # -1={ … country_improve_count={ tag="TFA" val=10 } … }
    assert province(modded, 1).improvements == {"TFA": 10}
    # -33={ … country_improve_count={ tag="ANC" val=-4 } }: as the save has it
    assert province(modded, 33).improvements == {"ANC": -4}
    # -107={ … centralize_state_construction={ … } num_centralize_state=3 }
    assert province(modded, 107).centralize_state == 3
    # grep -A2 'country_improve_count={' gamestate | grep -A1 'tag="JBB"': 40 provinces,
    # val= summing to 102
    jbb = [p.improvements["JBB"] for p in modded.provinces if "JBB" in p.improvements]
    assert (len(jbb), sum(jbb)) == (40, 102)
    white = province(modded, 1)
    assert (white.expand_infrastructure, white.centralize_state, white.exploit_date) == (0, 0, None)


def test_improvements_of_several_countries_and_exploit_date() -> None:
    provinces = (
        '-1={ name="Roma" owner="ITA" controller="ITA" base_tax=5.000 base_production=4.000 '
        'base_manpower=3.000 country_improve_count={ tag="ITA" val=3 } '
        'country_improve_count={ tag="AAA" val=2 } country_improve_count={ val=9 } '
        "expand_infrastructure=2 num_centralize_state=1 exploit_date=1480.3.2 } "
        '-3={ name="Other" owner="AAA" base_tax=1.000 base_production=1.000 '
        "base_manpower=1.000 }"
    )
    out = analyze(text_save(provinces=provinces))
    roma = province(out, 1)
    assert roma.improvements == {"ITA": 3, "AAA": 2}  # a block without a tag is skipped
    assert (roma.expand_infrastructure, roma.centralize_state) == (2, 1)
    assert roma.exploit_date == "1480-03-02"
    # Defaults are left out of the payload (thousands of provinces have none).
    other = msgspec.json.decode(msgspec.json.encode(province(out, 3)))
    assert "improvements" not in other and "exploit_date" not in other
