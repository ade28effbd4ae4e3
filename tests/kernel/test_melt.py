"""Melting: binary saves written as the text the game writes (byte-exact on the corpus pair)."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.corpus import save_file
from support.saves import CLOSE_BLOCK as CLOSE_B
from support.saves import EQ, boolean, i32, u16
from support.saves import OPEN_BLOCK as OPEN_B
from support.saves import f32_raw as f32
from support.saves import f64_raw as f64
from support.saves import quoted as q
from support.saves import unquoted as uq

import kernel
from kernel import KernelError
from kernel._binary import BIN_TOKEN, decode_binary
from kernel._melt import melt, melt_report
from kernel._tape import BINARY, CLOSE, HEADER, KEY, KEY_ID, OPEN, QUOTED, RUN, SCALAR, Tape
from kernel._tokens import TokenTable, load_tokens

IMPERATOR_BINARY = "imperator/rakaly_imperator_header_450.10.1_v1.5.3_SAV0103_binary_fragment.bin"
IMPERATOR_MELTED = "imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt"


def pair_tokens() -> TokenTable:
    return load_tokens(save_file("eu4/binary-pair/tokens.txt"))


NAMES = [
    "date", "player", "is_ironman", "checksum", "flags", "cores", "subjects", "tech_level_dates",
    "provinces", "discovered_by", "countries", "leader", "history", "name", "ai", "value",
    "color", "id", "date_built", "list", "empty", "players_countries", "speed", "dummy",
    "country", "sub", "monarch",
]  # fmt: skip
TABLE = TokenTable.from_mapping({0x2000 + n: name for n, name in enumerate(NAMES)})


def k(name: str) -> bytes:
    """A field id followed by '='."""
    return u16(0x2000 + NAMES.index(name)) + EQ


def ident(name: str) -> bytes:
    return u16(0x2000 + NAMES.index(name))


def body(doc: bytes, game: str = "eu4") -> str:
    return melt(b"EU4bin" + doc if game == "eu4" else doc, TABLE).decode("cp1252")


# --- the corpus pair ------------------------------------------------------------------------


def test_pair_melts_byte_for_byte() -> None:
    data = save_file("eu4/binary-pair/meta.bin").read_bytes()
    expected = save_file("eu4/binary-pair/meta.bin.melted").read_bytes()
    report = melt_report(data, pair_tokens())
    assert report.data == expected
    assert report.unknown == [] and report.game == "eu4"
    assert b"is_ironman" not in report.data  # dropped, although the binary has it
    assert b"is_ironman=yes" in melt(data, pair_tokens(), verbatim=True)
    # the jomini copy of the same file melts the same
    assert melt(save_file("eu4/jomini_eu4_meta_1597.1.15_v1.29.4.bin").read_bytes(), pair_tokens())
    assert kernel.melt(data, pair_tokens()) == expected


def test_pair_melt_cli(tmp_path: Path) -> None:
    out = tmp_path / "meta.txt"
    done = subprocess.run(
        [
            sys.executable, "-m", "kernel", "melt", str(save_file("eu4/binary-pair/meta.bin")),
            "--tokens", str(save_file("eu4/binary-pair/tokens.txt")), "-o", str(out),
        ],
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == save_file("eu4/binary-pair/meta.bin.melted").read_bytes()


# --- formatting and EU4 rules on small streams --------------------------------------------------


def test_layout() -> None:
    doc = (
        k("date") + i32(56456976)
        + k("flags") + OPEN_B + uq(b"a_flag") + EQ + i32(56456976) + CLOSE_B
        + k("list") + OPEN_B + i32(1) + i32(2) + OPEN_B + i32(3) + CLOSE_B + i32(4) + CLOSE_B
        + k("empty") + OPEN_B + CLOSE_B
        + k("color") + u16(0x0243) + OPEN_B + u16(0x0014) + struct.pack("<I", 10)
        + u16(0x0014) + struct.pack("<I", 20) + u16(0x0014) + struct.pack("<I", 30) + CLOSE_B
        + k("speed") + ident("dummy")
    )  # fmt: skip
    assert body(doc) == (
        "EU4txt\ndate=1444.11.11\nflags={\n\ta_flag=1444.11.11\n}\nlist={\n\t1 2\n\t{\n\t\t3\n\t}"
        "\n\t4\n}\nempty={ }\ncolor=rgb {\n\t10 20 30\n}\nspeed=dummy"
    )


def test_stray_brackets_and_tags() -> None:
    # EU4 writes "capital = 2108 {}" in places: the empty brackets go, the value stays typed
    doc = k("value") + i32(2108) + OPEN_B + CLOSE_B + k("speed") + i32(1)
    decoded = decode_binary(b"EU4bin" + doc, "eu4", TABLE)
    assert [t & 15 for t in decoded.tape.tokens] == [KEY_ID, BINARY, KEY_ID, BINARY]
    assert body(doc) == "EU4txt\nvalue=2108\nspeed=1"
    # a field id as the tag of a container: color = hsv { … }
    doc = k("color") + ident("dummy") + OPEN_B + i32(1) + i32(2) + CLOSE_B
    assert body(doc) == "EU4txt\ncolor=dummy {\n\t1 2\n}"


def test_ironman_dropped_and_checksum_last() -> None:
    doc = (
        k("checksum") + q(b"abc")
        + k("is_ironman") + boolean(True)
        + k("countries") + OPEN_B + k("is_ironman") + OPEN_B + i32(1) + CLOSE_B
        + k("player") + q(b"ENG") + CLOSE_B
        + k("speed") + i32(1)
    )  # fmt: skip
    assert body(doc) == ('EU4txt\ncountries={\n\tplayer="ENG"\n}\nspeed=1\nchecksum="abc"')
    verbatim = melt(b"EU4bin" + doc, TABLE, verbatim=True).decode()
    assert "is_ironman=yes" in verbatim and "\tis_ironman={" in verbatim


def test_eu4_quoting_rules() -> None:
    doc = (
        k("flags") + OPEN_B + k("name") + q(b"flagged") + CLOSE_B  # flags: all unquoted
        + k("cores") + OPEN_B + q(b"ENG") + q(b"FRA") + CLOSE_B
        + k("subjects") + q(b"SCO")  # the value itself quoted
        + k("tech_level_dates") + OPEN_B + q(b"7") + EQ + q(b"2082.1.4") + CLOSE_B  # keys too
        + k("provinces") + OPEN_B + i32(-1) + EQ + OPEN_B
        + k("discovered_by") + q(b"western")  # depth 2: unquoted
        + k("history") + OPEN_B + k("discovered_by") + q(b"eastern") + CLOSE_B  # depth 3
        + CLOSE_B + CLOSE_B
        + k("countries") + OPEN_B + uq(b"ENG") + EQ + OPEN_B + k("history") + OPEN_B
        + i32(56456976) + EQ + OPEN_B
        + k("leader") + q(b"Bob")  # depth 4: the value unquoted
        + k("monarch") + OPEN_B + k("name") + q(b"Ann") + CLOSE_B + CLOSE_B
        + k("leader") + q(b"Bob")  # depth 3: quoted
        + CLOSE_B + CLOSE_B + CLOSE_B
        + k("name") + q(b'with "quotes"')
    )  # fmt: skip
    assert body(doc) == (
        'EU4txt\nflags={\n\tname=flagged\n}\ncores={\n\tENG FRA\n}\nsubjects="SCO"\n'
        'tech_level_dates={\n\t"7"="2082.1.4"\n}\nprovinces={\n\t-1={\n\t\tdiscovered_by=western'
        '\n\t\thistory={\n\t\t\tdiscovered_by="eastern"\n\t\t}\n\t}\n}\ncountries={\n\tENG={\n'
        "\t\thistory={\n\t\t\t1444.11.11={\n\t\t\t\tleader=Bob\n\t\t\t\tmonarch={\n"
        '\t\t\t\t\tname="Ann"\n\t\t\t\t}\n\t\t\t}\n\t\t\tleader="Bob"\n\t\t}\n\t}\n}\n'
        'name="with \\"quotes\\""'
    )


def test_eu4_number_hints() -> None:
    date = 56456976  # 1444.11.11 as an i32
    doc = (
        k("id") + i32(date)  # a number, never a date
        + k("date_built") + i32(43808760 - 8760 * 200)  # always a date: -199.1.1
        + k("value") + i32(43808760 - 8760 * 200)  # a plausible date? no: a number
        + k("value") + f32(1500) + k("value") + f64(49152)
        + k("ai") + OPEN_B + k("value") + f32(1500) + CLOSE_B  # the ai section: 6 places
    )  # fmt: skip
    assert body(doc) == (
        "EU4txt\nid=56456976\ndate_built=-199.1.1\nvalue=42056760\nvalue=1.500\nvalue=1.50000"
        "\nai={\n\tvalue=1.500000\n}"
    )


def test_unknown_ids_melt_as_placeholders() -> None:
    doc = u16(0x3000) + EQ + u16(0x3001) + k("player") + q(b"ENG") + u16(0x3000) + EQ + i32(1)
    report = melt_report(b"EU4bin" + doc, TABLE)
    assert report.data == (
        b'EU4txt\n__unknown_0x3000=__unknown_0x3001\nplayer="ENG"\n__unknown_0x3000=1'
    )
    assert report.unknown == [0x3000, 0x3001] and report.unknown_count == 2


def test_no_tokens_is_a_clear_error() -> None:
    with pytest.raises(KernelError, match=r"token table.*eu4\.txt"):
        melt(b"EU4bin" + k("date") + i32(1), None)


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_melts_to_one_save_in_the_games_order() -> None:
    meta = b"EU4bin" + k("date") + i32(56456976) + k("is_ironman") + boolean(True) + k("checksum")
    meta += q(b"meta_sum")
    state = b"EU4bin" + k("players_countries") + OPEN_B + q(b"Ann") + q(b"ENG") + CLOSE_B
    state += k("speed") + i32(2) + k("checksum") + q(b"state_sum")
    ai = b"EU4bin" + k("ai") + OPEN_B + k("value") + f32(250) + CLOSE_B + k("checksum")
    ai += q(b"ai_sum")
    data = zipped(("ai", ai), ("gamestate", state), ("meta", meta))
    assert melt(data, TABLE).decode() == (
        'EU4txt\ndate=1444.11.11\nplayers_countries={\n\t"Ann" "ENG"\n}\nspeed=2\n'
        'ai={\n\tvalue=0.250000\n}\nchecksum="ai_sum"'
    )
    # old saves: game.eu4 holds the meta already
    old = zipped(("meta", meta), ("game.eu4", b"EU4bin" + k("date") + i32(56456976) + state[6:]))
    assert melt(old, TABLE).decode().count("date=1444.11.11") == 1


def test_text_saves_pass_through() -> None:
    text = save_file("eu4/pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4").read_bytes()
    assert melt(text, None) == text
    sav = save_file(
        "imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt"
    ).read_bytes()
    assert melt(sav, None) == sav


def test_text_zip_joins_its_entries() -> None:
    path = save_file("eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4")
    archive = zipfile.ZipFile(path)
    out = melt(path.read_bytes(), None)
    assert out.startswith(b"EU4txt\ndate=2087.7.1\n")
    assert out.count(b"checksum=") == 1
    assert out.endswith(archive.read("ai").rstrip()[-44:])
    assert out.index(b"players_countries=") < out.index(b"\nai={")
    doc = kernel.parse_text(out)
    assert doc.root().get("player") is not None and doc.root().get("ai") is not None


def test_stellaris_zip_melts_to_its_gamestate() -> None:
    path = save_file("stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav")
    assert melt(path.read_bytes(), None) == zipfile.ZipFile(path).read("gamestate")


# --- the corpus binaries ----------------------------------------------------------------------

# (file, unknown ids in the meta with the pair's table, expected head of the melt)
AIBANZAI_META = {
    "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4": (1, b"EU4txt\ndate=1553.10.1\n"),
    "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4": (1, b"EU4txt\ndate=1464.12.1\n"),
    "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4": (0, b"EU4txt\ndate=1444.11.11\n"),
}


@pytest.mark.parametrize("rel", sorted(AIBANZAI_META))
def test_aibanzai_meta_melts(rel: str) -> None:
    unknown, head = AIBANZAI_META[rel]
    meta = zipfile.ZipFile(save_file(rel)).read("meta")
    report = melt_report(meta, pair_tokens())
    assert report.data.startswith(head)
    assert report.unknown_count == unknown
    assert b"is_ironman" not in report.data
    kernel.parse_text(report.data)  # the text reads back


@pytest.mark.parametrize("rel", sorted(AIBANZAI_META))
def test_aibanzai_saves_melt_whole(rel: str) -> None:
    if not kernel.COMPILED:
        pytest.skip("large file: melted in the compiled run (time)")
    report = melt_report(save_file(rel).read_bytes(), pair_tokens())
    assert report.data.startswith(AIBANZAI_META[rel][1])
    assert report.data.count(b"\nchecksum=") == 1
    assert report.unknown_count > 500  # the gamestate's names are not in the pair's table
    doc = kernel.parse_text(report.data)
    assert doc.root().get("date") is not None


# --- CK3 and Imperator: names derived from their text twins ------------------------------------


def _flat_text(tape: Tape) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for t in tape.tokens:
        kind = t & 15
        s = t >> 32
        raw = tape.src[s : s + ((t >> 8) & 0xFFFFFF)]
        if kind == RUN:
            out.extend(("v", element) for element in raw.split())
        elif kind == KEY:
            out.append(("k", raw))
        elif kind in (SCALAR, QUOTED):
            out.append(("v", raw))
        elif kind == HEADER:
            out.append(("h", raw))
        elif kind in (OPEN, CLOSE):
            out.append(("o" if kind == OPEN else "c", b""))
    return out


def derive_tokens(binary: bytes, game: str, text: bytes) -> TokenTable:
    """Name the binary's field ids by walking it beside the same document in text."""
    doc = decode_binary(binary, game, start=0)
    walked = _flat_text(kernel.parse_text(text).tape)
    names: dict[int, str] = {}
    tokens = doc.tape.tokens
    assert len(tokens) == len(walked)
    for t, (role, raw) in zip(tokens, walked, strict=True):
        kind = t & 15
        role_binary = {KEY_ID: "k", KEY: "k", OPEN: "o", CLOSE: "c", HEADER: "h"}.get(kind, "v")
        assert role_binary == role
        if kind in (KEY_ID, BINARY) and (t >> 4) & 15 == BIN_TOKEN:
            token_id = doc.tape.src[t >> 32] | (doc.tape.src[(t >> 32) + 1] << 8)
            assert names.setdefault(token_id, raw.decode()) == raw.decode()
    return TokenTable.from_mapping(names)


def _json(text: bytes) -> object:
    return json.loads(kernel.parse_text(text).to_json())


def test_imperator_melt_matches_its_melted_twin() -> None:
    binary = save_file(
        "imperator/rakaly_imperator_header_450.10.1_v1.5.3_SAV0103_binary_fragment.bin"
    )
    text = save_file("imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt")
    data = binary.read_bytes()
    table = derive_tokens(data[24:], "imperator", text.read_bytes())
    assert len(table) == 15
    out = melt(data, table)
    # The SAV line: text format, the melted metadata's length (here: all of the body).
    line, _, rest = out.partition(b"\n")
    assert line == b"SAV0100c18f0de8" + b"%08x" % (len(rest) + 0)
    assert _json(out) == _json(text.read_bytes())
    assert b"\ndate=450.10.1\n" in out and b"\tcount=0\n" in out  # f64 zero: "0"


def test_ck3_melt_matches_its_text_twin() -> None:
    """Same CK3 header, binary and text (a few days apart: portraits and real date differ)."""
    binary = save_file("ck3/jomini_ck3_header_1066.9.15_v1.0.3.bin").read_bytes()
    text = save_file("ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt").read_bytes()
    table = derive_tokens(binary, "ck3", text)
    assert len(table) == 35
    doc = decode_binary(binary, "ck3", table, start=0)
    from kernel._melt import melt_documents

    out, _sizes, unknown = melt_documents([doc], table, verbatim=True)
    assert unknown == []
    assert b"\tmeta_date=1066.9.15\n" in out and b"\t\tage=0.270000\n" in out
    assert b"\t\tcolor1=yellow\n" in out  # quoted in binary, bare in the game's text
    melted = _json(out)
    expected = _json(text)
    assert isinstance(melted, dict) and isinstance(expected, dict)
    for meta in (melted["meta_data"], expected["meta_data"]):
        for differing in ("meta_main_portrait", "meta_secondary_portrait", "meta_real_date"):
            meta.pop(differing)
        meta.pop("ironman")  # the binary is the ironman copy
    assert melted == expected
