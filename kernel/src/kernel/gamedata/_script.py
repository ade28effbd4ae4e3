"""Clausewitz script files of an install, read with the kernel's own parser, forgivingly.

A file the parser rejects costs a warning naming the file and line; the offending line
is blanked and the file parsed again (a few times at most), so one bad line does not
lose the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from kernel import parse_text
from kernel._document import Container, Value
from kernel._errors import KernelError

Warn = Callable[[str], None]

_MAX_REPAIRS: Final = 20


def line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of byte ``offset``."""
    return data.count(b"\n", 0, max(0, min(offset, len(data)))) + 1


def _blank_line(data: bytes, offset: int) -> bytes:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    if end < 0:
        end = len(data)
    if start >= end:  # an empty line: blank the one before
        return data[: max(0, start - 1)] + data[start:]
    return data[:start] + b" " * (end - start) + data[end:]


def parse_file(path: str, data: bytes, warn: Warn) -> Container | None:
    """The root of the script file ``data`` (read from ``path``), or None when nothing
    of it could be read. Rejected lines are warned about (``path:line: message``)."""
    for _ in range(_MAX_REPAIRS):
        try:
            return parse_text(data).root()
        except KernelError as exc:
            offset = exc.offset if exc.offset >= 0 else len(data)
            offset = min(offset, max(0, len(data) - 1))
            warn(f"{path}:{line_of(data, offset)}: {exc.message}; line skipped")
            repaired = _blank_line(data, offset)
            if repaired == data:
                break
            data = repaired
    warn(f"{path}: unreadable after {_MAX_REPAIRS} skipped lines; file skipped")
    return None


def int_list(value: Value, path: str, warn: Warn) -> list[int]:
    """The integers of a ``{ 1 2 3 }`` list (other bare items are warned about, once;
    ``key = value`` pairs inside are not items)."""
    if not value.is_container():
        return []
    box = value.as_container()
    found: list[int] = []
    bad = 0
    for raw in box.raw_values():
        try:
            found.append(int(raw))
        except ValueError:
            bad += 1
    if bad:
        warn(f"{path}: {bad} item(s) that are not province ids ignored in a list")
    return found


def color(value: Value | None) -> list[int] | None:
    """``color = { r g b }`` as [r, g, b] (0..255): integers as they are, a list of
    fractions (``{ 0.8 0.8 0 }``, religions) scaled by 255. None if not a colour."""
    if value is None or not value.is_container():
        return None
    items = value.as_container().values()
    if len(items) != 3 or any(item.is_container() for item in items):
        return None
    try:
        numbers = [item.as_float() for item in items]
    except KernelError:
        return None
    texts = [item.as_str() for item in items]
    if any("." in text for text in texts) and all(0 <= n <= 1 for n in numbers):
        numbers = [n * 255 for n in numbers]
    return [max(0, min(255, round(n))) for n in numbers]


def containers(root: Container) -> list[tuple[str, Container]]:
    """The ``key = { … }`` pairs of ``root``."""
    return [(key, value.as_container()) for key, value in root.pairs() if value.is_container()]
