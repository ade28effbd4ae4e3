"""The Imperator summary: the metadata at the top of the save."""

from __future__ import annotations

from kernel._save import Save
from kernel._summary import find_int, find_text, summary_documents
from kernel.imperator.types import ImperatorSummary


def summarize(save: Save) -> ImperatorSummary:
    docs = summary_documents(save)
    return ImperatorSummary(
        date=find_text(docs, "", ("date",), date=True),
        country=find_text(docs, "", ("meta_player_name",)),
        play_time=find_int(docs, "", ("play_time",)),
    )
