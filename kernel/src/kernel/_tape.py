"""The document tape: one flat list of packed ints, shared by the text and binary parsers.

Each token is a single int (a short int for mypyc: no allocation beyond the list slot's
box), so a whole save costs one list append per token and reading is bit arithmetic:

    bits 0-3   kind
    bits 4-7   aux: container mode, operator code, binary value type, quoted tag
    bits 8-31  length in bytes of the token's source span (< 16 MiB)
    bits 32-61 start offset of the span in the source (< 1 GiB),
               or, for OPEN/CLOSE, the index of the matching CLOSE/OPEN token

| kind       | span                                    | aux                      |
|------------|-----------------------------------------|--------------------------|
| OPEN       | (link: index of CLOSE)                  | MODE_*                   |
| CLOSE      | (link: index of OPEN)                   |                          |
| SCALAR     | unquoted scalar                         |                          |
| QUOTED     | quoted scalar, quotes excluded          |                          |
| KEY        | unquoted key                            | 1 if quoted              |
| HEADER     | tag of a tagged container (rgb {…})     | 1 if quoted              |
| OP         | the operator's bytes                    | OP_*                     |
| RUN        | several bare unquoted scalars separated | (elements are split on   |
|            | by spaces, tabs or newlines: 1 2 3      | whitespace when read)    |
| BINARY     | a typed binary value's bytes            | BIN_* (see _binary.py)   |
| KEY_ID     | a binary field id (2 bytes)             |                          |

Containers link to their matching close token, so a reader skips a subtree in O(1).
A KEY (or KEY_ID) is followed by its value, optionally preceded by one OP for operators
other than ``=``. A HEADER is always followed by an OPEN.
"""

from __future__ import annotations

from typing import Final

from kernel._errors import KernelError

OPEN: Final = 0
CLOSE: Final = 1
SCALAR: Final = 2
QUOTED: Final = 3
KEY: Final = 4
HEADER: Final = 5
OP: Final = 6
RUN: Final = 7
BINARY: Final = 8
KEY_ID: Final = 9

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
MAX_SOURCE: Final = 1 << 30  # bytes: offsets have 30 bits
MAX_TOKEN: Final = (1 << 24) - 1  # bytes: lengths have 24 bits


def pack(kind: int, aux: int, start: int, length: int) -> int:
    return (start << 32) | (length << 8) | (aux << 4) | kind


# Builder states: where the next token lands.
ST_ENTRY: Final = 0  # start of an entry (key or bare value)
ST_PENDING: Final = 1  # a bare scalar was seen: an operator makes it a key
ST_AFTER_OP: Final = 2  # key and operator seen: a value must follow
ST_KEYED: Final = 3  # a scalar value of a key was seen: a following "{" makes it a header

# Flags kept per open container on the builder's stack (with the parent's mode above).
_F_BARE: Final = 1  # the container is an entry of its own (not the value of a key)
_F_PARAM: Final = 2  # a [[param] …] block, closed by "]"
_F_HEADER: Final = 4  # the value of a tag (rgb {…}); an empty one leaves the tag a scalar
_F_HEADER_QUOTED: Final = 8  # … and the tag was quoted


class Tape:
    """A parsed document: the source bytes and the packed tokens."""

    def __init__(self, src: bytes, tokens: list[int], unclosed: int = 0) -> None:
        self.src = src
        self.tokens = tokens
        self.unclosed = unclosed  # containers the input left open (closed at its end)

    def __len__(self) -> int:
        return len(self.tokens)

    def after(self, idx: int) -> int:
        """Index of the token after the value that starts at ``idx`` (an operator, then
        the value)."""
        tokens = self.tokens
        if (tokens[idx] & 15) == OP:
            idx += 1
        return value_end(tokens, idx)


def value_end(tokens: list[int], v: int) -> int:
    """Index of the token after the value at ``v`` (no operator before it: see
    ``Tape.after``). A function, not a method: the readers' hot loops call it."""
    t = tokens[v]
    k = t & 15
    if k == OPEN:
        return (t >> 32) + 1
    if k == HEADER:
        return (tokens[v + 1] >> 32) + 1
    return v + 1


class TapeBuilder:
    """Turns a token stream into a tape, deciding keys, modes and tolerated oddities.

    Lexers call ``scalar``, ``run``, ``op``, ``open``, ``close`` and ``finish``. The rules
    follow what the games (and the reference parser, jomini) accept: a missing close brace
    at end of input, extra close braces, empty ``{}`` entries in objects, ``key{…}``
    without ``=``, tagged containers (``rgb { 1 2 3 }``), and objects that turn into
    values (bare values at the top level included: ``scripted_trigger name = {…}``).
    """

    def __init__(self, src: bytes, max_depth: int) -> None:
        if len(src) > MAX_SOURCE:
            raise KernelError("input larger than 1 GiB", MAX_SOURCE)
        self.src = src
        self.max_depth = max_depth
        self.tokens: list[int] = []
        self.stack: list[int] = []  # OPEN token index per open container
        self.saved: list[int] = []  # parent mode * 16 + flags, per open container
        self.mode = MODE_OBJECT  # the root is an object
        self.state = ST_ENTRY

    def _commit_value(self) -> None:
        """The pending bare value is a value: it decides (or mixes) the container's mode."""
        if self.mode == MODE_EMPTY:
            self.mode = MODE_ARRAY

    def scalar(self, start: int, end: int, quoted: bool) -> None:
        state = self.state
        if state == ST_PENDING:
            self._commit_value()
        if end - start > MAX_TOKEN:
            raise KernelError("token longer than 16 MiB", start)
        self.tokens.append((start << 32) | ((end - start) << 8) | (QUOTED if quoted else SCALAR))
        self.state = ST_KEYED if state == ST_AFTER_OP else ST_PENDING

    def typed(self, start: int, end: int, kind: int, aux: int) -> None:
        """A binary value (or field id used as a value): same rules as ``scalar``."""
        state = self.state
        if state == ST_PENDING:
            self._commit_value()
        self.tokens.append((start << 32) | ((end - start) << 8) | (aux << 4) | kind)
        self.state = ST_KEYED if state == ST_AFTER_OP else ST_PENDING

    def run(self, start: int, end: int) -> None:
        """Bare unquoted scalars separated by whitespace; the lexer guarantees the last
        one is not a key (no operator or brace follows it)."""
        state = self.state
        if state == ST_AFTER_OP:
            # The first element is the value of the key; the rest are bare values.
            src = self.src
            j = start
            while src[j] not in b" \t\r\n":
                j += 1
            self.scalar(start, j, False)
            while src[j] in b" \t\r\n":
                j += 1
            rest_single = True
            k = j
            while k < end:
                if src[k] in b" \t\r\n":
                    rest_single = False
                    break
                k += 1
            if rest_single:
                self.scalar(j, end, False)
                self._commit_value()
                self.state = ST_ENTRY
                return
            start = j
        elif state == ST_PENDING:
            self._commit_value()
        self._commit_value()
        if end - start > MAX_TOKEN:
            self._split_run(start, end)
        else:
            self.tokens.append((start << 32) | ((end - start) << 8) | RUN)
        self.state = ST_ENTRY

    def _split_run(self, start: int, end: int) -> None:
        """A run too long for one token: its elements one by one (rare: > 16 MiB)."""
        src = self.src
        i = start
        while i < end:
            while i < end and src[i] in b" \t\r\n":
                i += 1
            j = i
            while j < end and src[j] not in b" \t\r\n":
                j += 1
            if j > i:
                self.tokens.append((i << 32) | ((j - i) << 8) | SCALAR)
            i = j

    def key(self, start: int, end: int, eq: int) -> None:
        """An unquoted scalar followed by ``=`` (at ``eq``): ``scalar`` + ``op`` in one call."""
        state = self.state
        if state == ST_AFTER_OP:
            self.scalar(start, end, False)  # the value of the previous key ...
            self.op(OP_EQ, eq, eq + 1)  # ... so this "=" is rejected
            return
        if state == ST_PENDING:
            self._commit_value()
        if end - start > MAX_TOKEN:
            raise KernelError("token longer than 16 MiB", start)
        self.tokens.append((start << 32) | ((end - start) << 8) | KEY)
        if self.mode == MODE_EMPTY:
            self.mode = MODE_OBJECT
        self.state = ST_AFTER_OP

    def pair(self, start: int, end: int, vstart: int, vend: int, quoted: bool) -> None:
        """``key`` + ``scalar``: an unquoted key, "=" and a scalar value that the lexer
        made sure is not a tag (no "{" follows it) nor a key, in one call."""
        state = self.state
        if state == ST_AFTER_OP or vend - vstart > MAX_TOKEN:
            self.key(start, end, self.src.index(b"=", end))
            self.scalar(vstart, vend, quoted)
            return
        if state == ST_PENDING:
            self._commit_value()
        if end - start > MAX_TOKEN:
            raise KernelError("token longer than 16 MiB", start)
        tokens = self.tokens
        tokens.append((start << 32) | ((end - start) << 8) | KEY)
        tokens.append((vstart << 32) | ((vend - vstart) << 8) | (QUOTED if quoted else SCALAR))
        if self.mode == MODE_EMPTY:
            self.mode = MODE_OBJECT
        self.state = ST_KEYED

    def skip_pair(self, end: int) -> int:
        """A ``key = {…}`` pair that the lexer steps over unread (``parse_text(skip=…)``),
        its block ending at ``end``: the container goes on as after a pair, and lexing
        resumes at ``end``. -1, with nothing done, where the block does not close (``end``
        -1) or the key would be the value of a previous key: the lexer then reads the pair
        as usual (and reports its error as without skipping)."""
        state = self.state
        if end < 0 or state == ST_AFTER_OP:
            return -1
        if state == ST_PENDING:
            self._commit_value()
        self.state = ST_ENTRY
        return end

    def depth_left(self) -> int:
        """How many more levels may open before ``max_depth``."""
        return self.max_depth - len(self.stack)

    def op(self, code: int, start: int, end: int) -> None:
        if self.state != ST_PENDING:
            raise KernelError("unexpected operator " + OP_TEXT[code], start)
        self._make_key()
        if code != OP_EQ:
            self.tokens.append((start << 32) | ((end - start) << 8) | (code << 4) | OP)
        self.state = ST_AFTER_OP

    def _make_key(self) -> None:
        tokens = self.tokens
        last = len(tokens) - 1
        t = tokens[last]
        k = t & 15
        if k == SCALAR:
            tokens[last] = (t & ~15) | KEY
        elif k == QUOTED:
            tokens[last] = (t & ~255) | (1 << 4) | KEY
        elif k == BINARY:
            tokens[last] = (t & ~15) | KEY_ID  # a typed value used as a key: keeps its type
        if self.mode == MODE_EMPTY:
            self.mode = MODE_OBJECT

    def open(self, offset: int, param: bool = False) -> None:
        if len(self.stack) >= self.max_depth:
            raise KernelError(f"nesting deeper than {self.max_depth} levels", offset)
        state = self.state
        flags = _F_PARAM if param else 0
        tokens = self.tokens
        if param:
            # "[[name]" was emitted as a scalar: it is the key of the block.
            if state != ST_PENDING:
                raise KernelError("unexpected parameter block", offset)
            self._make_key()
        elif state == ST_KEYED:
            last = len(tokens) - 1
            t = tokens[last]
            quoted = (t & 15) == QUOTED
            flags = _F_HEADER | (_F_HEADER_QUOTED if quoted else 0)
            tokens[last] = (t & ~255) | ((1 if quoted else 0) << 4) | HEADER
        elif state == ST_PENDING:
            if self.mode == MODE_OBJECT:
                self._make_key()  # key{…} means key={…}
            else:
                self._commit_value()
                flags = _F_BARE
        elif state == ST_ENTRY:
            flags = _F_BARE
        self.stack.append(len(tokens))
        self.saved.append(self.mode * 16 + flags)
        tokens.append(OPEN)
        self.mode = MODE_EMPTY
        self.state = ST_ENTRY

    def top_is_param(self) -> bool:
        return len(self.saved) > 0 and (self.saved[len(self.saved) - 1] & _F_PARAM) != 0

    def close(self, offset: int) -> None:
        state = self.state
        if state == ST_AFTER_OP:
            raise KernelError("missing value after operator", offset)
        if state == ST_PENDING:
            self._commit_value()
        self.state = ST_ENTRY
        if not self.stack:
            return  # an extra closing brace: tolerated
        open_at = self.stack.pop()
        saved = self.saved.pop()
        parent_mode = saved >> 4
        bare = (saved & _F_BARE) != 0
        header = (saved & _F_HEADER) != 0
        tokens = self.tokens
        if len(tokens) == open_at + 1 and (header or (bare and parent_mode != MODE_ARRAY)):
            # A stray "{}" among pairs (or before anything), or after a value (x {}), is
            # skipped, as the game does.
            tokens.pop()
            if header:
                last = open_at - 1
                t = tokens[last]
                kind = QUOTED if saved & _F_HEADER_QUOTED else SCALAR
                tokens[last] = (t & ~255) | kind
            self.mode = parent_mode
            return
        close_at = len(tokens)
        tokens.append((open_at << 32) | CLOSE)
        tokens[open_at] = (close_at << 32) | (self.mode << 4) | OPEN
        self.mode = parent_mode
        if bare and parent_mode == MODE_EMPTY:
            self.mode = MODE_ARRAY

    def finish(self, end: int) -> Tape:
        if self.state == ST_AFTER_OP:
            raise KernelError("unexpected end of file: missing value", end)
        if self.state == ST_PENDING:
            self._commit_value()
            self.state = ST_ENTRY
        unclosed = len(self.stack)
        while self.stack:  # a missing closing brace at end of input is tolerated
            self.close(end)
        return Tape(self.src, self.tokens, unclosed)
