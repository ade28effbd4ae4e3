"""JSON straight from the tape, in the reference parser's three duplicate-key modes.

``group`` gathers repeated keys of an object into one array at the first key's place;
``preserve`` writes pairs as they come (JSON objects with repeated keys);
``key-value-pairs`` writes objects as ``{"type":"obj","val":[[key, value], …]}`` and arrays
as ``{"type":"array","val":[…]}``. In every mode an object that turns into values keeps
its pairs and collects the rest under ``"remainder"``, and a pair inside an array becomes
a one-key object: the reference's shapes. Iterative: an explicit stack of frames, and
scalars are written without leaving the loop over their container.
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

from kernel._build import COMPILED
from kernel._encoding import decode
from kernel._native import i64
from kernel._scalars import (
    CL_FALSE,
    CL_FLOAT,
    CL_INT,
    CL_STRING,
    CL_TRUE,
    classify,
    is_json_number,
    json_float,
    json_int,
)
from kernel._tape import (
    HEADER,
    KEY,
    MODE_OBJECT,
    OP,
    OP_NAMES,
    OPEN,
    QUOTED,
    RUN,
    SCALAR,
    Tape,
)

GROUP: Final = "group"
PRESERVE: Final = "preserve"
KEY_VALUE_PAIRS: Final = "key-value-pairs"
DUPLICATE_KEY_MODES: Final = (GROUP, PRESERVE, KEY_VALUE_PAIRS)

_M_GROUP: Final = 0
_M_PRESERVE: Final = 1
_M_KVP: Final = 2

# Frame kinds.
_F_SEQ: Final = 0  # walk a container's tokens in order
_F_CLOSER: Final = 1  # emit a fixed text, then done
_F_GROUPS: Final = 2  # an object with repeated keys, written group by group
_F_VALUES: Final = 3  # the values of one repeated key, as an array

_ESCAPE_RE: Final = re.compile(rb"\\(.)", re.DOTALL)
_WS_RE: Final = re.compile(rb"[ \t\r\n]+")
# A run whose every element is already a JSON number in the safe range: copied with the
# whitespace turned into commas (at most 14 + 5 digits keeps floats within a u64 mantissa).
_PLAIN_NUMBER: Final = rb"-?(?:0|[1-9][0-9]{0,13})(?:\.[0-9]{1,5})?"
_PLAIN_NUMBERS_RE: Final = re.compile(_PLAIN_NUMBER + rb"(?:[ \t\r\n]+" + _PLAIN_NUMBER + rb")*")


_CHUNK: Final = 4096  # pieces per joined chunk
_RUN_PLAIN: Final = 1
_RUN_SINGLE_SEPARATORS: Final = 2


def _ws_to_comma() -> bytes:
    table = bytearray(range(256))
    for c in b" \t\r\n":
        table[c] = 44
    return bytes(table)


_WS_TO_COMMA: Final = _ws_to_comma()


def _plain_text(src: bytes, s: i64, e: i64) -> bool:
    """Whether src[s:e] is printable ASCII without quote or backslash (JSON as it is)."""
    i: i64 = s
    c: i64 = 0
    while i < e:
        c = src[i]
        if c < 32 or c > 126 or c == 34 or c == 92:
            return False
        i += 1
    return True


def _run_shape(src: bytes, s: i64, e: i64) -> i64:
    """One pass over a RUN (the compiled build's _PLAIN_NUMBERS_RE): element count << 2,
    | _RUN_PLAIN if every element matches _PLAIN_NUMBER, | _RUN_SINGLE_SEPARATORS if
    every separator is one byte (so a byte translation makes the JSON)."""
    plain = True
    single = True
    count: i64 = 0
    i: i64 = s
    j: i64 = 0
    k: i64 = 0
    digits: i64 = 0
    while i < e:
        count += 1
        if src[i] == 45:  # -
            i += 1
        j = i
        while i < e and 48 <= src[i] <= 57:
            i += 1
        digits = i - j
        ok = 0 < digits <= 14 and not (digits > 1 and src[j] == 48)
        if i < e and src[i] == 46:  # .
            i += 1
            k = i
            while i < e and 48 <= src[i] <= 57:
                i += 1
            ok = ok and 0 < i - k <= 5
        # (Whitespace inside a run is only " \t\r\n": the lexer's separators.)
        if i < e and src[i] != 32 and src[i] != 9 and src[i] != 10 and src[i] != 13:
            ok = False
            while i < e and src[i] != 32 and src[i] != 9 and src[i] != 10 and src[i] != 13:
                i += 1
        if not ok:
            plain = False
        if i < e:
            i += 1
            if i < e and (src[i] == 32 or src[i] == 9 or src[i] == 10 or src[i] == 13):
                single = False
                while i < e and (src[i] == 32 or src[i] == 9 or src[i] == 10 or src[i] == 13):
                    i += 1
    shape: i64 = count << 2
    if plain:
        shape |= _RUN_PLAIN
    if single:
        shape |= _RUN_SINGLE_SEPARATORS
    return shape


class _Frame:
    def __init__(self, kind: int, i: int, end: int, obj: bool) -> None:
        self.kind = kind
        self.i = i  # next token (SEQ) or next item (GROUPS/VALUES)
        self.end = end  # CLOSE token index (SEQ) or item count (VALUES)
        self.obj = obj  # SEQ: the container is an object (pairs written as members)
        self.count = 0  # members or items written (for commas)
        self.remainder = False  # SEQ object: the "remainder" array is open
        self.rem_count = 0  # items written into the remainder
        self.text = b""  # written when the frame is done
        self.items: list[int] = []  # GROUPS: key, value count, values…; VALUES: values
        self.rem_at = -1  # GROUPS: first bare value, or -1
        self.close = 0  # GROUPS: the object's CLOSE index (where the remainder walk ends)


def unescape(raw: bytes) -> bytes:
    """Quoted-string content with escapes resolved: a backslash keeps the byte after it."""
    if b"\\" not in raw:
        return raw
    return _ESCAPE_RE.sub(rb"\1", raw)


class _Writer:
    def __init__(self, tape: Tape, utf8: bool, mode: int) -> None:
        self.tape = tape
        self.src = tape.src
        self.tokens = tape.tokens
        self.utf8 = utf8
        self.mode = mode
        self.out: list[bytes] = []
        # Pieces are joined in chunks: one join over millions of small pieces allocates a
        # Py_buffer (80 bytes) per piece, hundreds of MB of page faults for a big save.
        self.chunks: list[bytes] = []
        self.frames: list[_Frame] = []

    def flush(self) -> None:
        out = self.out
        if len(out) >= _CHUNK:
            self.chunks.append(b"".join(out))
            out.clear()

    # -- scalars -----------------------------------------------------------------------

    def scalar(self, t: i64) -> None:
        """A scalar value (SCALAR or QUOTED token) as JSON, typed like the reference."""
        s = t >> 32
        self.scalar_at(self.src, s, s + ((t >> 8) & 0xFFFFFF), (t & 15) == QUOTED)

    def scalar_at(self, src: bytes, s: i64, e: i64, quoted: bool) -> None:
        out = self.out
        cl = classify(src, s, e)
        if cl == CL_STRING:
            out.append(b'"')
            out.append(src[s:e])
            out.append(b'"')
        elif cl == CL_INT:
            raw = src[s:e]
            out.append(raw if is_json_number(src, s, e) else json_int(raw))
        elif cl == CL_FLOAT:
            raw = src[s:e]
            out.append(raw if is_json_number(src, s, e) else json_float(raw))
        elif cl == CL_TRUE:
            out.append(b"true")
        elif cl == CL_FALSE:
            out.append(b"false")
        else:
            self.escaped(src[s:e], quoted)

    def escaped(self, raw: bytes, quoted: bool) -> None:
        if quoted:
            raw = unescape(raw)
        self.out.append(msgspec.json.encode(decode(raw, self.utf8)))

    def text(self, t: i64) -> None:
        """A key or tag as a JSON string, whatever it looks like."""
        src = self.src
        s = t >> 32
        e = s + ((t >> 8) & 0xFFFFFF)
        quoted = ((t >> 4) & 15) == 1
        if not quoted and _plain_text(src, s, e):
            out = self.out
            out.append(b'"')
            out.append(src[s:e])
            out.append(b'"')
        else:
            self.escaped(src[s:e], quoted)

    def run(self, t: int, first: bool) -> int:
        """The elements of a RUN token as comma-separated JSON items; returns the count."""
        src = self.src
        s = t >> 32
        e = s + ((t >> 8) & 0xFFFFFF)
        out = self.out
        if not first:
            out.append(b",")
        if COMPILED:
            shape = _run_shape(src, s, e)
            if shape & _RUN_PLAIN:
                raw = src[s:e]
                if shape & _RUN_SINGLE_SEPARATORS:
                    out.append(raw.translate(_WS_TO_COMMA))
                else:
                    out.append(b",".join(raw.split()))
                return shape >> 2
        elif _PLAIN_NUMBERS_RE.fullmatch(src, s, e) is not None:
            joined, separators = _WS_RE.subn(b",", src[s:e])
            out.append(joined)
            return separators + 1
        elements = _WS_RE.split(src[s:e])
        for n, element in enumerate(elements):
            if n:
                out.append(b",")
            self.scalar_at(element, 0, len(element), False)
        return len(elements)

    # -- structure ---------------------------------------------------------------------

    def closer(self, text: bytes) -> None:
        f = _Frame(_F_CLOSER, 0, 0, False)
        f.text = text
        self.frames.append(f)

    def value(self, idx: int) -> None:
        """Write the value at ``idx``: scalars now, containers by pushing a frame."""
        tokens = self.tokens
        out = self.out
        t = tokens[idx]
        k = t & 15
        if k == OP:
            out.append(b'{"')
            out.append(OP_NAMES[(t >> 4) & 15].encode())
            out.append(b'":')
            self.closer(b"}")
            idx += 1
            t = tokens[idx]
            k = t & 15
        if k == HEADER:
            out.append(b"{")
            self.text(t)
            out.append(b":")
            self.closer(b"}")
            idx += 1
            t = tokens[idx]
            k = t & 15
        if k != OPEN:
            self.scalar(t)
            return
        close = t >> 32
        obj = ((t >> 4) & 15) == MODE_OBJECT
        if self.mode == _M_KVP:
            out.append(b'{"type":"obj","val":[' if obj else b'{"type":"array","val":[')
            self.closer(b"]}")
        elif obj:
            out.append(b"{")
            self.closer(b"}")
        else:
            out.append(b"[")
            self.closer(b"]")
        if obj and self.mode == _M_GROUP and self.group(idx, close):
            return
        self.frames.append(_Frame(_F_SEQ, idx + 1, close, obj))

    def group(self, open_idx: int, close: int) -> bool:
        """Push a GROUPS frame if the object repeats a key; False when it does not."""
        if not self._repeats_a_key(open_idx, close):
            return False
        tokens = self.tokens
        tape = self.tape
        src = self.src
        slots: dict[bytes, int] = {}
        keys: list[int] = []
        values: list[list[int]] = []
        rem_at = -1
        i = open_idx + 1
        while i < close:
            t = tokens[i]
            if (t & 15) != KEY:
                rem_at = i
                break
            s = t >> 32
            name = src[s : s + ((t >> 8) & 0xFFFFFF)]
            slot = slots.get(name, -1)
            if slot < 0:
                slots[name] = len(keys)
                keys.append(i)
                values.append([i + 1])
            else:
                values[slot].append(i + 1)
            i = tape.after(i + 1)
        f = _Frame(_F_GROUPS, 0, len(keys), True)
        items: list[int] = []
        for n in range(len(keys)):
            items.append(keys[n])
            vals = values[n]
            items.append(len(vals))
            items.extend(vals)
        f.items = items
        f.rem_at = rem_at
        f.close = close
        self.frames.append(f)
        return True

    def _repeats_a_key(self, open_idx: i64, close: i64) -> bool:
        """Whether a key comes twice among the object's pairs (before any bare value).

        The common answer is no, so this pass only collects names in a set and stops at
        the first repeat; the grouping itself is built only for objects that need it."""
        tokens = self.tokens
        src = self.src
        seen: set[bytes] = set()
        i: i64 = open_idx + 1
        t: i64 = 0
        k: i64 = 0
        s: i64 = 0
        while i < close:
            t = tokens[i]
            if (t & 15) != KEY:
                return False
            s = t >> 32
            name = src[s : s + ((t >> 8) & 0xFFFFFF)]
            if name in seen:
                return True
            seen.add(name)
            # Skip the value (and an operator or tag before it) without a call.
            i += 1
            t = tokens[i]
            k = t & 15
            if k == OP:
                i += 1
                t = tokens[i]
                k = t & 15
            if k == HEADER:
                i += 1
                t = tokens[i]
                k = t & 15
            i = (t >> 32) + 1 if k == OPEN else i + 1
        return False

    def member(self, f: _Frame, t: int) -> None:
        """Write ``"key":`` (or ``["key",`` in kvp mode) as the next member of an object."""
        out = self.out
        if f.count:
            out.append(b",")
        f.count += 1
        if self.mode == _M_KVP:
            out.append(b"[")
            self.text(t)
            out.append(b",")
        else:
            self.text(t)
            out.append(b":")

    def step_seq(self, f: _Frame) -> None:
        """Write the container's entries until one needs a frame of its own (or the end)."""
        tokens = self.tokens
        tape = self.tape
        out = self.out
        kvp = self.mode == _M_KVP
        i: i64 = f.i
        end: i64 = f.end
        t: i64 = 0
        k: i64 = 0
        v: i64 = 0
        tv: i64 = 0
        kv: i64 = 0
        while i < end:
            if len(out) >= _CHUNK:
                self.flush()
            t = tokens[i]
            k = t & 15
            if k == KEY:
                v = i + 1
                tv = tokens[v]
                kv = tv & 15
                simple = kv == SCALAR or kv == QUOTED
                if simple and f.obj and not f.remainder and not kvp and self.pair(f, t, tv):
                    i = v + 1
                    continue
                if f.obj and not f.remainder:
                    self.member(f, t)
                    if simple:
                        self.scalar(tv)
                        if kvp:
                            out.append(b"]")
                        i = v + 1
                        continue
                    f.i = tape.after(v)
                    if kvp:
                        self.closer(b"]")
                    self.value(v)
                    return
                # A pair among values: a one-key object.
                self.item_comma(f)
                out.append(b"{")
                self.text(t)
                out.append(b":")
                if simple:
                    self.scalar(tv)
                    out.append(b"}")
                    i = v + 1
                    continue
                f.i = tape.after(v)
                self.closer(b"}")
                self.value(v)
                return
            if f.obj and not f.remainder:
                # The object turns into values: they (and later pairs) go to "remainder".
                f.remainder = True
                if f.count:
                    out.append(b",")
                f.count += 1
                out.append(b"[" if kvp else b'"remainder":[')
            if k == RUN:
                if f.obj:
                    f.rem_count += self.run(t, f.rem_count == 0)
                else:
                    f.count += self.run(t, f.count == 0)
                i += 1
                continue
            self.item_comma(f)
            if k == SCALAR or k == QUOTED:
                self.scalar(t)
                i += 1
                continue
            f.i = tape.after(i)
            self.value(i)
            return
        self.frames.pop()
        if f.remainder:
            out.append(b"]")

    def pair(self, f: _Frame, t: i64, tv: i64) -> bool:
        """``"key":value`` for a plain key and a scalar value in as few pieces as possible
        (the commonest member of all); False when the key needs escaping."""
        src = self.src
        ks = t >> 32
        ke = ks + ((t >> 8) & 0xFFFFFF)
        if (t >> 4) & 15 or not _plain_text(src, ks, ke):
            return False
        out = self.out
        out.append(b',"' if f.count else b'"')
        f.count += 1
        out.append(src[ks:ke])
        vs = tv >> 32
        ve = vs + ((tv >> 8) & 0xFFFFFF)
        cl = classify(src, vs, ve)
        if cl == CL_STRING:
            out.append(b'":"')
            out.append(src[vs:ve])
            out.append(b'"')
        elif (cl == CL_INT or cl == CL_FLOAT) and is_json_number(src, vs, ve):
            out.append(b'":')
            out.append(src[vs:ve])
        elif cl == CL_TRUE:
            out.append(b'":true')
        elif cl == CL_FALSE:
            out.append(b'":false')
        else:
            out.append(b'":')
            self.scalar_at(src, vs, ve, (tv & 15) == QUOTED)
        return True

    def item_comma(self, f: _Frame) -> None:
        """Count one more item of an array (or of an object's remainder), comma first."""
        if f.obj:
            if f.rem_count:
                self.out.append(b",")
            f.rem_count += 1
        else:
            if f.count:
                self.out.append(b",")
            f.count += 1

    def step_groups(self, f: _Frame) -> None:
        out = self.out
        items = f.items
        if f.i >= len(items):
            self.frames.pop()
            if f.rem_at >= 0:  # the values after the pairs: a SEQ frame in remainder mode
                seq = _Frame(_F_SEQ, f.rem_at, f.close, True)
                seq.count = f.count
                self.frames.append(seq)
            return
        key = items[f.i]
        nvals = items[f.i + 1]
        start = f.i + 2
        f.i = start + nvals
        self.member(f, self.tokens[key])
        if self.mode == _M_KVP:  # pragma: no cover - groups exist in group mode only
            self.closer(b"]")
        if nvals == 1:
            self.value(items[start])
            return
        out.append(b"[")
        self.closer(b"]")
        vf = _Frame(_F_VALUES, 0, nvals, False)
        vf.items = items[start : start + nvals]
        self.frames.append(vf)

    def step_values(self, f: _Frame) -> None:
        if f.i >= f.end:
            self.frames.pop()
            return
        if f.i:
            self.out.append(b",")
        idx = f.items[f.i]
        f.i += 1
        self.value(idx)

    def write(self) -> bytes:
        tape = self.tape
        out = self.out
        if self.mode == _M_KVP:
            out.append(b'{"type":"obj","val":[')
            self.closer(b"]}")
        else:
            out.append(b"{")
            self.closer(b"}")
        # The root is an object without OPEN/CLOSE tokens: it spans the whole tape.
        if not (self.mode == _M_GROUP and self.group(-1, len(tape.tokens))):
            self.frames.append(_Frame(_F_SEQ, 0, len(tape.tokens), True))
        frames = self.frames
        while frames:
            f = frames[len(frames) - 1]
            kind = f.kind
            if kind == _F_SEQ:
                self.step_seq(f)
            elif kind == _F_CLOSER:
                frames.pop()
                out.append(f.text)
            elif kind == _F_GROUPS:
                self.step_groups(f)
            else:
                self.step_values(f)
            self.flush()
        self.chunks.append(b"".join(out))
        return b"".join(self.chunks)


def to_json(tape: Tape, utf8: bool, duplicate_keys: str = GROUP) -> bytes:
    """The document as JSON text (UTF-8 bytes)."""
    if duplicate_keys == GROUP:
        mode = _M_GROUP
    elif duplicate_keys == PRESERVE:
        mode = _M_PRESERVE
    elif duplicate_keys == KEY_VALUE_PAIRS:
        mode = _M_KVP
    else:
        raise ValueError(
            f"unknown duplicate-key mode {duplicate_keys!r}; expected one of "
            + ", ".join(DUPLICATE_KEY_MODES)
        )
    return _Writer(tape, utf8, mode).write()


__all__ = ["DUPLICATE_KEY_MODES", "to_json", "unescape"]
