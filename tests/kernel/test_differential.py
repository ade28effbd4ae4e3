"""The kernel's JSON against the reference parser (npm ``jomini`` 0.10) on real files.

Every Clausewitz text file of ../shared/corpus (game files, text saves, and the entries of
zipped text saves) and every edge-case file in tests/kernel/data/text is parsed by both,
in all three duplicate-key modes, and the decoded JSON values must be equal.

Where jomini is demonstrably wrong the kernel does what the format means (README,
"Differences from jomini"), and the comparison undoes exactly those differences:

- jomini trims trailing whitespace from strings (``"High "`` + ``"Kiir"`` is a name):
  strings are compared without trailing whitespace;
- jomini fails on a tab between a key and its operator and ends comments at a tab;
- jomini reads ``a ?= b`` as the key ``a?``; and at the top level it writes the pairs
  that follow a bare value as loose items.

For the last two, when jomini fails or differs on the original bytes, both parsers get
the same rewritten input (tabs outside strings become spaces, ``?=`` becomes ``=``), and
they must agree on it. A file is never skipped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.corpus import CORPUS, corpus_dir

import kernel

MODES = ("group", "preserve", "key-value-pairs")
DATA = Path(__file__).parent / "data" / "text"
# Extensions of Clausewitz script in the corpus; .yml (localisation), .csv and .lua are
# other formats that happen to sit in game folders.
SCRIPT_SUFFIXES = {".txt", ".mod", ".eu4", ".hoi4", ".melted", ".v3", ".ck3", ".sav"}
BIG = 8_000_000  # bytes: larger files run in group mode, compiled build only (time)


def _is_text(data: bytes) -> bool:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if body[:2] == b"PK" or body[:6] in (b"EU4bin", b"CK3bin") or body[:7] == b"HOI4bin":
        return False
    if body.startswith(b"SAV0"):
        return bool(re.match(rb"SAV0[0-9a-fA-F]{19,20}\r?\n", body)) and b"\x00" not in body
    return b"\x00" not in body[:4096]


def _cases() -> Iterator[Any]:
    root = CORPUS
    if CORPUS.is_dir():
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in SCRIPT_SUFFIXES | {""}:
                continue
            if path.name.startswith(".") or path.name == "tokens.txt":
                continue  # the corpus checksums and a binary token table: not script
            data = path.read_bytes()
            rel = str(path.relative_to(root))
            if data[:2] == b"PK":
                with zipfile.ZipFile(path) as zf:
                    for name in zf.namelist():
                        if _is_text(zf.read(name)[:4096]):
                            yield pytest.param(("zip", path, name), id=f"{rel}:{name}")
            elif _is_text(data):
                yield pytest.param(("file", path, ""), id=rel)
    for path in sorted(DATA.glob("*.txt")):
        yield pytest.param(("file", path, ""), id=f"data/{path.name}")


def _load(case: tuple[str, Path, str]) -> bytes:
    kind, path, name = case
    if kind == "zip":
        with zipfile.ZipFile(path) as zf:
            return zf.read(name)
    return path.read_bytes()


def _rstrip_strings(value: object) -> object:
    if isinstance(value, str):
        return value.rstrip(" \t\r\n")
    if isinstance(value, tuple):
        return tuple(_rstrip_strings(v) for v in value)
    return value


_QUOTED_OR_TAB = re.compile(rb'"(?:[^"\\]|\\.)*"|\t|\?=', re.DOTALL)


def _rewrite(data: bytes) -> bytes:
    """The input without the constructs jomini misreads (same meaning for the kernel)."""

    def sub(m: re.Match[bytes]) -> bytes:
        tok = m.group(0)
        return b" " if tok == b"\t" else b"=" if tok == b"?=" else tok

    return _QUOTED_OR_TAB.sub(sub, data)


def _is_pair(v: object) -> bool:
    return isinstance(v, tuple) and v[0] == "object" and len(v[1]) == 1


def _flatten_loose(items: tuple[object, ...]) -> tuple[object, ...]:
    loose: list[object] = []
    previous: object = None
    for v in items:
        if _is_pair(v) and (previous is None or isinstance(previous, tuple)):
            loose.extend(v[1][0])  # type: ignore[index]
        else:
            loose.append(v)
        previous = v
    return tuple(loose)


def _flatten_root_remainder(value: object) -> object:
    """Write top-level pairs after a bare value as jomini does.

    jomini keeps the pair right after a bare scalar as a one-key object (it reads
    ``scripted_trigger name = {…}`` as one construct) but writes any further top-level
    pair as two loose items, key then value. In key-value-pairs mode the remainder is an
    item of the root's "val" list; elsewhere it is the root's "remainder" member.
    """
    if not (isinstance(value, tuple) and value[0] == "object"):
        return value
    members = []
    for key, item in value[1]:
        if key == "remainder" and isinstance(item, tuple) and item[0] == "array":
            item = ("array", _flatten_loose(item[1]))
        elif key == "val" and isinstance(item, tuple) and item[0] == "array":
            item = (
                "array",
                tuple(
                    ("array", _flatten_loose(v[1]))
                    if isinstance(v, tuple) and v[0] == "array"
                    else v
                    for v in item[1]
                ),
            )
        members.append((key, item))
    return ("object", tuple(members))


def _ours(data: bytes, mode: str, encoding: str, jomini: Any) -> object:
    return _rstrip_strings(
        jomini.decode(kernel.json_bytes(data, duplicate_keys=mode, encoding=encoding))
    )


def _theirs(data: bytes, mode: str, encoding: str, jomini: Any) -> object:
    return jomini.value(data, mode, encoding)  # jomini trims strings itself


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", list(_cases()))
def test_json_matches_jomini(case: tuple[str, Path, str], mode: str, jomini: Any) -> None:
    data = _load(case)
    if len(data) > BIG and not kernel.COMPILED:
        pytest.skip(
            "large file: compared in the compiled run (the pure lexer is checked by test_lexers)"
        )
    if len(data) > BIG and mode != "group":
        pytest.skip("large file: group mode only (time); every mode runs on the other files")
    doc = kernel.parse_text(data)
    encoding = doc.encoding
    ours = _ours(data, mode, encoding, jomini)
    try:
        theirs: object = _theirs(data, mode, encoding, jomini)
    except jomini.Error:
        theirs = None
    if theirs == ours:
        return
    rewritten = _rewrite(data)
    assert rewritten != data, "the kernel and jomini differ on input with no known jomini bug"
    ours = _flatten_root_remainder(_ours(rewritten, mode, encoding, jomini))
    theirs = _theirs(rewritten, mode, encoding, jomini)
    assert ours == theirs


def test_cases_cover_the_corpus() -> None:
    """The corpus walk finds the files it should (a broken walk would pass vacuously)."""
    corpus_dir()
    ids = [p.id for p in _cases()]
    assert any("osallek_modded" in i and i.endswith(":gamestate") for i in ids)
    assert any("stellaris" in i and i.endswith(":gamestate") for i in ids)
    assert any(i.startswith("gamefiles/") for i in ids)
    assert len(ids) > 60
