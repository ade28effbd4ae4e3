"""Analyses of the real EU4 saves of ../shared/corpus, computed once per session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support.corpus import save_file

from kernel.eu4 import analyze
from kernel.eu4.types import Eu4Analysis

MODDED = "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"  # zip, 17.5 MB text gamestate, 1.36
POLAND = "pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4"  # plain text, 1.17, trimmed MP
TINY = "morgotth_tiny_save_1687_trimmed.eu4"  # plain text, 1.5, trimmed MP


@pytest.fixture(scope="session")
def eu4_file() -> Callable[[str], bytes]:
    """``eu4_file(name)``: the bytes of the corpus's saves/eu4/<name> (skips when absent)."""
    return lambda name: save_file(f"eu4/{name}").read_bytes()


@pytest.fixture(scope="session")
def modded(eu4_file: Callable[[str], bytes]) -> Eu4Analysis:
    return analyze(eu4_file(MODDED))


@pytest.fixture(scope="session")
def poland(eu4_file: Callable[[str], bytes]) -> Eu4Analysis:
    return analyze(eu4_file(POLAND))


@pytest.fixture(scope="session")
def tiny(eu4_file: Callable[[str], bytes]) -> Eu4Analysis:
    return analyze(eu4_file(TINY))
