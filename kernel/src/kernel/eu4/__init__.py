"""EU4 save analysis: ``analyze(data) -> Eu4Analysis`` (payload types in ``kernel.eu4.types``)."""

from __future__ import annotations

from kernel.eu4._achievements import CATALOGUE as ACHIEVEMENTS
from kernel.eu4._analysis import analysis_json, analyze
from kernel.eu4._parallel import SplitSave, parse_part

__all__ = ["ACHIEVEMENTS", "SplitSave", "analysis_json", "analyze", "parse_part"]
