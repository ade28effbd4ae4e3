"""Lexers for Clausewitz text: bytes in, tape out (see _tape.py for the structure rules).

Two lexers produce identical tapes. ``lex_bytes`` walks the input byte by byte: compiled
by mypyc it runs at native speed. ``lex_regex`` lets one precompiled ``re`` pattern find
the tokens: it is the faster of the two when the kernel runs interpreted (Pyodide).
Neither recurses; both do bounded work per input byte.

Both can step over ``key = {…}`` pairs whose unquoted key is in ``skip`` without making
tokens of them (``block_end`` only matches braces): a reader that never looks at some
large blocks (the EU4 analysis and each country's ``opinion_cache``) does not pay for
them. A skipped pair is absent from the tape, and its block is checked for nothing but
balanced braces and quotes: an error inside it goes unseen. A block that does not close,
or nests too deep, is lexed as usual, so that skipping never adds or changes an error; so
is the rest of the input, all of which lies inside that block (the game closes it at the
end) or is rejected: looking for the end of each block to skip in there would take a pass
to the end of the input apiece, up to ``max_depth`` passes in all.
"""

from __future__ import annotations

import re
from typing import Final

from kernel._errors import KernelError
from kernel._native import i64
from kernel._tape import (
    DEFAULT_MAX_DEPTH,
    OP_EQ,
    OP_EXACT,
    OP_EXISTS,
    OP_GE,
    OP_GT,
    OP_LE,
    OP_LT,
    OP_NE,
    ST_AFTER_OP,
    Tape,
    TapeBuilder,
)

_BOM: Final = b"\xef\xbb\xbf"

# Byte classes for the byte lexer.
_C_SCALAR: Final = 0
_C_SPACE: Final = 1  # whitespace and ';' (a trailing ';' after a value is tolerated)
_C_OPEN: Final = 2
_C_CLOSE: Final = 3
_C_QUOTE: Final = 4
_C_COMMENT: Final = 5
_C_EQ: Final = 6
_C_LTGT: Final = 7
_C_BANG: Final = 8  # '!' or '?': an operator only when '=' follows, else part of a scalar


def _classes() -> bytes:
    table = bytearray(256)
    for c in b" \t\r\n\x0b\x0c;":
        table[c] = _C_SPACE
    table[ord("{")] = _C_OPEN
    table[ord("}")] = _C_CLOSE
    table[ord('"')] = _C_QUOTE
    table[ord("#")] = _C_COMMENT
    table[ord("=")] = _C_EQ
    table[ord("<")] = _C_LTGT
    table[ord(">")] = _C_LTGT
    table[ord("!")] = _C_BANG
    table[ord("?")] = _C_BANG
    return bytes(table)


_CLASS: Final = _classes()


def _elements() -> bytes:
    """Bytes that may appear in an element of a run: scalar bytes but ! ? [ ]."""
    table = bytearray(256)
    for c in range(256):
        if _CLASS[c] == _C_SCALAR and c not in b"[]":
            table[c] = 1
    return bytes(table)


_ELEM: Final = _elements()


def _run_end(src: bytes, i: i64, n: i64) -> i64:
    """End of the run of bare scalars starting at ``i``; when there is none, -1 - the end
    of the first element (so the caller need not scan it again).

    A run is two or more run elements separated by spaces, tabs or newlines, whose last
    element ends a token and is not followed by an operator, "{" or a comment (so it is
    not a key or a tag, even with a comment before its operator). Exactly what group 2 of
    ``_TOKEN_RE`` matches.
    """
    elem = _ELEM
    j: i64 = i
    while j < n and elem[src[j]]:
        j += 1
    first: i64 = j
    count: i64 = 1
    prev: i64 = -1
    k: i64 = 0
    c: i64 = 0
    while True:
        k = j
        while k < n:
            c = src[k]
            if c == 32 or c == 9 or c == 10 or c == 13:
                k += 1
            else:
                break
        if k == j or k >= n or not elem[src[k]]:
            break
        prev = j
        j = k
        while j < n and elem[src[j]]:
            j += 1
        count += 1
    # Extending past an element proved its end valid; the last one needs checking.
    if count >= 2 and _valid_run_end(src, j, n):
        return j
    return prev if count >= 3 else -1 - first


def _valid_run_end(src: bytes, j: i64, n: i64) -> bool:
    if j >= n:
        return True
    c: i64 = src[j]
    if c == 125 or c == 34:  # } "
        return True
    if _CLASS[c] != _C_SPACE:
        return False
    while j < n and _CLASS[src[j]] == _C_SPACE:
        j += 1
    if j >= n:
        return True
    return src[j] not in b"=<>!?{#"


_BLOCK_RE: Final = re.compile(rb'[{}"#]')


def block_end(src: bytes, i: i64, depth_left: i64) -> i64:
    """Offset after the "}" that closes the block opened at ``i``, found without making
    tokens (quoted strings and comments may hold braces); -1 when the block does not close
    or nests more than ``depth_left`` levels. Braces, quotes and comments are never part
    of a bare scalar, so this is the block the lexers would read."""
    search = _BLOCK_RE.search
    depth: i64 = 0
    pos: i64 = i
    p: i64 = 0
    c: i64 = 0
    while True:
        m = search(src, pos)
        if m is None:
            return -1
        p = m.start()
        c = src[p]
        if c == 123:  # {
            depth += 1
            if depth > depth_left:
                return -1
            pos = p + 1
        elif c == 125:  # }
            depth -= 1
            pos = p + 1
            if depth == 0:
                return pos
        elif c == 34:  # " (an unterminated string: the lexer reports it)
            pos = _closing_quote(src, p)
            if pos < 0:
                return -1
            pos += 1
        else:  # a comment
            pos = src.find(b"\n", p)
            if pos < 0:
                return -1


def block_end_bytes(src: bytes, i: i64, depth_left: i64) -> i64:
    """``block_end`` as a byte loop: the byte lexer's (native speed compiled, where a
    regex search per brace costs more than the loop)."""
    n: i64 = len(src)
    depth: i64 = 0
    p: i64 = i
    c: i64 = 0
    while p < n:
        c = src[p]
        if c == 123:  # {
            depth += 1
            if depth > depth_left:
                return -1
        elif c == 125:  # }
            depth -= 1
            if depth == 0:
                return p + 1
        elif c == 34:  # "
            p = _closing_quote(src, p)
            if p < 0:
                return -1
        elif c == 35:  # a comment
            p = src.find(b"\n", p)
            if p < 0:
                return -1
        p += 1
    return -1


def _closing_quote(src: bytes, start: i64) -> i64:
    try:
        return quote_end(src, start)
    except KernelError:
        return -1


def _skip_masks(skip: frozenset[bytes]) -> list[int]:
    """Per first byte, a bit mask of the lengths of the keys in ``skip`` (bit 63: 63 or
    longer): the byte lexer slices a key and looks it up only when its bit is set."""
    masks = [0] * 256
    for key in skip:
        masks[key[0]] |= 1 << min(len(key), 63)
    return masks


def header_end(src: bytes) -> int:
    """Offset where the document starts: after a UTF-8 BOM and a header line (EU4txt, SAV0…)."""
    pos = 3 if src.startswith(_BOM) else 0
    m = _HEADER_RE.match(src, pos)
    if m is not None:
        return m.end()
    return pos


# EU4txt, HOI4txt, … and the SAV0… envelope line of CK3/Imperator/Vic3 text saves.
_HEADER_RE: Final = re.compile(rb"(?:[A-Z][A-Z0-9]*txt|SAV[0-9a-fA-F]{19,20})[ \t]*\r?(?:\n|$)")


def lex_bytes(
    src: bytes,
    pos: int = 0,
    max_depth: int = DEFAULT_MAX_DEPTH,
    skip: frozenset[bytes] = frozenset(),
) -> Tape:
    """Tokenize ``src[pos:]`` with a byte loop (the compiled build's lexer)."""
    builder = TapeBuilder(src, max_depth)
    masks = _skip_masks(skip)  # all zero once a block to skip does not close
    cls = _CLASS
    elem = _ELEM
    n: i64 = len(src)
    i: i64 = pos
    j: i64 = 0
    k: i64 = 0
    r: i64 = 0
    c: i64 = 0
    t: i64 = 0
    d: i64 = 0
    end: i64 = 0
    while i < n:
        c = src[i]
        t = cls[c]
        if t == _C_SPACE:
            i += 1
        elif t == _C_SCALAR or t == _C_BANG:
            if t == _C_BANG and i + 1 < n and src[i + 1] == 61:
                builder.op(OP_NE if c == 33 else OP_EXISTS, i, i + 2)
                i += 2
                continue
            j = i + 1
            if elem[c] and builder.state != ST_AFTER_OP:
                # (After an operator the value is split off any run the regex lexer
                # finds, so not probing there gives the same tape.)
                r = _run_end(src, i, n)
                if r > 0:
                    builder.run(i, r)
                    i = r
                    continue
                j = -r - 1  # no run: the first element is scanned already
            elif c == 91 and i + 1 < n and src[i + 1] == 91:  # "[["
                k = _param_end(src, i)
                if k > 0:
                    builder.scalar(i + 1, k, False)
                    builder.open(i, True)
                    i = k
                    continue
            while j < n:
                t = cls[src[j]]
                if t == _C_SCALAR:
                    j += 1
                elif t == _C_BANG and not (j + 1 < n and src[j + 1] == 61):
                    j += 1
                else:
                    break
            if c == 93 and j == i + 1 and builder.top_is_param():  # a lone "]"
                builder.close(i)
                i = j
                continue
            k = j
            while k < n:
                d = src[k]
                if d == 32 or d == 9 or d == 10 or d == 13:
                    k += 1
                else:
                    break
            if k < n and src[k] == 61 and not (k + 1 < n and src[k + 1] == 61):
                if (masks[c] >> min(j - i, 63)) & 1 and src[i:j] in skip:
                    r = k + 1
                    while r < n and cls[src[r]] == _C_SPACE:
                        r += 1
                    if r < n and src[r] == 123:
                        end = block_end_bytes(src, r, builder.depth_left())
                        if end < 0:  # the rest lies inside it: lex it all as usual
                            masks = _skip_masks(frozenset())
                        r = builder.skip_pair(end)
                        if r >= 0:
                            i = r
                            continue
                builder.key(i, j, k)  # key = … (the commonest pair, in one step)
                i = k + 1
            else:
                builder.scalar(i, j, False)
                i = j
        elif t == _C_EQ:
            if i + 1 < n and src[i + 1] == 61:
                builder.op(OP_EXACT, i, i + 2)
                i += 2
            else:
                builder.op(OP_EQ, i, i + 1)
                i += 1
        elif t == _C_OPEN:
            builder.open(i)
            i += 1
        elif t == _C_CLOSE:
            builder.close(i)
            i += 1
        elif t == _C_QUOTE:
            j = quote_end(src, i)
            builder.scalar(i + 1, j, True)
            i = j + 1
        elif t == _C_COMMENT:
            j = src.find(b"\n", i)
            i = n if j < 0 else j + 1
        else:  # _C_LTGT
            if i + 1 < n and src[i + 1] == 61:
                builder.op(OP_LE if c == 60 else OP_GE, i, i + 2)
                i += 2
            else:
                builder.op(OP_LT if c == 60 else OP_GT, i, i + 1)
                i += 1
    return builder.finish(n)


def quote_end(src: bytes, start: i64) -> i64:
    """Offset of the quote closing the string opened at ``start`` (backslash escapes)."""
    j: i64 = start + 1
    q: i64 = 0
    k: i64 = 0
    while True:
        q = src.find(b'"', j)
        if q < 0:
            raise KernelError("unterminated quoted string", start)
        k = q - 1
        while k > start and src[k] == 92:
            k -= 1
        if (q - 1 - k) % 2 == 0:
            return q
        j = q + 1


def _param_end(src: bytes, i: int) -> int:
    """End of a ``[[name]`` / ``[[!name]`` parameter-block opener at ``i``, or -1."""
    m = _PARAM_RE.match(src, i)
    return -1 if m is None else m.end()


_PARAM_RE: Final = re.compile(rb"\[\[!?[^\]\s{}=\"#<>]+\]")

# One group per token class, in the order they are tried, each match starting with the
# whitespace and ';' before its token: a pattern that begins with a group gets no
# first-byte fast path from ``re``, so leaving the spaces to finditer tried every
# alternative at every space (the saves are indented with tabs). Every other byte starts
# some alternative, and a run of spaces at the end matches "\Z" (no group), so no space
# is scanned twice.
# - KEY: an unquoted key and its "=", with its value when that is a plain or quoted
#   scalar (VALUE, QUOTED_VALUE) that cannot turn out to be a tag or a key (what follows
#   is checked as for a run), or a "{" (KEY_OPEN): the commonest entries in one match.
#   A block to skip is a KEY_OPEN whose key is in the set (a set lookup per "key={",
#   not one more alternative tried at every token).
# - RUN: bare scalars separated by spaces (see _run_end).
# - QUOTED: a closing quote (and a backslash at end of input) is optional, so that an
#   unterminated string is one token that the loop rejects.
# Possessive quantifiers keep failures cheap.
_E: Final = rb'[^\s;={}"#<>!?\[\]]++'
_AFTER_VALUE: Final = rb'(?=[}"]|\Z|[\s;]+(?:[^\s;=<>!?{#]|\Z))'
_SPACES: Final = rb"[ \t\r\n\x0b\x0c;]*+"  # what separates tokens (";" too)
_TOKENS: Final = (
    rb"(" + _E + rb")[ \t\r\n]*+=(?!=)"
    rb"(?:[ \t\r\n]*+(?:("
    + _E
    + rb')|"([^"\\]*+(?:\\.[^"\\]*+)*+)")'
    + _AFTER_VALUE
    + rb"|"
    + _SPACES
    + rb"(\{))?"
    rb"|("
    + _E
    + rb"(?:[ \t\r\n]++"
    + _E
    + rb")+)"
    + _AFTER_VALUE
    + rb'|("[^"\\]*(?:\\.[^"\\]*)*\\?"?)'
    rb"|(\{)"
    rb"|(\})"
    rb"|([<>!?=]=|[<>=])"
    rb"|(#[^\n]*)"
    rb"|(\[\[!?[^\]\s{}=\"#<>]+\])"
    rb'|((?:[^\s;={}"#<>!?]|[!?](?!=))[^\s;={}"#<>!?]*(?:[!?](?!=)[^\s;={}"#<>!?]*)*)'
)
(
    KEY,
    VALUE,
    QUOTED_VALUE,
    KEY_OPEN,
    RUN_GROUP,
    QUOTED_GROUP,
    OPEN_GROUP,
    CLOSE_GROUP,
    OP_GROUP,
    COMMENT_GROUP,
    PARAM_GROUP,
    SCALAR_GROUP,
) = range(1, 13)
_TOKEN_RE: Final = re.compile(_SPACES + rb"(?:" + _TOKENS + rb"|\Z)", re.DOTALL)
_SKIP_KEY_RE: Final = re.compile(_E)


def skip_key_ok(key: bytes) -> bool:
    """Whether ``key`` can be skipped: a whole unquoted key to the regex lexer (no spaces,
    operators, brackets or quotes), which is what it compares with the set."""
    return _SKIP_KEY_RE.fullmatch(key) is not None


_OPS: Final = {
    b"=": OP_EQ,
    b"<": OP_LT,
    b"<=": OP_LE,
    b">": OP_GT,
    b">=": OP_GE,
    b"!=": OP_NE,
    b"==": OP_EXACT,
    b"?=": OP_EXISTS,
}


def lex_regex(
    src: bytes,
    pos: int = 0,
    max_depth: int = DEFAULT_MAX_DEPTH,
    skip: frozenset[bytes] = frozenset(),
    holes: list[tuple[int, int]] | None = None,
) -> Tape:
    """Tokenize ``src[pos:]`` with one regular expression (the pure build's lexer).

    ``holes``: ``(start, end)`` spans, in order, each a top-level ``key = {…}`` pair, left
    out as a skipped pair is (another lexer reads them: a parallel parse). Only where they
    begin is checked: a span that does not start an entry at the top level, or a token that
    would run into one, is a KernelError (the caller parses without holes then).
    """
    builder = TapeBuilder(src, max_depth)
    n = len(src)
    skipping = bool(skip)
    gaps = [] if holes is None else list(holes)
    gaps.reverse()
    while True:
        resume = -1
        stop = n
        if gaps and gaps[-1][0] >= pos:
            stop = gaps[-1][0]
        for m in _TOKEN_RE.finditer(src, pos, stop):
            g = m.lastindex
            if g == VALUE:
                builder.pair(m.start(KEY), m.end(KEY), m.start(g), m.end(), False)
            elif g == CLOSE_GROUP:
                builder.close(m.end() - 1)
            elif g == KEY:
                builder.key(m.start(g), m.end(g), m.end() - 1)
            elif g == KEY_OPEN:
                s = m.start(KEY)
                e = m.end(KEY)
                brace = m.end() - 1
                if skipping and src[s:e] in skip:  # a block to step over
                    end = block_end(src, brace, builder.depth_left())
                    resume = builder.skip_pair(end)
                    if resume >= 0:
                        break  # finditer cannot jump: start again after the block
                    if end < 0:  # the rest lies inside it: lex it all as usual
                        skipping = False
                builder.key(s, e, src.index(b"=", e))
                builder.open(brace)
            elif g == QUOTED_VALUE:
                builder.pair(m.start(KEY), m.end(KEY), m.start(g), m.end() - 1, True)
            elif g == RUN_GROUP:
                builder.run(m.start(g), m.end())
            elif g == SCALAR_GROUP:
                s = m.start(g)
                e = m.end()
                if src[s] == 93 and e - s == 1 and builder.top_is_param():  # a lone "]"
                    builder.close(s)
                else:
                    builder.scalar(s, e, False)
            elif g == QUOTED_GROUP:
                s = m.start(g)
                e = m.end()
                if e - s < 2 or src[e - 1] != 34 or (e == n and not _closed_at_end(src, s, e)):
                    raise KernelError("unterminated quoted string", s)
                builder.scalar(s + 1, e - 1, True)
            elif g == OPEN_GROUP:
                builder.open(m.end() - 1)
            elif g == OP_GROUP:
                s = m.start(g)
                builder.op(_OPS[src[s : m.end()]], s, m.end())
            elif g == PARAM_GROUP:
                s = m.start(g)
                builder.scalar(s + 1, m.end(), False)
                builder.open(s, True)
            # else: a comment, or spaces at the end (no group)
        if resume < 0 and stop < n:  # at a hole
            start, end = gaps.pop()
            if start < pos or end > n or builder.depth_left() != max_depth:
                raise KernelError("a part of a parallel parse is not at the top level", start)
            if builder.skip_pair(end) < 0:
                raise KernelError("a part of a parallel parse does not start an entry", start)
            resume = end
        if resume < 0:
            if gaps:  # a hole inside a skipped block
                raise KernelError("a part of a parallel parse does not start an entry", pos)
            return builder.finish(n)
        pos = resume


def _closed_at_end(src: bytes, s: int, e: int) -> bool:
    """Whether the quoted token src[s:e] that runs to end of input has its closing quote."""
    if e - s < 2 or src[e - 1] != 34:
        return False
    k = e - 2
    while k > s and src[k] == 92:
        k -= 1
    return (e - 2 - k) % 2 == 0
