"""The seam between the app and the kernel: ``parse_save(path) -> ParsedSave``.

``parse_save`` runs in a worker process of the kernel pool (app.saves.pool), never on the
event loop. It reads the file, opens the container, hashes the decompressed content and
parses the metadata document. Today that is the text ``meta`` entry (or the whole file
for a plain text save); when the EU4 analysis lands this calls ``kernel.eu4.analyze``.

Everything crossing the process boundary is plain data: ``ParsedSave`` (a msgspec Struct)
or ``SaveRejected`` (a picklable exception carrying the kernel's message and offset).
"""

from __future__ import annotations

import logging
from typing import Any, Final

import msgspec

import kernel
from kernel import _container

logger = logging.getLogger(__name__)

# EU4's leaderboard day count starts here (eu4-reference.md §5.7).
EU4_START: Final = kernel.Date(1444, 11, 11)


class EntryInfo(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    size: int
    encoding: str  # "text" or "binary"
    header: str


class SaveVersion(msgspec.Struct, frozen=True, kw_only=True):
    first: int
    second: int
    third: int
    fourth: int
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.first}.{self.second}.{self.third}.{self.fourth}"


class ParsedSave(msgspec.Struct, frozen=True, kw_only=True):
    """What the kernel read from a save file (None where the file does not say, or the
    kernel cannot read it yet, e.g. binary metadata without a token table)."""

    game: str  # eu4, ck3, … or "unknown"
    container: str  # text, binary, zip, sav-text, sav-binary, sav-zip
    encoding: str  # of the metadata document: "text" or "binary"
    content_hash: str  # over the decompressed entries: equal for re-zipped copies
    kernel_version: str
    entries: tuple[EntryInfo, ...] = ()
    text_encoding: str | None = None  # utf8 / windows1252 when the metadata is text
    date: str | None = None  # ISO, e.g. "1444-11-11"
    days: int | None = None  # EU4: days since 1444-11-11 (365-day years)
    player: str | None = None  # EU4: tag of the player's country
    player_name: str | None = None  # EU4: displayed_country_name
    version: str | None = None
    save_version: SaveVersion | None = None  # EU4 savegame_version
    multiplayer: bool | None = None
    ironman: bool | None = None
    notes: tuple[str, ...] = ()  # why fields are missing, for people

    def payload(self) -> dict[str, Any]:
        """The JSON stored as the save's analysis payload (until kernel.eu4.analyze)."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return {"kind": "info", "info": result}


class SaveRejected(Exception):
    """The kernel rejected the file; ``message`` is the kernel's, ``offset`` a byte offset."""

    def __init__(self, message: str, offset: int = -1) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        if self.offset >= 0:
            return f"{self.message} at byte {self.offset}"
        return self.message


def parse_save(path: str) -> ParsedSave:
    """Read the save at ``path``. Raises SaveRejected for input the kernel rejects."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return parse_bytes(data)
    except kernel.KernelError as exc:
        # Re-raised as our own exception: the kernel's may be a mypyc-compiled class, and
        # an exception crossing processes must pickle with all its fields.
        raise SaveRejected(exc.message, exc.offset) from None
    except RecursionError:
        raise SaveRejected("the file nests too deeply to read") from None


def parse_bytes(data: bytes) -> ParsedSave:
    container = _container.open_container(data)
    content_hash = _container.content_hash(container)
    entries = tuple(
        EntryInfo(name=e.name, size=len(e.data), encoding=e.encoding, header=e.header)
        for e in container.entries
    )
    base: dict[str, Any] = {
        "game": container.game,
        "container": container.kind,
        "content_hash": content_hash,
        "kernel_version": kernel.__version__,
        "entries": entries,
    }
    document = container.meta() or container.gamestate()
    base["encoding"] = document.encoding
    if document.encoding != "text":
        note = "binary metadata: it is read once a token table is installed (TOKENS_DIR)"
        return ParsedSave(**base, notes=(note,))
    doc = kernel.parse_text(document.data)
    root = doc.root()
    base["text_encoding"] = doc.encoding
    return ParsedSave(**base, **_metadata(container.game, root))


def _metadata(game: str, root: kernel.Container) -> dict[str, Any]:
    """The fields a metadata document gives (EU4 meta; the common keys of other games)."""
    found: dict[str, Any] = {}
    blocks = [root]
    for name in ("meta_data", "metadata"):
        block = _container_of(root, name)
        if block is not None:
            blocks.append(block)
    date = None
    for block in blocks:
        for key in ("date", "meta_date", "game_date"):
            date = _date(block, key)
            if date is not None:
                break
        if date is not None:
            break
    if date is not None:
        found["date"] = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
        if game == "eu4":
            found["days"] = date.days() - EU4_START.days()
    if game == "eu4":
        found["player"] = _str(root, "player")
        found["player_name"] = _str(root, "displayed_country_name")
        found["multiplayer"] = _bool(root, "multi_player")
        found["ironman"] = _bool(root, "is_ironman")
        version = _eu4_version(root)
        if version is not None:
            found["save_version"] = version
            found["version"] = str(version)
    else:
        for block in blocks:
            version_text = _str(block, "version") or _str(block, "save_game_version")
            if version_text:
                found["version"] = version_text
                break
    return {k: v for k, v in found.items() if v is not None}


def _container_of(block: kernel.Container, key: str) -> kernel.Container | None:
    value = block.get(key)
    if value is None or not value.is_container():
        return None
    return value.as_container()


def _str(block: kernel.Container, key: str) -> str | None:
    value = block.get(key)
    if value is None or value.is_container():
        return None
    return value.as_str()


def _bool(block: kernel.Container, key: str) -> bool | None:
    value = block.get(key)
    if value is None or value.is_container():
        return None
    try:
        return value.as_bool()
    except kernel.KernelError:
        return None


def _date(block: kernel.Container, key: str) -> kernel.Date | None:
    value = block.get(key)
    if value is None or value.is_container():
        return None
    try:
        return value.as_date()
    except kernel.KernelError:
        return None


def _eu4_version(root: kernel.Container) -> SaveVersion | None:
    block = _container_of(root, "savegame_version")
    if block is None:
        return None
    parts: list[int] = []
    for key in ("first", "second", "third", "forth"):
        value = block.get(key)
        if value is None and key == "forth":
            value = block.get("fourth")
        if value is None or value.is_container():
            return None
        try:
            parts.append(value.as_int())
        except kernel.KernelError:
            return None
    return SaveVersion(
        first=parts[0], second=parts[1], third=parts[2], fourth=parts[3], name=_str(block, "name")
    )
