"""kernel.eu4._analysis.UNREAD: the blocks the analysis leaves out of its documents unread
(kernel.parse_text(skip=...)) must be blocks it never reads. Checked two ways: the
analysis of every EU4 save of the corpus is the same with and without skipping, and no
name of the set is a string anywhere in kernel/eu4 (reading one would need it)."""

from __future__ import annotations

import ast
from pathlib import Path

import msgspec
import pytest
from support import ROOT
from support.corpus import eu4_save_files

import kernel
from kernel._archive import open_archive
from kernel.eu4 import _analysis as analysis
from kernel.eu4._analysis import UNREAD

# The sources (the compiled wheel need not carry them).
EU4_PACKAGE = ROOT / "kernel" / "src" / "kernel" / "eu4"


def _corpus_saves() -> list[object]:
    return [pytest.param(p, id=p.name) for p in eu4_save_files()]


@pytest.mark.parametrize("path", _corpus_saves())
def test_the_analysis_is_the_same_without_skipping(path: Path) -> None:
    container = open_archive(path.read_bytes())
    if container.gamestate().encoding == "binary":
        pytest.skip("binary: decoded whole, nothing is skipped")
    if container.game not in ("eu4", "unknown"):
        pytest.skip(f"a {container.game} file")
    skipped = analysis._documents(container, None, UNREAD)
    plain = analysis._documents(container, None, frozenset())
    assert len(skipped[1].tape) <= len(plain[1].tape)
    results = [analysis._analyze(container, meta, game, {}, ()) for meta, game in (skipped, plain)]
    with_skip, without = (msgspec.to_builtins(r) for r in results)
    assert with_skip == without


def test_no_unread_name_is_read() -> None:
    strings: set[str] = set()
    for module in EU4_PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        tree.body = [statement for statement in tree.body if not _defines_unread(statement)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    assert "countries" in strings  # the scan sees what the analysis reads
    assert not (UNREAD & strings), "read by kernel/eu4: take it out of UNREAD"


def _defines_unread(statement: ast.stmt) -> bool:
    targets = (
        statement.targets
        if isinstance(statement, ast.Assign)
        else [statement.target]
        if isinstance(statement, ast.AnnAssign)
        else []
    )
    return any(isinstance(t, ast.Name) and t.id == "UNREAD" for t in targets)


def test_skipping_leaves_out_a_third_of_a_large_gamestate(eu4_file) -> None:
    """What it is for: the 17.5 MB corpus gamestate loses over a third of its tokens."""
    container = open_archive(eu4_file("osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"))
    data = container.gamestate().data
    plain = len(kernel.parse_text(data).tape)
    skipped = len(kernel.parse_text(data, skip=UNREAD).tape)
    assert skipped < plain * 2 / 3, (skipped, plain)
