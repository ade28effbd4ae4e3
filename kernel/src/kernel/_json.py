"""JSON straight from the tape, in the reference parser's three duplicate-key modes.

``group`` gathers repeated keys of an object into one array at the first key's place;
``preserve`` writes pairs as they come (JSON objects with repeated keys);
``key-value-pairs`` writes objects as ``{"type":"obj","val":[[key, value], …]}`` and arrays
as ``{"type":"array","val":[…]}``. In every mode an object that turns into values keeps
its pairs and collects the rest under ``"remainder"``, and a pair inside an array becomes
a one-key object: the reference's shapes. Iterative: an explicit stack of frames.
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

from kernel._encoding import decode
from kernel._scalars import (
    CL_ESCAPE,
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
    KEY_QUOTED,
    MODE_OBJECT,
    OP,
    OP_NAMES,
    OPEN,
    QUOTED,
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


class _Frame:
    def __init__(self, kind: int, i: int, end: int, obj: bool) -> None:
        self.kind = kind
        self.i = i  # next token (SEQ) or next item (GROUPS/VALUES)
        self.end = end  # CLOSE token index (SEQ) or item count
        self.obj = obj  # SEQ: the container is an object (pairs written as members)
        self.count = 0  # entries written (for commas)
        self.remainder = False  # SEQ object: the "remainder" array is open
        self.rem_count = 0
        self.text = b""  # CLOSER text
        self.items: list[int] = []  # GROUPS: key index, value count, values…; VALUES: values
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
        self.kinds = tape.kinds
        self.a = tape.a
        self.b = tape.b
        self.utf8 = utf8
        self.mode = mode
        self.out: list[bytes] = []
        self.frames: list[_Frame] = []

    # -- scalars -----------------------------------------------------------------------

    def scalar(self, idx: int) -> None:
        src = self.src
        s = self.a[idx]
        e = self.b[idx]
        out = self.out
        cl = classify(src, s, e)
        if cl == CL_STRING:
            out.append(b'"' + src[s:e] + b'"')
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
            self.text(idx)

    def text(self, idx: int) -> None:
        """A scalar as a JSON string, whatever it looks like (keys)."""
        src = self.src
        s = self.a[idx]
        e = self.b[idx]
        kind = self.kinds[idx]
        if kind != QUOTED and kind != KEY_QUOTED and classify(src, s, e) != CL_ESCAPE:
            self.out.append(b'"' + src[s:e] + b'"')
            return
        raw = src[s:e]
        if kind == QUOTED or kind == KEY_QUOTED:
            raw = unescape(raw)
        self.out.append(msgspec.json.encode(decode(raw, self.utf8)))

    # -- structure ---------------------------------------------------------------------

    def after(self, idx: int) -> int:
        """Index of the token after the value starting at ``idx``."""
        k = self.kinds[idx]
        if k == OP:
            return self.after(idx + 1)
        if k == OPEN:
            return self.a[idx] + 1
        if k == HEADER:
            return self.a[idx + 1] + 1
        return idx + 1

    def closer(self, text: bytes) -> None:
        f = _Frame(_F_CLOSER, 0, 0, False)
        f.text = text
        self.frames.append(f)

    def value(self, idx: int) -> None:
        """Write the value at ``idx``: scalars now, containers by pushing a frame."""
        kinds = self.kinds
        k = kinds[idx]
        if k == OP:
            self.out.append(b'{"' + OP_NAMES[self.a[idx]].encode() + b'":')
            self.closer(b"}")
            idx += 1
            k = kinds[idx]
        if k == HEADER:
            self.out.append(b"{")
            self.text(idx)
            self.out.append(b":")
            self.closer(b"}")
            idx += 1
            k = kinds[idx]
        if k != OPEN:
            self.scalar(idx)
            return
        close = self.a[idx]
        cmode = self.b[idx]
        obj = cmode == MODE_OBJECT
        if self.mode == _M_KVP:
            self.out.append(b'{"type":"obj","val":[' if obj else b'{"type":"array","val":[')
            self.closer(b"]}")
        elif obj:
            self.out.append(b"{")
            self.closer(b"}")
        else:
            self.out.append(b"[")
            self.closer(b"]")
        if obj and self.mode == _M_GROUP and self.group(idx, close):
            return
        self.frames.append(_Frame(_F_SEQ, idx + 1, close, obj))

    def group(self, open_idx: int, close: int) -> bool:
        """Push a GROUPS frame if the object repeats a key; False when it does not."""
        kinds = self.kinds
        src = self.src
        a = self.a
        b = self.b
        seen: dict[bytes, int] = {}
        keys: list[int] = []
        values: list[list[int]] = []
        rem_at = -1
        i = open_idx + 1
        dup = False
        while i < close:
            k = kinds[i]
            if k != KEY and k != KEY_QUOTED:
                rem_at = i
                break
            name = src[a[i] : b[i]]
            slot = seen.get(name, -1)
            if slot < 0:
                seen[name] = len(keys)
                keys.append(i)
                values.append([i + 1])
            else:
                dup = True
                values[slot].append(i + 1)
            i = self.after(i + 1)
        if not dup:
            return False
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

    def pair_member(self, f: _Frame, key: int) -> None:
        """Write ``"key":`` (or ``["key",`` in kvp mode) as the next member of an object."""
        out = self.out
        if f.count:
            out.append(b",")
        f.count += 1
        if self.mode == _M_KVP:
            out.append(b"[")
            self.text(key)
            out.append(b",")
            self.closer(b"]")
        else:
            self.text(key)
            out.append(b":")

    def step_seq(self, f: _Frame) -> None:
        out = self.out
        i = f.i
        if i >= f.end:
            self.frames.pop()
            if f.remainder:
                out.append(b"]")
            return
        k = self.kinds[i]
        nxt = self.after(i + 1) if k == KEY or k == KEY_QUOTED else self.after(i)
        f.i = nxt
        if f.obj and not f.remainder:
            if k == KEY or k == KEY_QUOTED:
                self.pair_member(f, i)
                self.value(i + 1)
                return
            # The object turns into values: they (and later pairs) go to "remainder".
            f.remainder = True
            if f.count:
                out.append(b",")
            f.count += 1
            out.append(b"[" if self.mode == _M_KVP else b'"remainder":[')
        if f.obj:
            if f.rem_count:
                out.append(b",")
            f.rem_count += 1
        else:
            if f.count:
                out.append(b",")
            f.count += 1
        if k == KEY or k == KEY_QUOTED:
            # A pair among values: a one-key object.
            out.append(b"{")
            self.text(i)
            out.append(b":")
            self.closer(b"}")
            self.value(i + 1)
        else:
            self.value(i)

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
        self.pair_member(f, key)
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

    def run(self) -> bytes:
        tape = self.tape
        root = _Frame(_F_SEQ, 0, len(tape.kinds), True)
        if self.mode == _M_KVP:
            self.out.append(b'{"type":"obj","val":[')
            self.closer(b"]}")
        else:
            self.out.append(b"{")
            self.closer(b"}")
        if not (self.mode == _M_GROUP and self._group_root()):
            self.frames.append(root)
        frames = self.frames
        while frames:
            f = frames[len(frames) - 1]
            kind = f.kind
            if kind == _F_SEQ:
                self.step_seq(f)
            elif kind == _F_CLOSER:
                frames.pop()
                self.out.append(f.text)
            elif kind == _F_GROUPS:
                self.step_groups(f)
            else:
                self.step_values(f)
        return b"".join(self.out)

    def _group_root(self) -> bool:
        # The root is an object without OPEN/CLOSE tokens: group it through a virtual span.
        return self.group(-1, len(self.kinds))


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
    return _Writer(tape, utf8, mode).run()


__all__ = ["DUPLICATE_KEY_MODES", "to_json", "unescape"]
