"""The binary format: token tables, the decoder onto the tape, number and date rules."""

from __future__ import annotations

import random
import time
import zipfile
from pathlib import Path

import pytest
from support.corpus import SAVES, save_file
from support.saves import CLOSE_BLOCK as CLOSE_B
from support.saves import (
    EQ,
    boolean,
    f32_ieee,
    f32_raw,
    f64_raw,
    i32,
    i64,
    quoted,
    rgb,
    u16,
    u32,
    u64,
    unquoted,
)
from support.saves import OPEN_BLOCK as OPEN_B
from support.saves import token as tok

import kernel
from kernel import KernelError
from kernel._binary import (
    BIN_F32,
    BIN_I32,
    BIN_TOKEN,
    BIN_U32,
    RULES,
    BinaryDocument,
    binary_bool,
    binary_date,
    binary_float,
    binary_int,
    binary_scalar_text,
    binary_str,
    date_from_binary,
    date_to_binary,
    decode_binary,
    key_name,
    rules_for,
    token_id,
)
from kernel._scalars import Date
from kernel._tape import BINARY, CLOSE, HEADER, KEY, KEY_ID, OPEN, QUOTED, SCALAR
from kernel._tokens import (
    TokenTable,
    load_tokens,
    parse_tokens,
    resolve_token_file,
    unknown_name,
)

PAIR = SAVES / "eu4" / "binary-pair"


def pair_tokens() -> TokenTable:
    return load_tokens(save_file("eu4/binary-pair/tokens.txt"))


TABLE = TokenTable.from_mapping(
    {0x2000: "date", 0x2001: "name", 0x2002: "color", 0x2003: "list", 0x2004: "yes_token"}
)


# --- token tables -----------------------------------------------------------------------


def test_token_file_format(tmp_path: Path) -> None:
    path = tmp_path / "eu4.txt"
    path.write_bytes(
        b"\xef\xbb\xbf# a comment\n\n0x284d date\n0X2A38 player  # trailing comment\r\n"
        b"   0x000b\tid\n10001 decimal\n0x0001 reserved_is_skipped\n0x284d date\n"
    )
    table = load_tokens(path)
    assert table.name(0x284D) == "date"
    assert table.name(0x2A38) == "player"
    assert table.name(0x000B) == "id"
    assert table.name(10001) == "decimal"
    assert table.name(0x0001) == ""
    assert len(table) == 4 and 0x284D in table and 0x1234 not in table
    assert table.source == str(path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (b"0x284d\n", 1),
        (b"0x284d date\n0x284g bad\n", 2),
        (b"# ok\n\nname 0x284d\n", 3),
        (b"0x284d date extra\n", 1),
        (b"0x12345 toolong\n", 1),
        (b"70000 toolarge\n", 1),
        (b"0x284d date\n0x284d other\n", 2),
        (b"0x date\n", 1),
    ],
)
def test_malformed_token_lines_name_the_line(text: bytes, line: int) -> None:
    with pytest.raises(KernelError, match=rf"tokens\.txt line {line}:") as info:
        parse_tokens(text, "tokens.txt")
    assert 0 <= info.value.offset < len(text)


def test_unreadable_token_file(tmp_path: Path) -> None:
    with pytest.raises(KernelError, match="cannot read token file"):
        load_tokens(tmp_path / "missing.txt")


def test_token_file_resolution(tmp_path: Path) -> None:
    (tmp_path / "eu4.txt").write_text("0x284d date\n")
    env = {"CHRONICLE_TOKENS_DIR": str(tmp_path)}
    assert resolve_token_file("eu4", "/explicit.txt", env) == "/explicit.txt"
    assert resolve_token_file("eu4", None, env) == str(tmp_path / "eu4.txt")
    assert resolve_token_file("ck3", None, env) is None  # no ck3.txt there
    assert resolve_token_file("eu4", None, {}) is None
    assert resolve_token_file("unknown", None, env) is None


def test_pair_token_table() -> None:
    table = pair_tokens()
    assert len(table) == 26
    assert table.name(0x3589) == "is_ironman"
    assert unknown_name(0x2EE0) == "__unknown_0x2ee0"


# --- the tape ------------------------------------------------------------------------------


def kinds(doc: BinaryDocument) -> list[int]:
    return [t & 15 for t in doc.tape.tokens]


def test_tape_layout() -> None:
    data = (
        tok(0x2000) + EQ + i32(date_to_binary(Date(1444, 11, 11)))
        + tok(0x2001) + EQ + quoted(b"Name")
        + tok(0x2003) + EQ + OPEN_B + tok(0x2004) + unquoted(b"bare") + i32(7) + CLOSE_B
        + tok(0x2002) + EQ + rgb(1, 2, 3)
        + i32(date_to_binary(Date(1500, 1, 2))) + EQ + boolean(True)
        + quoted(b"string_key") + EQ + u32(5)
    )  # fmt: skip
    doc = decode_binary(data, "eu4", TABLE)
    tape = doc.tape
    assert kinds(doc) == [
        KEY_ID, BINARY, KEY_ID, QUOTED, KEY_ID, OPEN, BINARY, SCALAR, BINARY, CLOSE,
        KEY_ID, HEADER, OPEN, BINARY, BINARY, BINARY, CLOSE, KEY_ID, BINARY, KEY, BINARY,
    ]  # fmt: skip
    src, tokens, rules = tape.src, tape.tokens, doc.rules
    assert [key_name(src, tokens[i], TABLE, rules) for i in (0, 2, 4, 10, 17, 19)] == [
        "date",
        "name",
        "list",
        "color",
        "1500.1.2",  # an i32 key: a history date
        "string_key",
    ]
    assert (tokens[17] >> 4) & 15 == BIN_I32
    assert (tokens[6] >> 4) & 15 == BIN_TOKEN and token_id(src, tokens[6]) == 0x2004
    assert binary_scalar_text(src, tokens[6], rules, TABLE) == b"yes_token"
    assert binary_scalar_text(src, tokens[1], rules, TABLE, "date") == b"1444.11.11"
    assert binary_scalar_text(src, tokens[3], rules, TABLE) == b'"Name"'
    assert binary_scalar_text(src, tokens[7], rules, TABLE) == b"bare"
    # rgb: the tag "rgb" (appended to the source) and a container of three u32
    assert src.endswith(b"rgb") and src[:-3] == data
    assert doc.key_name(10) == "color"
    assert tape.src[tokens[11] >> 32 :] == b"rgb"
    assert [binary_int(src, tokens[i]) for i in (13, 14, 15)] == [1, 2, 3]
    assert (tokens[13] >> 4) & 15 == BIN_U32
    assert binary_bool(src, tokens[18]) is True
    assert doc.unknown == [] and doc.complete


def test_rgb_with_alpha_and_in_arrays() -> None:
    doc = decode_binary(tok(0x2003) + EQ + OPEN_B + rgb(1, 2, 3, 4) + rgb(5, 6, 7) + CLOSE_B)
    assert kinds(doc) == [KEY_ID, OPEN, SCALAR, OPEN] + [BINARY] * 4 + [CLOSE, SCALAR, OPEN] + [
        BINARY
    ] * 3 + [CLOSE, CLOSE]


def test_unknown_ids_are_counted_once() -> None:
    data = tok(0x3000) + EQ + tok(0x3001) + tok(0x3000) + EQ + OPEN_B + tok(0x3002) + CLOSE_B
    doc = decode_binary(data, "eu4", TABLE)
    assert doc.unknown == [0x3000, 0x3001, 0x3002] and doc.unknown_count == 3
    assert doc.key_name(0) == "__unknown_0x3000"
    assert doc.scalar_text(1) == b"__unknown_0x3001"
    # without a table every field id is unknown
    assert decode_binary(data, "eu4").unknown_count == 3
    assert decode_binary(tok(0x2000) + EQ + i32(1), "eu4", TABLE).unknown == []


def test_header_and_start() -> None:
    body = tok(0x2000) + EQ + i32(1)
    for prefix in (b"EU4bin", b"HOI4bin", b"\xef\xbb\xbfHOI4bin", b""):
        doc = decode_binary(prefix + body, "eu4", TABLE)
        assert doc.start == len(prefix) and len(doc.tape.tokens) == 2


# --- strictness: truncation, garbage, depth ---------------------------------------------------

FAST = 1.0


def rejected(data: bytes) -> KernelError:
    start = time.perf_counter()
    with pytest.raises(KernelError) as info:
        decode_binary(data, "eu4")
    assert time.perf_counter() - start < FAST
    assert 0 <= info.value.offset <= len(data)
    assert str(info.value).endswith(f"at byte {info.value.offset}")
    return info.value


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (tok(0x2000) + EQ + u16(0x000C) + b"\x01\x02", "i32 value needs 4 more bytes"),
        (tok(0x2000) + EQ + u16(0x0167) + b"\x01", "f64 value"),
        (tok(0x2000) + EQ + u16(0x000F) + u16(10) + b"abc", "a string needs 10 more bytes"),
        (tok(0x2000) + EQ + u16(0x000F) + b"\x01", "a string length"),
        (tok(0x2000) + EQ + OPEN_B + tok(0x2001) + EQ + i32(1), "1 container still open"),
        (tok(0x2000) + EQ, "missing value"),
        (tok(0x2000) + EQ + CLOSE_B, "missing value"),
        (tok(0x2000) + EQ + EQ + i32(1), "'=' where a value was expected"),
        (CLOSE_B + tok(0x2000) + EQ + i32(1), "'}' without a matching '{'"),
        (EQ + i32(1), "unexpected operator"),
        (tok(0x2000) + EQ + i32(1) + tok(0x2001), "key without '=' and value"),
        (tok(0x2000) + EQ + i32(1) + b"\x01", "a token id"),
        (tok(0x2002) + EQ + u16(0x0243) + u32(1), "malformed rgb"),
        (
            tok(0x2002) + EQ + u16(0x0243) + OPEN_B + u32(1) + u32(2) + CLOSE_B,
            "malformed rgb",
        ),
        (tok(0x2002) + EQ + u16(0x0243) + OPEN_B + u32(1) + i32(2), "malformed rgb"),
        (tok(0x2002) + EQ + u16(0x0243) + OPEN_B + u32(1), "cut short"),
    ],
)
def test_rejected_streams(data: bytes, message: str) -> None:
    assert message in str(rejected(data))


def test_every_truncation_of_the_pair_is_rejected_or_a_whole_entry() -> None:
    data = save_file("eu4/binary-pair/meta.bin").read_bytes()
    full = decode_binary(data, "eu4")
    tape = full.tape
    boundaries = {len(data)}
    i = 0
    while i < len(tape.tokens):  # top-level entries start at their key's id
        boundaries.add(tape.tokens[i] >> 32)
        i = tape.after(i + 1)
    for cut in range(7, len(data)):
        if cut in boundaries:
            doc = decode_binary(data[:cut], "eu4")
            assert doc.tape.tokens == tape.tokens[: len(doc.tape.tokens)]
        else:
            rejected(data[:cut])


@pytest.mark.parametrize("seed", range(8))
def test_garbage_is_rejected_quickly(seed: int) -> None:
    rng = random.Random(seed)
    rejected(b"EU4bin" + bytes(rng.getrandbits(8) for _ in range(64 * 1024)))


def test_depth_limit() -> None:
    data = tok(0x2000) + EQ + OPEN_B * 5000 + i32(1) + CLOSE_B * 5000
    with pytest.raises(KernelError, match="nesting deeper"):
        decode_binary(data, "eu4")
    assert len(decode_binary(data, "eu4", max_depth=6000).tape.tokens) == 10002


def test_stop_after_reads_whole_top_level_entries() -> None:
    data = (tok(0x2000) + EQ + OPEN_B + i32(1) + i32(2) + CLOSE_B) * 3
    doc = decode_binary(data, "eu4", stop_after=3)
    assert not doc.complete and kinds(doc) == [KEY_ID, OPEN, BINARY, BINARY, CLOSE]
    assert decode_binary(data, "eu4", stop_after=0).tape.tokens == []
    assert decode_binary(data, "eu4", stop_after=len(data)).complete


# --- numbers and dates, per game ----------------------------------------------------------------


def value_text(game: str, payload: bytes, key: str = "") -> bytes:
    doc = decode_binary(tok(0x2001) + EQ + payload, game, TABLE)
    return binary_scalar_text(doc.tape.src, doc.tape.tokens[1], doc.rules, TABLE, key)


def value_float(game: str, payload: bytes) -> float:
    doc = decode_binary(tok(0x2001) + EQ + payload, game, TABLE)
    return binary_float(doc.tape.src, doc.tape.tokens[1], doc.rules)


@pytest.mark.parametrize(
    ("game", "payload", "text", "number"),
    [
        # EU4: f32 = i32 / 1000 (computed in single precision), 3 places
        ("eu4", f32_raw(1500), b"1.500", 1.5),
        ("eu4", f32_raw(-5), b"-0.005", -0.005),
        ("eu4", f32_raw(0), b"0.000", 0.0),
        ("eu4", f32_raw(187849000), b"187848.984", 187848.984),  # the corpus pair's value
        # EU4: f64 = i64 / 32768 (Q49.15), rounded half away from zero to 5 places
        ("eu4", f64_raw(49152), b"1.50000", 1.5),
        ("eu4", f64_raw(1), b"0.00003", 0.00003),
        ("eu4", f64_raw(-1), b"-0.00003", -0.00003),
        ("eu4", f64_raw(240254689), b"7331.99124", 7331.99124),
        ("eu4", f64_raw(512), b"0.01563", 0.01563),  # 0.015625: half away from zero
        ("eu4", f64_raw(-512), b"-0.01563", -0.01563),
        # HOI4: the same encodings, f64 floored
        ("hoi4", f32_raw(2500), b"2.500", 2.5),
        ("hoi4", f64_raw(1), b"0.00003", 0.00003),
        ("hoi4", f64_raw(-1), b"-0.00004", -0.00004),
        ("hoi4", f64_raw(512), b"0.01562", 0.01562),
        # CK3 1.5+ / Imperator / Vic3 / EU5: IEEE f32; f64 = i64 / 100000
        ("ck3", f32_ieee(0.27), b"0.270000", 0.27000001072883606),
        ("ck3", f64_raw(150000), b"1.5", 1.5),
        ("imperator", f64_raw(0), b"0", 0.0),
        ("imperator", f32_ieee(0.1), b"0.1", 0.10000000149011612),
        ("vic3", f64_raw(-12345), b"-0.12345", -0.12345),
        ("vic3", f32_ieee(3.0), b"3", 3.0),
        ("eu5", f64_raw(100000), b"1", 1.0),
        ("eu5", f32_ieee(1e-7), b"0.0000001", 1.0000000116860974e-07),
        # integers, booleans
        ("eu4", u32(4000000000), b"4000000000", 4000000000.0),
        ("eu4", u64(18446744073709547616), b"18446744073709547616", 1.8446744073709548e19),
        ("eu4", i64(-9000000000), b"-9000000000", -9000000000.0),
        ("eu4", i32(-3), b"-3", -3.0),
    ],
)
def test_numbers(game: str, payload: bytes, text: bytes, number: float) -> None:
    assert value_text(game, payload) == text
    assert value_float(game, payload) == pytest.approx(number, rel=1e-9)


def test_booleans_and_strings() -> None:
    assert value_text("eu4", boolean(True)) == b"yes"
    assert value_text("eu4", boolean(False)) == b"no"
    assert value_text("eu4", quoted(b'say "hi" \\ bye\n')) == b'"say \\"hi\\" \\\\ bye"'
    doc = decode_binary(tok(0x2001) + EQ + quoted(b"\xe9t\xe9"), "eu4", TABLE)
    assert binary_str(doc.tape.src, doc.tape.tokens[1], doc.rules) == "été"  # Windows-1252
    doc = decode_binary(tok(0x2001) + EQ + quoted("été".encode()), "ck3", TABLE)
    assert binary_str(doc.tape.src, doc.tape.tokens[1], doc.rules) == "été"  # UTF-8
    with pytest.raises(KernelError, match="not a boolean"):
        doc = decode_binary(tok(0x2001) + EQ + i32(1), "eu4", TABLE)
        binary_bool(doc.tape.src, doc.tape.tokens[1])
    with pytest.raises(KernelError, match="not an integer"):
        doc = decode_binary(tok(0x2001) + EQ + f32_raw(1), "eu4", TABLE)
        binary_int(doc.tape.src, doc.tape.tokens[1])


def test_ck3_f64_depends_on_the_save_version() -> None:
    def meta(version: int) -> bytes:
        return tok(0x3155) + EQ + OPEN_B + tok(0x058F) + EQ + i32(version) + CLOSE_B

    assert rules_for("ck3", meta(3)).f64 != RULES["ck3"].f64  # CK3 1.0-1.4: i64 / 1000
    assert rules_for("ck3", meta(6)) is RULES["ck3"]
    old = decode_binary(meta(3) + tok(0x2001) + EQ + f64_raw(1500), "ck3", TABLE)
    assert old.scalar_text(len(old.tape.tokens) - 1) == b"1.5"


@pytest.mark.parametrize(
    ("date", "raw"),
    [
        (Date(1444, 11, 11), 0x035D7710),  # EU4's start date
        (Date(1, 1, 1), 43808760),
        (Date(1804, 12, 9), 59611248),
        (Date(1596, 1, 27), 57781584),
        (Date(-58, 1, 1), (4942 * 365) * 24),
    ],
)
def test_day_dates(date: Date, raw: int) -> None:
    assert date_to_binary(date) == raw
    assert date_from_binary(raw) == date
    assert date_from_binary(raw + 23) == date  # the hour is ignored outside HOI4


def test_date_plausibility() -> None:
    day = RULES["eu4"].dates
    assert date_from_binary(0, day, False) is None  # year -5000
    assert date_from_binary(date_to_binary(Date(-99, 1, 1)), day, False) == Date(-99, 1, 1)
    assert date_from_binary(date_to_binary(Date(-100, 1, 1)), day, False) is None
    assert date_from_binary(date_to_binary(Date(-100, 1, 1)), day, True) == Date(-100, 1, 1)
    assert date_from_binary(5000 * 365 * 24, day, True) is None  # there is no year 0
    assert date_from_binary(-1, day, True) is None
    # a small integer is a number; under a date key it is still not a valid date
    assert value_text("eu4", i32(16834)) == b"16834"
    assert value_text("eu4", i32(56379360), "id") == b"56379360"  # id: always a number
    assert value_text("eu4", i32(56379360), "multiplayer_random_seed") == b"56379360"
    assert value_text("eu4", i32(56379360)) == b"1436.1.1"
    assert value_text("eu4", i32(date_to_binary(Date(-2500, 1, 1))), "date_built") == (b"-2500.1.1")
    assert (
        value_text("eu4", i32(date_to_binary(Date(-2500, 1, 1))))
        == str(date_to_binary(Date(-2500, 1, 1))).encode()
    )


def test_hoi4_dates_have_hours() -> None:
    raw = date_to_binary(Date(1936, 1, 1, 12))
    assert value_text("hoi4", i32(raw)) == b"1936.1.1.12"
    hour = RULES["hoi4"].dates
    assert date_from_binary(raw, hour) == Date(1936, 1, 1, 12)
    assert date_from_binary(date_to_binary(Date(1700, 1, 1, 1)), hour, False) is None
    assert date_from_binary(date_to_binary(Date(1, 1, 1, 1)), hour, False) == Date(1, 1, 1, 1)
    doc = decode_binary(tok(0x2001) + EQ + i32(raw), "hoi4", TABLE)
    assert binary_date(doc.tape.src, doc.tape.tokens[1], doc.rules) == Date(1936, 1, 1, 12)


# --- the corpus -----------------------------------------------------------------------------


def test_pair_meta_values() -> None:
    data = save_file("eu4/binary-pair/meta.bin").read_bytes()
    doc = decode_binary(data, "eu4", pair_tokens())
    assert doc.unknown == []
    tape = doc.tape
    pairs = {}
    i = 0
    while i < len(tape.tokens):
        pairs.setdefault(doc.key_name(i), i + 1)
        i = tape.after(i + 1)
    assert list(pairs)[:4] == ["date", "save_game", "player", "displayed_country_name"]
    assert doc.scalar_text(pairs["date"], "date") == b"1597.1.15"
    assert binary_date(tape.src, tape.tokens[pairs["date"]], doc.rules) == Date(1597, 1, 15)
    assert doc.scalar_text(pairs["player"]) == b'"RAG"'
    assert binary_bool(tape.src, tape.tokens[pairs["is_ironman"]]) is True
    assert doc.scalar_text(pairs["campaign_length"], "campaign_length") == b"16834"
    assert binary_int(tape.src, tape.tokens[pairs["campaign_length"]]) == 16834
    floats = [t for t in tape.tokens if (t & 15) == BINARY and (t >> 4) & 15 == BIN_F32]
    assert [binary_scalar_text(tape.src, t, doc.rules) for t in floats][:3] == [
        b"12.000",
        b"12.000",
        b"187848.984",
    ]


# (entry, distinct field ids, date, save name)
AIBANZAI = {
    "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4": ("meta", 17, "1553.10.1", "BURGUNDY"),
    "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4": ("meta", 27, "1464.12.1", "Persia"),
    "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4": ("meta", 16, "1444.11.11", "test"),
}


@pytest.mark.parametrize("rel", sorted(AIBANZAI))
def test_aibanzai_meta_without_tokens(rel: str) -> None:
    """No token table for these saves: structure and values decode, names are unknown."""
    entry, ids, date, name = AIBANZAI[rel]
    data = zipfile.ZipFile(save_file(rel)).read(entry)
    doc = decode_binary(data, "eu4")
    assert doc.unknown_count == ids
    assert doc.key_name(0) == "__unknown_0x284d"  # date
    assert doc.scalar_text(1) == date.encode()  # plausible: read as a date
    assert doc.key_name(2) == "__unknown_0x2c69"  # save_game
    assert doc.scalar_text(3).startswith(b'"' + name.encode())
    with_pair = decode_binary(data, "eu4", pair_tokens())
    assert with_pair.key_name(0) == "date" and with_pair.unknown_count < ids


GAMESTATES = {
    # entry, tape tokens, distinct field ids the pair's table does not name
    "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4": ("game.eu4", 5283642, 842),
    "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4": ("gamestate", 5773864, 852),
    "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4": ("game.eu4", 3459216, 533),
}


@pytest.mark.parametrize("rel", sorted(GAMESTATES))
def test_aibanzai_gamestates_decode(rel: str) -> None:
    entry, count, ids = GAMESTATES[rel]
    if not kernel.COMPILED and "HUN" not in rel:
        pytest.skip("large file: decoded in the compiled run (time)")
    data = zipfile.ZipFile(save_file(rel)).read(entry)
    doc = decode_binary(data, "eu4", pair_tokens())
    assert len(doc.tape.tokens) == count
    assert doc.unknown_count == ids
    assert doc.key_name(0) == ("__unknown_0x006e" if entry == "gamestate" else "date")


def test_binary_corpus_files_decode() -> None:
    for rel, start in (
        ("eu4/jomini_eu4_meta_1597.1.15_v1.29.4.bin", 6),
        ("ck3/jomini_ck3_header_1066.9.15_v1.0.3.bin", 0),
    ):
        data = save_file(rel).read_bytes()
        doc = decode_binary(data, "eu4" if rel.startswith("eu4") else "ck3")
        assert doc.start == start and doc.complete and len(doc.tape.tokens) > 50
