"""Vic3 saves: ``summarize(save) -> Vic3Summary`` (payload in ``kernel.vic3.types``)."""

from __future__ import annotations

from kernel.vic3._summary import summarize

__all__ = ["summarize"]
