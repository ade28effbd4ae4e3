"""The CK3 summary payload (not compiled by mypyc: msgspec Structs)."""

from __future__ import annotations

import msgspec

# meta_player_tier: the tier of the player's primary title.
TIERS = {1: "barony", 2: "county", 3: "duchy", 4: "kingdom", 5: "empire"}


class Ck3Summary(msgspec.Struct, kw_only=True, frozen=True, tag_field="game", tag="ck3"):
    """What a CK3 save's ``meta_data`` says about the player (every field None when the
    save does not hold it, e.g. a binary save without a token table)."""

    date: str | None = None  # meta_date
    character: str | None = None  # meta_player_name: "Chieftain Botulf"
    house: str | None = None  # meta_house_name
    primary_title: str | None = None  # meta_title_name: "Chiefdom of Jåhkåmåhkke"
    tier: str | None = None  # meta_player_tier as a word (TIERS)
    government: str | None = None  # meta_government: "tribal_government"
    # The realm's size in counties: not in the metadata; None until a reader of the
    # whole gamestate gives it.
    realm_size: int | None = None
