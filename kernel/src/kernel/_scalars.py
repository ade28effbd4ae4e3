"""Lazy typing of scalar bytes: numbers, booleans and dates are decided only when read.

The JSON rules follow the reference parser (jomini 0.10): integers within JavaScript's
safe range are numbers and larger ones strings; decimals are numbers when their digits
fit a u64 mantissa; exponents are not numbers; ``yes``/``no`` are booleans.
"""

from __future__ import annotations

from typing import Final

from kernel._errors import KernelError
from kernel._native import i64

CL_STRING: Final = 0  # plain ASCII text, safe inside JSON quotes as it is
CL_ESCAPE: Final = 1  # text that needs decoding or JSON escaping
CL_INT: Final = 2
CL_FLOAT: Final = 3
CL_TRUE: Final = 4
CL_FALSE: Final = 5

MAX_SAFE_INT: Final = 9007199254740991  # 2**53 - 1
_U64_MAX: Final = 18446744073709551615
_I64_MIN: Final = -9223372036854775808


def classify(src: bytes, start: i64, end: i64) -> int:
    """The JSON class of ``src[start:end]`` (one pass over the bytes, no allocation)."""
    n: i64 = end - start
    if n == 0:
        return CL_STRING
    c: i64 = src[start]
    if c == 121 and n == 3 and src[start + 1] == 101 and src[start + 2] == 115:  # yes
        return CL_TRUE
    if c == 110 and n == 2 and src[start + 1] == 111:  # no
        return CL_FALSE
    i: i64 = start
    if c == 45 or c == 43:  # sign
        i += 1
    digits: i64 = 0
    dots: i64 = 0
    numeric = i < end
    j: i64 = i
    d: i64 = 0
    while j < end:
        d = src[j]
        if 48 <= d <= 57:
            digits += 1
        elif d == 46:
            dots += 1
        else:
            numeric = False
            break
        j += 1
    if numeric and digits > 0 and dots <= 1:
        if dots == 0:
            return CL_INT
        if _mantissa_fits(src, i, end, digits):
            return CL_FLOAT
        return CL_STRING
    while j < end:
        d = src[j]
        if d < 32 or d >= 127 or d == 34 or d == 92:
            return CL_ESCAPE
        j += 1
    return CL_STRING


def _mantissa_fits(src: bytes, start: int, end: int, digits: int) -> bool:
    """Whether the digits of a decimal, leading zeros aside, fit in a u64."""
    if digits < 20:
        return True
    mantissa = 0
    for j in range(start, end):
        d = src[j]
        if d != 46:
            mantissa = mantissa * 10 + (d - 48)
            if mantissa > _U64_MAX:
                return False
    return True


def json_int(raw: bytes) -> bytes:
    """JSON for an integer token: a number in the safe range, else the text as a string."""
    value = int(raw)
    if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
        return str(value).encode()
    return b'"' + raw + b'"'


def json_float(raw: bytes) -> bytes:
    """JSON for a decimal token: the shortest text of the nearest double."""
    return repr(float(raw)).encode()


def is_json_number(src: bytes, start: i64, end: i64) -> bool:
    """Whether the token is already in JSON number syntax (so it can be copied as it is)."""
    i: i64 = start
    if src[i] == 45:
        i += 1
    if i >= end:
        return False
    lead = src[i]
    if lead == 48:  # a leading zero must be the whole integer part
        if i + 1 < end and src[i + 1] != 46:
            return False
    elif lead == 46 or lead == 43:
        return False
    if src[end - 1] == 46:
        return False
    return end - i < 16  # beyond 15 digits the int range check is needed


# Typed reads for the document API -------------------------------------------------------


def to_int(raw: bytes, offset: int = -1) -> int:
    """A signed integer (i64 range); raises KernelError otherwise."""
    value = _parse_int(raw, offset)
    if value < _I64_MIN or value > 9223372036854775807:
        raise KernelError(f"integer out of range: {raw[:40]!r}", offset)
    return value


def to_u64(raw: bytes, offset: int = -1) -> int:
    value = _parse_int(raw, offset)
    if value < 0 or value > _U64_MAX:
        raise KernelError(f"not an unsigned 64-bit integer: {raw[:40]!r}", offset)
    return value


def _parse_int(raw: bytes, offset: int) -> int:
    if classify(raw, 0, len(raw)) != CL_INT:
        raise KernelError(f"not an integer: {raw[:40]!r}", offset)
    return int(raw)


def to_float(raw: bytes, offset: int = -1) -> float:
    cl = classify(raw, 0, len(raw))
    if cl == CL_INT or cl == CL_FLOAT or _is_long_decimal(raw):
        return float(raw)
    raise KernelError(f"not a number: {raw[:40]!r}", offset)


def _is_long_decimal(raw: bytes) -> bool:
    # Decimals whose mantissa overflows a u64 are strings in JSON but still numbers here.
    body = raw[1:] if raw[:1] in (b"-", b"+") else raw
    return body.count(b".") == 1 and body.replace(b".", b"").isdigit()


def to_bool(raw: bytes, offset: int = -1) -> bool:
    if raw == b"yes":
        return True
    if raw == b"no":
        return False
    raise KernelError(f"not a boolean: {raw[:40]!r}", offset)


_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DAYS_BEFORE: Final = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


class Date:
    """A game date on the 365-day calendar (no leap years), with an optional hour (HOI4)."""

    def __init__(self, year: int, month: int, day: int, hour: int = 0) -> None:
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour

    def days(self) -> int:
        """Days since 1.1.1 (year 0 counts as a year too: the calendar is proleptic)."""
        return self.year * 365 + _DAYS_BEFORE[self.month - 1] + self.day - 1

    def __str__(self) -> str:
        text = f"{self.year}.{self.month}.{self.day}"
        return f"{text}.{self.hour}" if self.hour else text

    def __repr__(self) -> str:
        return f"Date({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Date) and self.key() == other.key()

    def __lt__(self, other: Date) -> bool:
        return self.key() < other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def key(self) -> tuple[int, int, int, int]:
        return (self.year, self.month, self.day, self.hour)

    def iso(self) -> str:
        """``YYYY-MM-DD`` (the hour left out), e.g. for a database date column."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @staticmethod
    def parse(text: str) -> Date | None:
        """``Y.M.D`` or ``Y.M.D.H`` as the games write dates; None for anything else."""
        return parse_date(text.encode("utf-8", "replace"))

    @staticmethod
    def from_days(days: int) -> Date:
        year, rest = divmod(days, 365)
        month = 1
        while month < 12 and rest >= _DAYS_BEFORE[month]:
            month += 1
        return Date(year, month, rest - _DAYS_BEFORE[month - 1] + 1)


def parse_date(raw: bytes) -> Date | None:
    """``Y.M.D`` or ``Y.M.D.H`` with a valid month and day, else None."""
    parts = raw.split(b".")
    if len(parts) not in (3, 4):
        return None
    nums: list[int] = []
    for k, part in enumerate(parts):
        body = part[1:] if k == 0 and part.startswith(b"-") else part
        if not body.isdigit() or len(body) > 6:
            return None
        nums.append(int(part))
    year, month, day = nums[0], nums[1], nums[2]
    hour = nums[3] if len(nums) == 4 else 0
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1] and 0 <= hour <= 24):
        return None
    return Date(year, month, day, hour)


def to_date(raw: bytes, offset: int = -1) -> Date:
    date = parse_date(raw)
    if date is None:
        raise KernelError(f"not a date: {raw[:40]!r}", offset)
    return date
