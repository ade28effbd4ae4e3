"""The document tape: a flat token array shared by the text parser and the binary decoder.

A document is three parallel lists indexed by token: ``kinds``, ``a`` and ``b``. Containers
know the index of their matching close token, so a reader skips a whole subtree in O(1);
nothing is built per value until somebody asks for it.

| kind          | a                          | b                                  |
|---------------|----------------------------|------------------------------------|
| OPEN          | index of the CLOSE token   | MODE_* of the container            |
| CLOSE         | index of the OPEN token    | 0                                  |
| SCALAR/QUOTED | start offset of the bytes  | end offset (quotes excluded)       |
| KEY/KEY_QUOTED| start offset               | end offset                         |
| HEADER        | start offset               | end offset (``rgb`` in rgb {…})    |
| OP            | OP_* code                  | byte offset of the operator        |
| binary kinds  | see _binary.py             |                                    |

A KEY is always followed by its value (optionally preceded by one OP token for operators
other than ``=``); a HEADER is always followed by an OPEN.
"""

from __future__ import annotations

from typing import Final

from kernel._errors import KernelError

OPEN: Final = 0
CLOSE: Final = 1
SCALAR: Final = 2
QUOTED: Final = 3
KEY: Final = 4
KEY_QUOTED: Final = 5
HEADER: Final = 6
OP: Final = 7

# Container modes, decided by the first entry: pairs make an object, values an array.
MODE_EMPTY: Final = 0
MODE_OBJECT: Final = 1
MODE_ARRAY: Final = 2

OP_EQ: Final = 0
OP_LT: Final = 1
OP_LE: Final = 2
OP_GT: Final = 3
OP_GE: Final = 4
OP_NE: Final = 5
OP_EXACT: Final = 6
OP_EXISTS: Final = 7

OP_TEXT: Final = ("=", "<", "<=", ">", ">=", "!=", "==", "?=")
OP_NAMES: Final = (
    "EQUAL",
    "LESS_THAN",
    "LESS_THAN_EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_EQUAL",
    "NOT_EQUAL",
    "EXACT",
    "EXISTS",
)

DEFAULT_MAX_DEPTH: Final = 1024

# Builder states: where the next token lands.
_ST_ENTRY: Final = 0  # start of an entry (key or bare value)
_ST_PENDING: Final = 1  # a bare scalar was seen: an operator makes it a key
_ST_AFTER_OP: Final = 2  # key and operator seen: a value must follow
_ST_KEYED: Final = 3  # a scalar value of a key was seen: a following "{" makes it a header

# Flags kept per open container on the builder's stack.
_F_BARE: Final = 1  # the container is an entry of its own (not the value of a key)
_F_PARAM: Final = 2  # a [[param] …] block, closed by "]"
_F_HEADER: Final = 4  # the value of a tag (rgb {…}); an empty one leaves the tag a scalar
_F_HEADER_QUOTED: Final = 8  # … and the tag was quoted


class Tape:
    """A parsed document: the source bytes and the token arrays."""

    def __init__(self, src: bytes, kinds: list[int], a: list[int], b: list[int]) -> None:
        self.src = src
        self.kinds = kinds
        self.a = a
        self.b = b

    def __len__(self) -> int:
        return len(self.kinds)


class TapeBuilder:
    """Turns a token stream into a tape, deciding keys, modes and tolerated oddities.

    Lexers call ``scalar``, ``op``, ``open``, ``close`` and ``finish``. The rules follow
    what the games (and the reference parser, jomini) accept: a missing close brace at end
    of input, extra close braces, empty ``{}`` entries in objects, ``key{…}`` without ``=``,
    tagged containers (``rgb { 1 2 3 }``), and objects that turn into values.
    """

    def __init__(self, src: bytes, max_depth: int) -> None:
        self.src = src
        self.max_depth = max_depth
        self.kinds: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.stack: list[int] = []  # OPEN token index per open container
        self.saved: list[int] = []  # parent mode * 16 + flags, per open container
        self.mode = MODE_OBJECT  # the root is an object
        self.state = _ST_ENTRY

    def _commit_value(self) -> None:
        """The pending bare scalar is a value: it decides or mixes the container's mode.

        Bare values at the top level (``scripted_trigger name = {…}`` in CK3 script) make
        the root a mixed object, like any other object that turns into values.
        """
        if self.mode == MODE_EMPTY:
            self.mode = MODE_ARRAY

    def scalar(self, start: int, end: int, quoted: bool) -> None:
        state = self.state
        if state == _ST_PENDING:
            self._commit_value()
        self.kinds.append(QUOTED if quoted else SCALAR)
        self.a.append(start)
        self.b.append(end)
        if state == _ST_AFTER_OP:
            self.state = _ST_KEYED
        else:
            self.state = _ST_PENDING

    def op(self, code: int, offset: int) -> None:
        if self.state != _ST_PENDING:
            raise KernelError("unexpected operator " + OP_TEXT[code], offset)
        self._make_key()
        if code != OP_EQ:
            self.kinds.append(OP)
            self.a.append(code)
            self.b.append(offset)
        self.state = _ST_AFTER_OP

    def _make_key(self) -> None:
        last = len(self.kinds) - 1
        self.kinds[last] = KEY_QUOTED if self.kinds[last] == QUOTED else KEY
        if self.mode == MODE_EMPTY:
            self.mode = MODE_OBJECT

    def open(self, offset: int, param: bool = False) -> None:
        if len(self.stack) >= self.max_depth:
            raise KernelError(f"nesting deeper than {self.max_depth} levels", offset)
        state = self.state
        flags = _F_PARAM if param else 0
        if param:
            # "[[name]" was emitted as a scalar: it is the key of the block.
            if state == _ST_PENDING:
                self._make_key()
            else:
                raise KernelError("unexpected parameter block", offset)
        elif state == _ST_KEYED:
            last = len(self.kinds) - 1
            flags = _F_HEADER | (_F_HEADER_QUOTED if self.kinds[last] == QUOTED else 0)
            self.kinds[last] = HEADER
        elif state == _ST_PENDING:
            if self.mode == MODE_OBJECT:
                self._make_key()  # key{…} means key={…}
            else:
                self._commit_value()
                flags = _F_BARE
        elif state == _ST_ENTRY:
            flags = _F_BARE
        self.stack.append(len(self.kinds))
        self.saved.append(self.mode * 16 + flags)
        self.kinds.append(OPEN)
        self.a.append(0)
        self.b.append(offset)
        self.mode = MODE_EMPTY
        self.state = _ST_ENTRY

    def top_is_param(self) -> bool:
        return len(self.saved) > 0 and (self.saved[len(self.saved) - 1] & _F_PARAM) != 0

    def close(self, offset: int) -> None:
        state = self.state
        if state == _ST_AFTER_OP:
            raise KernelError("missing value after operator", offset)
        if state == _ST_PENDING:
            self._commit_value()
        if not self.stack:
            self.state = _ST_ENTRY
            return  # an extra closing brace: tolerated
        open_at = self.stack.pop()
        saved = self.saved.pop()
        parent_mode = saved >> 4
        bare = (saved & _F_BARE) != 0
        self.state = _ST_ENTRY
        kinds = self.kinds
        header = (saved & _F_HEADER) != 0
        if len(kinds) == open_at + 1 and (header or (bare and parent_mode != MODE_ARRAY)):
            # A stray "{}" among pairs (or before anything), or after a value (x {}), is
            # skipped, as the game does.
            kinds.pop()
            self.a.pop()
            self.b.pop()
            if header:
                kinds[open_at - 1] = QUOTED if saved & _F_HEADER_QUOTED else SCALAR
            self.mode = parent_mode
            return
        close_at = len(kinds)
        kinds.append(CLOSE)
        self.a.append(open_at)
        self.b.append(0)
        self.a[open_at] = close_at
        self.b[open_at] = self.mode
        self.mode = parent_mode
        if bare and parent_mode == MODE_EMPTY:
            self.mode = MODE_ARRAY

    def finish(self, end: int) -> Tape:
        if self.state == _ST_AFTER_OP:
            raise KernelError("unexpected end of file: missing value", end)
        if self.state == _ST_PENDING:
            self._commit_value()
            self.state = _ST_ENTRY
        while self.stack:  # a missing closing brace at end of input is tolerated
            self.close(end)
        return Tape(self.src, self.kinds, self.a, self.b)
