"""The EU5 summary payload (not compiled by mypyc: msgspec Structs)."""

from __future__ import annotations

import msgspec


class Eu5Summary(msgspec.Struct, kw_only=True, frozen=True, tag_field="game", tag="eu5"):
    """An EU5 save's ``metadata``: the player's country, the date, the playthrough."""

    date: str | None = None  # date
    country: str | None = None  # player_country_name
    playthrough: str | None = None  # playthrough_name
    save_label: str | None = None  # save_label ("Autosave", …)
