"""Crafted saves for the tests: binary token streams written by hand, crafted EU4 text
saves and the same as binary (``EU4bin``) with a token table of our own, and zip archives
built byte by byte (so that a test can make them lie about sizes, offsets and counts).

Only binary ironman saves pass the achievement gate (eu4-reference.md §1.5), so tests of
leaderboards need binary saves; the token tables of the game are not distributable, so
``Vocabulary`` makes one up: every key the crafted saves use gets an id, and
``Vocabulary.write(path)`` writes the ``0xID name`` file the app loads from TOKENS_DIR.

The text grammar ``to_binary`` reads is the small subset the crafted saves use:
``key=value``, ``key={ ... }``, lists of values ``{ a b c }``, ``"quoted"`` strings and
bare words.
"""

from __future__ import annotations

import re
import secrets
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from kernel._binary import date_to_binary
from kernel._scalars import Date
from kernel._tokens import RESERVED_IDS

# --- binary token streams ----------------------------------------------------------------


def u16(v: int) -> bytes:
    """A little-endian u16: a token id, a type code or a length."""
    return struct.pack("<H", v)


token = u16  # a field id
EQ = u16(0x0001)
OPEN_BLOCK = u16(0x0003)
CLOSE_BLOCK = u16(0x0004)


def i32(v: int) -> bytes:
    return u16(0x000C) + struct.pack("<i", v)


def u32(v: int) -> bytes:
    return u16(0x0014) + struct.pack("<I", v)


def f32_raw(v: int) -> bytes:
    """An f32 whose 4 bytes are the int ``v`` (EU4: fixed point, ``v / 1000``)."""
    return u16(0x000D) + struct.pack("<i", v)


def f32_ieee(v: float) -> bytes:
    return u16(0x000D) + struct.pack("<f", v)


def f64_raw(v: int) -> bytes:
    """An f64 whose 8 bytes are the int ``v``."""
    return u16(0x0167) + struct.pack("<q", v)


def u64(v: int) -> bytes:
    return u16(0x029C) + struct.pack("<Q", v)


def i64(v: int) -> bytes:
    return u16(0x0317) + struct.pack("<q", v)


def boolean(v: bool) -> bytes:
    return u16(0x000E) + bytes([1 if v else 0])


def quoted(text: bytes) -> bytes:
    return u16(0x000F) + u16(len(text)) + text


def unquoted(text: bytes) -> bytes:
    return u16(0x0017) + u16(len(text)) + text


def rgb(*values: int) -> bytes:
    return u16(0x0243) + OPEN_BLOCK + b"".join(u32(v) for v in values) + CLOSE_BLOCK


def date(year: int, month: int, day: int) -> bytes:
    """A date as EU4 writes it: an i32 of hours since year -5000."""
    return i32(date_to_binary(Date(year, month, day)))


# --- crafted EU4 saves, text and binary ----------------------------------------------------

_TOKEN = re.compile(rb'"[^"]*"|[{}=]|[^\s{}="]+')
_DATE = re.compile(rb"^-?\d+\.\d+\.\d+$")
_INT = re.compile(rb"^-?\d+$")
_FLOAT = re.compile(rb"^-?\d+\.\d+$")


class Vocabulary:
    """Token ids for names, allocated on first use from 0x6000 (skipping reserved ids).

    ``base`` is the text of a token file whose names keep their ids (one id per name: the
    kernel looks some fields up by name)."""

    def __init__(self, base: str = "") -> None:
        self.base = base
        self.ids: dict[bytes, int] = {}
        for line in base.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) == 2:
                self.ids[fields[1].encode()] = int(fields[0], 0)
        self._next = 0x6000

    def id_of(self, name: bytes) -> int:
        found = self.ids.get(name)
        if found is None:
            while self._next in RESERVED_IDS:
                self._next += 1
            found = self.ids[name] = self._next
            self._next += 1
        return found

    def write(self, path: Path) -> Path:
        """The token file of every name (the base file's lines included)."""
        lines = [f"0x{i:04x} {name.decode()}" for name, i in sorted(self.ids.items())]
        path.write_text("# crafted test tokens\n" + "\n".join(lines) + "\n")
        return path


class TokenDir:
    """A TOKENS_DIR for a test app: ``eu4.txt`` holds the ``base`` file's tokens (e.g. the
    corpus pair's) and every name the crafted saves use; it is written again whenever a
    save adds a name (the app's workers read the file again when it changes)."""

    def __init__(self, directory: Path, base: Path | None = None) -> None:
        self.directory = directory
        text = base.read_text() if base is not None and base.is_file() else ""
        self.vocabulary = Vocabulary(text)
        self.write()

    def write(self) -> None:
        self.vocabulary.write(self.directory / "eu4.txt")

    def binary(self, text: bytes) -> bytes:
        """``text`` (a crafted save) as a binary save this directory's table reads."""
        before = len(self.vocabulary.ids)
        data = to_binary(text, self.vocabulary)
        if len(self.vocabulary.ids) != before:
            self.write()
        return data


def _date(token: bytes) -> bytes:
    y, m, d = (int(p) for p in token.split(b"."))
    return date(y, m, d)


def _value(token: bytes) -> bytes:
    if token.startswith(b'"'):
        return quoted(token[1:-1])
    if token in (b"yes", b"no"):
        return boolean(token == b"yes")
    if _DATE.match(token):
        return _date(token)
    if _INT.match(token):
        return i32(int(token))
    if _FLOAT.match(token):
        return f32_raw(round(float(token) * 1000))
    return quoted(token)


def to_binary(text: bytes, vocabulary: Vocabulary) -> bytes:
    """The ``EU4bin`` token stream of a crafted text save (its ``EU4txt`` line dropped)."""
    if text.startswith(b"EU4txt"):
        text = text[6:]
    tokens = _TOKEN.findall(text)
    out = [b"EU4bin"]
    i = 0
    while i < len(tokens):
        word = tokens[i]
        is_key = i + 1 < len(tokens) and tokens[i + 1] == b"="
        if word == b"{":
            out.append(OPEN_BLOCK)
        elif word == b"}":
            out.append(CLOSE_BLOCK)
        elif is_key:
            if _DATE.match(word):
                out.append(_date(word))
            elif _INT.match(word):
                out.append(i32(int(word)))
            else:
                out.append(token(vocabulary.id_of(word)))
            out.append(EQ)
            i += 1  # the "="
        else:
            out.append(_value(word))
        i += 1
    return b"".join(out)


OPTIONS = "1 0 1 1 0 0 0 1 0 0 0 1 0 0 0 0"  # normal difficulty; index 14 = 0: historical


def text_save(
    *,
    player: str = "ITA",
    name: str = "Italy",
    date: str = "1500.1.1",
    minor: int = 35,
    start: str = "1444.11.11",
    countries: str | None = None,
    provinces: str | None = None,
    extra: str = "",
    seed: int | None = None,
    multi_player: str = "no",
) -> bytes:
    """A crafted EU4 text save with what the analysis reads: meta at the top, one human
    country (``player``) with a starting monarch (so it has a playthrough id: ``seed``
    tells runs apart), two provinces, and a year of ledgers."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    if countries is None:
        countries = (
            f'{player}={{ human=yes was_player=yes name="{name}" capital=1 num_of_cities=2 '
            f"treasury=100.500 estimated_monthly_income=12.250 "
            f'history={{ 1444.11.11={{ monarch={{ id={{ id=1 type=48 }} name="Ruler {seed}" '
            f"ADM=3 DIP=4 MIL=5 }} }} }} }} "
            f"REB={{ decision_seed={seed} }} "
            f'AAA={{ name="Other" capital=3 num_of_cities=1 }}'
        )
    if provinces is None:
        provinces = (
            f'-1={{ name="Roma" owner="{player}" controller="{player}" cores={{ {player} }} '
            f"base_tax=5.000 base_production=4.000 base_manpower=3.000 religion=catholic "
            f"culture=umbrian hre=no }} "
            f'-2={{ name="Napoli" owner="{player}" controller="{player}" cores={{ {player} }} '
            f"base_tax=3.000 base_production=3.000 base_manpower=2.000 religion=catholic "
            f"culture=neapolitan hre=no }} "
            f'-3={{ name="Elsewhere" owner="AAA" controller="AAA" cores={{ AAA }} '
            f"base_tax=1.000 base_production=1.000 base_manpower=1.000 religion=sunni "
            f"culture=turkish hre=no }}"
        )
    return (
        f'EU4txt\ndate={date}\nplayer="{player}"\ndisplayed_country_name="{name}"\n'
        f'savegame_version={{ first=1 second={minor} third=0 forth=0 name="Test" }}\n'
        f"is_ironman=yes\nmulti_player={multi_player}\nnot_observer=yes\n"
        f'campaign_id="{seed}"\n'
        f"gameplaysettings={{ setgameplayoptions={{ {OPTIONS} }} }}\n"
        f"start_date={start}\nachievement_ok=yes\n"
        f"provinces={{ {provinces} }}\ncountries={{ {countries} }}\n{extra}\n"
    ).encode("cp1252")


def fresh_save(tag: str = "") -> bytes:
    """A small valid EU4 text save whose content is unique (so it is never a duplicate)."""
    marker = tag or secrets.token_hex(8)
    return (
        b'EU4txt\ndate=1450.3.1\nplayer="FRA"\ndisplayed_country_name="France"\n'
        b'savegame_version={\n\tfirst=1\n\tsecond=37\n\tthird=2\n\tforth=0\n\tname="x"\n}\n'
        b'campaign_id="' + marker.encode() + b'"\n'
    )


EU4_META = b'EU4txt\ndate=1444.11.11\nplayer="ENG"\nsavegame_version={ first=1 second=29 }\n'
EU4_STATE = EU4_META + b"countries={ ENG={ treasury=100.000 } }\n"
"""A tiny EU4 meta and gamestate, for zips."""


# --- zips built by hand (sizes, offsets and counts are the test's to lie about) -------------

MiB = 1 << 20


def deflate_raw(data: bytes, level: int = 9) -> bytes:
    """``data`` as a raw deflate stream (what a zip member holds)."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_deflated(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros, ~1 KB per MiB, built in milliseconds:
    one fully flushed block (no reference to earlier data) repeated, then an empty final
    block."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(MiB)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


@dataclass
class Member:
    """A zip member as the archive describes it. ``size`` is the uncompressed size the
    central directory declares; the ``local_*`` fields are what the local header says
    (``None``: the same as the directory), ``csize`` the compressed size the directory
    declares (``None``: the payload's length) and ``header_offset`` where the directory
    says the local header is (``None``: where it is)."""

    name: str
    payload: bytes
    method: int = 8
    size: int = 0
    crc: int = 0
    flags: int = 0
    csize: int | None = None
    local_method: int | None = None
    local_size: int | None = None
    local_csize: int | None = None
    local_crc: int | None = None
    header_offset: int | None = None


def member(name: str, data: bytes, method: int = 8, level: int = 9) -> Member:
    """An honest member holding ``data``, deflated (method 8) or stored (method 0)."""
    payload = deflate_raw(data, level) if method == 8 else data
    return Member(name, payload, method=method, size=len(data), crc=zlib.crc32(data))


def stored(name: str, data: bytes) -> Member:
    return member(name, data, method=0)


def build_zip(members: list[Member], *, count: int | None = None, cd_shift: int = 0) -> bytes:
    """A zip archive of ``members``; ``count`` is the member count the end record declares
    and ``cd_shift`` moves the central directory's declared offset."""
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        csize = len(m.payload) if m.csize is None else m.csize
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, m.flags,
            m.method if m.local_method is None else m.local_method, 0, 0x21,
            m.crc if m.local_crc is None else m.local_crc,
            csize if m.local_csize is None else m.local_csize,
            m.size if m.local_size is None else m.local_size, len(name), 0,
        )  # fmt: skip
        out += name + m.payload
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, m.method, 0, 0x21, m.crc,
            csize, m.size, len(name), 0, 0, 0, 0, 0,
            offset if m.header_offset is None else m.header_offset,
        )  # fmt: skip
        central += name
    n = len(members) if count is None else count
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), len(out) + cd_shift, 0)
    return bytes(out + central + eocd)


def good_zip() -> bytes:
    """A small valid zipped EU4 save (meta and gamestate)."""
    return build_zip([member("meta", EU4_META), member("gamestate", EU4_STATE)])


def crowded_save(count: int, *, history: int = 0) -> bytes:
    """A crafted EU4 text save of ``count`` provinces, each owned by a country of its own
    (tags ``A00``, ``A01``, …), each with ``history`` dated history entries: the shape of a
    save made to inflate an analysis."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def tag(i: int) -> str:  # distinct for the first 26,000
        return f"{letters[i // 1000 % 26]}{i % 1000:03d}"

    events = " ".join(f"{1445 + k}.1.1={{ controller={{ tag=REB }} }}" for k in range(history))
    countries = " ".join(f"{tag(i)}={{ capital={i + 1} }}" for i in range(count))
    provinces = " ".join(
        f'-{i + 1}={{ name="P{i}" owner="{tag(i)}" controller="{tag(i)}" base_tax=1.000 '
        f"history={{ owner={tag(i)} {events} }} }}"
        for i in range(count)
    )
    return text_save(countries=countries, provinces=provinces)
