"""Opening a save of any game: container, documents on demand, and ``info()``.

``open_save(data)`` detects the container (kernel._archive) and parses nothing yet.
``Save.document(name)`` parses one entry when asked: text through ``kernel.parse_text``
(a ``Document``), binary through the binary decoder (a ``BinaryDocument``; it needs the
token table to name fields). ``Save.info()`` reads what the file says about itself from
the metadata (the ``meta`` entry, the SAV metadata, or the head of the gamestate):
game, container, encoding, entries, version, date, player, multiplayer players, ironman,
multiplayer, mods, DLCs. Fragments and trimmed saves give what they hold (other fields
are None); a binary save without a token table reports ``tokens_needed``.
"""

from __future__ import annotations

from typing import Final

from kernel._archive import (
    DEFAULT_MAX_DECOMPRESSED,
    DEFAULT_MAX_RATIO,
    Archive,
    Member,
    content_hash,
    open_archive,
)
from kernel._binary import BinaryDocument, decode_binary
from kernel._document import Container as DocContainer
from kernel._document import Document, Value, from_binary
from kernel._encoding import AUTO
from kernel._errors import KernelError
from kernel._melt import Melted, melt_archive
from kernel._tape import DEFAULT_MAX_DEPTH
from kernel._tokens import TokenTable, expected_token_file

# info() reads at most this much of a gamestate that has to stand in for the metadata
# (plain saves hold their meta at the top) or that holds the player list.
HEAD_BYTES: Final = 1024 * 1024

# Blocks that hold the metadata at the top of a document, by game.
_META_BLOCKS: Final = {"ck3": "meta_data", "vic3": "meta_data", "eu5": "metadata"}


class Save:
    """An opened save: its container, and its documents parsed on demand."""

    def __init__(
        self, archive: Archive, tokens: TokenTable | None, max_depth: int = DEFAULT_MAX_DEPTH
    ) -> None:
        self.archive = archive
        self.tokens = tokens
        self.max_depth = max_depth
        self._docs: dict[str, Document | BinaryDocument] = {}

    @property
    def game(self) -> str:
        return self.archive.game

    @property
    def kind(self) -> str:
        return self.archive.kind

    @property
    def entries(self) -> list[Member]:
        return self.archive.entries

    @property
    def encoding(self) -> str:
        """ "binary" if the metadata or gamestate is binary, else "text"."""
        meta = self.archive.meta()
        main = self._main_entry()
        for item in (meta, main):
            if item is not None and item.encoding == "binary":
                return "binary"
        return "text"

    @property
    def tokens_needed(self) -> bool:
        """Whether the save is binary and no token table was given."""
        return self.tokens is None and any(
            item.encoding == "binary" for item in self.archive.entries
        )

    def _main_entry(self) -> Member | None:
        try:
            return self.archive.gamestate()
        except KernelError:
            return None

    def entry(self, name: str | None = None) -> Member:
        """An entry by name; None: the main document (gamestate, game.eu4, the file)."""
        if name is None:
            return self.archive.gamestate()
        found = self.archive.entry(name)
        if found is None:
            names = ", ".join(repr(item.name) for item in self.archive.entries)
            raise KernelError(f"no entry named {name!r} (entries: {names})")
        return found

    def document(self, name: str | None = None) -> Document | BinaryDocument:
        """The parsed entry (cached): a Document for text, a BinaryDocument for binary."""
        item = self.entry(name)
        cached = self._docs.get(item.name)
        if cached is not None:
            return cached
        doc = parse_entry(item, self.game, self.tokens, self.max_depth)
        self._docs[item.name] = doc
        return doc

    def meta(self) -> Document | BinaryDocument | None:
        """The metadata document (``meta`` entry or SAV metadata), None if there is none."""
        if self.archive.meta() is None:
            return None
        return self.document("meta")

    def gamestate(self) -> Document | BinaryDocument:
        return self.document(None)

    def content_hash(self) -> str:
        return content_hash(self.archive)

    def melt(self, *, verbatim: bool = False) -> Melted:
        """The text save (see kernel._melt); binary saves need the token table."""
        return melt_archive(self.archive, self.tokens, verbatim=verbatim)

    def info(self) -> dict[str, object]:
        return save_info(self)


def parse_entry(
    item: Member,
    game: str,
    tokens: TokenTable | None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    stop_after: int = -1,
) -> Document | BinaryDocument:
    """Parse one container entry: text to a Document, binary to a BinaryDocument."""
    if item.encoding == "binary":
        return decode_binary(item.data, game, tokens, max_depth=max_depth, stop_after=stop_after)
    from kernel import parse_text

    return parse_text(item.data, encoding=AUTO, max_depth=max_depth)


def open_save(
    data: bytes,
    *,
    tokens: TokenTable | None = None,
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED,
    max_ratio: int = DEFAULT_MAX_RATIO,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Save:
    """Open a save of any supported game and container. Nothing is parsed yet; hostile
    containers raise KernelError (see kernel._archive)."""
    container = open_archive(data, max_decompressed=max_decompressed, max_ratio=max_ratio)
    return Save(container, tokens, max_depth)


# --- reading the metadata through the Document API (text and binary alike) -------------------

_DATE_KEYS: Final = frozenset(("date", "meta_date", "game_date", "start_date"))


def _readable(doc: Document | BinaryDocument) -> Document:
    return from_binary(doc) if isinstance(doc, BinaryDocument) else doc


def _first(c: DocContainer | None, *names: str) -> Value | None:
    """The value of the first key of ``names`` found in ``c``."""
    if c is None:
        return None
    for name in names:
        value = c.get(name)
        if value is not None:
            return value
    return None


def _block(c: DocContainer | None, name: str) -> DocContainer | None:
    return _container_of(_first(c, name))


def _container_of(value: Value | None) -> DocContainer | None:
    if value is None or not value.is_container() or value.kind == "tagged":
        return None
    return value.as_container()


def _text(value: Value | None, key: str = "") -> str | None:
    """A scalar as a string (None for a container); binary dates by key as the game writes."""
    return scalar_text(value, key in _DATE_KEYS)


def scalar_text(value: Value | None, date: bool) -> str | None:
    """A scalar as a string (None for a container); ``date``: a binary value is a date,
    written as the game writes dates (a text save has it as text already)."""
    if value is None or value.is_container():
        return None
    if date and value.doc.binary:
        try:
            return str(value.as_date())
        except KernelError:
            pass
    try:
        return value.as_str()
    except KernelError:
        return None


def _texts(c: DocContainer | None) -> list[str]:
    """The bare scalar values of ``c`` as strings (containers skipped)."""
    out: list[str] = []
    if c is not None:
        for value in c.values():
            text = _text(value)
            if text is not None:
                out.append(text)
    return out


def _containers(c: DocContainer) -> list[DocContainer]:
    """The bare containers of ``c`` (not tagged ones)."""
    out: list[DocContainer] = []
    for value in c.values():
        inner = _container_of(value)
        if inner is not None:
            out.append(inner)
    return out


def _head_document(
    item: Member, game: str, tokens: TokenTable | None, max_depth: int
) -> Document | BinaryDocument | None:
    """The head of a large document (whole entries up to HEAD_BYTES), None if unreadable."""
    data = item.data
    if item.encoding == "binary":
        return decode_binary(data, game, tokens, max_depth=max_depth, stop_after=HEAD_BYTES)
    from kernel import parse_text

    if len(data) > HEAD_BYTES:
        cut = data.rfind(b"\n", 0, HEAD_BYTES)
        data = data[: cut if cut > 0 else HEAD_BYTES]
    try:
        return parse_text(data, encoding=AUTO, max_depth=max_depth)
    except KernelError:
        return None  # the cut fell inside a quoted string: no head information


# --- info --------------------------------------------------------------------------------------


def _yes(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("yes", "1", "true"):
        return True
    if lowered in ("no", "0", "false", ""):
        return False
    return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class _Info:
    """The fields info() reports, filled from whatever documents are at hand."""

    def __init__(self) -> None:
        self.version: str | None = None
        self.version_name: str | None = None
        self.date: str | None = None
        self.player: str | None = None
        self.player_name: str | None = None
        self.players: list[dict[str, str]] | None = None
        self.ironman: bool | None = None
        self.multiplayer: bool | None = None
        self.mods: list[str] | None = None
        self.dlcs: list[str] | None = None
        self.save_name: str | None = None
        self.campaign_id: str | None = None
        self.found_meta = False


def _read_meta(doc: Document, game: str, info: _Info) -> None:
    """The metadata fields of one document (its root, or its meta_data/metadata block).
    Fields an earlier document gave are kept."""
    root = doc.root()
    block = _META_BLOCKS.get(game, "")
    if block:
        root = _block(root, block) or root
    if info.date is None:
        info.date = _text(_first(root, "date", "meta_date", "game_date"), "date")
    if info.version is None:
        version = _block(root, "savegame_version")
        if version is not None:
            info.found_meta = True
            parts = [_text(version.get(key)) for key in ("first", "second", "third", "forth")]
            if all(part is not None for part in parts):
                info.version = ".".join(part or "" for part in parts)
            info.version_name = _text(version.get("name"))
    if info.version is None:
        info.version = _text(_first(root, "version", "game_version"))
    if info.version is not None:
        info.found_meta = True  # a save's metadata names its version
    if info.version is None:
        versions = _texts(_block(root, "savegame_versions"))
        if versions:
            info.version = versions[0]
    if info.player is None and game in ("eu4", "hoi4"):
        info.player = _text(root.get("player"))
    if info.player_name is None:
        keys = ("displayed_country_name", "meta_player_name", "player_country_name", "name")
        info.player_name = _text(_first(root, *keys))
    if info.save_name is None:
        info.save_name = _text(root.get("save_game"))
    if info.campaign_id is None:
        info.campaign_id = _text(root.get("campaign_id"))
    if info.ironman is None:
        value = _text(_first(root, "is_ironman", "ironman"))
        flag = _yes(value)
        if flag is None and game == "hoi4" and value:
            flag = True  # HOI4 writes the ironman country's tag
        if flag is None and game == "hoi4":
            flag = _yes(_text(_first(_block(root, "gameplaysettings"), "ironman")))
        info.ironman = flag
    if info.multiplayer is None:
        info.multiplayer = _yes(_text(_first(root, "multi_player", "multiplayer")))
    if info.multiplayer is None:
        count = _int(_text(root.get("meta_number_of_players")))
        if count is not None:
            info.multiplayer = count > 1
    if info.dlcs is None:
        dlcs = _container_of(_first(root, "dlc_enabled", "dlcs", "enabled_dlcs", "required_dlcs"))
        if dlcs is not None:
            info.dlcs = _texts(dlcs)
    if info.mods is None:
        info.mods = _mods(root)
    if info.players is None:
        _read_players(root, game, info)


def _mods(root: DocContainer) -> list[str] | None:
    named = _block(root, "mods_enabled_names")
    if named is not None:
        names: list[str] = []
        for item in _containers(named):
            name = _text(item.get("name")) or _text(item.get("filename"))
            if name is not None:
                names.append(name)
        return names
    listed = _container_of(_first(root, "mod_enabled", "enabled_mods", "mods"))
    return _texts(listed) if listed is not None else None


def _read_players(root: DocContainer, game: str, info: _Info) -> None:
    """Multiplayer player names: EU4 players_countries (name, tag, …), HOI4
    player_countries (TAG={user=…}), Stellaris player={ {name=… country=…} }."""
    if game == "eu4":
        flat = _block(root, "players_countries")
        if flat is not None:
            values = _texts(flat)
            info.players = [
                {"name": values[n], "tag": values[n + 1]} for n in range(0, len(values) - 1, 2)
            ]
    elif game == "hoi4":
        countries = _block(root, "player_countries")
        if countries is not None:
            players: list[dict[str, str]] = []
            for tag, value in countries.pairs():
                user = _text(_first(_container_of(value), "user"))
                if user is not None:
                    players.append({"name": user, "tag": tag})
            info.players = players
    elif game == "stellaris":
        block = _block(root, "player")
        if block is not None:
            listed: list[dict[str, str]] = []
            for item in _containers(block):
                name = _text(item.get("name"))
                country = _text(item.get("country"))
                if name is not None:
                    entry = {"name": name}
                    if country is not None:
                        entry["country"] = country
                    listed.append(entry)
            info.players = listed


def save_info(save: Save) -> dict[str, object]:
    """See ``Save.info``."""
    container = save.archive
    game = container.game
    out: dict[str, object] = {
        "game": game,
        "container": container.kind,
        "encoding": save.encoding,
        "entries": [
            {
                "name": item.name,
                "encoding": item.encoding,
                "header": item.header,
                "size": len(item.data),
            }
            for item in container.entries
        ],
    }
    sav = container.sav_header
    if sav is not None:
        out["sav_header"] = {
            "version": sav.version,
            "format": sav.format,
            "format_code": sav.format_code,
            "metadata_length": sav.metadata_length,
        }
    out["content_hash"] = content_hash(container)
    binary = any(item.encoding == "binary" for item in container.entries)
    out["tokens_needed"] = binary and save.tokens is None
    if binary and save.tokens is None:
        out["token_file"] = expected_token_file(game)
    info = _Info()
    unknown: set[int] = set()
    problems: list[str] = []
    for doc in _info_documents(save, problems):
        if isinstance(doc, BinaryDocument):
            unknown.update(doc.unknown)
        _read_meta(_readable(doc), game, info)
    if binary and save.tokens is not None:
        out["unknown_tokens"] = len(unknown)
    if info.ironman is None and info.found_meta and game in ("eu4", "stellaris"):
        info.ironman = False  # their metadata names ironman only for ironman games
    if info.multiplayer is None and info.players is not None:
        info.multiplayer = len(info.players) > 1
    out["version"] = info.version
    if info.version_name is not None:
        out["version_name"] = info.version_name
    out["date"] = info.date
    out["player"] = info.player
    out["player_name"] = info.player_name
    out["players"] = info.players
    out["ironman"] = info.ironman
    out["multiplayer"] = info.multiplayer
    out["mods"] = info.mods
    out["dlc_count"] = len(info.dlcs) if info.dlcs is not None else None
    out["dlcs"] = info.dlcs
    if info.save_name is not None:
        out["save_name"] = info.save_name
    if info.campaign_id is not None:
        out["campaign_id"] = info.campaign_id
    if problems:
        out["problems"] = problems
    return out


def _info_documents(save: Save, problems: list[str]) -> list[Document | BinaryDocument]:
    """The documents info() reads: the metadata, and the head of the gamestate when the
    metadata is missing or the player list lives there. Binary ones only with tokens.
    A document that does not parse is left out and its error added to ``problems``."""
    container = save.archive
    game = container.game
    docs: list[Document | BinaryDocument] = []
    meta = container.meta()
    main = save._main_entry()
    readable = save.tokens is not None
    if meta is not None and (meta.encoding == "text" or readable):
        try:
            docs.append(save.document("meta"))
        except KernelError as exc:
            problems.append(f"{meta.name}: {exc}")
    need_main = meta is None or game in ("eu4", "hoi4", "stellaris")
    if main is None or main is meta or not need_main:
        return docs
    if main.encoding == "binary" and not readable:
        return docs
    head = save._docs.get(main.name)
    try:
        if head is None:
            head = _head_document(main, game, save.tokens, save.max_depth)
    except KernelError as exc:
        problems.append(f"{main.name or 'file'}: {exc}")
    if head is not None:
        docs.append(head)
    return docs


__all__ = ["Save", "open_save", "parse_entry", "save_info"]
