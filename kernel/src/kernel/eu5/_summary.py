"""The EU5 summary: ``metadata``'s date, player country name and playthrough."""

from __future__ import annotations

from kernel._save import Save
from kernel._summary import find_text, summary_documents
from kernel.eu5.types import Eu5Summary


def summarize(save: Save) -> Eu5Summary:
    docs = summary_documents(save)
    block = "metadata"
    return Eu5Summary(
        date=find_text(docs, block, ("date",), date=True),
        country=find_text(docs, block, ("player_country_name",)),
        playthrough=find_text(docs, block, ("playthrough_name",)),
        save_label=find_text(docs, block, ("save_label",)),
    )
