"""Tolerant reads of one value, for every game's reader (``kernel.eu4``,
``kernel.stellaris``): on top of the Document API (``Container`` / ``Value``).

Saves are written by many patches and trimmed by hand; a field may be missing, quoted,
a container where a scalar was expected, or ``12.000`` where an int was expected. These
helpers never raise: they give the default (or None) instead. They use only the public
read API, so they work unchanged for binary documents (keys resolved through a token
table).
"""

from __future__ import annotations

from kernel._document import Container, Value
from kernel._encoding import decode
from kernel._errors import KernelError
from kernel._scalars import to_float, to_int


def container_of(value: Value | None) -> Container | None:
    return None if value is None else value.container_or_none()


# Each reader looks at a text document's tape once (``Value.text_raw``): they run a few
# hundred thousand times per save. Binary documents go through the typed API.


def opt_text(value: Value | None) -> str | None:
    if value is None:
        return None
    doc = value.doc
    try:
        if doc.rules is None:
            raw = value.text_raw()
            return None if raw is None else decode(raw, doc.utf8)
        return None if value.is_container() else value.as_str()
    except KernelError:
        return None


def text(value: Value | None, default: str = "") -> str:
    found = opt_text(value)
    return default if found is None else found


def opt_number(value: Value | None) -> float | None:
    if value is None:
        return None
    try:
        if value.doc.rules is None:
            raw = value.text_raw()
            return None if raw is None else to_float(raw)
        return None if value.is_container() else value.as_float()
    except KernelError:
        return None


def number(value: Value | None, default: float = 0.0) -> float:
    found = opt_number(value)
    return default if found is None else found


def opt_integer(value: Value | None) -> int | None:
    """An int; ``12.000`` reads as 12 (older patches write some counts as decimals)."""
    if value is None:
        return None
    try:
        if value.doc.rules is None:
            raw = value.text_raw()
            if raw is None:
                return None
            try:
                return to_int(raw)
            except KernelError:
                return int(to_float(raw))
        if value.is_container():
            return None
        try:
            return value.as_int()
        except KernelError:
            return int(value.as_float())
    except (KernelError, ValueError, OverflowError):
        return None


def integer(value: Value | None, default: int = 0) -> int:
    """An int; ``12.000`` reads as 12 (older patches write some counts as decimals)."""
    found = opt_integer(value)
    return default if found is None else found


def flag(value: Value | None, default: bool = False) -> bool:
    if value is None or value.is_container():
        return default
    try:
        return value.as_bool()
    except KernelError:
        return default
