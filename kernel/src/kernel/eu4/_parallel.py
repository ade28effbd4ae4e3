"""A parallel parse of a large EU4 text save: where the runtime is one thread per worker
(Pyodide in the browser) and the machine has more cores.

The gamestate's largest sections, ``provinces`` and ``countries`` (in the 17.5 MB corpus
save 41% and 55% of the parse), are found by the layout the game writes: ``provinces={``
at the start of a line, closed by the next line that starts with ``}``. Each goes to
another worker (``parse_part``): the provinces are parsed and read there (their rows and
the map's history, MessagePack back: with the parse, about half of the work), another
section is parsed and its tape sent back. Meanwhile this worker parses the rest with those
spans left out and reads its wars and ledgers (``SplitSave.parse_rest``); the analysis
then takes the parts in their place. The layout is a guess that the parsers check: a part
that is not one balanced block, a span that does not start a top-level entry, or a
section that is also elsewhere, and the save is parsed whole, as without parts. The
analysis is the same either way (tests/kernel/eu4/test_parallel.py).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from typing import Final

import msgspec

from kernel import _gc_paused, parse_text
from kernel._archive import Archive
from kernel._document import Document, Value
from kernel._errors import KernelError
from kernel._tape import OPEN, Tape
from kernel.eu4._analysis import (
    UNREAD,
    ReadAhead,
    _documents,
    analyze_documents,
    meta_document,
    open_eu4,
    read_ahead,
    read_provinces_part,
)
from kernel.eu4.types import Eu4Analysis, ProvinceChange, ProvinceRow

# The sections handed out, in order: the first helper reads the provinces (parses them,
# and reads their rows and map history: about half of the work), a second one parses the
# countries.
PART_KEYS: Final = ("provinces", "countries")
READ_IN_PART: Final = "provinces"  # the part whose helper reads it too
MIN_SPLIT: Final = 2 << 20  # bytes of gamestate: smaller ones are parsed in one piece

_Provinces = tuple[list[ProvinceRow], list[ProvinceChange]]


def parse_part(data: bytes, key: str) -> bytes:
    """A helper's work on the part ``key`` of ``SplitSave.parts``: for the provinces,
    their rows and map history (MessagePack); for another section, its tape (native
    int64s). b"" when the part is not exactly one balanced block, or is rejected: the save
    is then parsed whole."""
    try:
        doc = parse_text(data, skip=UNREAD)
    except KernelError:
        return b""
    tape = doc.tape
    tokens = tape.tokens
    if tape.unclosed or not tokens or tokens[0] & 15 != OPEN or tokens[0] >> 32 != len(tokens) - 1:
        return b""
    if key != READ_IN_PART:
        return array("q", tokens).tobytes()
    ahead = ReadAhead()
    with _gc_paused():  # as in the analysis: nothing read is cyclic
        read_provinces_part(Value(doc, 0).as_container(), ahead)
    return msgspec.msgpack.encode((ahead.provinces, ahead.changes))


class SplitSave:
    """One EU4 save analysed with up to ``count`` parts worked on elsewhere (none for a
    gamestate under ``min_size`` bytes).

    ``parts()`` gives (key, bytes) to hand to ``parse_part`` (none: nothing to split — a
    binary or small save, or ``count`` 0); ``parse_rest()`` parses the rest meanwhile and
    reads what it can; ``analyze(results)`` takes what ``parse_part`` returned, in the
    same order. Raises ``KernelError`` as ``kernel.eu4.analyze`` does (``OtherGame`` from
    the constructor).
    """

    def __init__(self, data: bytes | Archive, count: int, min_size: int = MIN_SPLIT) -> None:
        self.container = open_eu4(data)
        member = self.container.gamestate()
        self.src = member.data
        self.spans: list[tuple[str, int, int, int]] = []  # key, entry start, "{", end
        if member.encoding == "text" and count > 0 and len(self.src) >= min_size:
            self.spans = _find(self.src, PART_KEYS[:count])
        self.meta_doc: Document | None = None
        self.game_doc: Document | None = None
        self.ahead = ReadAhead()

    def parts(self) -> list[tuple[str, bytes]]:
        return [(key, self.src[brace:end]) for key, _start, brace, end in self.spans]

    def parse_rest(self) -> None:
        """Parse the save but its parts (the whole save when a part's span is wrong), and
        read its wars and ledgers."""
        holes = [(start, end) for _key, start, _brace, end in self.spans]
        if not holes:
            self._parse_whole()
            return
        try:
            game_doc = parse_text(self.src, skip=UNREAD, lexer="regex", holes=holes)
        except KernelError:
            self.spans = []
            self._parse_whole()
            return
        self.meta_doc = meta_document(self.container, None)
        self.game_doc = game_doc
        with _gc_paused():  # as in the analysis: nothing read is cyclic
            read_ahead(game_doc, self.ahead)

    def _parse_whole(self) -> None:
        """The save parsed as ``kernel.eu4.analyze`` parses it, nothing read ahead."""
        self.meta_doc, self.game_doc = _documents(self.container, None)
        self.ahead = ReadAhead()

    def analyze(
        self,
        results: Sequence[bytes],
        *,
        details_for: Sequence[str] = (),
        gamedata: str | os.PathLike[str] | None = None,
    ) -> Eu4Analysis:
        """The analysis, with ``results[i]`` the ``parse_part`` of ``parts()[i]``."""
        if self.game_doc is None:
            self.parse_rest()
        game_doc = self.game_doc
        assert game_doc is not None
        parts = self._parts(game_doc, results)
        if parts is None:  # a part was not what the layout promised: the whole save
            self._parse_whole()
            parts = {}
        assert self.game_doc is not None
        return analyze_documents(
            self.container, self.meta_doc, self.game_doc, parts, details_for, gamedata, self.ahead
        )

    def _parts(self, game_doc: Document, results: Sequence[bytes]) -> dict[str, Value] | None:
        """The parsed parts by key (the provinces go into ``ahead``); None if one failed."""
        if len(results) != len(self.spans):
            return None if self.spans else {}
        root = game_doc.root()
        parts: dict[str, Value] = {}
        for (key, _start, brace, end), raw in zip(self.spans, results, strict=True):
            if not raw or root.get(key) is not None:  # unbalanced, or also elsewhere
                return None
            if key == READ_IN_PART:
                try:
                    rows, changes = msgspec.msgpack.decode(raw, type=_Provinces)
                except msgspec.DecodeError:
                    return None
                self.ahead.provinces = rows
                self.ahead.changes = changes
                continue
            tokens = array("q")
            tokens.frombytes(raw)
            tape = Tape(self.src[brace:end], tokens.tolist())
            parts[key] = Value(Document(tape, game_doc.utf8), 0)
        return parts


def _find(src: bytes, keys: Sequence[str]) -> list[tuple[str, int, int, int]]:
    """Where each section seems to be (key, entry start, its "{", end), in file order."""
    found: list[tuple[str, int, int, int]] = []
    for key in keys:
        head = b"\n" + key.encode() + b"={"
        at = src.find(head)
        if at < 0:
            continue
        brace = at + len(head) - 1
        close = src.find(b"\n}", brace)
        if close < 0:
            continue
        found.append((key, at + 1, brace, close + 2))
    found.sort(key=_start_of)
    kept: list[tuple[str, int, int, int]] = []
    for span in found:
        if not kept or kept[-1][3] <= span[1]:
            kept.append(span)
    return kept


def _start_of(span: tuple[str, int, int, int]) -> int:
    return span[1]
