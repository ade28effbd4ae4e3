"""Save info, pinned to what the corpus files say (the quoted lines are from the files)."""

from __future__ import annotations

from collections.abc import Callable

from kernel._archive import content_hash, open_archive
from kernel.eu4 import analyze
from kernel.eu4.types import Eu4Analysis, Mod, Player, Version


def test_modded_meta(modded: Eu4Analysis) -> None:
    info = modded.info
    # meta: date=2087.7.1 / player="JBB" / displayed_country_name="JBAB Garrison Remnant"
    assert info.date == "2087-07-01"
    assert info.player_tag == "JBB"
    assert info.player_name == "JBAB Garrison Remnant"
    assert info.save_game == "JBAB_Garrison_Remnant.eu4"
    # savegame_version={ first=1 second=36 third=2 forth=0 name="Byzantium" }
    assert info.version == Version(first=1, second=36, third=2, fourth=0, name="Byzantium")
    assert info.patch == "1.36.2.0"
    assert info.savegame_versions == ["1.36.2.0"]
    # mods_enabled_names={ { filename="mod/ugc_3018294589.mod" name="Washington D.Z." } }
    assert info.mods == [Mod(name="Washington D.Z.", filename="mod/ugc_3018294589.mod")]
    assert len(info.dlc) == 20
    assert info.dlc[0] == "Conquest of Paradise" and info.dlc[-1] == "King of Kings"
    assert info.campaign_id == "9bd7985a-0151-42d2-8004-9281221d65fc"
    assert info.campaign_length == 3963
    assert info.checksum == "97e84b6f6ea22f73b9b9f41ffc52e65d"
    # multi_player=no, not_observer=yes, no is_ironman line
    assert not info.multiplayer and not info.observer and not info.ironman
    assert not info.random_new_world


def test_modded_gamestate_head(modded: Eu4Analysis) -> None:
    info = modded.info
    # gamestate: start_date=2024.1.1, current_age="age_of_discovery", achievement_ok=no
    assert info.start_date == "2024-01-01"
    assert info.current_age == "age_of_discovery"
    assert info.achievement_ok is False
    # players_countries={ "Assassin Blanc" "JBB" }
    assert info.players == [Player(name="Assassin Blanc", tag="JBB")]
    assert info.player_names == []  # single player: names are shown for multiplayer only
    assert info.human_tags == ["JBB"]
    # setgameplayoptions={ 1 1 1 1 1 0 0 0 0 1 0 1 2 0 0 0 ... }: normal, historical
    assert info.gameplay_options[:16] == [1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 0]
    assert info.difficulty == "normal"
    assert info.tax_manpower == "historical"
    assert info.encoding == "text" and info.container == "zip"
    assert info.starting_tag == "JBB"
    assert info.starting_name == "JBAB Garrison Remnant"


def test_days_on_the_365_day_calendar(modded: Eu4Analysis, poland: Eu4Analysis) -> None:
    # 2087.7.1 is day 181 of its year, 1444.11.11 day 314: 643 x 365 + 181 - 314
    assert modded.info.days == 643 * 365 + 181 - 314 == 234562
    # from the save's own start (2024.1.1, day 0): 63 x 365 + 181
    assert modded.info.days_from_start == 63 * 365 + 181
    # 1464.12.30: day 363
    assert poland.info.days == 20 * 365 + 363 - 314 == 7349


def test_content_hash_is_the_container_hash(eu4_file: Callable[[str], bytes]) -> None:
    data = eu4_file("pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4")
    assert analyze(data).info.content_hash == content_hash(open_archive(data))


def test_playthrough_id_is_stable_and_needs_content(modded: Eu4Analysis) -> None:
    pid = modded.info.playthrough_id
    assert pid is not None and len(pid) == 44  # base64 of 32 bytes
    # the id depends only on REB's seed and the starting monarchs: a save that differs
    # elsewhere keeps it, one with another starting ruler does not
    base = (
        b"EU4txt\ndate=1450.1.1\nstart_date=1444.11.11\ncountries={ REB={ decision_seed=7 }"
        b' SWE={ history={ 1444.11.11={ monarch={ id={ id=3 type=48 } name="Karl" } } } } }\n'
    )
    first = analyze(base).info.playthrough_id
    later = analyze(base.replace(b"date=1450.1.1", b"date=1600.1.1", 1)).info.playthrough_id
    other = analyze(base.replace(b'"Karl"', b'"Erik"')).info.playthrough_id
    assert first is not None and first == later and first != other


def test_plain_text_1_17_multiplayer(poland: Eu4Analysis) -> None:
    info = poland.info
    # date=1464.12.30 player="SWE" displayed_country_name="Poland" multi_player=yes
    assert info.date == "1464-12-30" and info.player_tag == "SWE"
    assert info.player_name == "Poland"
    assert info.multiplayer
    # players_countries={ "Balain of Ibelin" "SWE" "Matt" "ENG" }
    assert info.player_names == ["Balain of Ibelin", "Matt"]
    assert info.players[1] == Player(name="Matt", tag="ENG")
    assert sorted(info.human_tags) == ["ENG", "SWE"]
    # mod_enabled={ "Bigger Diplomacy View++" ... } (names only before 1.30)
    assert info.mods[0] == Mod(name="Bigger Diplomacy View++")
    assert info.container == "text"
    assert info.version.second == 17


def test_1_5_quoted_dates_and_no_multi_player_field(tiny: Eu4Analysis) -> None:
    info = tiny.info
    # start_date="1444.11.11" date="1687.1.1" (quoted in 1.5)
    assert info.start_date == "1444-11-11" and info.date == "1687-01-01"
    assert info.patch == "1.5.1.0"
    assert info.player_tag == "TUR"
    # 15 players_countries pairs and no multi_player field: multiplayer
    assert len(info.players) == 15 and info.multiplayer
    assert info.players[0] == Player(name="Vash", tag="TUR")
    # mod_enabled={ "La Pléiade   (v8.2 pour EU4 1.5)" }: this file holds UTF-8 text under
    # its EU4txt header, which the parser decodes as Windows-1252 (as the header says)
    assert len(info.mods) == 1
    assert info.mods[0].name.startswith("La Pl") and info.mods[0].name.endswith(
        "(v8.2 pour EU4 1.5)"
    )
