"""Hostile text: anything either parses or raises KernelError, quickly, in both builds."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kernel
from kernel import KernelError


def _parse_or_reject(data: bytes) -> None:
    try:
        doc = kernel.parse_text(data)
        doc.to_json("group")
        doc.to_json("key-value-pairs")
    except KernelError as exc:
        assert 0 <= exc.offset <= len(data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _parse_or_reject(data)


SAMPLE = (
    b'EU4txt\ndate=1444.11.11\nplayer="ENG"\ncountries={\n\tENG={\n\t\ttreasury=100.000\n'
    b"\t\tcolor=rgb { 1 2 3 }\n\t\tflags={ a=yes b=no }\n\t\tlist={ 1 2 3 }\n\t}\n}\n"
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(SAMPLE)), st.binary(max_size=4), st.integers(0, 3)), max_size=8
    )
)
def test_mutated_saves(edits: list[tuple[int, bytes, int]]) -> None:
    data = bytearray(SAMPLE)
    for pos, insert, delete in edits:
        pos = min(pos, len(data))
        data[pos : pos + delete] = insert
    _parse_or_reject(bytes(data))


def test_deep_nesting_is_rejected_not_crashed() -> None:
    data = b"a=" + b"{" * 200_000 + b"}" * 200_000
    with pytest.raises(KernelError, match="nesting deeper") as info:
        kernel.parse_text(data)
    assert info.value.offset == 2 + kernel.DEFAULT_MAX_DEPTH


def test_deep_bare_nesting() -> None:
    with pytest.raises(KernelError, match="nesting deeper"):
        kernel.parse_text(b"{" * 200_000)


def test_five_megabyte_unterminated_quote() -> None:
    with pytest.raises(KernelError, match="unterminated quoted string") as info:
        kernel.parse_text(b'a="' + b"x" * 5_000_000)
    assert info.value.offset == 2


def test_unterminated_quote_full_of_escaped_quotes() -> None:
    with pytest.raises(KernelError, match="unterminated"):
        kernel.parse_text(b'a="' + b'\\"' * 1_000_000)


def test_a_million_stray_braces() -> None:
    doc = kernel.parse_text(b"}" * 1_000_000 + b"a=1")
    assert doc.to_json() == b'{"a":1}'


def test_a_million_empty_blocks() -> None:
    assert kernel.parse_text(b"{}" * 1_000_000 + b"a=1").to_json() == b'{"a":1}'


def test_giant_single_token() -> None:
    doc = kernel.parse_text(b"a=" + b"x" * 5_000_000)
    assert len(doc.root().get("a").raw()) == 5_000_000


def test_megabytes_of_random_bytes() -> None:
    rng = random.Random(1444)
    for _ in range(3):
        _parse_or_reject(rng.randbytes(2_000_000))
