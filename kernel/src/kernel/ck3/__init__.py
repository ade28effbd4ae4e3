"""CK3 saves: ``summarize(save) -> Ck3Summary`` (payload in ``kernel.ck3.types``)."""

from __future__ import annotations

from kernel.ck3._summary import summarize

__all__ = ["summarize"]
