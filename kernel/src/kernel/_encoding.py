"""Text encodings of Clausewitz files: exact Windows-1252 and UTF-8, and choosing between them."""

from __future__ import annotations

from typing import Final

UTF8: Final = "utf8"
WINDOWS1252: Final = "windows1252"
AUTO: Final = "auto"
ENCODINGS: Final = (AUTO, UTF8, WINDOWS1252)


def _cp1252_table() -> dict[int, str]:
    # Python's cp1252 codec rejects 0x81, 0x8D, 0x8F, 0x90 and 0x9D; the games (and
    # browsers) keep those as the C1 controls, which is what Latin-1 gives. So: decode as
    # Latin-1, then move the 27 defined 0x80-0x9F bytes to their real characters.
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


_CP1252: Final = _cp1252_table()


def decode(raw: bytes, utf8: bool) -> str:
    """Bytes of a scalar as text. Invalid UTF-8 becomes U+FFFD, as in the games."""
    if raw.isascii():
        return raw.decode("ascii")
    if utf8:
        return raw.decode("utf-8", "replace")
    return raw.decode("latin-1").translate(_CP1252)


def resolve(src: bytes, body_start: int, requested: str) -> bool:
    """Whether ``src`` is read as UTF-8 for the requested encoding ("auto" looks at the bytes).

    auto: a UTF-8 BOM means UTF-8; the EU4txt/HOI4txt header of Windows-1252 games means
    Windows-1252; otherwise UTF-8 if the bytes are valid UTF-8, else Windows-1252.
    """
    if requested == UTF8:
        return True
    if requested == WINDOWS1252:
        return False
    if requested != AUTO:
        raise ValueError(f"unknown encoding {requested!r}; expected one of {', '.join(ENCODINGS)}")
    if src.startswith(b"\xef\xbb\xbf"):
        return True
    if body_start > 0 and (src.startswith(b"EU4txt") or src.startswith(b"HOI4txt")):
        return False
    if src.isascii():
        return True
    try:
        src.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
