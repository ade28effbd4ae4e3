"""The typed read API over a tape: containers and values, decided lazily.

A ``Value`` is an index into the tape; nothing is decoded until asked. Containers hold
pairs (``key`` ``op`` value, duplicate keys in order), bare values, or both (mixed).
"""

from __future__ import annotations

from kernel._encoding import decode
from kernel._errors import KernelError
from kernel._json import to_json, unescape
from kernel._scalars import Date, to_bool, to_date, to_float, to_int, to_u64
from kernel._tape import (
    HEADER,
    KEY,
    KEY_QUOTED,
    MODE_ARRAY,
    MODE_OBJECT,
    OP,
    OP_TEXT,
    OPEN,
    QUOTED,
    SCALAR,
    Tape,
)


class Document:
    """A parsed file: its tape and how its text is decoded."""

    def __init__(self, tape: Tape, utf8: bool) -> None:
        self.tape = tape
        self.utf8 = utf8

    @property
    def encoding(self) -> str:
        return "utf8" if self.utf8 else "windows1252"

    def root(self) -> Container:
        return Container(self, -1, len(self.tape.kinds))

    def to_json(self, duplicate_keys: str = "group") -> bytes:
        return to_json(self.tape, self.utf8, duplicate_keys)

    def _after(self, idx: int) -> int:
        kinds = self.tape.kinds
        k = kinds[idx]
        if k == OP:
            idx += 1
            k = kinds[idx]
        if k == HEADER:
            idx += 1
            k = kinds[idx]
        if k == OPEN:
            return self.tape.a[idx] + 1
        return idx + 1


class Value:
    """One value of the document: a scalar, a container, or a tagged container (rgb {…})."""

    def __init__(self, doc: Document, idx: int) -> None:
        self.doc = doc
        self.idx = idx  # the value's first token (HEADER for tagged containers)

    @property
    def kind(self) -> str:
        """ "scalar", "object", "array", "empty" ({}), or "tagged" (``rgb { … }``)."""
        tape = self.doc.tape
        k = tape.kinds[self.idx]
        if k == HEADER:
            return "tagged"
        if k == OPEN:
            mode = tape.b[self.idx]
            if mode == MODE_OBJECT:
                return "object"
            return "array" if mode == MODE_ARRAY else "empty"
        return "scalar"

    @property
    def offset(self) -> int:
        """Byte offset of the value in the source (for error messages)."""
        tape = self.doc.tape
        k = tape.kinds[self.idx]
        return tape.b[self.idx] if k == OPEN else tape.a[self.idx]

    @property
    def is_quoted(self) -> bool:
        return self.doc.tape.kinds[self.idx] == QUOTED

    def is_container(self) -> bool:
        k = self.doc.tape.kinds[self.idx]
        return k == OPEN or k == HEADER

    def raw(self) -> bytes:
        """The scalar's bytes (escapes resolved for quoted strings)."""
        tape = self.doc.tape
        k = tape.kinds[self.idx]
        if k != SCALAR and k != QUOTED:
            raise KernelError("expected a scalar, found a container", self.offset)
        data = tape.src[tape.a[self.idx] : tape.b[self.idx]]
        return unescape(data) if k == QUOTED else data

    def as_str(self) -> str:
        return decode(self.raw(), self.doc.utf8)

    def as_int(self) -> int:
        return to_int(self.raw(), self.offset)

    def as_u64(self) -> int:
        return to_u64(self.raw(), self.offset)

    def as_float(self) -> float:
        return to_float(self.raw(), self.offset)

    def as_bool(self) -> bool:
        return to_bool(self.raw(), self.offset)

    def as_date(self) -> Date:
        return to_date(self.raw(), self.offset)

    def tag(self) -> str:
        """The tag of a tagged container (``rgb`` in ``rgb { 1 2 3 }``), else ""."""
        tape = self.doc.tape
        if tape.kinds[self.idx] != HEADER:
            return ""
        return decode(tape.src[tape.a[self.idx] : tape.b[self.idx]], self.doc.utf8)

    def as_container(self) -> Container:
        tape = self.doc.tape
        idx = self.idx
        if tape.kinds[idx] == HEADER:
            idx += 1
        if tape.kinds[idx] != OPEN:
            raise KernelError("expected a container, found a scalar", self.offset)
        return Container(self.doc, idx, tape.a[idx])

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
        return self.doc.tape.b[self.open_idx] == MODE_OBJECT

    def _key_text(self, idx: int) -> str:
        tape = self.doc.tape
        raw = tape.src[tape.a[idx] : tape.b[idx]]
        if tape.kinds[idx] == KEY_QUOTED:
            raw = unescape(raw)
        return decode(raw, self.doc.utf8)

    def entries(self) -> list[Entry]:
        """Every entry in order: pairs and bare values alike."""
        doc = self.doc
        tape = doc.tape
        kinds = tape.kinds
        out: list[Entry] = []
        i = self.open_idx + 1
        while i < self.close_idx:
            k = kinds[i]
            if k == KEY or k == KEY_QUOTED:
                key = self._key_text(i)
                v = i + 1
                op = "="
                if kinds[v] == OP:
                    op = OP_TEXT[tape.a[v]]
                    v += 1
                out.append(Entry(key, op, Value(doc, v)))
                i = doc._after(v)
            else:
                out.append(Entry(None, "", Value(doc, i)))
                i = doc._after(i)
        return out

    def pairs(self) -> list[tuple[str, Value]]:
        """The keyed entries as (key, value), duplicates in order."""
        return [(e.key, e.value) for e in self.entries() if e.key is not None]

    def values(self) -> list[Value]:
        """The bare values (all of an array; the trailing ones of a mixed object)."""
        return [e.value for e in self.entries() if e.key is None]

    def _find(self, key: bytes, first: bool) -> list[Value]:
        doc = self.doc
        tape = doc.tape
        kinds = tape.kinds
        src = tape.src
        a = tape.a
        b = tape.b
        found: list[Value] = []
        n = len(key)
        i = self.open_idx + 1
        while i < self.close_idx:
            k = kinds[i]
            if k == KEY or k == KEY_QUOTED:
                v = i + 1
                if kinds[v] == OP:
                    v += 1
                s = a[i]
                if b[i] - s == n and src.startswith(key, s):
                    found.append(Value(doc, v))
                    if first:
                        return found
                i = doc._after(v)
            else:
                i = doc._after(i)
        return found

    def get(self, key: str) -> Value | None:
        """The first value under ``key`` (keys compare as the file spells them)."""
        found = self._find(self._encode(key), True)
        return found[0] if found else None

    def get_all(self, key: str) -> list[Value]:
        return self._find(self._encode(key), False)

    def _encode(self, key: str) -> bytes:
        return key.encode("utf-8" if self.doc.utf8 else "cp1252", "replace")

    def __len__(self) -> int:
        return len(self.entries())
