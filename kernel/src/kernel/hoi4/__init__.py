"""HOI4 saves: ``summarize(save) -> Hoi4Summary`` (payload in ``kernel.hoi4.types``)."""

from __future__ import annotations

from kernel.hoi4._summary import summarize

__all__ = ["summarize"]
