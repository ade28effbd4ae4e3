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
from kernel._errors import KernelError


def container_of(value: Value | None) -> Container | None:
    if value is None or not value.is_container():
        return None
    return value.as_container()


def text(value: Value | None, default: str = "") -> str:
    if value is None or value.is_container():
        return default
    try:
        return value.as_str()
    except KernelError:
        return default


def opt_text(value: Value | None) -> str | None:
    if value is None or value.is_container():
        return None
    try:
        return value.as_str()
    except KernelError:
        return None


def number(value: Value | None, default: float = 0.0) -> float:
    if value is None or value.is_container():
        return default
    try:
        return value.as_float()
    except KernelError:
        return default


def opt_number(value: Value | None) -> float | None:
    if value is None or value.is_container():
        return None
    try:
        return value.as_float()
    except KernelError:
        return None


def integer(value: Value | None, default: int = 0) -> int:
    """An int; ``12.000`` reads as 12 (older patches write some counts as decimals)."""
    if value is None or value.is_container():
        return default
    try:
        return value.as_int()
    except KernelError:
        pass
    try:
        return int(value.as_float())
    except (KernelError, ValueError, OverflowError):
        return default


def opt_integer(value: Value | None) -> int | None:
    if value is None or value.is_container():
        return None
    try:
        return value.as_int()
    except KernelError:
        pass
    try:
        return int(value.as_float())
    except (KernelError, ValueError, OverflowError):
        return None


def flag(value: Value | None, default: bool = False) -> bool:
    if value is None or value.is_container():
        return default
    try:
        return value.as_bool()
    except KernelError:
        return default
