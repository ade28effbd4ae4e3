"""The archive layer: from the bytes of a save file to its document streams (members).

No parsing of the document body happens here. ``open_archive`` recognises the
envelope, decompresses (with byte budgets: input is hostile), and hands back one
``Member`` per document stream, plus a cheap guess of the game.

Kinds (``Archive.kind``):

- ``"text"`` / ``"binary"``: a plain file, one entry named ``""``. With a known header
  (``EU4txt``, ``EU4bin``, ``HOI4txt``, ``HOI4bin``, optionally after a UTF-8 BOM) or
  headerless (text if the first 4 KiB hold no control bytes and an ``=`` or ``{``;
  binary if it starts like a token stream: a field id followed by ``=`` 0x0001).
- ``"zip"``: a zip archive at byte 0 (EU4 compressed/ironman saves: ``meta``,
  ``gamestate``, ``ai`` or ``game.eu4`` + ``meta``, each with its own EU4txt/EU4bin
  header; Stellaris: ``gamestate`` + ``meta``, headerless text).
- ``"sav-text"`` / ``"sav-binary"`` / ``"sav-zip"``: a ``SAV0…`` envelope (CK3,
  Imperator, Vic3, EU5), see ``SavHeader``. sav-text/sav-binary: the body after the
  header line is one document that starts with the metadata; entries ``meta`` (the
  metadata slice) and ``gamestate`` (the whole body, metadata included, as the game
  writes it). sav-zip: ``meta`` (the metadata stored uncompressed before the zip, when
  there is any) followed by the zip's members (``gamestate``, sometimes ``meta``,
  ``string_lookup``).

SAV header line (24 bytes, 25 with CRLF; 32/33 for ``SAV02``)::

    SAV 01 03 c18f0de8 00000166 [00000000] \\n
    |   |  |  |        |        |
    |   |  |  |        |        +- SAV02 only: 8 more hex digits (observed 00000000)
    |   |  |  |        +- metadata length in bytes, hex
    |   |  |  +- 8 hex digits: random/checksum (meaning unknown; not used)
    |   |  +- format, hex: 0 text, 1 binary, 2 text + zip, 3 binary + zip (metadata
    |   |     stored uncompressed between header and zip), 4 text zip, 5 binary zip
    |   |     (metadata inside the zip; length 0)
    |   +- envelope version: "01" (CK3, Imperator, Vic3, early EU5), "02" (EU5)
    +- magic

The metadata is ``data[header_length : header_length + metadata_length]``; a zip, if
any, starts right after it. Which of text/binary/zip the file is, is decided from the
bytes (a zip signature where the metadata ends; text vs token stream), not from the
format digits alone: they only break ties.

Game detection (``Archive.game``), cheapest first:

1. an ``EU4txt``/``EU4bin`` header on any entry, or a ``game.eu4`` member: eu4;
   ``HOI4txt``/``HOI4bin``: hoi4;
2. SAV envelope version ``02`` or a ``string_lookup`` member: eu5;
3. the metadata (``meta`` entry, else the gamestate) by content:
   - text starting with ``meta_data=``: vic3 if ``game_date=`` occurs in the first
     64 KiB, ck3 if ``meta_date=``/``meta_player_name=`` does, else unknown;
   - text starting with ``metadata=``: eu5; with ``save_game_version=``: imperator;
   - text starting with ``version="<Name> v<digit>`` (Stellaris release names such as
     "Circinus v3.14.15926", "Orion v3.6.1"): stellaris;
   - binary: the first token id: 0x3155 ck3 (meta_data), 0x55ad vic3 (meta_data),
     0x058f imperator (save_game_version at top level), 0x09de eu5 (metadata; taken
     from a third-party token list, not verified on a corpus file);
4. otherwise "unknown" (for example a headerless EU4 fragment).
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from kernel._errors import KernelError
from kernel._tokens import RESERVED_IDS
from kernel._zip import ZIP_EMPTY_MAGIC, ZIP_LOCAL_MAGIC, find_eocd, read_zip

DEFAULT_MAX_DECOMPRESSED: Final = 512 * 1024 * 1024
# Real saves inflate 2x-20x per member (EU4 binary gamestate ~8x, EU4 text ~17x, the EU4
# `ai` member ~18x, Stellaris text ~16x). Deflate tops out near 1032:1, and bombs live
# there. 200 leaves a 10x margin over the most compressible real member and still stops a
# bomb after inflating 200 bytes per compressed byte (members inflating to <= 1 MiB are
# exempt, see kernel._zip.RATIO_GRACE; the total budget applies regardless).
DEFAULT_MAX_RATIO: Final = 200

GAMES: Final = ("eu4", "ck3", "imperator", "vic3", "eu5", "hoi4", "stellaris", "unknown")
KINDS: Final = ("text", "binary", "zip", "sav-text", "sav-binary", "sav-zip")

_BOM: Final = b"\xef\xbb\xbf"
# (magic, game, encoding). The header is the magic itself; what follows it (a newline for
# text, the first token for binary) stays in the data.
_HEADERS: Final = (
    (b"EU4txt", "eu4", "text"),
    (b"EU4bin", "eu4", "binary"),
    (b"HOI4txt", "hoi4", "text"),
    (b"HOI4bin", "hoi4", "binary"),
)
_SAV_MAGIC: Final = b"SAV0"
_SAV_MAX_LINE: Final = 80
_SAV_FORMATS: Final = (
    "text",
    "binary",
    "unified-text",
    "unified-binary",
    "split-text",
    "split-binary",
)
_HEX: Final = frozenset("0123456789abcdefABCDEF")

# Bytes that never occur in the first KiBs of a Clausewitz text file: C0 controls other
# than tab, LF, CR (binary token streams are full of 0x00/0x01/0x03).
_CONTROL: Final = bytes([b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)])
_SNIFF: Final = 4096
_GAME_WINDOW: Final = 65536

_FIRST_TOKEN_GAME: Final = {
    0x3155: "ck3",  # meta_data (corpus: CK3 .bin and SAV0103 fragments)
    0x55AD: "vic3",  # meta_data (corpus: Vic3 SAV0103 fragment)
    0x058F: "imperator",  # save_game_version at top level (corpus: Imperator SAV0103)
    0x09DE: "eu5",  # metadata (third-party token list; not in the corpus)
}
_STELLARIS_VERSION: Final = re.compile(rb'version[ \t]*=[ \t]*"[A-Za-z][A-Za-z ]* v[0-9]')


class Member:
    """One document stream: a zip member, the metadata slice of a SAV file, or a whole file.

    ``data`` is the decompressed bytes with container framing (zip, SAV header line)
    removed but the stream's own header line (``EU4txt``/``EU4bin``/…) and any UTF-8 BOM
    left in place. ``header`` names that header ("" when there is none) and
    ``encoding`` is "text" or "binary".
    """

    name: str
    data: bytes
    encoding: str
    header: str

    def __init__(self, name: str, data: bytes, encoding: str, header: str) -> None:
        self.name = name
        self.data = data
        self.encoding = encoding
        self.header = header

    def __repr__(self) -> str:
        return (
            f"Member(name={self.name!r}, encoding={self.encoding!r}, header={self.header!r}, "
            f"size={len(self.data)})"
        )


class SavHeader:
    """The ``SAV0…`` first line of CK3/Imperator/Vic3/EU5 saves (layout: module docstring)."""

    raw: str  # the line without its line ending
    version: str  # "01" or "02"
    format_code: int  # 0..5 known, see format
    format: str  # text, binary, unified-text, unified-binary, split-text, split-binary, unknown
    checksum: str  # 8 hex digits, meaning unknown (jomini calls it "random")
    metadata_length: int
    extra: str  # hex digits after the metadata length ("00000000" in SAV02), else ""
    header_length: int  # bytes of the line including its line ending
    metadata: bytes  # data[header_length : header_length + metadata_length]

    def __init__(
        self,
        *,
        raw: str,
        version: str,
        format_code: int,
        checksum: str,
        metadata_length: int,
        extra: str,
        header_length: int,
        metadata: bytes,
    ) -> None:
        self.raw = raw
        self.version = version
        self.format_code = format_code
        self.format = _SAV_FORMATS[format_code] if format_code < len(_SAV_FORMATS) else "unknown"
        self.checksum = checksum
        self.metadata_length = metadata_length
        self.extra = extra
        self.header_length = header_length
        self.metadata = metadata

    @property
    def binary(self) -> bool:
        """Whether the format digits announce binary (odd formats)."""
        return self.format_code <= 5 and self.format_code % 2 == 1

    @property
    def compressed(self) -> bool:
        """Whether the format digits announce a zip (formats 2 to 5)."""
        return 2 <= self.format_code <= 5

    def __repr__(self) -> str:
        return (
            f"SavHeader(raw={self.raw!r}, format={self.format!r}, "
            f"metadata_length={self.metadata_length})"
        )


class Archive:
    """A save file opened down to its document streams."""

    game: str  # one of GAMES
    kind: str  # one of KINDS
    entries: list[Member]
    sav_header: SavHeader | None

    def __init__(
        self, game: str, kind: str, entries: list[Member], sav_header: SavHeader | None
    ) -> None:
        self.game = game
        self.kind = kind
        self.entries = entries
        self.sav_header = sav_header

    def entry(self, name: str) -> Member | None:
        for item in self.entries:
            if item.name == name:
                return item
        return None

    def gamestate(self) -> Member:
        """The main document: ``gamestate``, ``game.eu4``, the plain file, or the only entry."""
        for name in ("gamestate", "game.eu4", ""):
            found = self.entry(name)
            if found is not None:
                return found
        if len(self.entries) == 1:
            return self.entries[0]
        names = ", ".join(repr(item.name) for item in self.entries)
        raise KernelError(f"no gamestate among the entries ({names})")

    def meta(self) -> Member | None:
        return self.entry("meta")

    def __repr__(self) -> str:
        return f"Archive(game={self.game!r}, kind={self.kind!r}, entries={self.entries!r})"


def open_archive(
    data: bytes,
    *,
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED,
    max_ratio: int = DEFAULT_MAX_RATIO,
) -> Archive:
    """Recognise the container of ``data`` and return its entries (decompressed).

    ``max_decompressed`` caps the bytes of all entries together (plain files included);
    ``max_ratio`` caps decompressed/compressed per zip member. Raises KernelError for
    empty, unrecognised, truncated, oversized or otherwise hostile input.
    """
    if max_decompressed <= 0 or max_ratio <= 0:
        raise ValueError("max_decompressed and max_ratio must be positive")
    if len(data) == 0:
        raise KernelError("empty input: nothing to read", 0)
    if data.startswith(ZIP_LOCAL_MAGIC) or data.startswith(ZIP_EMPTY_MAGIC):
        return _open_zip(data, max_decompressed, max_ratio)
    if data.startswith(_SAV_MAGIC):
        return _open_sav(data, max_decompressed, max_ratio)
    return _open_plain(data, max_decompressed)


def content_hash(container: Archive) -> str:
    """BLAKE2b-256 (hex) of the decompressed content, independent of how it was zipped.

    Entries are taken in order of name; each is framed as the UTF-8 name's length (8 bytes,
    little endian), the name, the data's length (8 bytes) and the data, after a domain tag.
    Zip metadata (compression level, timestamps, member order) and the SAV header line
    (its random field) do not enter the hash.
    """
    digest = hashlib.blake2b(digest_size=32)
    digest.update(b"chronicle-content-v1\x00")
    for item in sorted(container.entries, key=_entry_name):
        name = item.name.encode("utf-8")
        digest.update(len(name).to_bytes(8, "little"))
        digest.update(name)
        digest.update(len(item.data).to_bytes(8, "little"))
        digest.update(item.data)
    return digest.hexdigest()


def _entry_name(item: Member) -> str:
    return item.name


# --- plain files -------------------------------------------------------------------


def _open_plain(data: bytes, max_decompressed: int) -> Archive:
    if len(data) > max_decompressed:
        raise KernelError(
            f"input of {len(data)} bytes exceeds the limit of {max_decompressed}",
            max_decompressed,
        )
    magic, game, encoding = _known_header(data)
    if magic:
        return Archive(game, encoding, [Member("", data, encoding, magic)], None)
    if _looks_like_text(data, True):
        return Archive(_guess_game(data, "text"), "text", [Member("", data, "text", "")], None)
    if _looks_like_token_stream(data):
        return Archive(
            _guess_game(data, "binary"), "binary", [Member("", data, "binary", "")], None
        )
    raise KernelError(
        "unrecognised file: not a zip, SAV, EU4/HOI4 save, Clausewitz text or binary token stream",
        0,
    )


def _known_header(data: bytes) -> tuple[str, str, str]:
    """(header, game, encoding) of a known header at the start (after a BOM), else ("", "", "")."""
    start = 3 if data.startswith(_BOM) else 0
    for magic, game, encoding in _HEADERS:
        if data.startswith(magic, start):
            return magic.decode("ascii"), game, encoding
    return "", "", ""


def _looks_like_text(data: bytes, require_syntax: bool) -> bool:
    """No C0 control bytes but tab/LF/CR in the first 4 KiB (and some ``=``/``{``)."""
    start = 3 if data.startswith(_BOM) else 0
    sample = data[start : start + _SNIFF]
    if len(sample) == 0:
        return False
    if len(sample.translate(None, _CONTROL)) != len(sample):
        return False
    if require_syntax:
        return b"=" in sample or b"{" in sample
    return True


def _looks_like_token_stream(data: bytes) -> bool:
    """A field id (not a control or value type id) followed by ``=`` (0x0001) and more."""
    if len(data) < 6:
        return False
    first = data[0] | (data[1] << 8)
    second = data[2] | (data[3] << 8)
    return first != 0 and first not in RESERVED_IDS and second == 0x0001


def _entry_encoding(data: bytes, fallback: str) -> str:
    """Text if the bytes look like text, binary otherwise; ``fallback`` for empty data."""
    if len(data) == 0:
        return fallback
    return "text" if _looks_like_text(data, False) else "binary"


def _make_entry(name: str, data: bytes, fallback: str) -> Member:
    magic, _game, encoding = _known_header(data)
    if magic:
        return Member(name, data, encoding, magic)
    return Member(name, data, _entry_encoding(data, fallback), "")


# --- game detection ------------------------------------------------------------------


def _starts_with_key(window: bytes, key: bytes) -> bool:
    if not window.startswith(key):
        return False
    rest = window[len(key) : len(key) + 16].lstrip(b" \t\r\n")
    return rest.startswith(b"=") or rest.startswith(b"{")


def _guess_game(data: bytes, encoding: str) -> str:
    """Game of a headerless metadata/gamestate stream by content (rules: module docstring)."""
    if encoding == "binary":
        if len(data) < 2:
            return "unknown"
        return _FIRST_TOKEN_GAME.get(data[0] | (data[1] << 8), "unknown")
    start = 3 if data.startswith(_BOM) else 0
    window = data[start : start + _GAME_WINDOW].lstrip(b" \t\r\n")
    if _starts_with_key(window, b"meta_data"):
        if b"game_date=" in window:
            return "vic3"
        if b"meta_date=" in window or b"meta_player_name=" in window:
            return "ck3"
        return "unknown"
    if _starts_with_key(window, b"metadata"):
        return "eu5"
    if _starts_with_key(window, b"save_game_version"):
        return "imperator"
    if _STELLARIS_VERSION.match(window) is not None:
        return "stellaris"
    return "unknown"


def _game_of_entries(entries: list[Member], sav: SavHeader | None) -> str:
    for item in entries:
        if item.header.startswith("EU4") or item.name == "game.eu4":
            return "eu4"
        if item.header.startswith("HOI4"):
            return "hoi4"
    if sav is not None and sav.version == "02":
        return "eu5"
    for item in entries:
        if item.name == "string_lookup":
            return "eu5"
    for name in ("meta", "gamestate", "game.eu4"):
        for item in entries:
            if item.name == name and item.data:
                game = _guess_game(item.data, item.encoding)
                if game != "unknown":
                    return game
    return "unknown"


# --- zip -------------------------------------------------------------------------------


def _zip_entries(
    data: bytes, start: int, budget: int, max_ratio: int, fallback: str
) -> list[Member]:
    members = read_zip(data, start, budget, max_ratio)
    if not members:
        raise KernelError("zip archive has no members", start)
    return [_make_entry(name, blob, fallback) for name, blob, _offset in members]


def _open_zip(data: bytes, max_decompressed: int, max_ratio: int) -> Archive:
    entries = _zip_entries(data, 0, max_decompressed, max_ratio, "text")
    return Archive(_game_of_entries(entries, None), "zip", entries, None)


# --- SAV envelope ----------------------------------------------------------------------


def _parse_sav_header(data: bytes) -> SavHeader:
    end = data.find(b"\n", 0, _SAV_MAX_LINE)
    if end < 0:
        raise KernelError(f"SAV header line has no line end within {_SAV_MAX_LINE} bytes", 0)
    header_length = end + 1
    line = data[:end]
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line.isascii():
        raise KernelError("SAV header line is not ASCII", 0)
    raw = line.decode("ascii")
    if len(raw) < 23 or (len(raw) - 23) % 8 != 0:
        raise KernelError(f"SAV header line {raw!r} has an unexpected length ({len(raw)})", 0)
    for index in range(3, len(raw)):
        if raw[index] not in _HEX:
            raise KernelError(f"SAV header line {raw!r}: {raw[index]!r} is not a hex digit", index)
    version = raw[3:5]
    format_code = int(raw[5:7], 16)
    checksum = raw[7:15]
    metadata_length = int(raw[15:23], 16)
    extra = raw[23:]
    available = len(data) - header_length
    if metadata_length > available:
        raise KernelError(
            f"SAV header declares {metadata_length} bytes of metadata but only {available} "
            "follow the header line (truncated file or lying header)",
            15,
        )
    metadata = data[header_length : header_length + metadata_length]
    return SavHeader(
        raw=raw,
        version=version,
        format_code=format_code,
        checksum=checksum,
        metadata_length=metadata_length,
        extra=extra,
        header_length=header_length,
        metadata=metadata,
    )


def _open_sav(data: bytes, max_decompressed: int, max_ratio: int) -> Archive:
    sav = _parse_sav_header(data)
    body = sav.header_length
    zip_at = body + sav.metadata_length
    fallback = "binary" if sav.binary else "text"
    if len(sav.metadata) > max_decompressed:
        raise KernelError(
            f"SAV metadata of {len(sav.metadata)} bytes exceeds the limit of {max_decompressed}",
            body,
        )
    if data.startswith(ZIP_LOCAL_MAGIC, zip_at):
        budget = max_decompressed - len(sav.metadata)
        members = _zip_entries(data, zip_at, budget, max_ratio, fallback)
        entries: list[Member] = []
        if sav.metadata_length > 0 and not any(item.name == "meta" for item in members):
            entries.append(_make_entry("meta", sav.metadata, fallback))
        entries.extend(members)
        return Archive(_game_of_entries(entries, sav), "sav-zip", entries, sav)
    if sav.compressed and find_eocd(data, zip_at) >= 0:
        raise KernelError(
            f"SAV header announces a zip after {sav.metadata_length} bytes of metadata, but the "
            "zip archive in the file does not start there (lying metadata length?)",
            zip_at,
        )
    # No zip where the metadata ends: the body is one text or binary document, whatever
    # the format digits say (header-only fragments keep the digits of the zipped save they
    # were cut from; melted files keep the binary save's digits and metadata length).
    document = data[body:]
    if len(document) > max_decompressed:
        raise KernelError(
            f"SAV body of {len(document)} bytes exceeds the limit of {max_decompressed}",
            body + max_decompressed,
        )
    if len(document) == 0:
        raise KernelError("SAV file has a header line but no body", body)
    if not _looks_like_text(document, True) and not _looks_like_token_stream(document):
        if sav.compressed:
            raise KernelError(
                f"SAV header announces a zip (format {sav.format_code}) but none starts where "
                "the metadata ends, and the body is neither text nor a binary token stream",
                zip_at,
            )
        raise KernelError("SAV body is neither text nor a binary token stream", body)
    gamestate = _make_entry("gamestate", document, fallback)
    entries = []
    if sav.metadata_length > 0:
        entries.append(Member("meta", sav.metadata, gamestate.encoding, ""))
    entries.append(gamestate)
    kind = "sav-binary" if gamestate.encoding == "binary" else "sav-text"
    return Archive(_game_of_entries(entries, sav), kind, entries, sav)
