"""Every EU4 file of the corpus: text saves and fragments analyze; binary ones are refused
with a clear message (no token table); other games are refused."""

from __future__ import annotations

import pytest
from support.corpus import PAIR, corpus_dir, corpus_files, save_file

import kernel
from kernel import KernelError, OtherGame, TokensNeeded, load_tokens
from kernel._archive import open_archive
from kernel.eu4 import analyze
from kernel.eu4._analysis import BINARY_MESSAGE

HUN = "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4"


def test_every_eu4_file() -> None:
    corpus_dir("saves/eu4")
    files = corpus_files("saves/eu4")
    assert files, "no EU4 files in the corpus"
    analyzed = 0
    for path in files:
        data = path.read_bytes()
        try:
            container = open_archive(data)
        except KernelError:
            assert path.suffix == ".txt"  # binary-pair/tokens.txt is a token list, not a save
            continue
        binary = any(entry.encoding == "binary" for entry in container.entries)
        if binary:
            with pytest.raises(KernelError, match="binary save: a token table is needed"):
                analyze(data)
            continue
        result = analyze(data)
        analyzed += 1
        assert result.info.date, path.name
        if not result.provinces:
            assert result.warnings, path.name  # trimmed: says which sections are missing
    assert analyzed >= 6


def test_fragments_give_partial_results() -> None:
    headerless = save_file("eu4/morgotth_test_fragment.eu4")
    # starts "speed=0 ...": no date, no provinces, no countries; still a payload
    out = analyze(headerless.read_bytes())
    assert out.info.date == "1444-11-11" and out.info.player_tag == ""
    assert out.countries == [] and out.provinces == [] and out.wars == []
    assert out.info.difficulty == "normal"  # setgameplayoptions={ 1 1 2 1 0 0 0 1 0 1 0 }
    assert out.info.tax_manpower == "unknown"  # only 11 options: no tax/manpower setting
    assert any("no date" in w for w in out.warnings)
    cardinals = analyze(save_file("eu4/morgotth_cardinals_fragment_1580.eu4").read_bytes())
    # date="1580.1.1" player="TUR" papacy={…} active_war={…}
    assert cardinals.info.date == "1580-01-01" and cardinals.info.player_tag == "TUR"
    assert len(cardinals.wars) == 1 and cardinals.wars[0].active
    meta = analyze(save_file("eu4/jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt").read_bytes())
    assert meta.info.player_tag == "ENG" and meta.info.patch == "1.28.3.0"
    assert meta.info.days == 0


def test_binary_save_needs_tokens() -> None:
    path = save_file(HUN)
    with pytest.raises(TokensNeeded) as info:
        analyze(path.read_bytes())
    assert isinstance(info.value, KernelError)  # one exception type for callers
    assert str(info.value).startswith(BINARY_MESSAGE)
    assert "eu4.txt" in str(info.value)  # names the token file it looks for
    assert info.value.reason == BINARY_MESSAGE  # the same without advice for programmers
    with pytest.raises(TypeError):
        analyze(path.read_bytes(), tokens=42)


def test_binary_meta_reads_like_its_melted_text() -> None:
    # binary-pair: meta.bin (EU4bin), its melt (EU4txt) and the 26 tokens its fields use
    pair = corpus_dir("saves/eu4/binary-pair")
    binary = analyze((pair / "meta.bin").read_bytes(), tokens=load_tokens(pair / "tokens.txt"))
    melted = analyze((pair / "meta.bin.melted").read_bytes())
    info = binary.info
    # meta.bin.melted: date=1597.1.15 save_game="ragusa2.eu4" player="RAG"
    # displayed_country_name="Ragusa" savegame_version={ 1 29 4 0 name="Manchu" }
    assert info.date == "1597-01-15" and info.save_game == "ragusa2.eu4"
    assert info.player_tag == "RAG" and info.player_name == "Ragusa"
    assert info.patch == "1.29.4.0" and info.version.name == "Manchu"
    assert info.campaign_id == "72ce90e3-eff3-4be4-9395-f1c3d33fd1c7"
    assert info.campaign_length == 16834 and len(info.dlc) == 15
    assert info.encoding == "binary" and melted.info.encoding == "text"
    # the melt drops is_ironman=yes (so the game loads it as a normal save)
    assert info.ironman and not melted.info.ironman
    same = ("date", "save_game", "player_tag", "player_name", "version", "dlc", "campaign_id")
    for field in same:
        assert getattr(info, field) == getattr(melted.info, field), field
    assert binary.achievements.gate[0].completed  # binary: the first gate condition passes
    # a 1.29 save: the leaderboard weights it (8 patches behind 1.37)
    assert binary.leaderboard.supported_patch and binary.leaderboard.factor == 1.8


def test_binary_save_with_a_partial_token_table() -> None:
    if not kernel.COMPILED:
        pytest.skip("large file: decoded in the compiled run (time)")
    path = save_file(HUN)
    # The pair's table names only meta fields: the meta reads, the gamestate sections stay
    # unnamed and give empty parts (never errors).
    out = analyze(path.read_bytes(), tokens=PAIR / "tokens.txt")
    assert out.info.date == "1444-11-11" and out.info.patch == "1.22.2.0"
    assert out.info.player_tag == "HUN" and out.info.ironman
    assert out.countries == [] and out.provinces == []


def test_other_games_are_refused() -> None:
    path = save_file("ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt")
    with pytest.raises(OtherGame, match="not an EU4 save: this is a ck3 file") as info:
        analyze(path.read_bytes())
    assert info.value.game == "ck3" and isinstance(info.value, KernelError)


@pytest.mark.parametrize("data", [b"", b"\x00\x01garbage"])
def test_rejected_input(data: bytes) -> None:
    with pytest.raises(KernelError):
        analyze(data)


def test_hostile_shapes_do_not_raise() -> None:
    # Scalars where blocks are expected and the reverse: give defaults, never errors.
    data = (
        b"EU4txt\ndate=x\nplayer={ a }\nsavegame_version=3\nprovinces={ -1=5 -2={ base_tax={ 1 } "
        b"owner={ } cores=SWE } }\ncountries={ SWE=7 DAN={ treasury=abc human=maybe "
        b"technology=5 ledger=3 losses={ members=x } history=4 } }\nactive_war=3\n"
        b"previous_war={ history={ 1.1.1=3 1500.1.1={ battle=4 add_attacker={ } } } }\n"
    )
    out = analyze(data)
    assert out.info.date == "1444-11-11"
    assert [p.id for p in out.provinces] == [2]
