"""Crafted EU4 saves for the app tests: small text saves, and the same written as binary
(``EU4bin``) token streams with a token table of our own.

Only binary ironman saves pass the achievement gate (eu4-reference.md §1.5), so tests of
leaderboards need binary saves; the token tables of the game are not distributable, so
``Vocabulary`` makes one up: every key the crafted saves use gets an id, and
``Vocabulary.write(path)`` writes the ``0xID name`` file the app loads from TOKENS_DIR.

The text grammar is the small subset the crafted saves use: ``key=value``,
``key={ ... }``, lists of values ``{ a b c }``, ``"quoted"`` strings and bare words.
"""

from __future__ import annotations

import re
import secrets
import struct
from pathlib import Path

from kernel._binary import date_to_binary
from kernel._scalars import Date
from kernel._tokens import RESERVED_IDS

_TOKEN = re.compile(rb'"[^"]*"|[{}=]|[^\s{}="]+')
_DATE = re.compile(rb"^-?\d+\.\d+\.\d+$")
_INT = re.compile(rb"^-?\d+$")
_FLOAT = re.compile(rb"^-?\d+\.\d+$")

EQ = struct.pack("<H", 0x0001)
OPEN = struct.pack("<H", 0x0003)
CLOSE = struct.pack("<H", 0x0004)


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
    return struct.pack("<Hi", 0x000C, date_to_binary(Date(y, m, d)))


def _value(token: bytes) -> bytes:
    if token.startswith(b'"'):
        text = token[1:-1]
        return struct.pack("<HH", 0x000F, len(text)) + text
    if token in (b"yes", b"no"):
        return struct.pack("<HB", 0x000E, 1 if token == b"yes" else 0)
    if _DATE.match(token):
        return _date(token)
    if _INT.match(token):
        return struct.pack("<Hi", 0x000C, int(token))
    if _FLOAT.match(token):
        return struct.pack("<Hi", 0x000D, round(float(token) * 1000))
    return struct.pack("<HH", 0x000F, len(token)) + token


def to_binary(text: bytes, vocabulary: Vocabulary) -> bytes:
    """The ``EU4bin`` token stream of a crafted text save (its ``EU4txt`` line dropped)."""
    if text.startswith(b"EU4txt"):
        text = text[6:]
    tokens = _TOKEN.findall(text)
    out = [b"EU4bin"]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        is_key = i + 1 < len(tokens) and tokens[i + 1] == b"="
        if token == b"{":
            out.append(OPEN)
        elif token == b"}":
            out.append(CLOSE)
        elif is_key:
            if _DATE.match(token):
                out.append(_date(token))
            elif _INT.match(token):
                out.append(struct.pack("<Hi", 0x000C, int(token)))
            else:
                out.append(struct.pack("<H", vocabulary.id_of(token)))
            out.append(EQ)
            i += 1  # the "="
        else:
            out.append(_value(token))
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
