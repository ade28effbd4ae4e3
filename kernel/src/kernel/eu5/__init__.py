"""EU5 saves: ``summarize(save) -> Eu5Summary`` (payload in ``kernel.eu5.types``)."""

from __future__ import annotations

from kernel.eu5._summary import summarize

__all__ = ["summarize"]
