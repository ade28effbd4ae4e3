"""The Stellaris summary: the ``meta`` entry (empire name, date, fleets, planets)."""

from __future__ import annotations

from kernel._save import Save
from kernel._summary import find_int, find_text, summary_documents
from kernel.stellaris.types import StellarisSummary


def summarize(save: Save) -> StellarisSummary:
    docs = summary_documents(save)
    return StellarisSummary(
        date=find_text(docs, "", ("date",)),
        empire=find_text(docs, "", ("name",)),
        fleets=find_int(docs, "", ("meta_fleets",)),
        planets=find_int(docs, "", ("meta_planets",)),
    )
