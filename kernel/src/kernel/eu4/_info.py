"""Save info: what the save says about itself (the ``meta`` entry, or the head of a plain
text save), plus the gameplay settings of the gamestate.

Fields changed over the patches: ``multi_player`` (absent from 1.5 saves, where more
than one ``players_countries`` pair is the sign of a multiplayer game), ``mod_enabled``
(names or files, before 1.30) and ``mods_enabled_names`` ({filename, name}), quoted dates
(1.5).
"""

from __future__ import annotations

from typing import Final

from kernel._document import Value
from kernel._scalars import Date
from kernel.eu4._read import (
    EU4_START,
    Fields,
    container_of,
    date,
    flag,
    integer,
    ints,
    opt_integer,
    opt_text,
    text,
    texts,
)
from kernel.eu4.types import Difficulty, Mod, Player, TaxManpower, Version

# Keys read from the meta entry (and, for plain text saves, from the gamestate head).
META_KEYS: Final = frozenset(
    (
        "date",
        "save_game",
        "player",
        "displayed_country_name",
        "savegame_version",
        "savegame_versions",
        "dlc_enabled",
        "mod_enabled",
        "mods_enabled_names",
        "multi_player",
        "not_observer",
        "is_ironman",
        "is_random_new_world",
        "campaign_id",
        "campaign_length",
        "checksum",
        "players_countries",
    )
)

_DIFFICULTIES: Final[tuple[Difficulty, ...]] = ("very_easy", "easy", "normal", "hard", "very_hard")
_TAX_MANPOWER: Final[tuple[TaxManpower, ...]] = ("historical", "random", "equal")
# setgameplayoptions: difficulty, handicap, lucky nations, hot-join, same country, two
# unknowns, terra incognita, host-observer save, editable save, locked ledger, dynamic
# province names, custom nation difficulty, nations, then the tax/manpower mode (index 14,
# the 15th value, as eu4save reads it).
TAX_MANPOWER_INDEX: Final = 14


class Meta:
    """The meta fields: from the meta entry when there is one, else the gamestate head."""

    def __init__(self, meta: Fields | None, head: Fields) -> None:
        self.meta = meta
        self.head = head

    def get(self, key: str) -> Value | None:
        if self.meta is not None:
            found = self.meta.get(key)
            if found is not None:
                return found
        return self.head.get(key)


def version(meta: Meta) -> Version:
    c = container_of(meta.get("savegame_version"))
    if c is None:
        return Version()
    return Version(
        first=integer(c.get("first")),
        second=integer(c.get("second")),
        third=integer(c.get("third")),
        fourth=integer(c.get("forth") or c.get("fourth")),
        name=text(c.get("name")),
    )


def patch_text(v: Version) -> str:
    return f"{v.first}.{v.second}.{v.third}.{v.fourth}"


def save_date(meta: Meta) -> Date:
    found = date(meta.get("date"))
    return found if found is not None else EU4_START


def players(meta: Meta) -> list[Player]:
    names = texts(meta.get("players_countries"))
    out: list[Player] = []
    for i in range(0, len(names) - 1, 2):
        out.append(Player(name=names[i], tag=names[i + 1]))
    return out


def player_names(pairs: list[Player]) -> list[str]:
    out: list[str] = []
    for p in pairs:
        if p.name != "Player" and p.name not in out:
            out.append(p.name)
    return out


def multiplayer(meta: Meta, pairs: list[Player]) -> bool:
    value = meta.get("multi_player")
    if value is not None:
        return flag(value)
    return len(pairs) > 1  # 1.5: no multi_player field


def observer(meta: Meta) -> bool:
    value = meta.get("not_observer")
    if value is not None:
        return not flag(value, True)
    return text(meta.get("player")) == "---"


def mods(meta: Meta) -> list[Mod]:
    out: list[Mod] = []
    block = container_of(meta.get("mods_enabled_names"))
    if block is not None:
        for item in block.values():
            c = container_of(item)
            if c is not None:
                out.append(Mod(name=text(c.get("name")), filename=text(c.get("filename"))))
        return out
    for name in texts(meta.get("mod_enabled")):
        out.append(Mod(name=name))
    return out


def gameplay_options(settings: Value | None) -> list[int]:
    c = container_of(settings)
    if c is None:
        return []
    return ints(c.get("setgameplayoptions"))


def difficulty(options: list[int]) -> Difficulty:
    if not options:
        return "unknown"
    index = options[0] + 1
    if 0 <= index < len(_DIFFICULTIES):
        return _DIFFICULTIES[index]
    return "unknown"


def tax_manpower(options: list[int]) -> TaxManpower:
    if len(options) <= TAX_MANPOWER_INDEX:
        return "unknown"
    value = options[TAX_MANPOWER_INDEX]
    if 0 <= value < len(_TAX_MANPOWER):
        return _TAX_MANPOWER[value]
    return "unknown"


def campaign_length(meta: Meta) -> int | None:
    return opt_integer(meta.get("campaign_length"))


def opt_flag(value: Value | None) -> bool | None:
    if value is None:
        return None
    return flag(value)


def current_age(head: Fields) -> str | None:
    return opt_text(head.get("current_age"))
