"""kernel.eu4.SplitSave: a save parsed in parts (the browser's helpers) is analysed as the
whole save is, on every EU4 text save of the corpus, and falls back to the whole save
wherever the layout it guesses from is not there."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from support.corpus import eu4_save_files

import kernel
from kernel._archive import open_archive
from kernel.eu4 import SplitSave, analyze, parse_part
from kernel.eu4._parallel import MIN_SPLIT, PART_KEYS


def _text_saves() -> list[object]:
    out: list[object] = []
    for path in eu4_save_files():
        container = open_archive(path.read_bytes())
        if container.gamestate().encoding == "text" and container.game in ("eu4", "unknown"):
            out.append(pytest.param(path, id=path.name))
    return out


def _split_analysis(data: bytes, count: int, min_size: int = MIN_SPLIT) -> tuple[bytes, int]:
    """The analysis through SplitSave (each part parsed as a helper would), as JSON, and
    how many parts there were."""
    split = SplitSave(data, count, min_size)
    results = [parse_part(part, key) for key, part in split.parts()]
    split.parse_rest()
    return msgspec.json.encode(split.analyze(results)), len(results)


@pytest.mark.parametrize("path", _text_saves())
@pytest.mark.parametrize("count", [1, 2])
def test_parts_give_the_same_analysis(path: Path, count: int) -> None:
    data = path.read_bytes()
    whole = msgspec.json.encode(analyze(data))
    split, parts = _split_analysis(data, count)
    assert split == whole
    if len(open_archive(data).gamestate().data) >= MIN_SPLIT:
        assert parts == count  # the large saves do split: both sections are found


# A save as the game writes it: sections at the start of a line, closed by a "}" line.
HEAD = b'EU4txt\ndate=1500.1.1\nplayer="SWE"\nsavegame_version={\n\tfirst=1\n\tsecond=30\n}\n'
COUNTRIES = b"countries={\n\tSWE={\n\t\thuman=yes\n\t\traw_development=10.000\n\t}\n}\n"
PROVINCES = (
    b'provinces={\n\t-1={\n\t\tname="Stockholm"\n\t\towner="SWE"\n\t\tbase_tax=3.000\n\t}\n}\n'
)


def _same_either_way(data: bytes, parts: int) -> None:
    whole = msgspec.json.encode(analyze(data))
    split, found = _split_analysis(data, len(PART_KEYS), min_size=0)
    assert found == parts
    assert split == whole


def test_a_small_save_in_the_game_layout_splits() -> None:
    _same_either_way(HEAD + COUNTRIES + PROVINCES, 2)
    assert b"SWE" in msgspec.json.encode(analyze(HEAD + COUNTRIES + PROVINCES))


@pytest.mark.parametrize(
    ("body", "parts"),
    [
        # A "}" at the start of a line inside the section: the part is cut short (unclosed).
        (b"countries={\n\tSWE={\n\t\thuman=yes\n}\n\t}\n}\n" + PROVINCES, 2),
        # The section nested at column 0 inside another block: not at the top level.
        (b"other={\n" + COUNTRIES + b"}\n" + PROVINCES, 2),
        # The key also earlier on a line of its own: the first one is what the game reads.
        (b"x=1 countries={ SWE={ human=yes } }\n" + COUNTRIES + PROVINCES, 2),
        # A quoted string that runs into the section.
        (b'note="open\n' + COUNTRIES + b'"\n' + PROVINCES, 2),
        # No layout to go by: sections on one line.
        (b"countries={ SWE={ human=yes } } provinces={ -1={ owner=SWE } }\n", 0),
    ],
    ids=["cut-short", "nested", "twice", "in-a-string", "one-line"],
)
def test_a_wrong_guess_falls_back_to_the_whole_save(body: bytes, parts: int) -> None:
    _same_either_way(HEAD + body, parts)


def test_a_part_that_fails_or_is_missing_falls_back() -> None:
    data = HEAD + COUNTRIES + PROVINCES
    whole = msgspec.json.encode(analyze(data))
    for tapes in ([b"", b""], None):
        split = SplitSave(data, 2, 0)
        parts = split.parts()
        split.parse_rest()
        got = [parse_part(part, key) for key, part in parts]
        if tapes is None:  # the helper answered for one part only
            tapes = got[:1]
        else:  # each helper failed (an empty tape)
            assert all(got)
        assert msgspec.json.encode(split.analyze(tapes)) == whole


def test_parse_part_refuses_what_is_not_one_block() -> None:
    for key in PART_KEYS:
        assert parse_part(b"{ a=1 }", key)
        for data in (b"{ a=1 } b=2", b"{ a={ b=1 }", b"a=1", b"", b'{ a="open }'):
            assert parse_part(data, key) == b""


def test_an_error_is_the_whole_save_error() -> None:
    data = HEAD + b"countries={\n\tSWE={\n\t\thuman=yes\n\t\tx==\n\t}\n}\n" + PROVINCES
    with pytest.raises(kernel.KernelError) as expected:
        analyze(data)
    split = SplitSave(data, 2, 0)
    parts = split.parts()
    tapes = [parse_part(part, key) for key, part in parts]
    assert [key for key, _part in parts] == ["countries", "provinces"]  # in the file's order
    assert tapes[0] == b""  # the countries' helper failed
    split.parse_rest()
    with pytest.raises(kernel.KernelError) as got:
        split.analyze(tapes)
    assert (got.value.offset, str(got.value)) == (expected.value.offset, str(expected.value))


def test_holes_are_the_regex_lexer_s() -> None:
    with pytest.raises(ValueError, match="regex"):
        kernel.parse_text(b"a={ }\n", lexer="bytes", holes=[(0, 5)])
    doc = kernel.parse_text(b"x=1\na={ b=2 }\ny=3\n", lexer="regex", holes=[(4, 13)])
    assert [key for key, _value in doc.root().pairs()] == ["x", "y"]
