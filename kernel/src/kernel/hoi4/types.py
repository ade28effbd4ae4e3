"""The HOI4 summary payload (not compiled by mypyc: msgspec Structs)."""

from __future__ import annotations

import msgspec


class Hoi4Summary(msgspec.Struct, kw_only=True, frozen=True, tag_field="game", tag="hoi4"):
    """The top of a HOI4 save: the player's country, its ideology, the date, difficulty."""

    date: str | None = None  # date="1936.1.1.12" (the last part is the hour)
    country: str | None = None  # player="GER"
    ideology: str | None = None  # ideology=fascism (the player country's)
    difficulty: str | None = None  # difficulty="normal"
    ironman: str | None = None  # ironman="GER": the tag of an ironman game's country
    start_date: str | None = None
