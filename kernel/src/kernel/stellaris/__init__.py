"""Stellaris saves: ``analyze(data) -> StellarisAnalysis`` and the cheap
``summarize(save) -> StellarisSummary`` (payload types in ``kernel.stellaris.types``)."""

from __future__ import annotations

from kernel.stellaris._analysis import analysis_json, analyze
from kernel.stellaris._summary import summarize

__all__ = ["analysis_json", "analyze", "summarize"]
