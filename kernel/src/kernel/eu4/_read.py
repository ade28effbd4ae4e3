"""Tolerant reads on top of the Document API (``Container`` / ``Value``).

Saves are written by many patches and trimmed by hand; a field may be missing, quoted,
a container where a scalar was expected, or ``12.000`` where an int was expected. These
helpers never raise: they give the default instead. They use only the public read API,
so they work unchanged for binary documents (keys resolved through a token table).
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container, Value
from kernel._errors import KernelError
from kernel._read import (
    container_of,
    flag,
    integer,
    number,
    opt_integer,
    opt_number,
    opt_text,
    text,
)
from kernel._scalars import Date

# The game-neutral reads (kernel._read), for the EU4 modules that import them from here.
__all__ = [
    "container_of",
    "flag",
    "integer",
    "number",
    "opt_integer",
    "opt_number",
    "opt_text",
    "text",
]

EU4_START: Final = Date(1444, 11, 11)
EU4_START_DAYS: Final = EU4_START.days()


class Fields:
    """One pass over a container's entries: the first value of each wanted key, and every
    value of each wanted repeated key (``estate``, ``loan``, ``army``, ...)."""

    def __init__(self) -> None:
        self.first: dict[str, Value] = {}
        self.many: dict[str, list[Value]] = {}

    def get(self, key: str) -> Value | None:
        return self.first.get(key)

    def all(self, key: str) -> list[Value]:
        found = self.many.get(key)
        return found if found is not None else []


def pick(container: Container, single: frozenset[str], repeated: frozenset[str]) -> Fields:
    """Collect ``single`` keys (first occurrence) and ``repeated`` keys (all) in one pass."""
    out = Fields()
    first = out.first
    many = out.many
    for key, value in container.select(_union(single, repeated)):
        if key in single:
            if key not in first:
                first[key] = value
        else:
            found = many.get(key)
            if found is None:
                many[key] = [value]
            else:
                found.append(value)
    return out


_UNIONS: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}


def _union(single: frozenset[str], repeated: frozenset[str]) -> frozenset[str]:
    """``single | repeated``, made once per pair of sets (``select`` then caches its bytes)."""
    pair = (single, repeated)
    found = _UNIONS.get(pair)
    if found is None:
        found = _UNIONS[pair] = single | repeated
    return found


def date(value: Value | None) -> Date | None:
    """A date (quoted or not: 1.5 saves quote them)."""
    if value is None or value.is_container():
        return None
    try:
        return value.as_date()
    except KernelError:
        return None


NO_KEYS: Final[frozenset[str]] = frozenset()
# Bytes a date key starts with (``Container.select(…, DATE_FIRST)`` keeps those keys).
DATE_FIRST: Final = b"-0123456789"
# Dates of history keys already read: a save repeats the same few thousand.
_DATE_KEYS: dict[str, Date | None] = {}
_MAX_DATE_KEYS: Final = 1 << 16


def parse_date_key(key: str) -> Date | None:
    """A history key such as ``1444.11.11`` as a date, else None. The Date may be shared:
    never change it."""
    found = _DATE_KEYS.get(key)
    if found is None and key not in _DATE_KEYS:
        found = _date_key(key)
        if len(_DATE_KEYS) < _MAX_DATE_KEYS:
            _DATE_KEYS[key] = found
    return found


def dated(history: Container | None) -> list[tuple[Date, Container]]:
    """The dated blocks of a history (``1444.11.11={ … }``), in order; undated entries
    and dated scalars are left out."""
    out: list[tuple[Date, Container]] = []
    if history is None:
        return out
    for key, value in history.select(NO_KEYS, DATE_FIRST):
        when = parse_date_key(key)
        block = container_of(value) if when is not None else None
        if when is not None and block is not None:
            out.append((when, block))
    return out


def _date_key(key: str) -> Date | None:
    """``parse_date_key`` itself (cheap rejection first)."""
    n = len(key)
    if n < 5 or n > 14:
        return None
    c = key[0]
    if not (c.isdigit() or c == "-"):
        return None
    parts = key.split(".")
    if len(parts) != 3:
        return None
    year_text = parts[0]
    body = year_text[1:] if year_text.startswith("-") else year_text
    if not body.isdigit() or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    month = int(parts[1])
    day = int(parts[2])
    if month < 1 or month > 12 or day < 1 or day > 31:
        return None
    return Date(int(year_text), month, day)


def iso(d: Date | None) -> str | None:
    if d is None:
        return None
    return iso_text(d)


def iso_text(d: Date) -> str:
    year = d.year
    sign = "-" if year < 0 else ""
    return f"{sign}{abs(year):04d}-{d.month:02d}-{d.day:02d}"


def days_since_1444(d: Date) -> int:
    """Days from 1444-11-11 on the 365-day calendar."""
    return d.days() - EU4_START_DAYS


def texts(value: Value | None) -> list[str]:
    """The bare values of a container as text (``{ "a" "b" }``, ``{ SWE DAN }``)."""
    c = container_of(value)
    if c is None:
        return []
    out: list[str] = []
    for item in c.values():
        if not item.is_container():
            try:
                out.append(item.as_str())
            except KernelError:
                continue
    return out


def numbers(value: Value | None) -> list[float]:
    """The bare numbers of a container (``{ 1.0 2.5 }``); non-numbers are skipped."""
    c = container_of(value)
    if c is None:
        return []
    raw = c.raw_values()
    out: list[float] = []
    try:
        for item in raw:
            out.append(float(item))
        return out
    except ValueError:
        pass
    # Slow path: values that are not decimal text (e.g. typed binary values).
    out = []
    for v in c.values():
        if not v.is_container():
            try:
                out.append(v.as_float())
            except KernelError:
                continue
    return out


def ints(value: Value | None) -> list[int]:
    """The bare integers of a container; decimals are truncated, non-numbers skipped."""
    c = container_of(value)
    if c is None:
        return []
    out: list[int] = []
    try:
        for item in c.raw_values():
            out.append(int(item))
        return out
    except ValueError:
        pass
    out = []
    for x in numbers(value):
        out.append(int(x))
    return out


def int_pairs(value: Value | None) -> list[tuple[int, int]]:
    """``{ 0=1717 7=210 }``: (index, amount) pairs whose keys and values are integers."""
    c = container_of(value)
    if c is None:
        return []
    out: list[tuple[int, int]] = []
    for key, v in c.pairs():
        if not _is_int_text(key):
            continue
        amount = opt_integer(v)
        if amount is not None:
            out.append((int(key), amount))
    return out


def _is_int_text(key: str) -> bool:
    if key.startswith("-"):
        return len(key) > 1 and key[1:].isdigit()
    return key.isdigit()


def id_of(value: Value | None) -> int | None:
    """An id written as ``id={ id=5 type=48 }`` (or a plain integer)."""
    if value is None:
        return None
    c = container_of(value)
    if c is None:
        return opt_integer(value)
    return opt_integer(c.get("id"))
