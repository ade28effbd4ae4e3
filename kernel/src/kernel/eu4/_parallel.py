"""A parallel parse of a large EU4 text save: where the runtime is one thread per worker
(Pyodide in the browser) and the machine has more cores.

The gamestate's largest sections, ``countries`` and ``provinces`` (in the 17.5 MB corpus
save 55% and 41% of the parse), are found by the layout the game writes: ``countries={``
at the start of a line, closed by the next line that starts with ``}``. Each is parsed
apart by another worker (``parse_part``: bytes in, the tape's packed ints out) while this
one parses the rest with those spans left out (``SplitSave.parse_rest``), and the analysis
reads the parts in their place. The layout is a guess that the parsers check: a part that
is not one balanced block, a span that does not start a top-level entry, or a section that
is also elsewhere, and the save is parsed whole, as without parts. The analysis is the
same either way (tests/kernel/eu4/test_parallel.py).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from typing import Final

from kernel import parse_text
from kernel._document import Document, Value
from kernel._errors import KernelError
from kernel._tape import OPEN, Tape
from kernel.eu4._analysis import UNREAD, analyze_documents, open_eu4
from kernel.eu4.types import Eu4Analysis

PART_KEYS: Final = ("countries", "provinces")  # the largest first
MIN_SPLIT: Final = 2 << 20  # bytes of gamestate: smaller ones are parsed in one piece


def parse_part(data: bytes) -> bytes:
    """The tape of one part (``SplitSave.parts``) as native int64s, or b"" when the part
    is not exactly one balanced block (or the lexer rejects it): the save is then parsed
    whole."""
    try:
        tape = parse_text(data, skip=UNREAD).tape
    except KernelError:
        return b""
    tokens = tape.tokens
    if tape.unclosed or not tokens or tokens[0] & 15 != OPEN or tokens[0] >> 32 != len(tokens) - 1:
        return b""
    return array("q", tokens).tobytes()


class SplitSave:
    """One EU4 save analysed with up to ``count`` parts parsed elsewhere (none for a
    gamestate under ``min_size`` bytes).

    ``parts()`` gives the bytes to hand to ``parse_part`` (none: nothing to split — a
    binary or small save, or ``count`` 0); ``parse_rest()`` parses the rest meanwhile;
    ``analyze(tapes)`` takes what ``parse_part`` returned, in the same order. Raises
    ``KernelError`` as ``kernel.eu4.analyze`` does (``OtherGame`` from the constructor).
    """

    def __init__(self, data: bytes, count: int, min_size: int = MIN_SPLIT) -> None:
        self.container = open_eu4(data)
        member = self.container.gamestate()
        self.src = member.data
        self.spans: list[tuple[str, int, int, int]] = []  # key, entry start, "{", end
        if member.encoding == "text" and count > 0 and len(self.src) >= min_size:
            self.spans = _find(self.src, PART_KEYS[:count])
        self.meta_doc: Document | None = None
        self.game_doc: Document | None = None

    def parts(self) -> list[bytes]:
        return [self.src[brace:end] for _key, _start, brace, end in self.spans]

    def parse_rest(self) -> None:
        """Parse the save but its parts (the whole save when a part's span is wrong)."""
        meta = self.container.meta()
        if meta is not None and meta.data:
            self.meta_doc = parse_text(meta.data, skip=UNREAD)
        holes = [(start, end) for _key, start, _brace, end in self.spans]
        if holes:
            try:
                self.game_doc = parse_text(self.src, skip=UNREAD, lexer="regex", holes=holes)
                return
            except KernelError:
                self.spans = []
        self.game_doc = parse_text(self.src, skip=UNREAD)

    def analyze(
        self,
        tapes: Sequence[bytes],
        *,
        details_for: Sequence[str] = (),
        gamedata: str | os.PathLike[str] | None = None,
    ) -> Eu4Analysis:
        """The analysis, with ``tapes[i]`` the ``parse_part`` of ``parts()[i]``."""
        if self.game_doc is None:
            self.parse_rest()
        game_doc = self.game_doc
        assert game_doc is not None
        parts = self._documents(game_doc, tapes)
        if parts is None:  # a part was not what the layout promised: the whole save
            game_doc = self.game_doc = parse_text(self.src, skip=UNREAD)
            parts = {}
        return analyze_documents(
            self.container, self.meta_doc, game_doc, parts, details_for, gamedata
        )

    def _documents(self, game_doc: Document, tapes: Sequence[bytes]) -> dict[str, Value] | None:
        if len(tapes) != len(self.spans):
            return None if self.spans else {}
        root = game_doc.root()
        parts: dict[str, Value] = {}
        for (key, _start, brace, end), raw in zip(self.spans, tapes, strict=True):
            if not raw or root.get(key) is not None:  # unbalanced, or also elsewhere
                return None
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
