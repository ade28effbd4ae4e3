"""The text parser's read API, its documented departures from jomini, and its errors."""

from __future__ import annotations

import json

import pytest

import kernel
from kernel import Date, KernelError


def js(data: bytes, mode: str = "group") -> object:
    return json.loads(kernel.json_bytes(data, duplicate_keys=mode))


def test_pairs_duplicates_and_types() -> None:
    doc = kernel.parse_text(b'date=1444.11.11 war={name="A"} war={name="B"} n=-5 f=1.500 ok=yes')
    root = doc.root()
    assert root.get("date") is not None
    assert root.get("date").as_date() == Date(1444, 11, 11)
    assert [w.as_container().get("name").as_str() for w in root.get_all("war")] == ["A", "B"]
    assert root.get("n").as_int() == -5
    assert root.get("f").as_float() == 1.5
    assert root.get("ok").as_bool() is True
    assert [k for k, _ in root.pairs()] == ["date", "war", "war", "n", "f", "ok"]


def test_quoted_and_unquoted_scalars_stay_apart() -> None:
    root = kernel.parse_text(b'a="yes" b=yes c="12" d=12').root()
    assert root.get("a").is_quoted and not root.get("b").is_quoted
    assert root.get("c").as_str() == "12" and root.get("d").as_int() == 12


def test_u64_and_big_integers_are_exact() -> None:
    root = kernel.parse_text(b"id=18446744073709547616 small=9223372036854775807").root()
    assert root.get("id").as_u64() == 18446744073709547616
    with pytest.raises(KernelError):
        root.get("id").as_int()
    assert root.get("small").as_int() == 9223372036854775807


def test_dates_with_hours_and_the_365_day_calendar() -> None:
    assert kernel.parse_text(b"d=1936.1.1.12").root().get("d").as_date() == Date(1936, 1, 1, 12)
    assert Date(1445, 11, 11).days() - Date(1444, 11, 11).days() == 365
    assert Date.from_days(Date(1444, 11, 11).days()) == Date(1444, 11, 11)
    with pytest.raises(KernelError):
        kernel.parse_text(b"d=1444.2.29").root().get("d").as_date()


def test_mixed_containers_and_operators() -> None:
    root = kernel.parse_text(b"area={ color={1 2 3} 169 170 } t={ a<5 b>=3 }").root()
    area = root.get("area").as_container()
    assert area.is_object
    assert [v.as_int() for v in area.values()] == [169, 170]
    assert [(e.key, e.op) for e in root.get("t").as_container().entries()] == [
        ("a", "<"),
        ("b", ">="),
    ]


def test_tagged_containers() -> None:
    value = kernel.parse_text(b"color = rgb { 1 2 3 }").root().get("color")
    assert value is not None and value.kind == "tagged" and value.tag() == "rgb"
    assert [v.as_int() for v in value.as_container().values()] == [1, 2, 3]


def test_encodings_are_exact() -> None:
    assert js(b'a="\x80\x81\x9f\xe9"') == {"a": "\u20ac\x81\u0178\xe9"}  # 1252 (not valid UTF-8)
    assert js('a="日本"'.encode()) == {"a": "日本"}
    assert kernel.parse_text(b'EU4txt\na="\xc3\xa9"').encoding == "windows1252"
    assert kernel.parse_text(b"\xef\xbb\xbfa=1").encoding == "utf8"
    assert json.loads(kernel.json_bytes(b'a="\xe9"', encoding="utf8")) == {"a": "\ufffd"}


# Departures from jomini 0.10 (README "Differences from jomini"): the format's meaning wins.


def test_escaped_backslash_is_one_backslash() -> None:
    assert js(b'a="\\\\" b="x\\"y"') == {"a": "\\", "b": 'x"y'}


def test_trailing_whitespace_in_strings_is_kept() -> None:
    assert js(b'a="High " b="x\n"') == {"a": "High ", "b": "x\n"}


def test_exists_operator() -> None:
    assert js(b"a ?= 5") == {"a": {"EXISTS": 5}}


def test_tabs_are_whitespace_everywhere() -> None:
    assert js(b'GER\t= "a"\n# note\tstill comment\nENG = "b"') == {"GER": "a", "ENG": "b"}


def test_lone_signs_and_dots_are_strings() -> None:
    assert js(b"a=- b=+ c=. d=-.") == {"a": "-", "b": "+", "c": ".", "d": "-."}


def test_top_level_values_are_a_remainder() -> None:
    assert js(b"scripted_trigger x = { a=1 } b=2") == {
        "remainder": ["scripted_trigger", {"x": {"a": 1}}, {"b": 2}]
    }


def test_parameter_blocks() -> None:
    assert js(b"[[name] a=1 ] [[!name] b=2 ] c=@[1-x]") == {
        "[name]": {"a": 1},
        "[!name]": {"b": 2},
        "c": "@[1-x]",
    }


# Errors carry the byte offset of the problem.


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b'a="abc', 2, "unterminated quoted string"),
        (b"a=", 2, "unexpected end of file"),
        (b"a = = 6", 4, "unexpected operator"),
        (b"a={ b= }", 7, "missing value"),
        (b"{ = 1 }", 2, "unexpected operator"),
    ],
)
def test_errors_have_offsets(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(KernelError) as info:
        kernel.parse_text(data)
    assert info.value.offset == offset
    assert message in str(info.value)
    assert str(info.value).endswith(f"at byte {offset}")
    assert isinstance(info.value, ValueError)


def test_depth_limit_is_explicit() -> None:
    with pytest.raises(KernelError, match="nesting deeper than 10"):
        kernel.parse_text(b"a=" + b"{" * 11, max_depth=10)
    assert kernel.parse_text(b"a=" + b"{" * 10, max_depth=10).root().get("a") is not None


def test_unknown_options_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown encoding"):
        kernel.parse_text(b"a=1", encoding="latin9")
    with pytest.raises(ValueError, match="unknown lexer"):
        kernel.parse_text(b"a=1", lexer="fast")
    with pytest.raises(ValueError, match="duplicate-key mode"):
        kernel.json_bytes(b"a=1", duplicate_keys="merge")


# --- parse_text(skip=...): key = {…} pairs left out unread -----------------------------------


@pytest.mark.parametrize("lexer", ["bytes", "regex"])
def test_skip_leaves_the_pairs_out_at_any_depth(lexer: str) -> None:
    """The document reads as if the skipped pairs were not in the file; braces inside
    quoted strings and comments do not end a skipped block; a scalar value, a quoted key
    and a key before ";" or a comment are read as usual."""
    data = (
        b'a=1 ai={ x={ "}" # }\n y={} } } b={ ai = {\n1 2 } c=2 ai=3 "ai"={ 4 } }'
        b" ai;={5} ai=#c\n{6} d=4 ai\t=\t{ 7 }"
    )
    without = b'a=1  b={  c=2 ai=3 "ai"={ 4 } } ai;={5} ai=#c\n{6} d=4 '
    doc = kernel.parse_text(data, lexer=lexer, skip=frozenset({"ai"}))
    assert doc.tape.tokens != kernel.parse_text(data, lexer=lexer).tape.tokens
    assert doc.to_json("preserve") == kernel.parse_text(without, lexer=lexer).to_json("preserve")
    assert doc.root().get("d").as_int() == 4


@pytest.mark.parametrize("lexer", ["bytes", "regex"])
def test_skip_never_adds_or_changes_an_error(lexer: str) -> None:
    """A block that does not close, an unterminated string inside it, a key that is the
    value of another key, nesting past the limit, an error after a skipped block: the
    outcome of the plain parse. (Only an error inside a skipped block goes unseen.)"""
    cases = [
        b"a=1 ai={ x={ 1 }",  # not closed: the game's tolerance applies, as without skip
        b'ai={ "x }',
        b"a = ai = { 1 }",
        b"ai=" + b"{" * 2000 + b"}" * 2000,
        b"ai={ 1 } a = = 2",
        b"x ai={ 1 } = 2",
    ]

    def outcome(data: bytes, skip: frozenset[str]) -> object:
        try:
            return kernel.parse_text(data, lexer=lexer, skip=skip).to_json()
        except kernel.KernelError as exc:
            return (exc.message, exc.offset)

    for data in cases:
        assert outcome(data, frozenset({"ai"})) == outcome(data, frozenset()), data[:40]


@pytest.mark.parametrize("lexer", ["bytes", "regex"])
def test_nothing_is_skipped_inside_a_block_that_does_not_close(lexer: str) -> None:
    """The rest of the input lies inside such a block: it reads as without skipping, the
    blocks to skip in it included (finding where each of those ends would take a pass to
    the end of the input apiece)."""
    skip = frozenset({"ai"})
    for data in (
        b"a=1 ai={ x={ 1 } ai={ 2 } y={ ai={ 3 } }",
        b"b={ ai={ ai={ 4 } z=5 ai={ 6 } ",
        b"ai={ " * 50 + b"x={} " * 50,
    ):
        plain = kernel.parse_text(data, lexer=lexer)
        doc = kernel.parse_text(data, lexer=lexer, skip=skip)
        assert doc.tape.tokens == plain.tape.tokens, data[:40]
    # A block to skip that closes, before one that does not, is still left out.
    doc = kernel.parse_text(b"ai={ 1 } b=2 ai={ ai={ 3 } ", lexer=lexer, skip=skip)
    assert doc.to_json("preserve") == kernel.parse_text(b"b=2 ai={ ai={ 3 } ").to_json("preserve")


@pytest.mark.parametrize("lexer", ["bytes", "regex"])
def test_an_error_inside_a_skipped_block_goes_unseen(lexer: str) -> None:
    data = b"ai={ a = = 1 } b=2"
    with pytest.raises(kernel.KernelError):
        kernel.parse_text(data, lexer=lexer)
    doc = kernel.parse_text(data, lexer=lexer, skip=frozenset({"ai"}))
    assert doc.root().get("b").as_int() == 2


def test_skip_needs_ascii_names() -> None:
    with pytest.raises(ValueError):
        kernel.parse_text(b"a=1", skip=frozenset({""}))
    with pytest.raises(ValueError):
        kernel.parse_text(b"a=1", skip=frozenset({"é"}))
