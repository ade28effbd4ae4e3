"""The CK3 summary: the player's character, house and primary title from ``meta_data``."""

from __future__ import annotations

from kernel._save import Save
from kernel._summary import find_int, find_text, summary_documents
from kernel.ck3.types import TIERS, Ck3Summary


def summarize(save: Save) -> Ck3Summary:
    docs = summary_documents(save)
    block = "meta_data"
    tier = find_int(docs, block, ("meta_player_tier",))
    return Ck3Summary(
        date=find_text(docs, block, ("meta_date", "date"), date=True),
        character=find_text(docs, block, ("meta_player_name",)),
        house=find_text(docs, block, ("meta_house_name",)),
        primary_title=find_text(docs, block, ("meta_title_name",)),
        tier=TIERS.get(tier) if tier is not None else None,
        government=find_text(docs, block, ("meta_government",)),
    )
