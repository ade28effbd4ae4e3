"""The seam between the app and the kernel: ``parse_save(path, tokens_dir) -> ParsedSave``.

``parse_save`` runs in a worker process of the kernel pool (app.saves.pool), never on the
event loop. EU4 saves (and headerless Clausewitz text, which the kernel reads as an EU4
fragment) get the full analysis, ``kernel.eu4.analyze``: its payload is what the save page
renders and what the ``analysis`` jsonb column stores (msgspec JSON, schema
docs/eu4-analysis.schema.json), and the columns pdx.tools keeps for listings and
leaderboards are taken from it. Stellaris saves get ``kernel.stellaris.analyze`` (payload
``{"kind": "stellaris", "info": …, "summary": …, "stellaris": StellarisAnalysis}``, schema
docs/stellaris-analysis.schema.json). Saves of the other games keep what their container
and metadata say, with the game's summary (``kernel.summarize``: CK3's character, HOI4's
country…): payload ``{"kind": "info", "info": …, "summary": GameSummary | null}``.

Binary (ironman) saves name their fields by 16-bit ids: the token table comes from
``<TOKENS_DIR>/eu4.txt`` (settings ``TOKENS_DIR``, or the kernel's ``CHRONICLE_TOKENS_DIR``),
loaded once per worker and again when the file changes. Without one such a save is
refused with the kernel's message ("… a token table is needed to read it …": HTTP 422).

Everything crossing the process boundary is plain data: ``ParsedSave`` (a msgspec Struct
with the payload already encoded as JSON bytes) or ``SaveRejected`` (a picklable
exception carrying the kernel's message and offset).
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Final

import msgspec

import kernel
from app.analysis.errors import Refusal, refusal
from app.analysis.games import game_payload
from app.analysis.payload import payload_json
from kernel.ck3.types import Ck3Summary
from kernel.eu4 import analyze
from kernel.eu4.types import Eu4Analysis
from kernel.gamedata import list_bundles
from kernel.hoi4.types import Hoi4Summary
from kernel.stellaris.types import StellarisSummary

logger = logging.getLogger(__name__)

EU4_TOKEN_FILE: Final = "eu4.txt"
DIFFICULTIES: Final = frozenset(("very_easy", "easy", "normal", "hard", "very_hard"))


class SaveVersion(msgspec.Struct, frozen=True, kw_only=True):
    first: int
    second: int
    third: int
    fourth: int
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.first}.{self.second}.{self.third}.{self.fourth}"


class ParsedSave(msgspec.Struct, frozen=True, kw_only=True):
    """What the kernel read from a save file: the row's columns (None where the file does
    not say) and the payload for the ``analysis`` column."""

    # "eu4": a kernel.eu4 analysis; "stellaris": a kernel.stellaris one; "info": container,
    # metadata and the game's summary only
    kind: str
    game: str  # eu4, ck3, … or "unknown"
    container: str  # text, binary, zip, sav-text, sav-binary, sav-zip
    encoding: str  # of the main document: "text" or "binary"
    content_hash: str  # over the decompressed entries: equal for re-zipped copies
    kernel_version: str
    payload_json: bytes  # the ``analysis`` column (JSON, no NUL characters)
    date: str | None = None  # ISO, e.g. "1444-11-11"
    days: int | None = None  # EU4: days since 1444-11-11 (365-day years)
    score_days: int | None = None  # EU4: patch-weighted days (None: unsupported patch)
    player: str | None = None  # EU4: tag of the player's country
    player_name: str | None = None  # EU4: displayed_country_name
    player_start_tag: str | None = None
    player_start_name: str | None = None
    version: str | None = None
    save_version: SaveVersion | None = None  # EU4 savegame_version
    multiplayer: bool | None = None
    ironman: bool | None = None
    achieve_ids: tuple[int, ...] = ()  # completed achievements of an eligible save
    players: tuple[str, ...] = ()  # multiplayer player names
    playthrough_id: str | None = None
    game_difficulty: str | None = None  # very_easy … very_hard
    notes: tuple[str, ...] = ()  # why fields are missing, for people


# What ``parse_save`` raises for a file the kernel rejects (message, byte offset).
SaveRejected = Refusal


def parse_save(
    path: str,
    tokens_dir: str | None = None,
    gamedata_dir: str | None = None,
    max_payload: int | None = None,
) -> ParsedSave:
    """Read the save at ``path``. Raises SaveRejected for input the kernel rejects, and
    for an analysis whose JSON is over ``max_payload`` bytes. ``gamedata_dir``: game-data
    bundles, for the achievements and the leaderboard's map check that need geography
    (the kernel chooses the save's bundle and caches it)."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        parsed = parse_bytes(data, token_table(tokens_dir), gamedata_dir)
    except (kernel.KernelError, RecursionError, MemoryError) as exc:
        # Re-raised as our own exception: the kernel's may be a mypyc-compiled class, and
        # an exception crossing processes must pickle with all its fields.
        refused = refusal(exc)
        assert refused is not None
        raise refused from None
    size = len(parsed.payload_json)
    if max_payload is not None and size > max_payload:
        raise SaveRejected(
            f"the analysis of this file would take {size / 2**20:.1f} MB, over this site's "
            f"limit of {max_payload / 2**20:g} MB: it holds far more than a real save"
        )
    return parsed


# How much lower the kernel workers' CPU priority is than the web process's: a large
# save's parse takes seconds and a page view milliseconds, so while saves parse the
# views get the cores first (p99 of the save page during two uploads on 2 cores:
# docs/benchmarks.md). An upload's parse is slowed only while views compete.
WORKER_NICENESS: Final = 10


def background() -> None:
    """A kernel worker's start: its lower priority (``WORKER_NICENESS``)."""
    with contextlib.suppress(OSError):  # not allowed here: parse at the same priority
        os.nice(WORKER_NICENESS)


def noop(value: int) -> int:
    """A job that does nothing: measures the pool's dispatch overhead
    (scripts/bench/bench_app.py)."""
    return value


# --- token tables ------------------------------------------------------------------------

_tables: dict[str, tuple[tuple[int, int], kernel.TokenTable]] = {}


def token_table(tokens_dir: str | None, file: str = EU4_TOKEN_FILE) -> kernel.TokenTable | None:
    """The token table ``file`` of ``tokens_dir`` (``eu4.txt``; melting: ``<game>.txt``),
    cached per process and read again when the file changes; None when there is none. A
    broken file is logged and treated as missing (text saves still work; binary ones say
    a table is needed)."""
    if not tokens_dir:
        return None
    path = os.path.join(tokens_dir, file)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _tables.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        table = kernel.load_tokens(path)
    except kernel.KernelError as exc:
        logger.error("the token table %s is unusable: %s", path, exc)
        return None
    _tables[path] = (stamp, table)
    return table


# --- parsing -----------------------------------------------------------------------------


def parse_bytes(
    data: bytes, tokens: kernel.TokenTable | None = None, gamedata_dir: str | None = None
) -> ParsedSave:
    if gamedata_dir is not None and not list_bundles(gamedata_dir):
        gamedata_dir = None  # a site without game data: no note about it on every save
    try:
        analysis = analyze(data, tokens=tokens, gamedata=gamedata_dir)
    except kernel.OtherGame:
        # Another game's save: Stellaris is analysed; the others keep what their container,
        # metadata and summary say. Anything else (not a save, a binary save without
        # tokens, a truncated or corrupt file) is refused.
        return _other_game(kernel.open_save(data))
    return from_analysis(analysis, game=_analyzed_game(data, analysis))


def _analyzed_game(data: bytes, analysis: Eu4Analysis) -> str:
    """The game column of an analysed save: "eu4", except for a plain file without an EU4
    header (a headerless fragment the analysis reads as EU4; nothing says so): "unknown"."""
    if analysis.info.container not in ("text", "binary"):
        return "eu4"
    return "eu4" if kernel.open_archive(data).entries[0].header else "unknown"


def clean(text: str | None) -> str | None:
    """Column text from the file: no NUL characters (PostgreSQL refuses them); None for
    nothing. (app.saves.services cuts it to the column's size.)"""
    if not text:
        return None
    return text.replace("\x00", "") or None


def _fits(value: int | None, bits: int) -> int | None:
    """``value`` if a signed integer column of ``bits`` holds it, else None."""
    if value is None:
        return None
    limit = 1 << (bits - 1)
    return value if -limit <= value < limit else None


def from_analysis(analysis: Eu4Analysis, *, game: str = "eu4") -> ParsedSave:
    """The row of an analysed EU4 save."""
    info = analysis.info
    v = info.version
    version = SaveVersion(
        first=v.first, second=v.second, third=v.third, fourth=v.fourth, name=v.name or None
    )
    parts = [_fits(n, 16) for n in (v.first, v.second, v.third, v.fourth)]
    has_version = any(parts) and None not in parts
    players = tuple(name for name in (clean(n) for n in info.player_names) if name)
    return ParsedSave(
        kind="eu4",
        game=game,
        container=info.container,
        encoding=info.encoding,
        content_hash=info.content_hash,
        kernel_version=kernel.__version__,
        payload_json=payload_json(analysis),
        date=info.date,
        days=_fits(info.days, 32),
        score_days=_fits(analysis.leaderboard.score_days, 32),
        player=clean(info.player_tag),
        player_name=clean(info.player_name),
        player_start_tag=clean(info.starting_tag),
        player_start_name=clean(info.starting_name),
        version=str(version) if has_version else None,
        save_version=version if has_version else None,
        multiplayer=info.multiplayer,
        ironman=info.ironman,
        achieve_ids=tuple(analysis.achievements.completed),
        players=players,
        playthrough_id=clean(info.playthrough_id),
        game_difficulty=info.difficulty if info.difficulty in DIFFICULTIES else None,
        notes=tuple(analysis.warnings),
    )


# --- other games: container and metadata -------------------------------------------------


def _other_game(save: kernel.Save) -> ParsedSave:
    """The row of another game's save (app.analysis.games): what ``Save.info()`` reads
    from its metadata (binary metadata stays unread: the site has token tables for EU4
    only), the game's summary, and for Stellaris the analysis (KernelError for a
    truncated or corrupt save: refused)."""
    found = game_payload(save)
    info = found.info
    date = kernel.Date.parse(_text(info.get("date")) or "")
    player, player_name = summary_player(found.summary)
    ironman, multiplayer = info.get("ironman"), info.get("multiplayer")
    return ParsedSave(
        kind=found.kind,
        game=save.game,
        container=save.kind,
        encoding=save.encoding,
        content_hash=save.content_hash(),
        kernel_version=kernel.__version__,
        payload_json=payload_json(found.payload),
        date=date.iso() if date is not None else None,
        player=player,
        player_name=player_name,
        version=clean(_text(info.get("version"))),
        ironman=ironman if isinstance(ironman, bool) else None,
        multiplayer=multiplayer if isinstance(multiplayer, bool) else None,
        notes=tuple(found.notes),
    )


def summary_player(summary: kernel.GameSummary | None) -> tuple[str | None, str | None]:
    """(player tag, player name) of a summary, for the listing columns: HOI4's country
    tag; the name CK3 (the character), Imperator, Vic3, EU5 (the country) and Stellaris
    (the empire) give. Never the leaderboard columns: those stay EU4's."""
    if summary is None:
        return None, None
    if isinstance(summary, Hoi4Summary):
        return clean(summary.country), None
    if isinstance(summary, Ck3Summary):
        return None, clean(summary.character)
    if isinstance(summary, StellarisSummary):
        return None, clean(summary.empire)
    # Imperator, Vic3, EU5: the played country's name
    return None, clean(summary.country)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
