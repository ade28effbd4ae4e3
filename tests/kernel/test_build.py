"""Which kernel build was imported: a broken build must not silently test pure code twice.

scripts/test runs tests/kernel with KERNEL_EXPECT_COMPILED=0 against the pure wheel and
tests/ with KERNEL_EXPECT_COMPILED=1 against the mypyc wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kernel
from kernel import _text

EXPECT = os.environ.get("KERNEL_EXPECT_COMPILED")
needs_expectation = pytest.mark.skipif(
    EXPECT is None, reason="KERNEL_EXPECT_COMPILED is not set (scripts/test sets it)"
)


@needs_expectation
def test_compiled_flag_matches_the_expected_build() -> None:
    expected = EXPECT == "1"
    assert kernel.COMPILED is expected, f"kernel imported from {kernel.__file__}"


@needs_expectation
def test_implementation_module_kind() -> None:
    if EXPECT == "1":
        assert _text.__file__.endswith(".so"), _text.__file__
    else:
        assert _text.__file__.endswith(".py"), _text.__file__


def test_kernel_is_the_installed_wheel_not_the_source_tree(repo_root: Path) -> None:
    # src layout: tests must exercise what was built and installed.
    source = repo_root / "kernel" / "src"
    assert not Path(kernel.__file__).resolve().is_relative_to(source), kernel.__file__
