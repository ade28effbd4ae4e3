"""The HOI4 summary: the keys at the top of the save (there is no separate metadata)."""

from __future__ import annotations

from kernel._save import Save
from kernel._summary import find_block, find_text, summary_documents
from kernel.hoi4.types import Hoi4Summary


def summarize(save: Save) -> Hoi4Summary:
    docs = summary_documents(save)
    difficulty = find_text(docs, "", ("difficulty",))
    if difficulty is None:
        settings = find_block(docs, "", "gameplaysettings")
        value = settings.get("difficulty") if settings is not None else None
        if value is not None and not value.is_container():
            difficulty = value.as_str()
    ironman = find_text(docs, "", ("ironman",))
    return Hoi4Summary(
        date=find_text(docs, "", ("date",), date=True),
        country=find_text(docs, "", ("player",)),
        ideology=find_text(docs, "", ("ideology",)),
        difficulty=difficulty,
        ironman=ironman if ironman not in (None, "no") else None,
        start_date=find_text(docs, "", ("start_date",), date=True),
    )
