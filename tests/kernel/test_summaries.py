"""kernel.summarize: each game's summary, values read off the corpus files (their text:
``grep -a meta_ FILE``, ``head FILE``), and small synthetic text saves where the corpus
holds no such file (Vic3 and EU5: the corpus has only a binary Vic3 fragment and no EU5
save)."""

from __future__ import annotations

import msgspec
import pytest
from support.corpus import save_file
from support.saves import Vocabulary, to_binary

import kernel
from kernel.ck3.types import Ck3Summary
from kernel.eu5.types import Eu5Summary
from kernel.hoi4.types import Hoi4Summary
from kernel.imperator.types import ImperatorSummary
from kernel.stellaris.types import StellarisSummary
from kernel.vic3.types import Vic3Summary


def summary_of(rel: str) -> kernel.GameSummary | None:
    return kernel.summarize(kernel.open_save(save_file(rel).read_bytes()))


def test_ck3_text_header() -> None:
    # meta_data={ meta_date=1066.9.15 meta_player_name="Chieftain Botulf"
    # meta_title_name="Chiefdom of Jåhkåmåhkke" meta_player_tier=2 meta_house_name="Frille"
    # meta_government="tribal_government" }
    assert summary_of("ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt") == Ck3Summary(
        date="1066.9.15",
        character="Chieftain Botulf",
        house="Frille",
        primary_title="Chiefdom of Jåhkåmåhkke",
        tier="county",
        government="tribal_government",
    )


def test_ck3_sav_envelope_text_header() -> None:
    # SAV0102 envelope; meta_player_name="Jarl Ivar the Boneless", meta_house_name="Ivaring",
    # meta_title_name="Jarldom of the Isles", meta_player_tier=3, meta_date=867.1.1
    found = summary_of("ck3/rakaly_ck3_header_867.1.1_v1.0.2_SAV0102_text_fragment.txt")
    assert isinstance(found, Ck3Summary)
    assert (found.character, found.house, found.primary_title, found.tier, found.date) == (
        "Jarl Ivar the Boneless",
        "Ivaring",
        "Jarldom of the Isles",
        "duchy",
        "867.1.1",
    )
    assert found.realm_size is None  # not in the metadata


def test_binary_without_tokens_gives_nones() -> None:
    found = summary_of("ck3/rakaly_ck3_header_v1.0.2_SAV0103_binary_fragment.bin")
    assert found == Ck3Summary()


def test_ck3_binary_with_a_token_table() -> None:
    # A binary CK3 header written by hand: 0x3155 is meta_data (the first token of the
    # corpus's binary CK3 headers); the other ids are our own table's.
    vocabulary = Vocabulary("0x3155 meta_data\n")
    text = (
        b'meta_data={ meta_date=1066.9.15 meta_player_name="Chieftain Botulf" '
        b'meta_house_name="Frille" meta_title_name="Chiefdom" meta_player_tier=2 }'
    )
    data = to_binary(text, vocabulary)[len(b"EU4bin") :]
    table = "\n".join(f"0x{i:04x} {name.decode()}" for name, i in vocabulary.ids.items())
    save = kernel.open_save(data, tokens=kernel.parse_tokens(table.encode()))
    assert (save.game, save.encoding) == ("ck3", "binary")
    assert kernel.summarize(save) == Ck3Summary(
        date="1066.9.15",
        character="Chieftain Botulf",
        house="Frille",
        primary_title="Chiefdom",
        tier="county",
    )


def test_hoi4() -> None:
    # HOI4txt: player="GER" ideology=fascism date="1936.1.1.12" difficulty="normal"
    # ironman="GER"
    found = summary_of("hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4")
    assert found == Hoi4Summary(
        date="1936.1.1.12",
        country="GER",
        ideology="fascism",
        difficulty="normal",
        ironman="GER",
        start_date="1936.1.1.12",  # start_date="1936.1.1.12"
    )


def test_imperator_melted_header() -> None:
    # date=450.10.1 meta_player_name="Suionia" play_time=646
    found = summary_of("imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt")
    assert found == ImperatorSummary(date="450.10.1", country="Suionia", play_time=646)


def test_stellaris_meta() -> None:
    # meta: name="United Nations of Earth" date="2250.11.15" meta_fleets=41 meta_planets=3
    found = summary_of("stellaris/pjmagee_UNE_ironman_2250.11.15_v3.14.sav")
    assert found == StellarisSummary(
        date="2250.11.15", empire="United Nations of Earth", fleets=41, planets=3
    )


def test_vic3_synthetic_text() -> None:
    data = (
        b'meta_data={\n\tsave_game_version=1\n\tversion="1.9.7"\n\tgame_date=1871.3.1\n'
        b'\tplayer_country_name="Prussia"\n}\n'
    )
    save = kernel.open_save(data)
    assert save.game == "vic3"
    assert kernel.summarize(save) == Vic3Summary(date="1871.3.1", country="Prussia")


def test_eu5_synthetic_text() -> None:
    data = (
        b'metadata={\n\tdate=1482.1.1\n\tplaythrough_name="Upper Bavaria #1"\n'
        b'\tsave_label="Autosave"\n\tversion="1.1.10"\n'
        b'\tplayer_country_name="Upper Bavaria"\n}\n'
    )
    save = kernel.open_save(data)
    assert save.game == "eu5"
    assert kernel.summarize(save) == Eu5Summary(
        date="1482.1.1",
        country="Upper Bavaria",
        playthrough="Upper Bavaria #1",
        save_label="Autosave",
    )


def test_eu4_and_unknown_have_no_summary() -> None:
    assert summary_of("eu4/jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt") is None


@pytest.mark.parametrize(
    "value",
    [
        Ck3Summary(character="A"),
        Hoi4Summary(country="GER"),
        ImperatorSummary(country="Rome"),
        Vic3Summary(country="Prussia"),
        Eu5Summary(country="France"),
        StellarisSummary(empire="X"),
    ],
)
def test_summaries_round_trip_as_a_tagged_union(value: kernel.GameSummary) -> None:
    encoded = msgspec.json.encode(value)
    assert msgspec.json.decode(encoded, type=kernel.GameSummary) == value
    assert msgspec.json.decode(encoded)["game"] == value.__struct_config__.tag
