"""The Vic3 summary payload (not compiled by mypyc: msgspec Structs)."""

from __future__ import annotations

import msgspec


class Vic3Summary(msgspec.Struct, kw_only=True, frozen=True, tag_field="game", tag="vic3"):
    """A Vic3 save's ``meta_data``: the player's country and the date."""

    date: str | None = None  # game_date
    country: str | None = None  # player_country_name
