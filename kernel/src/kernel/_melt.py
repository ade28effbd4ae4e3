"""Melting: a binary save written as the text save the game would write.

``melt(data, tokens)`` opens the container, decodes every binary entry onto its tape
(kernel._binary) and writes the text from the tape, iterating (no recursion):

- one ``key=value`` per line, tab indentation, containers as ``key={`` … ``}``, the bare
  values of an array on one line separated by spaces, an empty container as ``{ }``;
- numbers and dates by the game's rules (kernel._binary.RULES) plus the key hints below;
- strings quoted as the game quotes them: a binary quoted string is written quoted, except
  where the game writes it bare (EU4: tags in ``cores``, ``flags``…, see MELT_RULES);
- the ironman flag dropped (``is_ironman``/``ironman``) so the game loads the result as a
  normal save; EU4's ``checksum`` moved to the very end;
- the header: ``EU4txt``/``HOI4txt``, or for CK3/Imperator/Vic3/EU5 the ``SAV…`` line with
  the text format code and the length of the melted metadata.

A zipped EU4 save melts to one text save the way the game writes an uncompressed one: the
``meta`` entry, then ``gamestate``, then ``ai``, one header and one checksum (old saves
whose ``game.eu4`` already holds everything melt from it alone). Text entries and text
saves pass through unchanged. Unknown field ids are written as ``__unknown_0x…`` and
counted (``Melted.unknown``).
"""

from __future__ import annotations

import re
from typing import Final

from kernel._archive import (
    DEFAULT_MAX_DECOMPRESSED,
    Archive,
    Member,
    SavHeader,
    open_archive,
)
from kernel._binary import (
    BIN_BOOL,
    BIN_F32,
    BIN_F64,
    BIN_I32,
    BIN_TOKEN,
    BinaryDocument,
    BinaryRules,
    date_from_binary,
    date_text,
    decode_binary,
    escape_quoted,
    f32_text,
    f64_text,
    fixed_text,
    raw_int,
)
from kernel._errors import KernelError
from kernel._tape import (
    BINARY,
    CLOSE,
    HEADER,
    KEY,
    KEY_ID,
    OP,
    OP_TEXT,
    OPEN,
    QUOTED,
    RUN,
    SCALAR,
    Tape,
)
from kernel._text import header_end
from kernel._tokens import TokenTable, expected_token_file, unknown_name

# Quote modes (the reference melter's, eu4save src/melt.rs), one active at a time.
Q_NONE: Final = 0  # binary quoted strings quoted, keys bare
Q_UNQUOTE_ALL: Final = 1  # everything inside the value bare
Q_UNQUOTE_SCALAR: Final = 2  # the value itself bare (if a string), nested strings quoted
Q_QUOTE_SCALAR: Final = 3  # the value itself quoted, nested strings bare
Q_FORCE_QUOTE: Final = 4  # strings quoted, keys included

_EU4_UNQUOTE_ALL: Final = (
    "friend", "production_leader_tag", "dynamic_countries", "electors", "cores",
    "named_unrest", "claims", "country_of_origin", "granted_privileges", "attackers",
    "defenders", "persistent_attackers", "persistent_defenders", "mission_slot", "votes",
    "ruler_flags", "neighbours", "home_neighbours", "core_neighbours", "call_to_arms_friends",
    "allies", "extended_allies", "trade_embargoed_by", "trade_embargoes",
    "transfer_trade_power_from", "friend_tags", "hidden_flags", "members", "colony_claim",
    "harsh", "concilatory", "current_at_war_with", "current_war_allies",
    "participating_countries", "subjects", "support_independence", "transfer_trade_power_to",
    "guarantees", "warnings", "flags",
)  # fmt: skip
_CK3_UNQUOTE: Final = (
    "save_game_version", "portraits_version", "meta_date", "color1", "color2", "color3",
    "color4", "color5", "traits_lookup", "features", "modifiers", "traditions", "name_list",
    "localization_key", "settings", "setting", "perks", "ethnicities", "languages",
)  # fmt: skip
_VIC3_RAW_F64: Final = (
    "workforce", "dependents", "num_literate", "population_total", "population_incorporated",
    "current_manpower", "political_strength", "radicals_political_strength",
    "loyalists_political_strength", "population_total_coastal",
    "population_incorporated_coastal", "votes",
)  # fmt: skip
_CK3_Q15_F64: Final = (
    "vassal_power_value", "budget_war_chest", "budget_short_term", "budget_long_term",
    "budget_reserved", "damage_last_tick",
)  # fmt: skip


class MeltRules:
    """What a game's melter does beyond number formats: header, dropped keys, quoting."""

    def __init__(
        self,
        *,
        header: bytes = b"",
        drop_keys: tuple[str, ...] = (),
        end_keys: tuple[str, ...] = (),
        quote_rules: tuple[tuple[str, int, int], ...] = (),
        long_f32_sections: tuple[str, ...] = (),
        int_containers: tuple[str, ...] = (),
        raw_f64_keys: tuple[str, ...] = (),
        raw_f64_containers: tuple[str, ...] = (),
        q15_f64_keys: tuple[str, ...] = (),
        trailing_newline: bool = True,
    ) -> None:
        self.header = header  # first line of the text save ("" for SAV games: rebuilt)
        self.drop_keys = frozenset(drop_keys)  # pairs left out (unless verbatim)
        self.end_keys = frozenset(end_keys)  # pairs moved to the end (EU4 checksum)
        # (key, depth or -1 for any, Q_*): the quote mode a key sets for its value; later
        # rules win over earlier ones.
        rules: dict[str, list[tuple[int, int]]] = {}
        for key, depth, mode in quote_rules:
            rules.setdefault(key, []).append((depth, mode))
        self.quote_rules = rules
        self.long_f32_sections = frozenset(long_f32_sections)  # top-level: f32 with 6 places
        self.int_containers = frozenset(int_containers)  # an i32 right inside is a number
        self.raw_f64_keys = frozenset(raw_f64_keys)  # f64 written as its raw integer
        self.raw_f64_containers = frozenset(raw_f64_containers)  # … anywhere inside
        self.q15_f64_keys = frozenset(q15_f64_keys)  # f64 re-read as Q49.15 (CK3 < 1.5)
        self.trailing_newline = trailing_newline


def _quote(keys: tuple[str, ...], depth: int, mode: int) -> tuple[tuple[str, int, int], ...]:
    return tuple((key, depth, mode) for key in keys)


# Sources: eu4save/hoi4save/ck3save/imperator-save melt.rs, pdx-tools vic3save/eu5save
# melt.rs (read, not copied).
MELT_RULES: Final = {
    "eu4": MeltRules(
        header=b"EU4txt\n",
        drop_keys=("is_ironman",),
        end_keys=("checksum",),
        quote_rules=_quote(_EU4_UNQUOTE_ALL, -1, Q_UNQUOTE_ALL)
        + _quote(("discovered_by", "tribal_owner", "active_disaster"), 2, Q_UNQUOTE_ALL)
        + _quote(
            ("culture_group", "saved_names", "tech_level_dates", "incident_variables"),
            -1,
            Q_FORCE_QUOTE,
        )
        + (("subjects", -1, Q_QUOTE_SCALAR), ("leader", 4, Q_UNQUOTE_SCALAR)),
        long_f32_sections=("ai",),
        trailing_newline=False,
    ),
    "hoi4": MeltRules(header=b"HOI4txt\n", drop_keys=("is_ironman",), trailing_newline=False),
    "ck3": MeltRules(
        drop_keys=("ironman", "ironman_manager"),
        quote_rules=_quote(_CK3_UNQUOTE, -1, Q_UNQUOTE_ALL),
        int_containers=("ai_strategies",),
        q15_f64_keys=_CK3_Q15_F64,
    ),
    "imperator": MeltRules(drop_keys=("is_ironman",)),
    "vic3": MeltRules(
        drop_keys=("is_ironman",),
        raw_f64_keys=_VIC3_RAW_F64,
        raw_f64_containers=("pop_statistics",),
    ),
    "eu5": MeltRules(
        drop_keys=("ironman",),
        quote_rules=_quote(("locations",), -1, Q_UNQUOTE_ALL),
        raw_f64_keys=("resistance", "percent", "utility"),
    ),
    "unknown": MeltRules(),
}


class Melted:
    """The text of a melted save and the field ids the token table did not name."""

    def __init__(self, data: bytes, unknown: list[int], game: str) -> None:
        self.data = data
        self.unknown = unknown  # distinct ids, sorted
        self.game = game

    @property
    def unknown_count(self) -> int:
        return len(self.unknown)


# Per-key flags, cached per field id by the writer.
_K_NUMBER: Final = 1  # an i32 value is a number, never a date
_K_DATE: Final = 2  # an i32 value is a date
_K_RAW_F64: Final = 4  # an f64 value is written as its raw integer
_K_Q15: Final = 8  # an f64 value is Q49.15 (CK3 < 1.5)
_K_DROP: Final = 16  # the pair is left out
_K_END: Final = 32  # the pair is moved to the end
_K_QUOTE: Final = 64  # the key sets a quote mode
_K_LONG: Final = 128  # at the top level: f32 with 6 places from here on
_K_INTS: Final = 256  # i32 values right inside its container are numbers
_K_RAW_INSIDE: Final = 512  # f64 values anywhere inside are raw integers


class _Writer:
    """The text writer: one instance per melted save (several tapes for a zip)."""

    def __init__(
        self, rules: MeltRules, brules: BinaryRules, tokens: TokenTable, verbatim: bool
    ) -> None:
        self.rules = rules
        self.brules = brules
        self.names = tokens.names
        self.verbatim = verbatim
        # One growing buffer, not a list of millions of small bytes objects and a join:
        # some 6% faster pure, in CPython and under Pyodide alike.
        self.out = bytearray()
        self.first = True  # nothing written yet: the first entry needs no line break
        self.unknown: set[int] = set()
        self.end_pairs: list[tuple[bytes, bytes]] = []
        self.long_f32 = False
        self.known_number = False  # hints of the last key, for its (first) i32 value
        self.known_date = False
        self.tabs: list[bytes] = [b"\n"]
        self.key_eq: list[bytes] = [b""] * 65536  # per field id: b"name=" (b"": not yet)
        self.key_flags: list[int] = [0] * 65536

    def size(self) -> int:
        return len(self.out)

    def indent(self, depth: int) -> bytes:
        """A line break and ``depth`` tabs (nothing before the very first entry)."""
        if self.first:
            self.first = False
            return b""
        tabs = self.tabs
        while len(tabs) <= depth:
            tabs.append(b"\n" + b"\t" * len(tabs))
        return tabs[depth]

    def _key(self, token_id: int) -> bytes:
        """``name=`` for a field id, its flags cached in ``key_flags``."""
        cached = self.key_eq[token_id]
        if cached:
            return cached
        name = self.names[token_id]
        if not name:
            self.unknown.add(token_id)
            name = unknown_name(token_id)
        rules = self.rules
        brules = self.brules
        flags = 0
        if brules.is_number_key(name):
            flags |= _K_NUMBER
        if name in brules.date_keys:
            flags |= _K_DATE
        if name in rules.raw_f64_keys:
            flags |= _K_RAW_F64
        if name in rules.q15_f64_keys:
            flags |= _K_Q15
        if name in rules.drop_keys and not self.verbatim:
            flags |= _K_DROP
        if name in rules.end_keys:
            flags |= _K_END
        if name in rules.quote_rules:
            flags |= _K_QUOTE
        if name in rules.long_f32_sections:
            flags |= _K_LONG
        if name in rules.int_containers:
            flags |= _K_INTS
        if name in rules.raw_f64_containers:
            flags |= _K_RAW_INSIDE
        key = name.encode("utf-8") + b"="
        self.key_eq[token_id] = key
        self.key_flags[token_id] = flags
        return key

    def name(self, token_id: int) -> bytes:
        return self._key(token_id)[:-1]

    def tape(self, tape: Tape, mark_offset: int = -1) -> int:
        """Write the entries of ``tape``. Returns the output size when the first top-level
        entry starting at or past source offset ``mark_offset`` began (-1 if none did)."""
        tokens = tape.tokens
        src = tape.src
        n = len(tokens)
        out = self.out
        append = out.extend
        quote_rules = self.rules.quote_rules
        key_flags = self.key_flags
        # Per open container: its CLOSE index, entries written, whether i32 values right
        # inside are numbers, whether f64 values inside are raw integers.
        close_at: list[int] = []
        counts: list[int] = []
        int_ctx: list[bool] = []
        raw_ctx: list[bool] = []
        count = 0  # entries written in the current container
        line = False  # a line of bare values is open
        ints = False
        raw_f64 = False
        q_mode = Q_NONE
        q_idx = -1  # the token the quote mode was set for (the key's value)
        raw_value = False
        q15_value = False
        marked = -1
        i = 0
        while i < n:
            t = tokens[i]
            k = t & 15
            depth = len(close_at)
            if k == CLOSE:
                if (t >> 32) == q_idx:
                    q_mode = Q_NONE
                    q_idx = -1
                close_at.pop()
                if count == 0:
                    append(b" }")
                else:
                    append(self.indent(depth - 1) + b"}")
                count = counts.pop() + 1
                line = False
                ints = int_ctx.pop()
                raw_f64 = raw_ctx.pop()
                i += 1
                continue
            if depth == 0 and 0 <= mark_offset <= _entry_offset(tape, i) and marked < 0:
                marked = self.size()
            if k == KEY or k == KEY_ID:
                v = i + 1
                tv = tokens[v]
                op = b""
                if (tv & 15) == OP:
                    op = OP_TEXT[(tv >> 4) & 15].encode()
                    v += 1
                    tv = tokens[v]
                flags = 0
                if k == KEY_ID and ((t >> 4) & 15) == BIN_TOKEN:
                    s = t >> 32
                    token_id = src[s] | (src[s + 1] << 8)
                    key = self._key(token_id)
                    flags = key_flags[token_id]
                    if flags & (_K_DROP | _K_END):
                        if flags & _K_END:
                            self.end_pairs.append((key, self._end_value(src, tv)))
                        i = tape.after(v)
                        continue
                    self.known_number = (flags & _K_NUMBER) != 0
                    self.known_date = (flags & _K_DATE) != 0
                    raw_value = (flags & _K_RAW_F64) != 0
                    q15_value = (flags & _K_Q15) != 0
                    if flags & _K_QUOTE:
                        for rule_depth, mode in quote_rules[key[:-1].decode("utf-8")]:
                            if rule_depth < 0 or rule_depth == depth:
                                q_mode = mode
                                q_idx = v
                    if depth == 0 and flags & _K_LONG:
                        self.long_f32 = True
                elif k == KEY:
                    s = t >> 32
                    key = src[s : s + ((t >> 8) & 0xFFFFFF)]
                    if (t >> 4) & 15 and q_mode == Q_FORCE_QUOTE:
                        key = b'"' + escape_quoted(key) + b'"'
                    key += b"="
                else:
                    key = self._typed(src, t, ints, False, False) + b"="
                if op:
                    key = key[:-1] + op
                append(self.indent(depth) + key)
                line = False
                count += 1
                kv = tv & 15
                if kv == HEADER:
                    append(self._header(src, tv) + b" ")
                    if q_idx == v:
                        q_idx = v + 1  # the mode ends with the tagged container
                    v += 1
                    tv = tokens[v]
                    kv = OPEN
                if kv == OPEN:
                    append(b"{")
                    close_at.append(tv >> 32)
                    counts.append(count)
                    int_ctx.append(ints)
                    raw_ctx.append(raw_f64)
                    ints = (flags & _K_INTS) != 0
                    raw_f64 = raw_f64 or (flags & _K_RAW_INSIDE) != 0
                    count = 0
                    i = v + 1
                    continue
                if kv == QUOTED and q_mode == Q_NONE:
                    s = tv >> 32
                    append(b'"' + escape_quoted(src[s : s + ((tv >> 8) & 0xFFFFFF)]) + b'"')
                else:
                    append(
                        self._value(
                            src, tv, v, q_mode, q_idx, ints, raw_value or raw_f64, q15_value
                        )
                    )
                if v == q_idx:
                    q_mode = Q_NONE
                    q_idx = -1
                i = v + 1
                continue
            # A bare value: a container, a tagged container, or a scalar.
            if k == OPEN or k == HEADER:
                v = i
                if k == HEADER:
                    append(self.indent(depth) + self._header(src, t) + b" {")
                    v += 1
                else:
                    append(self.indent(depth) + b"{")
                line = False
                count += 1
                close_at.append(tokens[v] >> 32)
                counts.append(count)
                int_ctx.append(ints)
                raw_ctx.append(raw_f64)
                count = 0
                ints = False
                i = v + 1
                continue
            if k == RUN:
                s = t >> 32
                for element in src[s : s + ((t >> 8) & 0xFFFFFF)].split():
                    append((b" " if line else self.indent(depth)) + element)
                    line = True
                    count += 1
                i += 1
                continue
            text = self._value(src, t, i, q_mode, q_idx, ints, raw_f64, False)
            append((b" " if line else self.indent(depth)) + text)
            line = True
            count += 1
            if i == q_idx:
                q_mode = Q_NONE
                q_idx = -1
            i += 1
        return marked

    def _header(self, src: bytes, t: int) -> bytes:
        """The tag of a tagged container: ``rgb`` (its bytes appended to the source by the
        decoder), or a field id (``color = hsv { … }``: 2 bytes, the builder keeps no
        type for it), or a quoted string."""
        s = t >> 32
        length = (t >> 8) & 0xFFFFFF
        if length == 2:
            return self.name(src[s] | (src[s + 1] << 8))
        raw = src[s : s + length]
        if (t >> 4) & 15:
            return b'"' + escape_quoted(raw) + b'"'
        return raw

    def _end_value(self, src: bytes, t: int) -> bytes:
        k = t & 15
        s = t >> 32
        if k == QUOTED:
            return b'"' + escape_quoted(src[s : s + ((t >> 8) & 0xFFFFFF)]) + b'"'
        if k == SCALAR:
            return src[s : s + ((t >> 8) & 0xFFFFFF)]
        if k == BINARY:
            return self._typed(src, t, False, False, False)
        return b"{ }"

    def _value(
        self,
        src: bytes,
        t: int,
        idx: int,
        q_mode: int,
        q_idx: int,
        ints: bool,
        raw_f64: bool,
        q15: bool,
    ) -> bytes:
        """A scalar value's text, quoted as the active quote mode says."""
        k = t & 15
        s = t >> 32
        if k == QUOTED:
            raw = src[s : s + ((t >> 8) & 0xFFFFFF)]
            quoted = True
            if q_mode == Q_UNQUOTE_ALL:
                quoted = False
            elif q_mode == Q_UNQUOTE_SCALAR:
                quoted = idx != q_idx
            elif q_mode == Q_QUOTE_SCALAR:
                quoted = idx == q_idx
            if quoted:
                return b'"' + escape_quoted(raw) + b'"'
            return raw
        if k == SCALAR:
            return src[s : s + ((t >> 8) & 0xFFFFFF)]
        return self._typed(src, t, ints, raw_f64, q15)

    def _typed(self, src: bytes, t: int, ints: bool, raw_f64: bool, q15: bool) -> bytes:
        """A typed binary value's text; an i32 uses (and clears) the last key's hints."""
        s = t >> 32
        aux = (t >> 4) & 15
        if aux == BIN_I32:
            value = raw_int(src, t)
            if self.known_number or ints:
                self.known_number = False
                return str(value).encode()
            strict = self.known_date
            self.known_date = False
            date = date_from_binary(value, self.brules.dates, strict)
            return date_text(date) if date is not None else str(value).encode()
        if aux == BIN_F32:
            return f32_text(src, s, self.brules, 6 if self.long_f32 else -2)
        if aux == BIN_F64:
            if raw_f64:
                return str(raw_int(src, t)).encode()
            if q15:
                return _ck3_q15(raw_int(src, t))
            return f64_text(src, s, self.brules)
        if aux == BIN_TOKEN:
            return self.name(src[s] | (src[s + 1] << 8))
        if aux == BIN_BOOL:
            return b"yes" if src[s] else b"no"
        return str(raw_int(src, t)).encode()

    def finish(self) -> None:
        for key, value in self.end_pairs[-1:]:
            self.out.extend(self.indent(0) + key + value)
        self.end_pairs = []
        if self.rules.trailing_newline and not self.first:
            self.out.extend(b"\n")

    def result(self) -> bytes:
        return bytes(self.out)


def _entry_offset(tape: Tape, i: int) -> int:
    """Source offset of the entry starting at token ``i`` (containers: of what's inside)."""
    tokens = tape.tokens
    n = len(tokens)
    while i < n:
        t = tokens[i]
        k = t & 15
        if k != OPEN and k != CLOSE:
            return t >> 32
        i += 1
    return len(tape.src)


def _ck3_q15(raw: int) -> bytes:
    """CK3 before 1.5: an f64 of a few keys is Q49.15 (i64 / 32768), truncated to 5 places."""
    q = abs(raw) * 3125 // 1024  # raw * 100000 / 32768
    value = -q if raw < 0 else q
    if value % 100000:
        return fixed_text(value, 5, 5)
    return fixed_text(value, 5, -1)


def melt_documents(
    docs: list[BinaryDocument],
    tokens: TokenTable,
    *,
    verbatim: bool = False,
    mark_offset: int = -1,
) -> tuple[bytes, list[int], list[int]]:
    """Write decoded binary documents as one text body (no header line).

    Returns the text; the output sizes ``[at_mark, after_doc_0, after_doc_1, …]`` where
    ``at_mark`` is where the first document's top-level entries reach source offset
    ``mark_offset`` (-1 if they never do); and the unknown field ids met.
    """
    if not docs:
        return b"", [-1], []
    game = docs[0].rules.game
    writer = _Writer(MELT_RULES.get(game, MELT_RULES["unknown"]), docs[0].rules, tokens, verbatim)
    sizes = [-1]
    for n, doc in enumerate(docs):
        writer.brules = doc.rules
        at = writer.tape(doc.tape, mark_offset if n == 0 else -1)
        if n == 0:
            sizes[0] = at
        sizes.append(writer.size())
    writer.finish()
    return writer.result(), sizes, sorted(writer.unknown)


def melt_archive(
    container: Archive,
    tokens: TokenTable | None,
    *,
    verbatim: bool = False,
) -> Melted:
    """Melt an opened save (see ``melt``)."""
    game = container.game
    if not any(item.encoding == "binary" for item in container.entries):
        return Melted(_text_save(container), [], game)
    if tokens is None:
        raise KernelError(
            f"this {game} save is binary: melting needs a token table "
            f"(pass --tokens PATH or provide {expected_token_file(game)})"
        )
    if container.sav_header is not None:
        return _melt_sav(container, container.sav_header, tokens, verbatim)
    docs: list[BinaryDocument] = []
    texts: list[bytes] = []
    for item in save_entries(container):
        if item.encoding == "binary":
            docs.append(decode_binary(item.data, game, tokens))
        else:
            texts.append(_body(item.data))
    body, _sizes, unknown = melt_documents(docs, tokens, verbatim=verbatim)
    data = MELT_RULES.get(game, MELT_RULES["unknown"]).header + body
    for text in texts:  # text entries of a mixed archive, after the melted ones
        data += b"\n" + text
    return Melted(data, unknown, game)


def save_entries(container: Archive) -> list[Member]:
    """The entries a one-file save is made of, in the game's order: EU4 ``meta``,
    ``gamestate``, ``ai`` (an old ``game.eu4`` holds everything by itself)."""
    old = container.entry("game.eu4")
    if old is not None:
        return [old]
    ordered: list[Member] = []
    for name in ("meta", "gamestate", "ai"):
        found = container.entry(name)
        if found is not None:
            ordered.append(found)
    return ordered if ordered else list(container.entries)


def _body(data: bytes) -> bytes:
    """A text entry without its header line (EU4txt, …) and BOM."""
    return data[header_end(data) :]


_CHECKSUM_RE: Final = re.compile(rb'\s*checksum\s*=\s*"[^"]*"\s*\Z')


def _text_save(container: Archive) -> bytes:
    """A text save as one document: a plain file as it is; an EU4 archive's entries joined
    (their checksums but the last dropped); other archives' gamestate (Stellaris repeats
    the meta at its top); a SAV save with its header line set to uncompressed text."""
    if container.kind == "text":
        return container.entries[0].data
    sav = container.sav_header
    if sav is not None:
        parts = _sav_parts(container)
        meta_len = len(parts[0]) if len(parts) > 1 else sav.metadata_length
        return _sav_line(sav, 0, meta_len) + b"".join(parts)
    if container.game != "eu4":
        return container.gamestate().data
    entries = save_entries(container)
    first = entries[0].data
    header = first[: header_end(first)] or b"EU4txt\n"
    bodies: list[bytes] = []
    for n, item in enumerate(entries):
        text = _body(item.data)
        if n < len(entries) - 1:
            text = _CHECKSUM_RE.sub(b"", text).rstrip(b"\r\n")
        bodies.append(text)
    return header + b"\n".join(bodies)


def _sav_parts(container: Archive) -> list[bytes]:
    """A SAV save's text: [metadata, rest] (or [everything] when the gamestate holds the
    metadata already)."""
    meta = container.entry("meta")
    state = container.entry("gamestate")
    body = state.data if state is not None else b""
    if meta is None or body.startswith(meta.data):
        return [body]
    return [meta.data, body]


def _sav_line(sav: SavHeader, format_code: int, metadata_length: int) -> bytes:
    """The SAV header line with a new format code and metadata length."""
    line = (
        "SAV"
        + sav.version
        + format(format_code, "02x")
        + sav.checksum
        + format(metadata_length, "08x")
        + sav.extra
        + "\n"
    )
    return line.encode("ascii")


def _melt_sav(container: Archive, sav: SavHeader, tokens: TokenTable, verbatim: bool) -> Melted:
    """CK3/Imperator/Vic3/EU5: the SAV line (text format 00, the length of the melted
    metadata) + the text. The metadata is the head of the body (``sav-binary``) or the
    ``meta`` entry before the zipped gamestate (unless the gamestate repeats it)."""
    game = container.game
    meta = container.entry("meta")
    state = container.entry("gamestate")
    docs: list[BinaryDocument] = []
    tail = b""
    mark = -1
    separate_meta = False
    if container.kind == "sav-binary" and state is not None:
        docs.append(decode_binary(state.data, game, tokens, start=0))
        mark = sav.metadata_length
    else:
        if meta is not None and meta.encoding == "binary":
            if state is not None and state.data.startswith(meta.data):
                mark = len(meta.data)
            else:
                docs.append(decode_binary(meta.data, game, tokens, start=0))
                separate_meta = True
        if state is not None:
            if state.encoding == "binary":
                docs.append(decode_binary(state.data, game, tokens, start=0))
            else:
                tail = _body(state.data)
    body, sizes, unknown = melt_documents(docs, tokens, verbatim=verbatim, mark_offset=mark)
    end = sizes[1] if separate_meta else sizes[0]
    # The metadata runs up to and including the line break after its last entry.
    metadata_length = len(body) if end < 0 or end >= len(body) else end + 1
    if tail:
        body = body.rstrip(b"\n") + b"\n" + tail
    return Melted(_sav_line(sav, 0, metadata_length) + body, unknown, game)


def melt_report(
    data: bytes,
    tokens: TokenTable | None,
    *,
    verbatim: bool = False,
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED,
) -> Melted:
    """``melt`` with the unknown field ids it met."""
    container = open_archive(data, max_decompressed=max_decompressed)
    if container.kind in ("text", "sav-text"):
        return Melted(data, [], container.game)  # a text save is its own melt
    return melt_archive(container, tokens, verbatim=verbatim)


def melt(
    data: bytes,
    tokens: TokenTable | None,
    *,
    verbatim: bool = False,
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED,
) -> bytes:
    """The text save the game would write for the save in ``data`` (any container).

    Binary entries need ``tokens`` (KernelError naming the expected token file otherwise);
    text saves come back as they are (zip entries joined into one save). ``verbatim``
    keeps the ironman flag.
    """
    return melt_report(data, tokens, verbatim=verbatim, max_decompressed=max_decompressed).data


__all__ = [
    "MELT_RULES",
    "MeltRules",
    "Melted",
    "melt",
    "melt_archive",
    "melt_documents",
    "melt_report",
    "save_entries",
]
