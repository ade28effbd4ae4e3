"""Paging cursors of the lists (saves, users): opaque URL-safe base64 of a position.

A cursor comes back in the query string, so anything may arrive: ``unpack`` refuses what
no ``pack`` made before the caller reads the position (BadCursor, a 400 with BAD_CURSOR).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

# An encoded cursor is at most about 50 characters; the bound keeps decoding cheap.
_CURSOR: Final = re.compile(r"[A-Za-z0-9_-]{1,128}")
BAD_CURSOR: Final = "This page link is not valid (a bad cursor); start again from the first page."


class BadCursor(ValueError):
    pass


def pack(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def unpack(cursor: str) -> str:
    """The position ``pack`` wrapped; BadCursor when ``cursor`` is not base64 of UTF-8."""
    if not _CURSOR.fullmatch(cursor):
        raise BadCursor(BAD_CURSOR)
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(BAD_CURSOR) from None
