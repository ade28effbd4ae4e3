"""kernel.stellaris.analyze on the corpus's two Stellaris saves, values read off the files.

How the expected values were read (FILE = the .sav in ../shared/corpus/saves/stellaris):

    unzip -p FILE meta                          # name, date, version, ironman
    unzip -p FILE gamestate > gs.txt
    grep -n '^country=' gs.txt                  # then sed -n the country's lines
    sed -n START,ENDp gs.txt | grep -cP '^\t\t\ttechnology='
    awk '/^\t\t[0-9]+=/{id=$1} /^\t\t\tnum_sapient_pops=/{...}'   # pops per planet
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from functools import cache

import pytest
from support.corpus import save_file

import kernel
from kernel.stellaris import analyze
from kernel.stellaris._analysis import analyze_documents
from kernel.stellaris.types import StellarisAnalysis

UNE = "stellaris/pjmagee_UNE_ironman_2250.11.15_v3.14.sav"
NEXITRON = "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav"


@cache
def analysed(rel: str) -> StellarisAnalysis:
    return analyze(save_file(rel).read_bytes())


def test_une_save_is_a_zip_of_text_entries_despite_its_name() -> None:
    # The file is named "ironman" and its meta says ironman=yes, but both entries are text.
    with zipfile.ZipFile(save_file(UNE)) as z:
        assert sorted(z.namelist()) == ["gamestate", "meta"]
        assert z.read("meta").startswith(b'version="Circinus v3.14.15926"')
    info = kernel.open_save(save_file(UNE).read_bytes()).info()
    assert info["encoding"] == "text"
    assert info["ironman"] is True


def test_une_header_and_player() -> None:
    result = analysed(UNE)
    assert result.date == "2250.11.15"  # meta: date="2250.11.15"
    assert result.version == "Circinus v3.14.15926"
    assert result.ironman is True  # meta: ironman=yes
    assert result.player == 0  # gamestate: player={ { name="Delegate" country=0 } }
    assert result.player_name == "Delegate"
    assert result.warnings == []


def test_une_player_row() -> None:
    rows = {row.id: row for row in analysed(UNE).empires}
    une = rows[0]
    assert une.player and une.player_name == "Delegate"
    assert une.name == "United Nations of Earth"  # meta: name="United Nations of Earth"
    assert une.type == "default"
    assert une.capital == 3  # country 0: capital=3
    assert une.capital_name == "Earth"  # planet 3: name={ key="NAME_Earth" }
    assert une.planets == 3  # owned_planets={ 3 332 2141 }
    assert une.pops == 82  # num_sapient_pops of planets 3, 332, 2141: 51 + 18 + 13
    assert une.fleet_power == pytest.approx(3040.54687)  # military_power=3040.54687
    assert une.economy_power == pytest.approx(913.18981)
    assert une.victory_rank == 17
    assert une.technologies == 67  # grep -cP '^\t\t\ttechnology=' in country 0's lines
    # current_month's balance, summed over its categories (grep of the balance block):
    # energy 20 + 163.1504 - 14.94675 - 97.69332 - … = 165.71, alloys 24.0862.
    assert une.income.energy == pytest.approx(165.71, abs=0.001)
    assert une.income.minerals == pytest.approx(162.0)
    assert une.income.alloys == pytest.approx(24.0862, abs=0.001)
    # physics 105.6 + society 89.4 + engineering 96 (no research expenses)
    assert une.income.research == pytest.approx(291.0)


def test_une_names_are_composed_from_their_parts() -> None:
    rows = {row.id: row for row in analysed(UNE).empires}
    # country 1: name={ key="%ADJECTIVE%" variables={ {key="adjective" value={
    # key="SPEC_Refusoritor"}} {key="1" value={key="Entity"}} } }
    assert rows[1].name == "Refusoritor Entity"
    # country 4: adjective SPEC_Multyx, 1 = Stellar_Industries
    assert rows[4].name == "Multyx Stellar Industries"
    for row in rows.values():
        assert "%" not in row.name and "SPEC_" not in row.name, row.name


def test_une_wars_and_galaxy() -> None:
    result = analysed(UNE)
    wars = {war.id: war for war in result.wars}
    assert len(wars) == 3  # war={ 33554432={…} … } holds three wars
    war = wars[33554432]
    # name={ key="war_vs_adjectives" variables: 1 = SPEC_Adeex, 2 = SPEC_Cydran,
    # 3 = War_of_Obedience }
    assert war.name == "Adeex-Cydran War of Obedience"
    assert war.start_date == "2250.05.25"
    assert [side.country for side in war.attackers] == [6]
    assert [side.country for side in war.defenders] == [12]
    assert war.attackers[0].call_type == "primary"
    assert war.attacker_war_goal == "wg_subjugation"
    assert war.defender_war_goal == "wg_conquest"
    assert result.federations == []  # federation={ } is empty
    galaxy = result.galaxy
    assert galaxy.template == "huge" and galaxy.shape == "elliptical"  # galaxy={ … }
    assert galaxy.systems == 988  # entries of galactic_object
    assert galaxy.colonized_planets == 182  # planets with an owner= line
    assert galaxy.pops == 3992  # num_sapient_pops summed over every planet
    assert galaxy.empires == len(result.empires)


def test_une_player_details() -> None:
    details = analysed(UNE).player_details
    assert details is not None
    assert details.government == "gov_representative_democracy"
    assert details.authority == "auth_democratic"
    assert details.civics == ["civic_beacon_of_liberty", "civic_idealistic_foundation"]
    assert details.ethics == ["ethic_fanatic_egalitarian", "ethic_xenophile"]
    assert details.ascension_perks == ["ap_technological_ascendancy"]
    assert len(details.traditions) == 15
    assert len(details.technologies) == 67
    assert details.technologies[0] == "tech_space_exploration"
    assert details.species is not None and "trait_adaptive" in details.species.traits


def test_nexitron() -> None:
    result = analysed(NEXITRON)
    assert result.date == "2565.06.02" and result.version == "Orion v3.6.1"
    assert result.player == 0 and result.player_name == "forbiddenlake"
    assert result.ironman is False  # its meta has no ironman line
    player = next(row for row in result.empires if row.player)
    assert player.name == "Nexitron Awareness"  # meta: name="Nexitron Awareness"
    details = result.player_details
    assert details is not None and details.authority == "auth_machine_intelligence"
    assert result.galaxy.template == "medium" and result.galaxy.shape == "spoked"


@pytest.mark.parametrize("rel", [NEXITRON, UNE])
def test_skipping_changes_nothing(rel: str) -> None:
    """The blocks the analysis skips (UNREAD, and the country section parsed apart) hold
    nothing it reads: parsing everything gives the same analysis. (Budget categories named
    like skipped sections, ``ships`` or ``trade_routes``, made this fail before the
    country section was parsed on its own.)"""
    data = save_file(rel).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = kernel.parse_text(z.read("meta"))
        game = kernel.parse_text(z.read("gamestate"))
    assert analyze_documents(meta, game) == analysed(rel)


def test_cli_analyze() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kernel", "analyze", str(save_file(NEXITRON))],
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["game"] == "stellaris" and payload["schema_version"] == 1
    assert payload["player_name"] == "forbiddenlake"


def _rezip(gamestate: bytes, meta: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta", meta)
        z.writestr("gamestate", gamestate)
    return out.getvalue()


def test_truncated_and_corrupt_files_raise_kernel_error() -> None:
    data = save_file(NEXITRON).read_bytes()
    with pytest.raises(kernel.KernelError) as caught:
        analyze(data[: len(data) // 2])  # the zip cut in half
    assert caught.value.offset >= 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = z.read("meta")
        gamestate = z.read("gamestate")
    # The gamestate cut inside a quoted string: the parser names where the string began.
    quote = gamestate.index(b'name="', len(gamestate) // 3) + len(b'name="')
    with pytest.raises(kernel.KernelError) as caught:
        analyze(_rezip(gamestate[: quote + 2], meta))
    assert caught.value.offset >= 0
    # Corrupt compressed data (bytes of the deflate stream overwritten).
    broken = bytearray(data)
    middle = len(broken) // 2
    broken[middle : middle + 64] = bytes(64)
    with pytest.raises(kernel.KernelError) as caught:
        analyze(bytes(broken))
    assert caught.value.offset >= 0
    # Cut between two lines (blocks left open): what it holds, the missing sections named.
    line = gamestate.rindex(b"\n", 0, len(gamestate) // 20)
    partial = analyze(_rezip(gamestate[:line], meta))
    assert partial.date == "2565.06.02"
    assert "no country section: the save is trimmed or a fragment" in partial.warnings
    done = subprocess.run(
        [sys.executable, "-m", "kernel", "analyze", "-"],
        input=data[:100_000],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(b"error: ") and b"Traceback" not in done.stderr


def test_synthetic_federation_and_custom_names() -> None:
    """Neither corpus save has a federation: a small gamestate written as the game writes
    them (``federation={ id={ name={…} members={…} leader=… federation_progression={…} } }``)."""
    gamestate = b"""version="Circinus v3.14.15926"
name="Custom Empire"
date="2300.01.01"
player={
\t{
\t\tname="p1"
\t\tcountry=0
\t}
}
country={
\t0={
\t\tname={
\t\t\tkey="Custom Empire"
\t\t}
\t\ttype="default"
\t\tfederation=5
\t\tmilitary_power=10.5
\t}
\t1={
\t\tname={
\t\t\tkey="%ADJECTIVE%"
\t\t\tvariables={
\t\t\t\t{
\t\t\t\t\tkey="adjective"
\t\t\t\t\tvalue={
\t\t\t\t\t\tkey="SPEC_Zorg"
\t\t\t\t\t}
\t\t\t\t}
\t\t\t\t{
\t\t\t\t\tkey="1"
\t\t\t\t\tvalue={
\t\t\t\t\t\tkey="Star_Union"
\t\t\t\t\t}
\t\t\t\t}
\t\t\t}
\t\t}
\t\ttype="default"
\t\tfederation=5
\t}
\t2=none
}
federation={
\t5={
\t\tname={
\t\t\tkey="The Grand Alliance"
\t\t\tliteral=yes
\t\t}
\t\tmembers={
\t\t\t0 1
\t\t}
\t\tleader=1
\t\tfederation_progression={
\t\t\tfederation_type="research_federation"
\t\t\tlevels=2
\t\t}
\t}
}
"""
    result = analyze(_rezip(gamestate, b'name="Custom Empire"\ndate="2300.01.01"\n'))
    names = {row.id: row.name for row in result.empires}
    assert names == {0: "Custom Empire", 1: "Zorg Star Union"}
    assert len(result.federations) == 1
    fed = result.federations[0]
    assert (fed.id, fed.name, fed.leader, fed.members) == (5, "The Grand Alliance", 1, [0, 1])
    assert (fed.type, fed.level) == ("research_federation", 2)
    assert result.galaxy.countries == 2  # 2=none is a removed country
    assert "no planets section: the save is trimmed or a fragment" in result.warnings


def test_section_span() -> None:
    from kernel.stellaris._analysis import section_span

    data = b'version="x"\ncountry={\n\t0={\n\t\tname="a"\n\t}\n}\nwar={\n}\n'
    span = section_span(data, "country")
    assert span is not None
    assert data[span[0] : span[1]] == b'country={\n\t0={\n\t\tname="a"\n\t}\n}\n'
    assert section_span(b"country={ }\nx=1", "country") == (0, 12)
    assert section_span(data, "federation") is None
    last = section_span(data, "war")
    assert last is not None and data[last[0] : last[1]] == b"war={\n}\n"
