"""Stellaris save analysis: ``analyze(data) -> StellarisAnalysis`` (payload types in
``kernel.stellaris.types``)."""

from __future__ import annotations

from kernel.stellaris._analysis import analysis_json, analyze

__all__ = ["analysis_json", "analyze"]
