"""The Imperator summary payload (not compiled by mypyc: msgspec Structs)."""

from __future__ import annotations

import msgspec


class ImperatorSummary(
    msgspec.Struct, kw_only=True, frozen=True, tag_field="game", tag="imperator"
):
    """The top of an Imperator save: the player's country and the date."""

    date: str | None = None  # date=450.10.1 (years AUC)
    country: str | None = None  # meta_player_name: the played country's name ("Suionia")
    play_time: int | None = None  # play_time
