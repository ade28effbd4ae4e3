"""Annual ledgers, wars, battles and casualties, pinned to the corpus saves."""

from __future__ import annotations

from kernel.eu4._wars import losses_of
from kernel.eu4.types import Eu4Analysis, LedgerPoint, LedgerSeries, Losses, War


def series(items: list[LedgerSeries], tag: str) -> list[LedgerPoint]:
    for item in items:
        if item.tag == tag:
            return item.points
    raise AssertionError(f"no {tag} series")


def war(analysis: Eu4Analysis, name: str) -> War:
    for item in analysis.wars:
        if item.name == name:
            return item
    raise AssertionError(f"no war {name!r}")


def test_modded_ledgers(modded: Eu4Analysis) -> None:
    ledgers = modded.ledgers
    # income_statistics: ledger_data={ name="JBB" data={ 2025=72 2026=84 ... 2087=528 } }
    income = series(ledgers.income, "JBB")
    assert income[0] == LedgerPoint(year=2025, value=72 / 12)
    assert income[-1] == LedgerPoint(year=2087, value=528 / 12)
    assert len(income) == 2087 - 2025 + 1
    # nation_size_statistics: JBB data={ 2025=30 ... 2087=166 }
    size = series(ledgers.nation_size, "JBB")
    assert size[0].value == 30 and size[-1].value == 166
    # score_statistics: JBB data={ 2025=8 2026=15 ... 2087=815 }
    score = series(ledgers.score, "JBB")
    assert [p.value for p in score[:2]] == [8, 15] and score[-1].value == 815
    # inflation_statistics: ledger_data={ name="JBB" } has no data: no series
    assert all(item.tag != "JBB" for item in ledgers.inflation)
    # countries without data (name="---", "AAC", ...) are left out
    assert all(item.points for item in ledgers.income)
    years = [p.year for p in income]
    assert years == sorted(years)


def test_modded_active_war_with_battles(modded: Eu4Analysis) -> None:
    w = war(modded, "Ghastly Conquest of Austin's Party")
    assert w.active and w.end is None
    # history: 2024.2.16={ add_attacker="Z28" } 2024.2.16={ add_defender="H10" }
    assert w.start == "2024-02-16"
    assert w.attackers == ["Z28"] and w.defenders == ["H10"]
    assert w.original_attacker == "Z28" and w.original_defender == "H10"
    # take_capital={ type="DZ_death_war" tag="H10" casus_belli="cb_dz_death_war" }
    assert w.casus_belli == "cb_dz_death_war"
    # 2024.4.10={ battle={ name="Colonial Place" location=106 result=yes
    #   attacker={ cavalry=7000 losses=2023 country="Z28" commander="Blaaagh Uuuugh" }
    #   defender={ infantry=1000 losses=1000 country="H10" commander="" } } }
    first = w.battles[0]
    assert first.date == "2024-04-10" and first.name == "Colonial Place"
    assert first.location == 106 and first.attacker_won and not first.naval
    assert first.attacker.country == "Z28" and first.attacker.commander == "Blaaagh Uuuugh"
    assert first.attacker.cavalry == 7000 and first.attacker.losses == 2023
    assert first.defender.infantry == 1000 and first.defender.losses == 1000
    assert len(w.battles) == 3
    # result=no for the other two battles
    assert [b.attacker_won for b in w.battles] == [True, False, False]
    assert w.attacker_losses == 2023 + 2000 + 4802
    assert w.defender_losses == 1000 + 8 + 117
    # participants={ value=18.000 tag="Z28" losses={ members={ 0 0 0 8825 128 0 ... } } }
    z28 = w.participants[0]
    assert z28.tag == "Z28" and z28.side == "attacker" and z28.score == 18.0
    assert z28.losses.cavalry_battle == 8825 and z28.losses.cavalry_attrition == 128
    assert z28.joined == "2024-02-16" and z28.left == "2025-07-19"  # rem_attacker="Z28"
    h10 = w.participants[1]
    assert h10.side == "defender" and h10.left is None


def test_modded_previous_war(modded: Eu4Analysis) -> None:
    w = war(modded, "Afghan-Maratha War")
    assert not w.active
    # history={ war_goal={ type="superiority_punitive" casus_belli="cb_super_badboy" }
    # 1758.1.1={ add_attacker="AFG" add_defender="GWA" add_defender="MAR" add_defender="NAG" }
    assert w.casus_belli == "cb_super_badboy"
    assert w.start == "1758-01-01" and w.end == "1761-04-01"
    assert w.attackers == ["AFG"] and w.defenders == ["GWA", "MAR", "NAG"]
    # original_attacker="---": none
    assert w.original_attacker is None
    # 1761.1.14={ battle={ name="Panipat" ... attacker={ cavalry=42000 artillery=200
    # infantry=38000 losses=28070 country="AFG" commander="Ahmad Shah Durrani" } ... } }
    (panipat,) = w.battles
    assert panipat.name == "Panipat" and panipat.date == "1761-01-14"
    assert panipat.attacker.infantry == 38000 and panipat.attacker.cavalry == 42000
    assert panipat.attacker.artillery == 200 and panipat.attacker.losses == 28070
    assert panipat.defender.country == "MAR" and panipat.defender.losses == 45630
    # no participants block: the joined countries are still listed, without losses
    assert {p.tag for p in w.participants} == {"AFG", "GWA", "MAR", "NAG"}
    assert all(p.losses == Losses() for p in w.participants)


def test_previous_war_outcomes(modded: Eu4Analysis) -> None:
    # In the gamestate (unzipped), each previous_war block's own lines:
    #   grep -n 'name="Vile Conquest of Department of Defense"' -> 672304; outcome=1 at 672379
    #   grep -n 'name="20th Vile Conquest of Perez' Band"'      -> 672115; outcome=2 at 672168
    #   grep -n 'name="Smelly Conquest of Green's Gang"'        -> 662947; outcome=3 at 663023
    assert war(modded, "Vile Conquest of Department of Defense").outcome == "white_peace"
    assert war(modded, "20th Vile Conquest of Perez' Band").outcome == "attacker"
    assert war(modded, "Smelly Conquest of Green's Gang").outcome == "defender"
    # grep -c '^\toutcome=' gamestate: 228 of the 596 previous wars say (36, 170 and 22 of
    # outcome=1, 2 and 3); the history's wars (Afghan-Maratha War) and active wars do not.
    finished = [w.outcome for w in modded.wars if not w.active]
    assert sum(o is not None for o in finished) == 228
    assert [finished.count(o) for o in ("white_peace", "attacker", "defender")] == [36, 170, 22]
    assert war(modded, "Afghan-Maratha War").outcome is None
    assert all(w.outcome is None for w in modded.wars if w.active)


def test_naval_battle(modded: Eu4Analysis) -> None:
    w = war(modded, "Fifth Ottoman-Venetian War")
    # war_goal={ type="superiority_crusade" casus_belli="cb_crusade" }
    assert w.casus_belli == "cb_crusade"
    lepanto = next(b for b in w.battles if b.name == "Lepanto")
    # 1571.10.7={ battle={ name="Lepanto" location=1312 result=yes
    #   attacker={ galley=210 losses=12 country="SPA" commander="John of Austria" }
    #   defender={ galley=260 losses=234 country="TUR" commander="Ali Pasha" } } }
    assert lepanto.naval and lepanto.location == 1312 and lepanto.date == "1571-10-07"
    assert lepanto.attacker.galley == 210 and lepanto.defender.galley == 260
    assert lepanto.defender.losses == 234 and lepanto.defender.commander == "Ali Pasha"


def test_modded_war_list(modded: Eu4Analysis) -> None:
    active = [w for w in modded.wars if w.active]
    # 23 active_war and 596 previous_war blocks
    assert len(active) == 23 and len(modded.wars) == 23 + 596
    assert modded.wars[: len(active)] == active


def test_casualties(modded: Eu4Analysis) -> None:
    by_tag = {c.tag: c.losses for c in modded.casualties}
    # JBB={ ... losses={ members={ 46118 27558 0 0 0 0 0 338 0 0 ... } } }
    jbb = by_tag["JBB"]
    assert jbb.infantry_battle == 46118 and jbb.infantry_attrition == 27558
    assert jbb.artillery_attrition == 338
    assert jbb.land_battle == 46118 and jbb.land_attrition == 27558 + 338
    assert jbb.land_total == 46118 + 27558 + 338 and jbb.naval_total == 0
    totals = [c.losses.land_total + c.losses.naval_total for c in modded.casualties]
    assert totals == sorted(totals, reverse=True) and all(totals)


def test_1_5_naval_battle(tiny: Eu4Analysis) -> None:
    w = tiny.wars[0]
    # active_war={ name="Conquête suédoise de Grodno" ... 1684.2.28={ battle={
    # name="Baltique septentrionale" location=1926 result=yes
    # attacker={ light_ship=86 losses=6 country="RUS" } defender={ light_ship=20
    # heavy_ship=5 losses=25 country="HSA" } } }
    assert w.name.endswith("de Grodno")
    assert w.attackers[:3] == ["SWE", "RUS", "UKR"]
    battle = w.battles[0]
    assert battle.naval and battle.location == 1926 and battle.date == "1684-02-28"
    assert battle.attacker.light_ship == 86 and battle.attacker.losses == 6
    assert battle.defender.heavy_ship == 5 and battle.defender.light_ship == 20
    assert len(tiny.wars) == 6  # 3 active_war + 3 previous_war


def test_losses_layout() -> None:
    import kernel

    members = " ".join(str(i) for i in range(1, 22))
    doc = kernel.parse_text(f"losses={{ members={{ {members} }} }}".encode())
    losses = losses_of(doc.root().get("losses"))
    assert (losses.infantry_battle, losses.infantry_attrition) == (1, 2)
    assert (losses.cavalry_battle, losses.artillery_attrition) == (4, 8)
    assert (losses.heavy_ship_battle, losses.heavy_ship_captured) == (10, 12)
    assert (losses.transport_battle, losses.transport_attrition, losses.transport_captured) == (
        19,
        20,
        21,
    )
    assert losses.land_total == 1 + 2 + 4 + 5 + 7 + 8
    # every ship type counts, transports included; each light ship once
    assert losses.naval_total == sum(range(10, 22))
    assert losses_of(None) == Losses()


def test_war_sides_without_history() -> None:
    from kernel.eu4 import analyze

    data = (
        b'EU4txt\ndate=1500.1.1\nactive_war={ name="Trimmed War" attackers={ AAA } '
        b"defenders={ BBB } persistent_attackers={ AAA CCC } "
        b'participants={ value=2.000 tag="CCC" } participants={ value=1.000 tag="BBB" } '
        b'superiority={ type="superiority" casus_belli="cb_insult" } }\n'
    )
    (w,) = analyze(data).wars
    assert w.attackers == ["AAA", "CCC"] and w.defenders == ["BBB"]
    assert [(p.tag, p.side) for p in w.participants] == [("CCC", "attacker"), ("BBB", "defender")]
    assert w.casus_belli == "cb_insult" and w.start is None and w.battles == []
