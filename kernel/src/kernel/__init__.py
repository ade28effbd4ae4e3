"""Chronicle's parsing kernel: Paradox save files (Clausewitz text, binary, zip and SAV
archives) into documents, JSON, melted text and save info.

One source, two builds: compiled by mypyc for the server, pure Python for the browser
(Pyodide). ``COMPILED`` says which one was imported. Everything outside the kernel (the
app, the scripts) uses the names in ``__all__`` only; the ``_``-modules are private.

- ``open_save(data)`` -> ``Save``: any game's file, its documents parsed on demand, and
  ``Save.info()``; ``open_archive(data)`` -> ``Archive``: just the envelope and its
  ``Member`` streams, nothing parsed.
- ``parse_text`` -> ``Document`` (``root()`` is a ``Container`` of ``Entry``/``Value``);
  ``decode_binary`` -> ``BinaryDocument``; ``json_bytes``; ``melt``.
- ``KernelError`` (a ValueError with ``.offset``) is the one exception family;
  ``TokensNeeded`` and ``OtherGame`` are its kinds that callers act on.
- ``kernel.eu4.analyze``: the EU4 analysis; ``kernel.stellaris.analyze``: the Stellaris one.
- ``summarize(save)``: the game's summary (``GameSummary``: CK3, HOI4, Imperator, Vic3,
  EU5, Stellaris; None for EU4 and unknown files), read by ``kernel.<game>.summarize``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from kernel import _build, _text
from kernel._archive import Archive, Member, open_archive
from kernel._binary import BinaryDocument, decode_binary
from kernel._document import Container, Document, Entry, Value
from kernel._encoding import AUTO, ENCODINGS
from kernel._errors import KernelError, OtherGame, TokensNeeded
from kernel._json import DUPLICATE_KEY_MODES
from kernel._melt import melt
from kernel._save import Save, open_save
from kernel._scalars import Date
from kernel._tape import DEFAULT_MAX_DEPTH
from kernel._tokens import TokenTable, load_tokens, parse_tokens
from kernel.ck3.types import Ck3Summary
from kernel.eu5.types import Eu5Summary
from kernel.hoi4.types import Hoi4Summary
from kernel.imperator.types import ImperatorSummary
from kernel.stellaris.types import StellarisSummary
from kernel.vic3.types import Vic3Summary

__version__ = "0.1.0"

COMPILED: bool = _build.COMPILED

LEXERS = ("auto", "bytes", "regex")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector: a save allocates millions of objects, none in cycles,
    and each full collection would walk the whole tape again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_text(
    data: bytes,
    *,
    encoding: str = AUTO,
    max_depth: int = DEFAULT_MAX_DEPTH,
    lexer: str = "auto",
    skip: frozenset[str] = frozenset(),
    holes: list[tuple[int, int]] | None = None,
) -> Document:
    """Parse Clausewitz text. Raises KernelError (with ``.offset``) for rejected input.

    ``lexer`` picks the tokenizer: "bytes" (fastest compiled), "regex" (fastest
    interpreted), or "auto" for the best one in this build; both give the same tape.
    ``skip``: unquoted keys whose ``key = {…}`` pairs, at any depth, are left out of the
    document unread (a reader that never asks for them saves their parsing). Only their
    braces and quotes are matched, so an error inside such a block goes unseen; one that
    does not close, or nests past ``max_depth``, is read as usual (the same error), and so
    are the blocks to skip that it holds (the rest of the input).
    ``holes``: ``key = {…}`` spans left out for a parallel parse (``kernel.eu4.SplitSave``;
    the regex lexer only).
    """
    from kernel._encoding import resolve

    start = _text.header_end(data)
    utf8 = resolve(data, start, encoding)
    if lexer == "auto":
        lexer = "bytes" if COMPILED else "regex"
    if lexer not in ("bytes", "regex"):
        raise ValueError(f"unknown lexer {lexer!r}; expected one of {', '.join(LEXERS)}")
    if not all(key.isascii() and _text.skip_key_ok(key.encode()) for key in skip):
        raise ValueError("skip: keys are ASCII names (no spaces, operators, brackets, quotes)")
    keys = frozenset(key.encode() for key in skip)
    if holes and lexer != "regex":
        raise ValueError("holes: only the regex lexer leaves them out")
    with _gc_paused():
        if lexer == "bytes":
            tape = _text.lex_bytes(data, start, max_depth, keys)
        else:
            tape = _text.lex_regex(data, start, max_depth, keys, holes)
    return Document(tape, utf8)


def json_bytes(
    data: bytes,
    *,
    duplicate_keys: str = "group",
    encoding: str = AUTO,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> bytes:
    """Parse text and return its JSON (what jomini's ``q.json()`` gives for the same bytes)."""
    doc = parse_text(data, encoding=encoding, max_depth=max_depth)
    with _gc_paused():
        return doc.to_json(duplicate_keys)


# The per-game summaries, tagged by "game" (msgspec decodes the union by that field).
GameSummary = (
    Ck3Summary | Hoi4Summary | ImperatorSummary | Vic3Summary | Eu5Summary | StellarisSummary
)
GAME_SUMMARIES: tuple[type[GameSummary], ...] = (
    Ck3Summary,
    Hoi4Summary,
    ImperatorSummary,
    Vic3Summary,
    Eu5Summary,
    StellarisSummary,
)


def summarize(save: Save) -> GameSummary | None:
    """What ``save`` holds about its game beyond ``Save.info()``: the player's character,
    house and title (CK3), country, ideology and difficulty (HOI4), country (Imperator,
    Vic3, EU5), empire name, fleets and planets (Stellaris). None for a game without a
    summary reader (EU4: see ``kernel.eu4.analyze``; unknown files). Reads only what
    ``info()`` reads (metadata, the head of the gamestate); fields the save does not hold
    are None. A binary save without a token table gives a summary of Nones."""
    from kernel._summary import summarize as dispatch

    found = dispatch(save)
    if found is None:
        return None
    assert isinstance(found, GAME_SUMMARIES)
    return found


__all__ = [
    "COMPILED",
    "DEFAULT_MAX_DEPTH",
    "DUPLICATE_KEY_MODES",
    "ENCODINGS",
    "GAME_SUMMARIES",
    "Archive",
    "BinaryDocument",
    "Container",
    "Date",
    "Document",
    "Entry",
    "GameSummary",
    "KernelError",
    "Member",
    "OtherGame",
    "Save",
    "TokenTable",
    "TokensNeeded",
    "Value",
    "decode_binary",
    "json_bytes",
    "load_tokens",
    "melt",
    "open_archive",
    "open_save",
    "parse_text",
    "parse_tokens",
    "summarize",
]
