"""Imperator saves: ``summarize(save) -> ImperatorSummary`` (``kernel.imperator.types``)."""

from __future__ import annotations

from kernel.imperator._summary import summarize

__all__ = ["summarize"]
