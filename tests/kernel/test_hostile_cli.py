"""Hostile files through `python -m kernel info|json|melt|analyze` (issue 8, point 2).

Every command on every file must end cleanly within the subprocess timeout: exit 0 (the
input is acceptable), or exit 1 with nothing on stdout and exactly one line on stderr,
``error: <what> at byte N`` with N inside the file (or the decompressed entry). Never a
traceback, never another exit status, never a hang. The files are built here, in
tmp_path, at test time (zip bombs with zlib: small on disk, huge inflated).
"""

from __future__ import annotations

import json
import os
import random
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from support.corpus import save_file
from support.saves import (
    EU4_STATE,
    Member,
    build_zip,
    deflate_raw,
    good_zip,
    member,
    zeros_deflated,
)

COMMANDS = ("info", "json", "melt", "analyze")
# A hang guard, not a speed test: each of these ends in well under a second or two.
TIMEOUT = 60
_ERROR_LINE = re.compile(rb"error: [^\n]+ at byte (\d+)\n")
# The one rejection without an offset: a binary save and no token table to read it with.
_NO_TOKENS = re.compile(
    rb"error: (this \w+ save is binary and no token table was found|binary save: a token "
    rb"table is needed to read it)[^\n]*\n"
)
# The environment minus a token directory (binary saves here carry their own --tokens).
_ENV = {k: v for k, v in os.environ.items() if k != "CHRONICLE_TOKENS_DIR"}


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kernel", *args],
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        env=_ENV,
    )


def outcome(done: subprocess.CompletedProcess[bytes], size_bound: int) -> str:
    """The outcome ("ok" or the error line), after checking the CLI contract."""
    assert b"Traceback" not in done.stderr, done.stderr[-2000:]
    if done.returncode == 0:
        assert done.stderr == b"", done.stderr[:500]
        return "ok"
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert done.stdout == b""
    if _NO_TOKENS.fullmatch(done.stderr):
        return done.stderr.decode().strip()  # about the setup, not a byte of the file
    match = _ERROR_LINE.fullmatch(done.stderr)
    assert match is not None, f"not one 'error: … at byte N' line: {done.stderr[:500]!r}"
    assert 0 <= int(match.group(1)) <= size_bound, done.stderr
    return done.stderr.decode().strip()


def run_all(
    path: Path, size_bound: int = -1, commands: tuple[str, ...] = COMMANDS
) -> dict[str, str]:
    """Each command on the file: {command: "ok" | error line}."""
    bound = size_bound if size_bound >= 0 else path.stat().st_size
    return {command: outcome(cli(command, str(path)), bound) for command in commands}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- the hostile files ---------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty", b"")
    results = run_all(path)
    # An empty document is an empty object (as jomini says); a save it is not.
    assert results["json"] == "ok" and cli("json", str(path)).stdout == b"{}\n"
    for command in ("info", "melt", "analyze"):
        assert results[command] == "error: empty input: nothing to read at byte 0"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"a=" + b"{" * 200_000 + b"}" * 200_000, id="keyed"),
        pytest.param(b"{" * 200_000, id="bare-unclosed"),
        pytest.param(b"EU4txt\na=" + b"{" * 200_000, id="eu4txt"),
        pytest.param(b"a={" + b"b={" * 200_000, id="pairs"),
    ],
)
def test_200000_deep_nesting(tmp_path: Path, data: bytes) -> None:
    results = run_all(write(tmp_path, "deep.txt", data))
    assert "nesting deeper than" in results["json"], results


def test_200000_deep_binary_nesting(tmp_path: Path) -> None:
    # EU4bin: id = { id = { ... (200,000 levels), with and without a token table.
    data = b"EU4bin" + b"\x00\x20\x01\x00\x03\x00" * 200_000
    path = write(tmp_path, "deep.eu4", data)
    tokens = write(tmp_path, "tokens.txt", b"0x2000 a\n")
    results = run_all(path)
    assert results["info"] == "ok"  # no token table: identified, tokens_needed
    for command in ("json", "melt", "analyze"):
        result = outcome(cli(command, str(path), "--tokens", str(tokens)), len(data))
        assert "nesting deeper than" in result, (command, result)
    # info reports what it could read, and the problem
    done = cli("info", str(path), "--tokens", str(tokens))
    assert outcome(done, len(data)) == "ok"
    assert json.loads(done.stdout)["problems"] == [
        "file: nesting deeper than 1024 levels at byte 6154"
    ]


def test_unclosed_blocks_the_analysis_skips(tmp_path: Path) -> None:
    # 1,000 nested "ai" blocks (left out unread by analyze) that never close, then 2 MB of
    # closed blocks: finding where each "ai" block ends once took a pass to the end apiece.
    data = b"EU4txt\n" + b"ai={ " * 1000 + b"x={} " * 400_000
    results = run_all(write(tmp_path, "unclosed.eu4", data), commands=("json", "analyze"))
    assert results == {"json": "ok", "analyze": "ok"}  # the game closes them at the end


def test_unterminated_quotes(tmp_path: Path) -> None:
    for name, data in (
        ("short", b'a=1 b="open'),
        ("long", b'a="' + b"x" * 3_000_000),
        ("escaped", b'a="' + b'\\"' * 500_000),
        ("eu4", b'EU4txt\ndate=1444.11.11\nplayer="ENG'),
    ):
        results = run_all(write(tmp_path, name, data))
        assert "unterminated quoted string" in results["json"], (name, results)


def test_a_million_stray_braces(tmp_path: Path) -> None:
    results = run_all(write(tmp_path, "closing", b"}" * 1_000_000 + b"a=1"))
    assert results["json"] == "ok"  # extra closing braces are tolerated
    done = cli("json", str(tmp_path / "closing"))
    assert json.loads(done.stdout) == {"a": 1}
    run_all(write(tmp_path, "opening", b"a=1 " + b"{" * 1_000_000))
    run_all(write(tmp_path, "empty-blocks", b"{}" * 1_000_000))
    run_all(write(tmp_path, "mixed", b"{}}{" * 250_000 + b"a=b"))


def test_zip_bomb_honest_sizes(tmp_path: Path) -> None:
    # 4 GiB - 1 of zeros declared, ~4 MB on disk: refused from the directory, unread.
    blob = zeros_deflated(64)
    data = build_zip([Member("gamestate", blob, size=0xFFFFFFFE)])
    for result in run_all(write(tmp_path, "bomb.eu4", data)).values():
        assert "zip bomb" in result or "limit" in result, result


@pytest.mark.parametrize("crc_of_prefix", [False, True])
def test_zip_bomb_lying_small_size(tmp_path: Path, crc_of_prefix: bool) -> None:
    # Declares 1000 bytes; inflates to 1 GiB. Inflation stops at the declared size: the
    # CRC-32 then fails, or (the CRC of those 1000 bytes declared) they are all there is.
    blob = zeros_deflated(1024)
    assert len(blob) < 2_000_000
    crc = zlib.crc32(bytes(1000)) if crc_of_prefix else 0
    data = build_zip([Member("gamestate", blob, size=1000, crc=crc)])
    results = run_all(write(tmp_path, "liar.eu4", data))
    if not crc_of_prefix:
        for result in results.values():
            assert "CRC-32 mismatch" in result, result


def test_zip_bomb_under_the_ratio(tmp_path: Path) -> None:
    # Declares 150x its compressed size (under the 200:1 cap; 150 MiB): inflation stops
    # at the declared size, long before the 1 GiB the stream holds.
    blob = zeros_deflated(1024)
    data = build_zip([Member("gamestate", blob, size=150 * len(blob))])
    for result in run_all(write(tmp_path, "ratio.eu4", data)).values():
        assert "corrupt" in result, result


def test_many_bombs_in_one_archive(tmp_path: Path) -> None:
    blob = zeros_deflated(16)
    data = build_zip([Member(f"m{i}", blob, size=1 << 20) for i in range(64)])
    run_all(write(tmp_path, "many.eu4", data))
    data = build_zip([Member(f"m{i}", blob, size=1 << 20) for i in range(65)])
    for result in run_all(write(tmp_path, "too-many.eu4", data)).values():
        assert "members" in result, result


def test_sav_zip_bomb(tmp_path: Path) -> None:
    meta = b"meta_data={ meta_date=1066.9.15 }\n"
    line = f"SAV0102deadbeef{len(meta):08x}\n".encode()
    data = line + meta + build_zip([Member("gamestate", zeros_deflated(512), size=100)])
    for result in run_all(write(tmp_path, "bomb.ck3", data)).values():
        assert "CRC-32 mismatch" in result, result


def test_truncated_zips(tmp_path: Path) -> None:
    whole = good_zip()
    assert run_all(write(tmp_path, "whole.eu4", whole))["info"] == "ok"
    for cut in (4, 30, len(whole) // 2, len(whole) - 22, len(whole) - 1):
        results = run_all(write(tmp_path, f"cut{cut}.eu4", whole[:cut]))
        assert all(r.startswith("error: ") for r in results.values()), (cut, results)


def test_truncated_corpus_zip(tmp_path: Path) -> None:
    path = save_file("eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4")
    data = path.read_bytes()
    for cut in (100_000, len(data) - 100):
        results = run_all(write(tmp_path, f"cut{cut}.eu4", data[:cut]))
        assert all("zip" in r for r in results.values()), results


LIARS: dict[str, Callable[[], bytes]] = {
    "local-sizes-disagree": lambda: build_zip(
        [Member("gamestate", deflate_raw(EU4_STATE), size=len(EU4_STATE), local_size=5)]
    ),
    "crc-wrong": lambda: build_zip(
        [Member("gamestate", deflate_raw(EU4_STATE), size=len(EU4_STATE), crc=1)]
    ),
    "size-too-large": lambda: build_zip(
        [Member("gamestate", deflate_raw(EU4_STATE), size=len(EU4_STATE) + 1000)]
    ),
    "stored-size-lies": lambda: build_zip(
        [Member("gamestate", EU4_STATE, method=0, size=len(EU4_STATE) * 2)]
    ),
    "directory-offset-past-end": lambda: build_zip(
        [member("gamestate", EU4_STATE)], cd_shift=10**6
    ),
    "directory-offset-before": lambda: build_zip([member("gamestate", EU4_STATE)], cd_shift=-7),
    # The directory places the member's local header past the end of the file (found by
    # the fuzzer: the error's offset was that bogus offset, not a byte of the file).
    "member-offset-past-end": lambda: build_zip(
        [Member("gamestate", deflate_raw(EU4_STATE), size=len(EU4_STATE), header_offset=7959148)]
    ),
    "duplicate-name-offset-past-end": lambda: build_zip(
        [
            member("gamestate", EU4_STATE),
            Member("gamestate", b"", size=0, header_offset=7143808),
        ]
    ),
    "count-65535": lambda: build_zip([member("gamestate", EU4_STATE)], count=0xFFFF),
    "count-zero": lambda: build_zip([member("gamestate", EU4_STATE)], count=0),
    "bzip2-method": lambda: build_zip([Member("gamestate", b"BZh9", method=12, size=4)]),
    "aes-encrypted": lambda: build_zip(
        [Member("gamestate", b"\x00" * 40, method=99, size=10, flags=1)]
    ),
    "duplicate-names": lambda: build_zip(
        [member("gamestate", EU4_STATE), member("gamestate", EU4_STATE)]
    ),
    "garbage-deflate": lambda: build_zip([Member("gamestate", b"\xff" * 64, size=100)]),
    "eocd-only": lambda: b"PK\x05\x06" + b"\x00" * 18,
    "local-magic-then-noise": lambda: b"PK\x03\x04" + random.Random(4).randbytes(5000),
    "name-with-newline": lambda: build_zip([member("game\nstate\r", b"x=\xff")]),
    "zip-in-zip": lambda: build_zip([member("gamestate", good_zip(), method=0)]),
}


@pytest.mark.parametrize("name", sorted(LIARS))
def test_lying_zip_headers(tmp_path: Path, name: str) -> None:
    data = LIARS[name]()
    results = run_all(write(tmp_path, name, data), size_bound=len(data))
    if name not in ("count-zero", "name-with-newline", "zip-in-zip"):
        assert all(r.startswith("error: ") for r in results.values()), results


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"SAV01030badc0deffffffff\n" + b"meta_data={}", id="length-ffffffff"),
        pytest.param(b"SAV01000badc0de00000100\n" + b"meta_data={}", id="length-past-end"),
        pytest.param(b"SAV01000badc0de0000000c\n" + b"meta_data={}", id="length-exact-no-body"),
        pytest.param(b"SAV0102xyzxyzxy00000010\n" + b"a=1" * 10, id="not-hex"),
        pytest.param(b"SAV0102", id="no-line-end"),
        pytest.param(b"SAV0" + b"0" * 200, id="long-line"),
        pytest.param(b"SAV01030badc0de00000004\n\x00\x00\x01\x00PK\x03\x04junk", id="zip-cut"),
        pytest.param(b"SAV01020badc0de00000000\n" + b"\x00" * 100, id="announced-zip-missing"),
        pytest.param(b"SAV02030badc0de00000000ffffffff\n" + b"x", id="sav02-extra"),
        pytest.param(b"SAV0\xff\xfe0badc0de00000000\nx=1", id="non-ascii"),
    ],
)
def test_lying_sav_header(tmp_path: Path, data: bytes) -> None:
    run_all(write(tmp_path, "lying.ck3", data))


def test_sav_length_past_the_end_is_named(tmp_path: Path) -> None:
    data = b"SAV01030badc0de00100000\n" + b"meta_data={ a=1 }"
    result = run_all(write(tmp_path, "past.ck3", data))["info"]
    assert "metadata" in result and "truncated" in result, result


BAD_BYTES = b"\x80\x81\x8d\x8f\x90\x9d\x9f\xa0\xc0\xc1\xf5\xff\xfe\xed\xa0\x80\xc3"


@pytest.mark.parametrize("encoding", ["auto", "utf8", "windows1252"])
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"name=" + BAD_BYTES + b' q="' + BAD_BYTES + b'"', id="values"),
        pytest.param(BAD_BYTES + b'=1 "' + BAD_BYTES + b'"=2', id="keys"),
        pytest.param(b'EU4txt\nplayer="\x80\x9f\xff"\ndate=1444.11.11\n', id="eu4txt"),
        pytest.param(b"\xef\xbb\xbfa=\xff\xfe", id="bom-then-invalid"),
        pytest.param(b"a=\xc3", id="cut-sequence"),
    ],
)
def test_invalid_utf8_and_windows1252(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = write(tmp_path, "bytes.txt", data)
    done = cli("json", str(path), "--encoding", encoding)
    assert outcome(done, len(data)) == "ok"
    json.loads(done.stdout)  # valid JSON (UTF-8, replacement characters where needed)
    if encoding == "windows1252":
        text = done.stdout.decode("utf-8")
        assert "\ufffd" not in text  # every 1252 byte maps to a character
    if encoding == "auto":
        run_all(path, commands=("info", "melt", "analyze"))


def test_giant_single_tokens(tmp_path: Path) -> None:
    big = 17 * 1024 * 1024  # past the tape's 16 MiB token limit
    cases = {
        "scalar": b"a=" + b"x" * big,
        "quoted": b'a="' + b"x" * big + b'"',
        "key": b"k" * big + b"=1",
        "run": b"a={ " + (b"x" * 99 + b" ") * (big // 100) + b"}",  # 178,000 elements
    }
    for name, data in cases.items():
        results = run_all(write(tmp_path, name, data), commands=("json", "info"))
        if name != "run":  # a long run of values is split, not refused
            assert "token longer than" in results["json"], (name, results)
    ok = run_all(write(tmp_path, "five", b"a=" + b"x" * 5_000_000), commands=("json",))
    assert ok["json"] == "ok"


def test_giant_binary_string(tmp_path: Path) -> None:
    # A 0xFFFF-byte binary string declared, 10 bytes present.
    data = b"EU4bin" + struct.pack("<HHHH", 0x2000, 1, 0x000F, 0xFFFF) + b"x" * 10
    tokens = write(tmp_path, "tokens.txt", b"0x2000 a\n")
    path = write(tmp_path, "str.eu4", data)
    for command in ("json", "melt", "analyze", "info"):
        result = outcome(cli(command, str(path), "--tokens", str(tokens)), len(data))
        assert command == "info" or "cut short" in result, (command, result)


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize(
    "prefix", [b"", b"PK\x03\x04", b"SAV0103", b"EU4bin", b"EU4txt\n", b"\xef\xbb\xbf"]
)
def test_random_bytes(tmp_path: Path, seed: int, prefix: bytes) -> None:
    size = 1_000_000 if seed == 0 else 5000
    data = prefix + random.Random(seed).randbytes(size)
    path = write(tmp_path, "random.bin", data)
    tokens = write(tmp_path, "tokens.txt", b"0x2000 a\n0x2001 b\n")
    run_all(path)
    if prefix == b"EU4bin":
        for command in ("json", "melt", "analyze"):
            outcome(cli(command, str(path), "--tokens", str(tokens)), len(data))


def test_hostile_stdin() -> None:
    for data in (b"", b"{" * 200_000, b'a="', b"\xff" * 1000, good_zip()[:50]):
        for command in COMMANDS:
            outcome(cli(command, "-", stdin=data), len(data))
