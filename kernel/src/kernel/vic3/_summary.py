"""The Vic3 summary: ``meta_data``'s game date and player country name."""

from __future__ import annotations

from kernel._save import Save
from kernel._summary import find_text, summary_documents
from kernel.vic3.types import Vic3Summary


def summarize(save: Save) -> Vic3Summary:
    docs = summary_documents(save)
    return Vic3Summary(
        date=find_text(docs, "meta_data", ("game_date", "date"), date=True),
        country=find_text(docs, "meta_data", ("player_country_name",)),
    )
