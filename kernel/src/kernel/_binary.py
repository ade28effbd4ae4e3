"""The binary (ironman) format: a stream of little-endian u16 ids, decoded onto the tape.

Ids: ``0x0001`` ``=``, ``0x0003`` ``{``, ``0x0004`` ``}``; typed
values ``0x000c`` i32, ``0x0014`` u32, ``0x000e`` bool (1 byte), ``0x000d`` f32 (4 bytes),
``0x0167`` f64 (8 bytes), ``0x029c`` u64, ``0x0317`` i64, ``0x000f`` quoted and ``0x0017``
unquoted strings (u16 length + bytes), ``0x0243`` rgb (``{`` u32 u32 u32 [u32] ``}``).
Every other id is a field name that a token table resolves.

How the stream lands on the tape (see _tape.py), nothing decoded beyond the framing:

| binary                          | tape token                                         |
|---------------------------------|----------------------------------------------------|
| field id followed by ``=``      | KEY_ID, span = the 2 id bytes, aux BIN_TOKEN       |
| field id used as a value        | BINARY, span = the 2 id bytes, aux BIN_TOKEN       |
| typed value (i32, f32, bool, …) | BINARY, span = the payload bytes, aux BIN_*        |
| typed value followed by ``=``   | KEY_ID, span = the payload bytes, aux BIN_* (e.g.  |
|                                 | the i32 dates keying history entries)              |
| quoted / unquoted string        | QUOTED / SCALAR, span = the string bytes (a key    |
|                                 | when ``=`` follows: KEY, aux 1 if quoted)          |
| ``=`` ``{`` ``}``               | the builder's OP (``=`` is implicit), OPEN, CLOSE  |
| rgb                             | the tag ``rgb`` + a container of three (or four)   |
|                                 | BINARY u32 values: what text ``rgb { 1 2 3 }``     |
|                                 | gives. The tag's bytes are appended to the source  |
|                                 | (``Tape.src`` = data + b"rgb" when there is one)   |

Bytes of binary strings are literal: no escapes (unlike text QUOTED tokens).

Numbers differ by game: ``RULES`` holds one ``BinaryRules`` per game (``rules_for``), the
readers below (``binary_scalar_text``, ``binary_int``, ``binary_float``, ``binary_date``,
``key_name``…) apply them. Dates have no type tag: an i32 is a date when its key says so
or when it is a plausible one (``binary_date``).

The decoder is one loop, bounded work per id, no recursion; it is strict where text is
tolerant (a binary file is machine-written): a value cut short, unbalanced brackets, a
malformed rgb or a missing value all raise KernelError with the byte offset.
"""

from __future__ import annotations

import struct
from typing import Final

from kernel._encoding import decode
from kernel._errors import KernelError
from kernel._scalars import Date
from kernel._tape import (
    BINARY,
    DEFAULT_MAX_DEPTH,
    KEY,
    KEY_ID,
    OP_EQ,
    QUOTED,
    SCALAR,
    Tape,
    TapeBuilder,
)
from kernel._tokens import TokenTable, unknown_name

# Binary value types: the aux of BINARY and KEY_ID tokens.
BIN_TOKEN: Final = 0  # a field id (2 bytes) used as a value, or (KEY_ID) as a key
BIN_I32: Final = 1
BIN_U32: Final = 2
BIN_BOOL: Final = 3
BIN_F32: Final = 4
BIN_F64: Final = 5
BIN_U64: Final = 6
BIN_I64: Final = 7
BIN_NAMES: Final = ("token", "i32", "u32", "bool", "f32", "f64", "u64", "i64")

ID_EQUAL: Final = 0x0001
ID_OPEN: Final = 0x0003
ID_CLOSE: Final = 0x0004
ID_I32: Final = 0x000C
ID_F32: Final = 0x000D
ID_BOOL: Final = 0x000E
ID_QUOTED: Final = 0x000F
ID_U32: Final = 0x0014
ID_UNQUOTED: Final = 0x0017
ID_F64: Final = 0x0167
ID_RGB: Final = 0x0243
ID_U64: Final = 0x029C
ID_I64: Final = 0x0317

RGB_TAG: Final = b"rgb"

# How the 4-byte "f32" is stored.
F32_FIXED3: Final = 0  # i32 / 1000 (EU4, HOI4)
F32_IEEE: Final = 1  # an IEEE-754 single (CK3, Imperator, Vic3, EU5)
# How the 8-byte "f64" is stored.
F64_Q15_ROUND: Final = 0  # i64 / 32768 (Q49.15), rounded half away from zero to 5 places (EU4)
F64_Q15_FLOOR: Final = 1  # i64 / 32768, floored to 5 places (HOI4)
F64_FIXED5: Final = 2  # i64 / 100000 (CK3 1.5+, Imperator, Vic3, EU5)
F64_FIXED3: Final = 3  # i64 / 1000 (CK3 before 1.5)
# How an i32 reads as a date.
DATE_DAY: Final = 0  # Y.M.D; plausible when the year is above -100 (and not 0)
DATE_HOUR: Final = 1  # Y.M.D.H, hour 1-24 (HOI4); plausible from year 1800 (and 1.1.1.1)

SHORTEST: Final = -1  # a text format: the shortest text that reads back the same value


class BinaryRules:
    """How one game stores numbers and dates in binary, and writes them as text."""

    def __init__(
        self,
        *,
        game: str,
        utf8: bool,
        f32: int,
        f64: int,
        f32_decimals: int,
        f64_decimals: int,
        dates: int,
        number_keys: tuple[str, ...],
        number_suffixes: tuple[str, ...],
        date_keys: tuple[str, ...],
    ) -> None:
        self.game = game
        self.utf8 = utf8  # text encoding of strings (False: Windows-1252)
        self.f32 = f32  # F32_*
        self.f64 = f64  # F64_*
        self.f32_decimals = f32_decimals  # digits after the point in text, or SHORTEST
        self.f64_decimals = f64_decimals
        self.dates = dates  # DATE_*
        self.number_keys = frozenset(number_keys)  # an i32 under these keys is never a date
        self.number_suffixes = number_suffixes  # … nor under keys ending so ("seed")
        self.date_keys = frozenset(date_keys)  # an i32 under these keys is always a date

    def with_f64(self, f64: int) -> BinaryRules:
        return BinaryRules(
            game=self.game,
            utf8=self.utf8,
            f32=self.f32,
            f64=f64,
            f32_decimals=self.f32_decimals,
            f64_decimals=self.f64_decimals,
            dates=self.dates,
            number_keys=tuple(self.number_keys),
            number_suffixes=self.number_suffixes,
            date_keys=tuple(self.date_keys),
        )

    def is_number_key(self, key: str) -> bool:
        if key in self.number_keys:
            return True
        return any(key.endswith(suffix) for suffix in self.number_suffixes)

    def __repr__(self) -> str:
        return f"BinaryRules({self.game!r})"


# One table per game. Sources (read, not copied): eu4save src/flavor.rs + melt.rs,
# hoi4save src/flavor.rs + melt.rs, ck3save src/flavor.rs + melt.rs, imperator-save
# src/flavor.rs + melt.rs, pdx-tools vic3save/eu5save flavors and melters, jomini
# src/common/date.rs. Text formats: EU4/HOI4 as the games write their text saves (3 and 5
# decimals, checked on the corpus; EU4's f32 computed in single precision, as the corpus
# pair requires), CK3's 6-decimal f32 (corpus), the rest as pdx-tools writes them
# (shortest round-trip text). Verified on the corpus: EU4 (the byte-exact pair), Imperator
# 1.5 and CK3 1.0 (their binary headers melted and compared with their text twins).
RULES: Final = {
    "eu4": BinaryRules(
        game="eu4", utf8=False, f32=F32_FIXED3, f64=F64_Q15_ROUND,
        f32_decimals=3, f64_decimals=5, dates=DATE_DAY,
        number_keys=("random", "id"), number_suffixes=("seed",), date_keys=("date_built",),
    ),
    "hoi4": BinaryRules(
        game="hoi4", utf8=True, f32=F32_FIXED3, f64=F64_Q15_FLOOR,
        f32_decimals=3, f64_decimals=5, dates=DATE_HOUR,
        number_keys=(), number_suffixes=("seed",), date_keys=("date",),
    ),
    "ck3": BinaryRules(
        game="ck3", utf8=True, f32=F32_IEEE, f64=F64_FIXED5,
        f32_decimals=6, f64_decimals=SHORTEST, dates=DATE_DAY,
        number_keys=("seed", "random_count"), number_suffixes=(), date_keys=(),
    ),
    "imperator": BinaryRules(
        game="imperator", utf8=True, f32=F32_IEEE, f64=F64_FIXED5,
        f32_decimals=SHORTEST, f64_decimals=SHORTEST, dates=DATE_DAY,
        number_keys=("seed",), number_suffixes=(), date_keys=(),
    ),
    "vic3": BinaryRules(
        game="vic3", utf8=True, f32=F32_IEEE, f64=F64_FIXED5,
        f32_decimals=SHORTEST, f64_decimals=SHORTEST, dates=DATE_DAY,
        number_keys=("seed",), number_suffixes=(), date_keys=("real_date",),
    ),
    "eu5": BinaryRules(
        game="eu5", utf8=True, f32=F32_IEEE, f64=F64_FIXED5,
        f32_decimals=SHORTEST, f64_decimals=SHORTEST, dates=DATE_DAY,
        number_keys=("seed", "random_count", "random", "name_index"),
        number_suffixes=(),
        date_keys=("creation_date", "date", "leader_date", "end_date", "death_date"),
    ),
    # Stellaris saves are text; "unknown" reads like the newer games.
    "stellaris": BinaryRules(
        game="stellaris", utf8=True, f32=F32_IEEE, f64=F64_FIXED5,
        f32_decimals=SHORTEST, f64_decimals=SHORTEST, dates=DATE_DAY,
        number_keys=("seed",), number_suffixes=(), date_keys=(),
    ),
    "unknown": BinaryRules(
        game="unknown", utf8=True, f32=F32_IEEE, f64=F64_FIXED5,
        f32_decimals=SHORTEST, f64_decimals=SHORTEST, dates=DATE_DAY,
        number_keys=("seed",), number_suffixes=(), date_keys=(),
    ),
}

_CK3_SAVE_GAME_VERSION: Final = 0x058F  # CK3's save_game_version, first in meta_data
_CK3_FIXED5_FROM: Final = 6  # save_game_version 6 = CK3 1.5, where f64 became i64/100000


def rules_for(game: str, data: bytes = b"", start: int = 0) -> BinaryRules:
    """The rules of ``game``; for CK3 the save's own version picks the f64 encoding."""
    rules = RULES.get(game, RULES["unknown"])
    if game == "ck3":
        version = _ck3_save_game_version(data, start)
        if 0 <= version < _CK3_FIXED5_FROM:
            return rules.with_f64(F64_FIXED3)
    return rules


def _ck3_save_game_version(data: bytes, start: int) -> int:
    """``meta_data = { save_game_version = <i32>`` at the start of a CK3 save, else -1."""
    i = start
    if len(data) < i + 16:
        return -1
    # id = { 0x058f = i32
    if _u16(data, i + 2) != ID_EQUAL or _u16(data, i + 4) != ID_OPEN:
        return -1
    if _u16(data, i + 6) != _CK3_SAVE_GAME_VERSION or _u16(data, i + 8) != ID_EQUAL:
        return -1
    if _u16(data, i + 10) != ID_I32:
        return -1
    return _i32(data, i + 12)


# --- decoding ------------------------------------------------------------------------------


def body_start(data: bytes) -> int:
    """Where the token stream starts: after a UTF-8 BOM and an ``EU4bin``/``HOI4bin`` header."""
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"EU4bin", pos):
        return pos + 6
    if data.startswith(b"HOI4bin", pos):
        return pos + 7
    return pos


class BinaryDocument:
    """A decoded binary stream: the tape, the rules it is read with, and what was unknown."""

    def __init__(
        self,
        tape: Tape,
        rules: BinaryRules,
        tokens: TokenTable | None,
        unknown: list[int],
        start: int,
        complete: bool,
    ) -> None:
        self.tape = tape
        self.rules = rules
        self.tokens = tokens
        self.unknown = unknown  # distinct field ids the token table does not name, sorted
        self.start = start  # offset of the first token (after EU4bin/HOI4bin)
        self.complete = complete  # False when decoding stopped early (``stop_after``)

    @property
    def unknown_count(self) -> int:
        return len(self.unknown)

    @property
    def utf8(self) -> bool:
        return self.rules.utf8

    @property
    def game(self) -> str:
        return self.rules.game

    def key_name(self, idx: int) -> str:
        return key_name(self.tape.src, self.tape.tokens[idx], self.tokens, self.rules)

    def scalar_text(self, idx: int, key: str = "") -> bytes:
        tape = self.tape
        return binary_scalar_text(tape.src, tape.tokens[idx], self.rules, self.tokens, key)

    def __repr__(self) -> str:
        return (
            f"BinaryDocument(game={self.rules.game!r}, tokens={len(self.tape.tokens)}, "
            f"unknown={len(self.unknown)})"
        )


def decode_binary(
    data: bytes,
    game: str = "unknown",
    tokens: TokenTable | None = None,
    *,
    start: int = -1,
    max_depth: int = DEFAULT_MAX_DEPTH,
    stop_after: int = -1,
) -> BinaryDocument:
    """Decode a binary token stream (``start`` -1: after any EU4bin/HOI4bin header).

    ``tokens`` is only used to count the ids it does not name (names are resolved when
    read). ``stop_after`` >= 0 stops at the first top-level entry boundary at or past that
    offset (reading the head of a large gamestate). Raises KernelError for input cut
    short, unbalanced brackets, malformed rgb values and misplaced ``=``.
    """
    if start < 0:
        start = body_start(data)
    rules = rules_for(game, data, start)
    tape, unknown, complete = _decode(data, start, tokens, max_depth, stop_after)
    return BinaryDocument(tape, rules, tokens, unknown, start, complete)


def _truncated(what: str, offset: int, need: int, n: int) -> KernelError:
    return KernelError(
        f"binary data cut short: {what} needs {need} more bytes, {max(n - offset, 0)} left",
        offset,
    )


def _decode(
    data: bytes, start: int, tokens: TokenTable | None, max_depth: int, stop_after: int
) -> tuple[Tape, list[int], bool]:
    builder = TapeBuilder(data, max_depth)
    n = len(data)
    names: list[str] = tokens.names if tokens is not None else []
    have_names = tokens is not None
    seen = bytearray(65536)  # 1: an unknown field id already counted
    unknown: list[int] = []
    depth = 0
    after_eq = False  # a value must come next
    boundary = True  # at depth 0, between two entries
    rgb = False
    dangling = False  # the last token is a field id standing alone at the top level
    keyed = False  # the last token is the (scalar) value of a key
    complete = True
    i = start
    while i < n:
        if depth == 0 and boundary and 0 <= stop_after <= i:
            complete = False
            break
        if i + 2 > n:
            raise _truncated("a token id", i, 2, n)
        tid = data[i] | (data[i + 1] << 8)
        j = i + 2
        if tid == ID_EQUAL:
            if after_eq:
                raise KernelError("'=' where a value was expected", i)
            builder.op(OP_EQ, i, j)
            after_eq = True
            dangling = False
            keyed = False
            boundary = False
            i = j
            continue
        if tid == ID_OPEN:
            if keyed and j + 2 <= n and data[j] == 4 and data[j + 1] == 0:
                # "key = value {}": the game writes stray empty brackets after some
                # values (EU4: capital = 2108 {}). The builder would drop them too, but
                # would turn the value into a plain scalar on the way (see the report).
                i = j + 2
                continue
            builder.open(i)
            depth += 1
            dangling = False
            keyed = False
            after_eq = False
            boundary = False
            i = j
            continue
        if tid == ID_CLOSE:
            if after_eq:
                raise KernelError("missing value after '='", i)
            if depth == 0:
                raise KernelError("'}' without a matching '{'", i)
            builder.close(i)
            depth -= 1
            dangling = False
            keyed = False
            boundary = depth == 0
            i = j
            continue
        # A value (or a key): its extent first.
        aux = BIN_TOKEN
        if tid == ID_I32:
            aux = BIN_I32
            e = j + 4
        elif tid == ID_F32:
            aux = BIN_F32
            e = j + 4
        elif tid == ID_U32:
            aux = BIN_U32
            e = j + 4
        elif tid == ID_BOOL:
            aux = BIN_BOOL
            e = j + 1
        elif tid == ID_F64:
            aux = BIN_F64
            e = j + 8
        elif tid == ID_U64:
            aux = BIN_U64
            e = j + 8
        elif tid == ID_I64:
            aux = BIN_I64
            e = j + 8
        elif tid == ID_QUOTED or tid == ID_UNQUOTED:
            if j + 2 > n:
                raise _truncated("a string length", j, 2, n)
            s = j + 2
            e = s + (data[j] | (data[j + 1] << 8))
            if e > n:
                raise _truncated("a string", s, e - s, n)
            builder.scalar(s, e, tid == ID_QUOTED)
            key = e + 1 < n and data[e] == 1 and data[e + 1] == 0
            keyed = after_eq
            dangling = False
            after_eq = False
            boundary = depth == 0 and not key
            i = e
            continue
        elif tid == ID_RGB:
            i = _rgb(builder, data, j, n)
            rgb = True
            keyed = False
            dangling = False
            after_eq = False
            boundary = depth == 0
            continue
        else:
            e = j
            if not (have_names and names[tid]) and not seen[tid]:
                seen[tid] = 1
                unknown.append(tid)
        if e > n:
            raise _truncated(BIN_NAMES[aux] + " value", j, e - j, n)
        key = e + 1 < n and data[e] == 1 and data[e + 1] == 0
        if aux == BIN_TOKEN:
            builder.typed(i, e, KEY_ID if key else BINARY, BIN_TOKEN)
            # A field id alone at the top level: a key whose "=" was cut off, if last.
            dangling = depth == 0 and not key and not after_eq
        else:
            builder.typed(j, e, KEY_ID if key else BINARY, aux)
            dangling = False
        keyed = after_eq
        after_eq = False
        boundary = depth == 0 and not key
        i = e
    if complete:
        if after_eq:
            raise KernelError("binary data cut short: missing value after '='", n)
        if dangling:
            raise KernelError("binary data cut short: a key without '=' and value at the end", n)
        if depth > 0:
            raise KernelError(
                f"binary data cut short: {depth} container{'s' if depth > 1 else ''} "
                "still open at the end",
                n,
            )
    tape = builder.finish(i)
    if rgb:
        tape = Tape(data + RGB_TAG, tape.tokens)
    unknown.sort()
    return tape, unknown, complete


def _rgb(builder: TapeBuilder, data: bytes, j: int, n: int) -> int:
    """``rgb { u32 u32 u32 [u32] }`` at ``j`` (after the 0x0243 id): the tag and its
    container onto the tape; returns the offset after the closing bracket."""
    if j + 2 > n:
        raise _truncated("an rgb value", j, 2, n)
    if _u16(data, j) != ID_OPEN:
        raise KernelError("malformed rgb value: '{' expected", j)
    tag = len(data)  # the tag's bytes are appended to the source
    builder.scalar(tag, tag + 3, False)
    builder.open(j)
    k = j + 2
    count = 0
    while True:
        if k + 2 > n:
            raise _truncated("an rgb value", k, 2, n)
        tid = _u16(data, k)
        if tid == ID_CLOSE and count >= 3:
            builder.close(k)
            return k + 2
        if tid != ID_U32 or count == 4:
            raise KernelError("malformed rgb value: three or four u32 values expected", k)
        if k + 6 > n:
            raise _truncated("an rgb component", k + 2, 4, n)
        builder.typed(k + 2, k + 6, BINARY, BIN_U32)
        count += 1
        k += 6


# --- reading typed values ---------------------------------------------------------------------


def _u16(src: bytes, s: int) -> int:
    return src[s] | (src[s + 1] << 8)


def _u32(src: bytes, s: int) -> int:
    return src[s] | (src[s + 1] << 8) | (src[s + 2] << 16) | (src[s + 3] << 24)


def _i32(src: bytes, s: int) -> int:
    v = _u32(src, s)
    return v - 0x100000000 if v >= 0x80000000 else v


def _u64(src: bytes, s: int) -> int:
    return _u32(src, s) | (_u32(src, s + 4) << 32)


def _i64(src: bytes, s: int) -> int:
    v = _u64(src, s)
    return v - 0x10000000000000000 if v >= 0x8000000000000000 else v


def token_id(src: bytes, t: int) -> int:
    """The field id of a BIN_TOKEN token (BINARY value or KEY_ID key)."""
    return _u16(src, t >> 32)


def raw_int(src: bytes, t: int) -> int:
    """The stored integer of a typed token: ints as they are, bool 0/1, f32/f64 as their raw
    fixed-point (or bit-pattern) integer, a field id as its number."""
    s = t >> 32
    aux = (t >> 4) & 15
    if aux == BIN_I32 or (aux == BIN_F32):
        return _i32(src, s)
    if aux == BIN_U32:
        return _u32(src, s)
    if aux == BIN_BOOL:
        return 1 if src[s] else 0
    if aux == BIN_U64:
        return _u64(src, s)
    if aux == BIN_I64 or aux == BIN_F64:
        return _i64(src, s)
    return _u16(src, s)


def binary_int(src: bytes, t: int) -> int:
    """An integer value (i32, u32, u64, i64; bools as 0/1). Floats raise KernelError."""
    aux = (t >> 4) & 15
    if aux == BIN_F32 or aux == BIN_F64 or aux == BIN_TOKEN:
        raise KernelError(f"not an integer: a binary {BIN_NAMES[aux]}", t >> 32)
    return raw_int(src, t)


def binary_float(src: bytes, t: int, rules: BinaryRules) -> float:
    """A number as a float, f32/f64 decoded by the game's rules (EU4/HOI4 f32: the value
    of its 3-decimal text, so 187849000 reads 187848.984 as the melted text says)."""
    aux = (t >> 4) & 15
    if aux == BIN_F32:
        x = _f32_value(src, t >> 32, rules.f32)
        return round(x, 3) if rules.f32 == F32_FIXED3 else x
    if aux == BIN_F64:
        return _f64_fixed(_i64(src, t >> 32), rules.f64) / 100000
    if aux == BIN_TOKEN:
        raise KernelError("not a number: a binary field id", t >> 32)
    return float(raw_int(src, t))


def binary_bool(src: bytes, t: int) -> bool:
    aux = (t >> 4) & 15
    if aux == BIN_BOOL:
        return src[t >> 32] != 0
    raise KernelError(f"not a boolean: a binary {BIN_NAMES[aux]}", t >> 32)


def binary_date(src: bytes, t: int, rules: BinaryRules, strict: bool = False) -> Date | None:
    """The date an i32 stands for: any valid one (``strict``, the key says it is a date),
    else only a plausible one (see DATE_*). None for other types and implausible values."""
    if (t >> 4) & 15 != BIN_I32:
        return None
    return date_from_binary(_i32(src, t >> 32), rules.dates, strict)


_DAYS_BEFORE: Final = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365)


def date_from_binary(value: int, mode: int = DATE_DAY, strict: bool = True) -> Date | None:
    """Hours since 1 January of year -5000 on a 365-day calendar, as a Date (None if the
    value is no date; with ``strict`` False, None also for implausible dates)."""
    if value < 0:
        return None
    hour = value % 24
    days = value // 24
    year = days // 365 - 5000
    ordinal = days % 365
    if year == 0 or year > 32767:
        return None
    month = 1
    while ordinal >= _DAYS_BEFORE[month]:
        month += 1
    day = ordinal - _DAYS_BEFORE[month - 1] + 1
    if mode == DATE_HOUR:
        date = Date(year, month, day, hour + 1)
        unset = (year == 1 or year == -1) and month == 1 and day == 1 and hour == 0
        if not strict and year < 1800 and not unset:
            return None  # 1.1.1.1 stands for "not yet"
        return date
    if not strict and year <= -100:
        return None
    return Date(year, month, day)


def date_to_binary(date: Date) -> int:
    """The i32 of a date (inverse of ``date_from_binary``; hour 0 or 1 both mean the first)."""
    days = (date.year + 5000) * 365 + _DAYS_BEFORE[date.month - 1] + date.day - 1
    return days * 24 + max(date.hour - 1, 0)


def date_text(date: Date) -> bytes:
    """A date as the games write it: ``1444.11.11``, HOI4 ``1936.1.1.12``."""
    text = f"{date.year}.{date.month}.{date.day}"
    if date.hour:
        text += f".{date.hour}"
    return text.encode()


def _f64_fixed(value: int, mode: int) -> int:
    """An f64's stored integer as a count of 1/100000."""
    if mode == F64_FIXED5:
        return value
    if mode == F64_FIXED3:
        return value * 100
    if mode == F64_Q15_FLOOR:
        return (value * 100000) // 32768
    # F64_Q15_ROUND: half away from zero
    q = (abs(value) * 100000 + 16384) // 32768
    return -q if value < 0 else q


def fixed_text(value: int, scale: int, decimals: int) -> bytes:
    """``value`` / 10**scale as decimal text with ``decimals`` digits after the point
    (``decimals`` >= ``scale``), or SHORTEST: trailing zeros (and the point) dropped."""
    negative = value < 0
    a = -value if negative else value
    unit = 10**scale
    whole = a // unit
    frac = a - whole * unit
    if decimals == SHORTEST:
        if frac == 0:
            text = str(whole)
        else:
            digits = str(frac).rjust(scale, "0").rstrip("0")
            text = f"{whole}.{digits}"
        if negative and text != "0":
            text = "-" + text
        return text.encode()
    digits = str(frac).rjust(scale, "0") + "0" * (decimals - scale)
    text = f"{whole}.{digits}" if decimals > 0 else str(whole)
    return ("-" + text if negative else text).encode()


def _single(x: float) -> float:
    """``x`` rounded to the nearest single-precision float."""
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


def _f32_value(src: bytes, s: int, mode: int) -> float:
    """The 4-byte float at ``s`` as a single-precision value. Fixed-point values are
    computed as the reference melter does, in single precision (``i32 as f32 / 1000.0``):
    that is what makes large values print as ``187848.984`` (raw 187849000) in the
    corpus' melted EU4 meta."""
    if mode == F32_IEEE:
        return float(struct.unpack_from("<f", src, s)[0])
    return _single(_single(float(_i32(src, s))) / 1000.0)


def f32_text(src: bytes, s: int, rules: BinaryRules, decimals: int = -2) -> bytes:
    """The 4-byte float at ``s`` as text (``decimals`` -2: the game's default)."""
    if decimals == -2:
        decimals = rules.f32_decimals
    x = _f32_value(src, s, rules.f32)
    if decimals == SHORTEST:
        return _shortest_f32(x)
    return _plain(format(x, f".{decimals}f"))


def f64_text(src: bytes, s: int, rules: BinaryRules, decimals: int = -2) -> bytes:
    """The 8-byte float at ``s`` as text (``decimals`` -2: the game's default)."""
    if decimals == -2:
        decimals = rules.f64_decimals
    value = _f64_fixed(_i64(src, s), rules.f64)
    if decimals == SHORTEST or decimals >= 5:
        return fixed_text(value, 5, decimals)
    return _round_fixed(value, 5, decimals)


def _round_fixed(value: int, scale: int, decimals: int) -> bytes:
    drop = 10 ** (scale - decimals)
    a = abs(value)
    q = (a + drop // 2) // drop
    return fixed_text(-q if value < 0 else q, decimals, decimals)


def _plain(text: str) -> bytes:
    if text.startswith("-") and text.strip("-0.") == "":
        text = text[1:]  # no negative zero
    return text.encode()


def _shortest_f32(x: float) -> bytes:
    """The shortest decimal text that reads back as the same single-precision float,
    without an exponent (what Rust's ``{}`` prints for an f32)."""
    if x != x or x in (float("inf"), float("-inf")):
        return repr(x).encode()
    if x == 0:
        return b"0"
    for precision in range(1, 10):
        text = format(x, f".{precision}g")
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == x:
            return _expand(text)
    return _expand(repr(x))


def _expand(text: str) -> bytes:
    """Scientific notation to plain decimal digits; trailing zeros after the point dropped."""
    mantissa, _, exponent = text.partition("e")
    negative = mantissa.startswith("-")
    if negative:
        mantissa = mantissa[1:]
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exponent) if exponent else 0)
    if point <= 0:
        out = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        out = digits + "0" * (point - len(digits))
    else:
        out = digits[:point] + "." + digits[point:]
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    out = out.lstrip("0") or "0"
    if out.startswith("."):
        out = "0" + out
    return ("-" + out if negative else out).encode()


def escape_quoted(raw: bytes) -> bytes:
    """Bytes of a binary string as the content of a text quoted string: ``"`` and ``\\``
    escaped, one trailing newline dropped (as the reference melter does)."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if b"\\" in raw or b'"' in raw:
        raw = raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return raw


def binary_scalar_text(
    src: bytes, t: int, rules: BinaryRules, tokens: TokenTable | None = None, key: str = ""
) -> bytes:
    """A scalar token of a binary tape as the game's text: ``1.500``, ``yes``, ``"str"``,
    ``1444.11.11``, a field id's name. ``key`` (the field's name, when known) decides
    whether an i32 is a date (``rules``' key lists), else a plausible date is one.
    SCALAR/QUOTED tokens (binary strings) come back unquoted/quoted and escaped."""
    k = t & 15
    s = t >> 32
    if k == QUOTED or k == SCALAR or k == KEY:
        raw = src[s : s + ((t >> 8) & 0xFFFFFF)]
        if k == QUOTED:
            return b'"' + escape_quoted(raw) + b'"'
        return raw
    aux = (t >> 4) & 15
    if aux == BIN_I32:
        value = _i32(src, s)
        if key and rules.is_number_key(key):
            return str(value).encode()
        date = date_from_binary(value, rules.dates, key in rules.date_keys)
        return date_text(date) if date is not None else str(value).encode()
    if aux == BIN_F32:
        return f32_text(src, s, rules)
    if aux == BIN_F64:
        return f64_text(src, s, rules)
    if aux == BIN_BOOL:
        return b"yes" if src[s] else b"no"
    if aux == BIN_TOKEN:
        return token_name(_u16(src, s), tokens).encode("utf-8")
    return str(raw_int(src, t)).encode()


def binary_str(
    src: bytes, t: int, rules: BinaryRules, tokens: TokenTable | None = None, key: str = ""
) -> str:
    """A scalar as a string: strings decoded (Windows-1252 or UTF-8 by game), numbers,
    dates and names as their text."""
    k = t & 15
    if k == QUOTED or k == SCALAR or k == KEY:
        s = t >> 32
        return decode(src[s : s + ((t >> 8) & 0xFFFFFF)], rules.utf8)
    return binary_scalar_text(src, t, rules, tokens, key).decode("utf-8", "replace")


def token_name(token_id: int, tokens: TokenTable | None) -> str:
    """The name of a field id, ``__unknown_0x…`` when the table does not hold it."""
    if tokens is not None:
        name = tokens.names[token_id]
        if name:
            return name
    return unknown_name(token_id)


def key_name(src: bytes, t: int, tokens: TokenTable | None, rules: BinaryRules) -> str:
    """The key of a KEY_ID token: a field id's name (``__unknown_0x…`` if unknown), or the
    text of a typed key (history dates are i32 keys: ``1444.11.11``). KEY tokens (binary
    strings used as keys) give their string."""
    k = t & 15
    if k == KEY:
        s = t >> 32
        return decode(src[s : s + ((t >> 8) & 0xFFFFFF)], rules.utf8)
    if (t >> 4) & 15 == BIN_TOKEN:
        return token_name(_u16(src, t >> 32), tokens)
    return binary_scalar_text(src, t, rules, tokens).decode("utf-8", "replace")


__all__ = [
    "BIN_BOOL",
    "BIN_F32",
    "BIN_F64",
    "BIN_I32",
    "BIN_I64",
    "BIN_TOKEN",
    "BIN_U32",
    "BIN_U64",
    "RULES",
    "BinaryDocument",
    "BinaryRules",
    "binary_bool",
    "binary_date",
    "binary_float",
    "binary_int",
    "binary_scalar_text",
    "binary_str",
    "body_start",
    "date_from_binary",
    "decode_binary",
    "key_name",
    "rules_for",
    "token_id",
    "token_name",
]
