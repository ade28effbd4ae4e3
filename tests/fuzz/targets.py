"""Fuzz targets for the kernel, shared by the atheris driver (tests/fuzz/fuzz.py, run by
scripts/fuzz) and the bounded smoke run in the test-suite (tests/kernel/test_fuzz_smoke.py).

A target takes the fuzzer's bytes and checks the kernel's contract on them:

- the input is accepted, or rejected with ``kernel.KernelError`` whose ``offset`` is -1
  (unknown) or lies in ``0 … len(input)`` (``0 … size of the decompressed entry`` for
  targets that open containers) and whose message is one line (the CLI prints it as
  ``error: <message> at byte N``);
- nothing else is raised (an IndexError, RecursionError, UnicodeError… is a crash), and
  the process does not die (segfault, stack overflow in the compiled build);
- target-specific properties: both text lexers build the same tape (or reject at the same
  byte with the same message), JSON output is valid JSON, every value reads through the
  Document API, the head of a binary stream (``stop_after``) is a prefix of the whole, a
  container never holds more decompressed bytes than its budget, ``info()`` encodes as
  JSON, melted text goes through the text parser as ``python -m kernel json`` does, …

Time per input is bounded by the caller (atheris ``-timeout``, the smoke test's clock).

Targets and their input format (``TARGETS``):

``text``       the bytes are a Clausewitz text document.
``binary``     byte 0 selects the game (bits 0-2, see ``GAMES``), the token table (bit 3:
               the synthetic table, else none) and ``verbatim`` (bit 4); the rest is a
               binary token stream (an ``EU4bin``/``HOI4bin`` header is allowed).
``container``  the bytes are a save file (zip, SAV envelope, plain text/binary).
``info``       the bytes are a save file.
``analyze``    the bytes are an EU4 save file.

Binary field ids are named by ``synthetic_tokens()``: the names in ``token_names.txt``
(keys the kernel treats specially, collected from its sources) at ids ``0x2000 + line``.
Real token tables are not distributable, so the fuzzer gets a fixed made-up one: a crash
found with it replays anywhere.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import msgspec
from support import ROOT
from support.corpus import corpus_files
from support.saves import (
    CLOSE_BLOCK,
    EQ,
    OPEN_BLOCK,
    boolean,
    date,
    f32_raw,
    f64_raw,
    i32,
    i64,
    quoted,
    rgb,
    token,
    u32,
    u64,
    unquoted,
)

import kernel
from kernel import KernelError
from kernel._archive import DEFAULT_MAX_RATIO, KINDS, content_hash, open_archive
from kernel._archive import GAMES as CONTAINER_GAMES
from kernel._binary import decode_binary
from kernel._document import Container, Document, from_binary
from kernel._melt import MELT_RULES, melt_documents
from kernel._tape import CLOSE, HEADER, KEY, KEY_ID, OP, OPEN, QUOTED, RUN, SCALAR
from kernel._tokens import TokenTable

HERE: Final = Path(__file__).resolve().parent
REGRESSIONS: Final = ROOT / "tests" / "kernel" / "data" / "regressions"

# Games a binary input can select (byte 0, bits 0-2).
GAMES: Final = ("eu4", "hoi4", "ck3", "imperator", "vic3", "eu5", "stellaris", "unknown")
SYNTHETIC_BASE: Final = 0x2000
# Sizes the targets give the fuzzer (libFuzzer -max_len); seeds are cut to fit.
MAX_LEN: Final = {"text": 8192, "binary": 8192, "container": 32768, "info": 32768, "analyze": 32768}
# Decompression budgets the container target tries on every input.
BUDGETS: Final = ((64, DEFAULT_MAX_RATIO), (4096, 10), (1 << 20, DEFAULT_MAX_RATIO))
# Budget of info/analyze (the CLI's default is 512 MiB; the fuzzer's memory is smaller).
SAVE_BUDGET: Final = 8 << 20


class PropertyViolation(AssertionError):
    """The kernel broke its contract on an input (a crash for the fuzzer)."""


# --- the synthetic token table ---------------------------------------------------------------


def token_names() -> list[str]:
    return (HERE / "token_names.txt").read_text("utf-8").split()


_TABLE: TokenTable | None = None


def synthetic_tokens() -> TokenTable:
    global _TABLE
    if _TABLE is None:
        mapping = {SYNTHETIC_BASE + i: name for i, name in enumerate(token_names())}
        _TABLE = TokenTable.from_mapping(mapping, "tests/fuzz/token_names.txt")
    return _TABLE


_TOKEN_FILE: str | None = None


def token_file() -> str:
    """The synthetic table as a token file (for code that takes a path: the CLI)."""
    global _TOKEN_FILE
    if _TOKEN_FILE is None:
        import atexit
        import tempfile

        fd, path = tempfile.mkstemp(prefix="chronicle-fuzz-tokens-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for i, name in enumerate(token_names()):
                f.write(f"0x{SYNTHETIC_BASE + i:04x} {name}\n")
        atexit.register(os.unlink, path)
        _TOKEN_FILE = path
    return _TOKEN_FILE


# --- checks -----------------------------------------------------------------------------------


def check_rejection(exc: KernelError, limit: int, what: str) -> None:
    """A KernelError is an acceptable outcome when its offset and message are sane."""
    offset = exc.offset
    if not isinstance(offset, int) or offset < -1 or offset > limit:
        raise PropertyViolation(f"{what}: offset {offset!r} outside 0..{limit}: {exc}")
    text = str(exc)
    if "\n" in text or "\r" in text or not exc.message:
        raise PropertyViolation(f"{what}: error message is not one line: {text!r}")


def check_json(out: bytes, what: str) -> None:
    try:
        json.loads(out)
    except RecursionError:
        return  # the stdlib decoder's own limit (~1000 levels); the kernel allows 1024
    except ValueError as exc:
        raise PropertyViolation(f"{what}: invalid JSON ({exc}): {out[:200]!r}") from None


_READERS: Final = ("raw", "as_str", "as_int", "as_u64", "as_float", "as_bool", "as_date")


def read_everything(doc: Document, limit: int, max_values: int = 2000) -> int:
    """Read every value of ``doc`` through the Document API, every way it can be read.

    Each read returns or raises KernelError (checked); containers are walked with an
    explicit stack. Returns the number of values visited (at most ``max_values`` are read
    with every reader; the rest only walked).
    """
    stack: list[Container] = [doc.root()]
    seen = 0
    while stack:
        box = stack.pop()
        entries = box.entries()
        if len(box) != len(entries):
            raise PropertyViolation("Container.__len__ differs from its entries")
        pairs = box.pairs()
        box.values()
        try:
            box.raw_values()
        except KernelError as exc:
            check_rejection(exc, limit, "Container.raw_values")
        for key, _value in pairs[:8]:
            if not _findable(key, doc):
                continue
            if box.get(key) is None:
                raise PropertyViolation(f"Container.get({key!r}) misses a key of pairs()")
            if not box.get_all(key):
                raise PropertyViolation(f"Container.get_all({key!r}) misses a key of pairs()")
        for entry in entries:
            value = entry.value
            seen += 1
            kind = value.kind
            value.offset  # noqa: B018 - a property read is the test
            value.is_quoted  # noqa: B018
            value.tag()
            repr(value)
            if value.is_container():
                if kind not in ("object", "array", "empty", "tagged"):
                    raise PropertyViolation(f"container of kind {kind!r}")
                stack.append(value.as_container())
                continue
            if seen > max_values:
                continue
            for name in _READERS:
                try:
                    getattr(value, name)()
                except KernelError as exc:
                    check_rejection(exc, limit, f"Value.{name}")
            try:
                value.as_container()
            except KernelError as exc:
                check_rejection(exc, limit, "Value.as_container")
            else:
                raise PropertyViolation("a scalar read as a container")
    return seen


def _findable(key: str, doc: Document) -> bool:
    """Whether ``Container.get`` can find ``key`` by its text. Not: keys whose bytes do not
    decode (U+FFFD, or the 1252 bytes Python's codec lacks), quoted keys with escapes
    (get compares the file's bytes). Binary documents compare names and ids: all are."""
    if doc.rules is not None:
        return True
    if "\ufffd" in key or "\\" in key or '"' in key:
        return False
    try:
        key.encode("utf-8" if doc.utf8 else "cp1252")
    except UnicodeEncodeError:
        return False
    return True


# --- targets ---------------------------------------------------------------------------------


# Keys the text target also skips (parse_text(skip=...)): short and common in the seeds.
SKIP_KEYS: Final = frozenset({"a", "b", "ai", "history", "rgb"})


def _parse(
    data: bytes, lexer: str, skip: frozenset[str] = frozenset()
) -> tuple[str, object, Document | None]:
    try:
        doc = kernel.parse_text(data, lexer=lexer, skip=skip)
    except KernelError as exc:
        check_rejection(exc, len(data), f"parse_text(lexer={lexer!r}, skip={sorted(skip)})")
        return "error", (exc.message, exc.offset), None
    return "ok", doc.tape.tokens, doc


def text_target(data: bytes) -> None:
    """Both lexers, the same tape, with and without skipping (whose errors are the plain
    parse's, see below); JSON in all three modes (and the other encoding)."""
    by_bytes = _parse(data, "bytes")
    by_regex = _parse(data, "regex")
    if by_bytes[:2] != by_regex[:2]:
        raise PropertyViolation(
            f"lexers disagree: bytes {_short(by_bytes[:2])} regex {_short(by_regex[:2])}"
        )
    skipped = [_parse(data, lexer, SKIP_KEYS) for lexer in ("bytes", "regex")]
    if skipped[0][:2] != skipped[1][:2]:
        raise PropertyViolation(
            f"lexers disagree when skipping: bytes {_short(skipped[0][:2])} "
            f"regex {_short(skipped[1][:2])}"
        )
    # Skipping never adds an error. It may hide one inside a skipped block (its content is
    # not read), so the first error it reports is the plain parse's or a later one.
    plain, skip = by_bytes[:2], skipped[0][:2]
    if skip[0] == "error" and (plain[0] != "error" or _error_offset(plain) > _error_offset(skip)):
        raise PropertyViolation(f"skipping added an error: {_short(plain)} -> {_short(skip)}")
    doc = by_bytes[2]
    if doc is None:
        return
    for mode in kernel.DUPLICATE_KEY_MODES:
        try:
            out = doc.to_json(mode)
        except KernelError as exc:  # pragma: no cover - to_json of text never rejects today
            check_rejection(exc, len(data), f"to_json({mode!r})")
            continue
        check_json(out, f"to_json({mode!r})")
    other = Document(doc.tape, not doc.utf8)
    check_json(other.to_json("group"), "to_json with the other encoding")
    read_everything(doc, len(data))


def _error_offset(outcome: tuple[str, object]) -> int:
    detail = outcome[1]
    assert isinstance(detail, tuple)
    offset: int = detail[1]
    return offset


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"


def split_binary_input(data: bytes) -> tuple[str, TokenTable | None, bool, bytes]:
    """(game, tokens, verbatim, payload) of a ``binary`` target input."""
    if not data:
        return "unknown", None, False, b""
    selector = data[0]
    game = GAMES[selector & 7]
    tokens = synthetic_tokens() if selector & 8 else None
    return game, tokens, bool(selector & 16), data[1:]


def binary_input(game: str, tokens: bool, payload: bytes, verbatim: bool = False) -> bytes:
    """The ``binary`` target input that selects ``game`` and the table (inverse of split)."""
    return bytes([GAMES.index(game) | (8 if tokens else 0) | (16 if verbatim else 0)]) + payload


def binary_target(data: bytes) -> None:
    """decode_binary (with and without a table, and stopped half-way), every value through
    the Document API, and with a table the melt, whose text must parse again."""
    game, tokens, verbatim, payload = split_binary_input(data)
    n = len(payload)
    try:
        decoded = decode_binary(payload, game, tokens)
    except KernelError as exc:
        check_rejection(exc, n, "decode_binary")
        decoded = None
    try:
        head = decode_binary(payload, game, tokens, stop_after=n // 2)
    except KernelError as exc:
        check_rejection(exc, n, "decode_binary(stop_after)")
        if decoded is not None:
            raise PropertyViolation(
                f"the head of a stream is rejected, the whole not: {exc}"
            ) from None
    else:
        if decoded is not None and not _is_head(head.tape.tokens, decoded.tape.tokens):
            raise PropertyViolation("the head of a stream decodes unlike the whole stream")
    if decoded is None:
        return
    if decoded.unknown != sorted(set(decoded.unknown)):
        raise PropertyViolation(f"unknown ids not sorted and distinct: {decoded.unknown[:20]}")
    repr(decoded)
    doc = from_binary(decoded)
    read_everything(doc, n + 3)  # + the "rgb" tag appended to the source
    try:
        doc.to_json()
    except KernelError as exc:
        check_rejection(exc, n, "to_json of a binary document")
    else:
        raise PropertyViolation("to_json of a binary document did not refuse")
    if tokens is None:
        return
    try:
        body, _sizes, _unknown = melt_documents([decoded], tokens, verbatim=verbatim)
    except KernelError as exc:
        check_rejection(exc, n, "melt_documents")
        return
    text = MELT_RULES.get(game, MELT_RULES["unknown"]).header + body
    encoding = "utf8" if decoded.rules.utf8 else "windows1252"
    try:
        kernel.json_bytes(text, encoding=encoding)  # what `python -m kernel json` does
    except KernelError as exc:
        # Binary strings are written as they are: an unquoted one holding '=', '"', '{' or
        # whitespace (never in a real save) gives text that does not read back. The CLI
        # reports that cleanly; the offset is one in the melted text.
        check_rejection(exc, len(text), "json of the melted text")


def _is_head(head: list[int], whole: list[int]) -> bool:
    """Whether ``head`` (decoded with ``stop_after``) is a prefix of ``whole``.

    Its last token may differ in kind only: the early stop does not look at the next id,
    so a top-level value that a following ``{`` turns into a key (``x { … }``) or a tag
    (``x = tag { … }``) stays a plain value. Known; harmless for what reads heads (info:
    real saves write ``=`` and rgb has its own id)."""
    n = len(head)
    if n > len(whole) or head[: n - 1] != whole[: n - 1]:
        return False
    if n == 0 or head[n - 1] == whole[n - 1]:
        return True
    return (whole[n - 1] & 15) in (HEADER, KEY_ID) and (head[n - 1] >> 8) == (whole[n - 1] >> 8)


def _decompressed_bound(data: bytes) -> int:
    """The largest offset an error may report for a save file: the input's own length or
    the largest decompressed entry (text and binary errors count inside their entry)."""
    try:
        container = open_archive(data, max_decompressed=SAVE_BUDGET)
    except KernelError:
        return len(data)
    return max([len(data)] + [len(item.data) for item in container.entries])


def container_target(data: bytes) -> None:
    """open_archive under small budgets: entries within the budget, sane kinds."""
    for budget, ratio in BUDGETS:
        try:
            box = open_archive(data, max_decompressed=budget, max_ratio=ratio)
        except KernelError as exc:
            check_rejection(exc, len(data), f"open_archive(max_decompressed={budget})")
            continue
        total = sum(len(item.data) for item in box.entries)
        sav = box.sav_header
        slack = len(sav.metadata) if sav is not None else 0  # meta is also inside gamestate
        if total > budget + slack:
            raise PropertyViolation(f"{total} bytes in entries, budget {budget}")
        if box.kind not in KINDS or box.game not in CONTAINER_GAMES or not box.entries:
            raise PropertyViolation(f"odd container {box!r}")
        for item in box.entries:
            if item.encoding not in ("text", "binary"):
                raise PropertyViolation(f"odd entry {item!r}")
        content_hash(box)
        repr(box)
        try:
            box.gamestate()
        except KernelError as exc:
            check_rejection(exc, len(data), "Archive.gamestate")


def info_target(data: bytes) -> None:
    """open_save(...).info() without and with a token table, and the melt (what
    `python -m kernel info` and `melt` do); info() must be JSON-encodable."""
    limit = _decompressed_bound(data)
    for tokens in (None, synthetic_tokens()):
        try:
            save = kernel.open_save(data, tokens=tokens, max_decompressed=SAVE_BUDGET)
            msgspec.json.encode(save.info())
        except KernelError as exc:
            check_rejection(exc, limit, "open_save().info()")
            continue
        if tokens is None:
            continue
        try:
            save.melt()
        except KernelError as exc:
            check_rejection(exc, limit, "Save.melt()")
    # `python -m kernel json FILE [--entry NAME] --tokens T`: the CLI's own code path (binary
    # entries melted, then parsed: offsets may then point into the melted text).
    from argparse import Namespace

    from kernel import _cli

    for entry in (None, "meta"):
        args = Namespace(entry=entry, duplicate_keys="group", encoding="auto", tokens=token_file())
        try:
            check_json(_cli._json(data, args), "the json command")
        except KernelError as exc:
            check_rejection(exc, 1 << 40, "the json command")


def analyze_target(data: bytes) -> None:
    """kernel.eu4.analyze (with the synthetic table for binary saves), JSON-encodable."""
    from kernel.eu4 import analyze

    limit = _decompressed_bound(data)
    try:
        result = analyze(data, tokens=synthetic_tokens())
    except KernelError as exc:
        check_rejection(exc, limit, "eu4.analyze")
        return
    msgspec.json.encode(result)


TARGETS: Final[dict[str, Callable[[bytes], None]]] = {
    "text": text_target,
    "binary": binary_target,
    "container": container_target,
    "info": info_target,
    "analyze": analyze_target,
}


# --- seeds --------------------------------------------------------------------------------


def _line_cut(data: bytes, size: int) -> bytes:
    """The first ``size`` bytes, ending at a line break when there is one."""
    if len(data) <= size:
        return data
    cut = data.rfind(b"\n", 0, size)
    return data[: cut + 1] if cut > size // 2 else data[:size]


def _slices(data: bytes, size: int, count: int) -> Iterator[bytes]:
    """The head and ``count - 1`` more windows of ``data``, starting at line breaks."""
    yield _line_cut(data, size)
    if len(data) <= size:
        return
    for k in range(1, count):
        at = data.find(b"\n", len(data) * k // count)
        if at < 0:
            break
        yield _line_cut(data[at + 1 :], size)


def _is_text(data: bytes) -> bool:
    sample = data[:4096]
    return not any(b < 9 or 13 < b < 32 for b in sample)


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, blob in members:
            archive.writestr(name, blob)
    return buf.getvalue()


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _corpus_blobs() -> Iterator[tuple[Path, bytes]]:
    """(file, content) of every corpus file, and of every member of the zipped ones."""
    for path in corpus_files():
        if zipfile.is_zipfile(path):
            for _name, blob in _members(path):
                yield path, blob
        else:
            yield path, path.read_bytes()


HAND_TEXT: Final = (
    b"",
    b"a=1",
    b'EU4txt\ndate=1444.11.11\nplayer="ENG"\n',
    b"\xef\xbb\xbfa=b",
    b'a={b="1"c=d}foo=bar#x\n',
    b"history={{} {} 1629.11.10={a=1}}",
    b"color=rgb { 1 2 3 } c2 = hsv { 0.1 0.2 0.3 } h = hex { aabbccdd }",
    b"areas={ color={1 2 3} 169 170 } x={ 10 0=2 1=2 }",
    b"a<=1 b>=2 c!=3 d==4 e?=5 f<6 g>7",
    b"[[name] a=1 ] [[!name] b=2 ] @[1-x]",
    b'q="a\\"b" r="\\\\" s="" t="multi\nline#x=y"',
    b"n=18446744073709547616 m=-1 p=+5 f=1.000 d=1444.11.11.12",
    b"a=1;b=2; c={ 1; 2 }",
    b"}}}a=1",
    b"a={{{",
    b'a="unterminated',
    b"a=\xe9t\xe9 b=\x80\x9f c=\xff\xfe",
    b"a=" + b"{" * 50 + b"}" * 50,
    b"HOI4txt\r\nx=1936.1.1.12",
    b"SAV0100a1b2c3d400000000\nmeta_data={ meta_date=1066.9.15 }",
    b"a = 1 2 3 b = 4",
    b"x = y {}",
    b'event_target:x = { @var = 1 "k"={ } }',
)


def text_seeds() -> list[bytes]:
    seeds = list(HAND_TEXT)
    data_dir = ROOT / "tests" / "kernel" / "data" / "text"
    seeds.extend(p.read_bytes()[: MAX_LEN["text"]] for p in sorted(data_dir.glob("*.txt")))
    for _path, blob in _corpus_blobs():
        if _is_text(blob):
            seeds.extend(_slices(blob, 2048, 3))
    return _unique(seeds)


def encode_binary(doc: Document, names: dict[str, int], eu4: bool = True) -> bytes:
    """A text document as a binary token stream with the ids of ``names`` (the synthetic
    table): a seed maker, not a faithful encoder (floats go through EU4's fixed point)."""
    tape = doc.tape
    src = tape.src
    out = bytearray()

    def string(raw: bytes, is_quoted: bool) -> None:
        raw = raw[:0xFFFF]
        out.extend(quoted(raw) if is_quoted else unquoted(raw))

    def scalar(raw: bytes, as_key: bool) -> None:
        name = raw.decode("latin-1")
        if name in names:
            out.extend(token(names[name]))
        elif raw in (b"yes", b"no") and not as_key:
            out.extend(boolean(raw == b"yes"))
        elif re.fullmatch(rb"-?[0-9]{1,9}", raw):
            out.extend(i32(int(raw)))
        elif re.fullmatch(rb"-?[0-9]{1,6}\.[0-9]{1,3}", raw) and eu4:
            out.extend(f32_raw(round(float(raw) * 1000)))
        elif m := re.fullmatch(rb"([0-9]{1,4})\.([0-9]{1,2})\.([0-9]{1,2})", raw):
            year, month, day = (int(g) for g in m.groups())
            if 1 <= month <= 12 and 1 <= day <= 28:
                out.extend(date(year, month, day))
            else:
                string(raw, False)
        else:
            string(raw, as_key)

    for t in tape.tokens:
        kind = t & 15
        s, e = t >> 32, (t >> 32) + ((t >> 8) & 0xFFFFFF)
        if kind == OPEN:
            out.extend(OPEN_BLOCK)
        elif kind == CLOSE:
            out.extend(CLOSE_BLOCK)
        elif kind == KEY:
            if (t >> 4) & 15:
                string(src[s:e], True)
            else:
                scalar(src[s:e], True)
            out.extend(EQ)
        elif kind in (SCALAR, HEADER):
            scalar(src[s:e], False)
        elif kind == QUOTED:
            string(src[s:e], True)
        elif kind == RUN:
            for element in src[s:e].split():
                scalar(element, False)
        elif kind == OP:
            pass  # binary has "=" only; the KEY already wrote it
    return bytes(out)


def binary_seeds() -> list[bytes]:
    names = {name: SYNTHETIC_BASE + i for i, name in enumerate(token_names())}
    seeds = [
        binary_input("unknown", False, b""),
        binary_input("eu4", True, b"EU4bin"),
        # 0x2000+k = { rgb { 1 2 3 } i32 f32 f64 u64 i64 u32 bool "q" u }
        binary_input(
            "eu4",
            True,
            b"EU4bin"
            + token(SYNTHETIC_BASE + 5)
            + EQ
            + OPEN_BLOCK
            + rgb(1, 2, 3)
            + i32(56_000_000)
            + f32_raw(-1500)
            + f64_raw(1 << 20)
            + u64(1 << 63)
            + i64(-(1 << 62))
            + u32(7)
            + boolean(True)
            + quoted(b"q")
            + unquoted(b"u")
            + CLOSE_BLOCK,
        ),
        binary_input("hoi4", True, b"HOI4bin" + token(0x2000) + EQ + i32(1 << 30)),
        binary_input(
            "ck3", True, b"\x00\x00\x01\x00\x03\x00\x8f\x05\x01\x00\x0c\x00\x05\x00\x00\x00\x04\x00"
        ),
    ]
    text_docs: list[bytes] = list(HAND_TEXT)
    for path, blob in _corpus_blobs():
        if _is_text(blob):
            text_docs.extend(_slices(blob, 2048, 2))
            continue
        body = blob[6:] if blob.startswith(b"EU4bin") else blob
        head = blob[: len(blob) - len(body)]
        game = "eu4" if head else ("ck3" if "ck3" in path.name else "unknown")
        if blob.startswith(b"SAV0"):
            end = blob.find(b"\n")
            body = blob[end + 1 :]
            head = b""
            game = "imperator" if "imperator" in path.name else "ck3"
        for size in (1024, 6144):
            cut = _binary_cut(body, size)
            for table in (False, True):
                seeds.append(binary_input(game, table, head + cut))
    for text in text_docs:
        try:
            doc = kernel.parse_text(text)
        except KernelError:
            continue
        for game in ("eu4", "ck3"):
            stream = encode_binary(doc, names, eu4=game == "eu4")
            prefix = b"EU4bin" if game == "eu4" else b""
            seeds.append(binary_input(game, True, prefix + stream))
    return _unique([s[: MAX_LEN["binary"]] for s in seeds])


_FIXED: Final = {0x000C: 4, 0x000D: 4, 0x0014: 4, 0x000E: 1, 0x0167: 8, 0x029C: 8, 0x0317: 8}


def _binary_cut(body: bytes, size: int) -> bytes:
    """About ``size`` bytes of a token stream, ending at a top-level entry boundary (the
    framing of kernel._binary, just enough to find one)."""
    i, n, depth = 0, len(body), 0
    while i + 2 <= n:
        if depth == 0 and i >= size and body[i : i + 2] != b"\x01\x00":
            previous_eq = i >= 2 and body[i - 2 : i] == b"\x01\x00"
            if not previous_eq:
                return body[:i]
        tid = body[i] | (body[i + 1] << 8)
        i += 2
        if tid == 0x0003:
            depth += 1
        elif tid == 0x0004:
            depth = max(depth - 1, 0)
        elif tid in _FIXED:
            i += _FIXED[tid]
        elif tid == 0x000F or tid == 0x0017:
            i += 2 + (int.from_bytes(body[i : i + 2], "little") if i + 2 <= n else 0)
        elif tid == 0x0243:
            i += 2 + 3 * 6 + 2  # { u32 u32 u32 } (a fourth value is rare)
    return body


def _cut(blob: bytes, size: int) -> bytes:
    """About ``size`` bytes of a zip member, cut where its text or token stream allows."""
    if _is_text(blob):
        return _line_cut(blob, size)
    for magic in (b"EU4bin", b"HOI4bin"):
        if blob.startswith(magic):
            return magic + _binary_cut(blob[len(magic) :], size)
    return _binary_cut(blob, size)


def _sav(fmt: int, meta: bytes, rest: bytes, version: str = "01") -> bytes:
    line = f"SAV{version}{fmt:02x}0badc0de{len(meta):08x}"
    if version == "02":
        line += "00000000"
    return line.encode() + b"\n" + meta + rest


def container_seeds() -> list[bytes]:
    """Small saves of every container kind: corpus files (zips rebuilt from cut members),
    SAV envelopes, and hand-made hostile ones."""
    meta = b'EU4txt\ndate=1444.11.11\nplayer="ENG"\nsavegame_version={ first=1 second=29 }\n'
    state = meta + b"countries={ ENG={ treasury=100.000 } }\n"
    seeds: list[bytes] = [
        b"",
        b"PK\x05\x06" + b"\x00" * 18,
        _zip([("meta", meta), ("gamestate", state), ("ai", b"EU4txt\nai={}\n")]),
        _zip([("meta", meta), ("gamestate", state)], zipfile.ZIP_STORED),
        _zip([("game.eu4", state)]),
        _zip(
            [
                ("gamestate", b'version="Orion v3.6.1"\nname="x"\n'),
                ("meta", b'version="Orion v3.6.1"\n'),
            ]
        ),
        _zip([("a/", b""), ("gamestate", b"x" * 10000)]),
        _sav(0, b"meta_data={ meta_date=1066.9.15 }\n", b"date=1066.9.15\n"),
        _sav(2, b"meta_data={ game_date=1836.1.1 }\n", _zip([("gamestate", b"x=1\n")])),
        _sav(4, b"", _zip([("gamestate", b"metadata={ date=1337.1.1 }\n")]), "02"),
        _sav(1, b"\x00\x00\x01\x00\x0c\x00\x01\x00\x00\x00", b""),
        b"SAV0103" + b"f" * 16 + b"\n",
        b"EU4bin" + token(0x2000) + EQ + i32(5),
        b"HOI4txt\ndate=1936.1.1.12\n",
    ]
    for path in corpus_files():
        if zipfile.is_zipfile(path):
            members = [(name, _cut(blob, 4000)) for name, blob in _members(path)]
            seeds.append(_zip(members))
            seeds.append(_zip(members, zipfile.ZIP_STORED))
        elif path.stat().st_size <= 16384:
            seeds.append(path.read_bytes())
        else:
            seeds.append(_cut(path.read_bytes(), 16384))
    return _unique(seeds)


def analyze_seeds() -> list[bytes]:
    meta = b'EU4txt\ndate=1444.11.11\nplayer="ENG"\n'
    seeds = [
        meta,
        meta + b"countries={ ENG={ treasury=100.000 human=yes } FRA={ } }\n",
        meta + b'active_war={ name="W" attackers={ ENG } defenders={ FRA } }\n',
    ]
    for path in corpus_files():
        if "/eu4/" not in str(path) or "/saves/" not in str(path):
            continue
        if zipfile.is_zipfile(path):
            members = [(name, _cut(blob, 12000)) for name, blob in _members(path)]
            seeds.append(_zip(members))
        else:
            seeds.extend(_slices(path.read_bytes(), 30000, 2))
    return _unique(seeds)


SEEDS: Final[dict[str, Callable[[], list[bytes]]]] = {
    "text": text_seeds,
    "binary": binary_seeds,
    "container": container_seeds,
    "info": container_seeds,
    "analyze": analyze_seeds,
}


def seeds_for(target: str) -> list[bytes]:
    """The target's seeds that fit its ``MAX_LEN`` (a cut zip would only be corrupt)."""
    limit = MAX_LEN[target]
    return [seed for seed in SEEDS[target]() if len(seed) <= limit]


def _unique(seeds: list[bytes]) -> list[bytes]:
    out: list[bytes] = []
    seen: set[bytes] = set()
    for seed in seeds:
        if seed not in seen:
            seen.add(seed)
            out.append(seed)
    return out


# --- a deterministic mutator (for the smoke run; atheris brings its own) -------------------

DICTIONARY: Final = (
    b"{", b"}", b"=", b'"', b"\\", b"#", b"\n", b" ", b"<=", b"!=", b"?=", b"==", b"[[",
    b"]", b"rgb", b"hsv", b"yes", b"no", b"1444.11.11", b"-1", b"18446744073709551616",
    b"\xef\xbb\xbf", b"EU4txt\n", b"EU4bin", b"HOI4bin", b"SAV0", b"PK\x03\x04", b"PK\x05\x06",
    b"\x01\x00", b"\x03\x00", b"\x04\x00", b"\x0c\x00", b"\x0d\x00", b"\x0e\x00", b"\x0f\x00",
    b"\x14\x00", b"\x17\x00", b"\x67\x01", b"\x43\x02", b"\x9c\x02", b"\x17\x03", b"\xff\xff",
    b"\x00\x20", b"\x05\x20", b"\x80", b"\xff", b"\xc3\xa9", b"\xed\xa0\x80",
)  # fmt: skip


def mutate(rng: random.Random, data: bytes, others: list[bytes], max_len: int) -> bytes:
    """One to four random edits of ``data`` (flips, inserts, deletes, dictionary words,
    copies, splices with another seed, truncation)."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        n = len(buf)
        op = rng.randrange(9)
        pos = rng.randint(0, n)
        if op == 0 and n:
            buf[min(pos, n - 1)] ^= 1 << rng.randrange(8)
        elif op == 1 and n:
            buf[min(pos, n - 1)] = rng.randrange(256)
        elif op == 2:
            buf[pos:pos] = rng.randbytes(rng.randint(1, 8))
        elif op == 3 and n:
            buf[pos : pos + rng.randint(1, 32)] = b""
        elif op == 4:
            buf[pos:pos] = rng.choice(DICTIONARY)
        elif op == 5 and n:
            start = rng.randrange(n)
            piece = bytes(buf[start : start + rng.randint(1, 64)])
            buf[pos:pos] = piece * rng.randint(1, 8)
        elif op == 6 and others:
            other = rng.choice(others)
            cut = rng.randint(0, len(other))
            buf[pos:] = other[cut : cut + rng.randint(0, 4096)]
        elif op == 7:
            del buf[pos:]
        elif op == 8 and n >= 2:
            # overwrite a 16/32-bit little-endian field (zip sizes, SAV lengths, ids)
            at = min(pos, n - 2)
            width = 4 if at + 4 <= n and rng.random() < 0.5 else 2
            value = rng.choice((0, 1, 0x7F, 0xFF, 0xFFFF, 0xFFFFFFFF, rng.getrandbits(32)))
            buf[at : at + width] = (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    return bytes(buf[:max_len])


def mutants(target: str, seed: int, count: int) -> Iterator[bytes]:
    """``count`` deterministic mutants of the target's seeds (the seeds themselves first)."""
    seeds = seeds_for(target)
    limit = MAX_LEN[target]
    rng = random.Random(f"{target}:{seed}")
    yield from seeds
    for _ in range(count):
        base = rng.choice(seeds)
        yield mutate(rng, base, seeds, limit)


def regression_files(target: str | None = None) -> list[Path]:
    """Saved crash inputs: tests/kernel/data/regressions/<target>/<name>."""
    if not REGRESSIONS.is_dir():
        return []
    dirs = [REGRESSIONS / target] if target else sorted(REGRESSIONS.iterdir())
    return sorted(p for d in dirs if d.is_dir() for p in d.iterdir() if p.is_file())
