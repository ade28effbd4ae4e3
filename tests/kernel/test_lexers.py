"""The two lexers (byte loop and regex) must build the same tape for any input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.corpus import corpus_files

import kernel
from kernel import KernelError, _text
from kernel.eu4._analysis import UNREAD

DATA = Path(__file__).parent / "data" / "text"


# Keys the skip tests leave out (parse_text(skip=...)): short ones, so that random token
# soup holds them, and the EU4 analysis's own set.
SKIP = frozenset({"a", "rgb", "yes"})


def _tape(data: bytes, lexer: str, skip: frozenset[str] = frozenset()) -> list[int] | str:
    try:
        return kernel.parse_text(data, lexer=lexer, skip=skip).tape.tokens
    except KernelError as exc:
        return f"error at {exc.offset}: {exc.message}"


def _same(data: bytes, skip: frozenset[str] = frozenset()) -> None:
    assert _tape(data, "bytes", skip) == _tape(data, "regex", skip)
    if not skip:
        _same(data, SKIP)


def _corpus_texts() -> list[object]:
    out: list[object] = []
    for path in corpus_files():
        if zipfile.is_zipfile(path):
            out.extend(
                pytest.param(path, name, id=f"{path.name}:{name}")
                for name in zipfile.ZipFile(path).namelist()
            )
        else:
            out.append(pytest.param(path, "", id=path.name))
    return out


@pytest.mark.parametrize(("path", "entry"), _corpus_texts())
def test_lexers_agree_on_corpus(path: Path, entry: str) -> None:
    data = zipfile.ZipFile(path).read(entry) if entry else path.read_bytes()
    if len(data) > 8_000_000 and not kernel.COMPILED:
        pytest.skip("large file: checked in the compiled run (time)")
    _same(data)
    _same(data, UNREAD)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_lexers_agree_on_edge_cases(path: Path) -> None:
    _same(path.read_bytes())


TOKENS = st.sampled_from(
    [
        b"a",
        b"1",
        b"-2.5",
        b"=",
        b"{",
        b"}",
        b" ",
        b"\t",
        b"\n",
        b'"x y"',
        b'"\\""',
        b"#c\n",
        b"<",
        b">=",
        b"!=",
        b"?=",
        b"==",
        b"!",
        b"?",
        b"[[p]",
        b"]",
        b"[",
        b"rgb",
        b";",
        b"\xe9",
        b'"',
        b"\\",
        b"yes",
        b"1444.11.11",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(TOKENS, max_size=40).map(b"".join))
def test_lexers_agree_on_token_soup(data: bytes) -> None:
    _same(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_lexers_agree_on_random_bytes(data: bytes) -> None:
    _same(data)


def test_regex_lexer_is_the_pure_default() -> None:
    doc = kernel.parse_text(b"a=1")
    assert doc.root().get("a") is not None
    assert _text.lex_regex(b"a=1").tokens == _text.lex_bytes(b"a=1").tokens


@pytest.mark.parametrize(
    "data",
    [
        b"a<a\r\na#c\n=",  # a comment between a run's last element and an operator
        b'"\\"\\',  # an escaped quote, then a backslash at end of input
        b"a=1 2 3 b=4",
        b"a=1 2 b=4",
        b"x={ 1 2 3 } y={ 1 2 k=v }",
    ],
)
def test_lexers_agree_on_found_cases(data: bytes) -> None:
    _same(data)
