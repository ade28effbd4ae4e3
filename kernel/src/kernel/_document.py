"""The typed read API over a tape: containers and values, decided lazily.

A ``Value`` is an index into the tape (plus, for an element of a whitespace-separated
run, that element's byte span); nothing is decoded until asked. Containers hold pairs
(``key`` ``op`` value, duplicate keys in order), bare values, or both (mixed).
"""

from __future__ import annotations

import re
from typing import Final

from kernel._binary import (
    BIN_BOOL,
    BIN_TOKEN,
    BinaryDocument,
    BinaryRules,
    binary_bool,
    binary_date,
    binary_float,
    binary_int,
    binary_scalar_text,
    binary_str,
    key_name,
    token_id,
)
from kernel._encoding import decode
from kernel._errors import KernelError
from kernel._json import to_json, unescape
from kernel._scalars import Date, to_bool, to_date, to_float, to_int, to_u64
from kernel._tape import (
    BINARY,
    HEADER,
    KEY,
    KEY_ID,
    MODE_ARRAY,
    MODE_OBJECT,
    OP,
    OP_TEXT,
    OPEN,
    QUOTED,
    RUN,
    SCALAR,
    Tape,
    value_end,
)
from kernel._tokens import TokenTable

_ELEMENT_RE: Final = re.compile(rb"[^ \t\r\n]+")


class Document:
    """A parsed file: its tape and how its text is decoded.

    A binary document also carries the game's number/date rules and the token table
    that names its field ids; the same API then reads typed values and resolves keys.
    """

    def __init__(
        self,
        tape: Tape,
        utf8: bool,
        rules: BinaryRules | None = None,
        tokens: TokenTable | None = None,
    ) -> None:
        self.tape = tape
        self.utf8 = utf8
        self.rules = rules
        self.tokens = tokens

    @property
    def binary(self) -> bool:
        return self.rules is not None

    @property
    def encoding(self) -> str:
        return "utf8" if self.utf8 else "windows1252"

    def root(self) -> Container:
        return Container(self, -1, len(self.tape.tokens))

    def to_json(self, duplicate_keys: str = "group") -> bytes:
        if self.rules is not None:
            raise KernelError("JSON of a binary document: melt it first (kernel.melt)")
        return to_json(self.tape, self.utf8, duplicate_keys)

    def key_text(self, t: int) -> str:
        """The key of a KEY or KEY_ID token, as text."""
        src = self.tape.src
        rules = self.rules
        if rules is not None:
            return key_name(src, t, self.tokens, rules)
        s = t >> 32
        raw = src[s : s + ((t >> 8) & 0xFFFFFF)]
        if (t >> 4) & 15:
            raw = unescape(raw)
        return decode(raw, self.utf8)

    def key_id(self, key: str) -> int:
        """The field id a binary document spells ``key`` with, or -1 (text, or unknown)."""
        tokens = self.tokens
        if self.rules is None:
            return -1
        if key.startswith("__unknown_0x") and len(key) == 16:
            try:
                return int(key[12:], 16)
            except ValueError:
                return -1
        return -1 if tokens is None else tokens.id_of(key)


def from_binary(decoded: BinaryDocument) -> Document:
    """The read API over a decoded binary stream (keys named through its token table)."""
    return Document(decoded.tape, decoded.rules.utf8, decoded.rules, decoded.tokens)


class Value:
    """One value of the document: a scalar, a container, or a tagged container (rgb {…})."""

    def __init__(self, doc: Document, idx: int, start: int = -1, end: int = -1) -> None:
        self.doc = doc
        self.idx = idx  # the value's first token (HEADER for tagged containers)
        self.start = start  # for an element of a RUN token: its bytes
        self.end = end

    def _token(self) -> int:
        return self.doc.tape.tokens[self.idx]

    @property
    def kind(self) -> str:
        """ "scalar", "object", "array", "empty" ({}), or "tagged" (``rgb { … }``)."""
        t = self._token()
        k = t & 15
        if k == HEADER:
            return "tagged"
        if k == OPEN:
            mode = (t >> 4) & 15
            if mode == MODE_OBJECT:
                return "object"
            return "array" if mode == MODE_ARRAY else "empty"
        return "scalar"

    @property
    def offset(self) -> int:
        """Byte offset of the value in the source (-1 for containers)."""
        if self.start >= 0:
            return self.start
        t = self._token()
        return -1 if (t & 15) == OPEN else t >> 32

    @property
    def is_quoted(self) -> bool:
        return self.start < 0 and (self._token() & 15) == QUOTED

    def _binary_token(self) -> int:
        """The token if this is a typed binary value, else -1."""
        if self.start >= 0 or self.doc.rules is None:
            return -1
        t = self._token()
        return t if (t & 15) == BINARY else -1

    def is_container(self) -> bool:
        k = self._token() & 15
        return k == OPEN or k == HEADER

    def raw(self) -> bytes:
        """The scalar's bytes (escapes resolved for quoted strings); for a typed binary
        value, its text as the game writes it (``1.500``, ``yes``, a field id's name)."""
        doc = self.doc
        src = doc.tape.src
        if self.start >= 0:
            return src[self.start : self.end]
        t = self._token()
        k = t & 15
        rules = doc.rules
        if k == BINARY and rules is not None:
            return binary_scalar_text(src, t, rules, doc.tokens)
        if k != SCALAR and k != QUOTED:
            raise KernelError("expected a scalar, found a container", self.offset)
        s = t >> 32
        data = src[s : s + ((t >> 8) & 0xFFFFFF)]
        return unescape(data) if k == QUOTED and rules is None else data

    def as_str(self) -> str:
        rules = self.doc.rules
        if rules is not None and self.start < 0:
            t = self._token()
            if (t & 15) == BINARY:
                return binary_str(self.doc.tape.src, t, rules, self.doc.tokens)
        return decode(self.raw(), self.doc.utf8)

    def as_int(self) -> int:
        t = self._binary_token()
        if t >= 0:
            if (t >> 4) & 15 == BIN_BOOL:  # as in text: yes/no are not integers
                raise KernelError("not an integer: a boolean", t >> 32)
            return binary_int(self.doc.tape.src, t)
        return to_int(self.raw(), self.offset)

    def as_u64(self) -> int:
        t = self._binary_token()
        if t >= 0:
            value = binary_int(self.doc.tape.src, t)
            if value < 0:
                raise KernelError("not an unsigned 64-bit integer", t >> 32)
            return value
        return to_u64(self.raw(), self.offset)

    def as_float(self) -> float:
        t = self._binary_token()
        rules = self.doc.rules
        if t >= 0 and rules is not None:
            return binary_float(self.doc.tape.src, t, rules)
        return to_float(self.raw(), self.offset)

    def as_bool(self) -> bool:
        t = self._binary_token()
        if t >= 0:
            return binary_bool(self.doc.tape.src, t)
        return to_bool(self.raw(), self.offset)

    def as_date(self) -> Date:
        t = self._binary_token()
        rules = self.doc.rules
        if t >= 0 and rules is not None:
            date = binary_date(self.doc.tape.src, t, rules, True)
            if date is None:
                raise KernelError("not a date: a binary value", t >> 32)
            return date
        return to_date(self.raw(), self.offset)

    def tag(self) -> str:
        """The tag of a tagged container (``rgb`` in ``rgb { 1 2 3 }``), else ""."""
        if self.start >= 0:
            return ""
        t = self._token()
        if (t & 15) != HEADER:
            return ""
        s = t >> 32
        raw = self.doc.tape.src[s : s + ((t >> 8) & 0xFFFFFF)]
        if self.doc.rules is not None:
            return decode(raw, self.doc.utf8)
        return decode(unescape(raw) if (t >> 4) & 15 else raw, self.doc.utf8)

    def container_or_none(self) -> Container | None:
        """``as_container``, or None for a scalar."""
        if self.start >= 0:
            return None
        tokens = self.doc.tape.tokens
        idx = self.idx
        t = tokens[idx]
        if (t & 15) == HEADER:
            idx += 1
            t = tokens[idx]
        if (t & 15) != OPEN:
            return None
        return Container(self.doc, idx, t >> 32)

    def text_raw(self) -> bytes | None:
        """A text document's ``raw``, or None for a container: one look at the tape (the
        tolerant readers' fast path; binary documents need ``raw`` itself)."""
        doc = self.doc
        src = doc.tape.src
        if self.start >= 0:
            return src[self.start : self.end]
        t = doc.tape.tokens[self.idx]
        k = t & 15
        if k == OPEN or k == HEADER:
            return None
        if k != SCALAR and k != QUOTED:
            raise KernelError("expected a scalar", t >> 32)
        s = t >> 32
        data = src[s : s + ((t >> 8) & 0xFFFFFF)]
        return unescape(data) if k == QUOTED else data

    def as_container(self) -> Container:
        tokens = self.doc.tape.tokens
        idx = self.idx
        if self.start < 0 and (tokens[idx] & 15) == HEADER:
            idx += 1
        t = tokens[idx]
        if self.start >= 0 or (t & 15) != OPEN:
            raise KernelError("expected a container, found a scalar", self.offset)
        return Container(self.doc, idx, t >> 32)

    def __repr__(self) -> str:
        if self.kind == "scalar":
            return f"Value({self.raw()!r})"
        return f"Value(<{self.kind}>)"


class Entry:
    """One entry of a container: a pair (key, operator, value) or a bare value (key None)."""

    def __init__(self, key: str | None, op: str, value: Value) -> None:
        self.key = key
        self.op = op
        self.value = value


_RAW_KEYS: dict[frozenset[str], frozenset[bytes]] = {}
# The bytes of the keys readers ask for (``get``), by encoding: a few hundred names.
_UTF8_KEYS: dict[str, bytes] = {}
_CP1252_KEYS: dict[str, bytes] = {}
_MAX_KEYS: Final = 4096


def _raw_keys(keys: frozenset[str]) -> frozenset[bytes] | None:
    """The bytes that spell ``keys`` in a text document (None if one is not ASCII: then
    keys are compared as text)."""
    found = _RAW_KEYS.get(keys)
    if found is None:
        if not all(key.isascii() for key in keys):
            return None
        found = _RAW_KEYS[keys] = frozenset(key.encode("ascii") for key in keys)
    return found


def _wanted(key: str, keys: frozenset[str] | None, first: bytes) -> bool:
    """Whether ``Container.select(keys, first)`` keeps ``key`` (all of them: ``pairs``)."""
    if keys is None or key in keys:
        return True
    return key != "" and ord(key[0]) < 128 and ord(key[0]) in first


class Container:
    """An object, array or mixed container (the root document is an object)."""

    def __init__(self, doc: Document, open_idx: int, close_idx: int) -> None:
        self.doc = doc
        self.open_idx = open_idx  # -1 for the root
        self.close_idx = close_idx

    @property
    def is_object(self) -> bool:
        if self.open_idx < 0:
            return True
        return ((self.doc.tape.tokens[self.open_idx] >> 4) & 15) == MODE_OBJECT

    def entries(self) -> list[Entry]:
        """Every entry in order: pairs and bare values alike."""
        doc = self.doc
        tape = doc.tape
        tokens = tape.tokens
        out: list[Entry] = []
        i = self.open_idx + 1
        while i < self.close_idx:
            t = tokens[i]
            k = t & 15
            if k == KEY or k == KEY_ID:
                v = i + 1
                op = "="
                tv = tokens[v]
                if (tv & 15) == OP:
                    op = OP_TEXT[(tv >> 4) & 15]
                    v += 1
                out.append(Entry(doc.key_text(t), op, Value(doc, v)))
                i = tape.after(v)
            elif k == RUN:
                s = t >> 32
                for m in _ELEMENT_RE.finditer(tape.src, s, s + ((t >> 8) & 0xFFFFFF)):
                    out.append(Entry(None, "", Value(doc, i, m.start(), m.end())))
                i += 1
            else:
                out.append(Entry(None, "", Value(doc, i)))
                i = tape.after(i)
        return out

    def pairs(self) -> list[tuple[str, Value]]:
        """The keyed entries as (key, value), duplicates in order."""
        return self._pairs(None)

    def select(self, keys: frozenset[str], first: bytes = b"") -> list[tuple[str, Value]]:
        """``pairs`` whose key is in ``keys``, or starts with a byte of ``first`` (dates:
        digits and "-"), in order: the others cost no decoding and make no objects (the
        readers' one pass over a large block)."""
        return self._pairs(keys, first)

    def _pairs(self, keys: frozenset[str] | None, first: bytes = b"") -> list[tuple[str, Value]]:
        doc = self.doc
        tape = doc.tape
        tokens = tape.tokens
        src = tape.src
        text = doc.rules is None
        utf8 = doc.utf8
        raw_keys = _raw_keys(keys) if keys is not None and text else None
        out: list[tuple[str, Value]] = []
        i = self.open_idx + 1
        close = self.close_idx
        while i < close:
            t = tokens[i]
            k = t & 15
            if k != KEY and k != KEY_ID:
                i = tape.after(i)
                continue
            v = i + 1
            if (tokens[v] & 15) == OP:
                v += 1
            i = value_end(tokens, v)
            if text and not (t >> 4) & 15:  # an unquoted text key: its bytes are its name
                s = t >> 32
                raw = src[s : s + ((t >> 8) & 0xFFFFFF)]
                if raw_keys is not None and raw not in raw_keys and raw[0] not in first:
                    continue
                key = raw.decode("ascii") if raw.isascii() else decode(raw, utf8)
                if raw_keys is None and not _wanted(key, keys, first):
                    continue
            else:
                key = doc.key_text(t)
                if not _wanted(key, keys, first):
                    continue
            out.append((key, Value(doc, v)))
        return out

    def values(self) -> list[Value]:
        """The bare values (all of an array; the trailing ones of a mixed object)."""
        return [e.value for e in self.entries() if e.key is None]

    def raw_values(self) -> list[bytes]:
        """The bare scalar values' bytes, fast (containers among them are skipped)."""
        doc = self.doc
        rules = doc.rules
        tape = doc.tape
        tokens = tape.tokens
        src = tape.src
        out: list[bytes] = []
        i = self.open_idx + 1
        while i < self.close_idx:
            t = tokens[i]
            k = t & 15
            if k == RUN:
                s = t >> 32
                out.extend(src[s : s + ((t >> 8) & 0xFFFFFF)].split())
            elif k == SCALAR:
                s = t >> 32
                out.append(src[s : s + ((t >> 8) & 0xFFFFFF)])
            elif k == QUOTED:
                s = t >> 32
                raw = src[s : s + ((t >> 8) & 0xFFFFFF)]
                out.append(raw if rules is not None else unescape(raw))
            elif k == BINARY and rules is not None:
                out.append(binary_scalar_text(src, t, rules, doc.tokens))
            i = tape.after(i + 1) if k == KEY or k == KEY_ID else tape.after(i)
        return out

    def _find_binary(self, key: str, first: bool) -> list[Value]:
        """``_find`` for binary documents: field ids compare as ids, other keys by text."""
        doc = self.doc
        tape = doc.tape
        tokens = tape.tokens
        src = tape.src
        wanted = doc.key_id(key)
        found: list[Value] = []
        i = self.open_idx + 1
        while i < self.close_idx:
            t = tokens[i]
            k = t & 15
            if k == KEY or k == KEY_ID:
                v = i + 1
                if (tokens[v] & 15) == OP:
                    v += 1
                if k == KEY_ID and (t >> 4) & 15 == BIN_TOKEN:
                    hit = wanted >= 0 and token_id(src, t) == wanted
                else:
                    hit = doc.key_text(t) == key
                if hit:
                    found.append(Value(doc, v))
                    if first:
                        return found
                i = tape.after(v)
            else:
                i = tape.after(i)
        return found

    def _find(self, key: bytes, first: bool) -> list[Value]:
        doc = self.doc
        tape = doc.tape
        tokens = tape.tokens
        src = tape.src
        found: list[Value] = []
        n = len(key)
        i = self.open_idx + 1
        close = self.close_idx
        while i < close:
            t = tokens[i]
            if (t & 15) != KEY:
                i = tape.after(i)
                continue
            v = i + 1
            if (tokens[v] & 15) == OP:
                v += 1
            if ((t >> 8) & 0xFFFFFF) == n and src.startswith(key, t >> 32):
                found.append(Value(doc, v))
                if first:
                    return found
            i = value_end(tokens, v)
        return found

    def get(self, key: str) -> Value | None:
        """The first value under ``key`` (keys compare as the file spells them)."""
        if self.doc.rules is not None:
            found = self._find_binary(key, True)
        else:
            found = self._find(self._encode(key), True)
        return found[0] if found else None

    def get_all(self, key: str) -> list[Value]:
        if self.doc.rules is not None:
            return self._find_binary(key, False)
        return self._find(self._encode(key), False)

    def _encode(self, key: str) -> bytes:
        table = _UTF8_KEYS if self.doc.utf8 else _CP1252_KEYS
        found = table.get(key)
        if found is None:
            found = key.encode("utf-8" if self.doc.utf8 else "cp1252", "replace")
            if len(table) < _MAX_KEYS:
                table[key] = found
        return found

    def __len__(self) -> int:
        return len(self.entries())
