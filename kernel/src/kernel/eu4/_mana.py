"""Monarch points spent by category: ``adm_spent_indexed={ 0=1717 7=210 … }``.

The index -> category table depends on the patch (facts from eu4save's
``mana_spent_indexed``): up to 1.30 as below; 1.31 removed index 25 (buy native
advancement) so 26-44 shift down by one and 43 becomes "add tribal land"; 1.35
reshuffled the tail. Indices without a known meaning, and any beyond 50, count as
"other". Saves before these tables (no ``*_spent_indexed``) give empty categories.
"""

from __future__ import annotations

from typing import Final

from kernel.eu4._countries import CountryData
from kernel.eu4._read import int_pairs
from kernel.eu4.types import ManaSpent

CATEGORIES: Final = (
    "buy_idea",
    "advance_tech",
    "boost_stab",
    "buy_general",
    "buy_admiral",
    "buy_conq",
    "buy_explorer",
    "develop_prov",
    "force_march",
    "assault",
    "seize_colony",
    "burn_colony",
    "attack_natives",
    "scorch_earth",
    "demand_non_wargoal_prov",
    "reduce_inflation",
    "move_capital",
    "make_province_core",
    "replace_rival",
    "change_gov",
    "change_culture",
    "harsh_treatment",
    "reduce_we",
    "boost_faction",
    "raise_war_taxes",
    "buy_native_advancement",
    "increase_tariffs",
    "promote_merc",
    "decrease_tariffs",
    "move_trade_port",
    "create_trade_post",
    "siege_sorties",
    "buy_religious_reform",
    "set_primary_culture",
    "add_accepted_culture",
    "remove_accepted_culture",
    "strengthen_government",
    "boost_militarization",
    "artillery_barrage",
    "establish_siberian_frontier",
    "government_interaction",
    "naval_barrage",
    "add_tribal_land",
    "create_leader",
    "enforce_culture",
    "effect",
    "minority_expulsion",
)

_COMMON: Final = CATEGORIES[:25]  # indices 0-24 are the same in every table

# Index -> category from 25 on; "" = other.
_TAIL_1_30: Final = (
    "buy_native_advancement",  # 25
    "increase_tariffs",
    "promote_merc",
    "decrease_tariffs",
    "move_trade_port",
    "create_trade_post",  # 30
    "siege_sorties",
    "buy_religious_reform",
    "set_primary_culture",
    "add_accepted_culture",
    "remove_accepted_culture",  # 35
    "strengthen_government",
    "boost_militarization",
    "",
    "artillery_barrage",
    "establish_siberian_frontier",  # 40
    "government_interaction",
    "",
    "naval_barrage",
    "",
    "force_march",  # 45
    "create_leader",
    "enforce_culture",
    "effect",
    "minority_expulsion",
)
_TAIL_1_31: Final = (
    "increase_tariffs",  # 25
    "promote_merc",
    "decrease_tariffs",
    "move_trade_port",
    "create_trade_post",
    "siege_sorties",  # 30
    "buy_religious_reform",
    "set_primary_culture",
    "add_accepted_culture",
    "remove_accepted_culture",
    "strengthen_government",  # 35
    "boost_militarization",
    "",
    "artillery_barrage",
    "establish_siberian_frontier",
    "government_interaction",  # 40
    "",
    "naval_barrage",
    "add_tribal_land",
    "",
    "force_march",  # 45
    "create_leader",
    "enforce_culture",
    "effect",
    "minority_expulsion",
)
_TAIL_1_35: Final = (
    "increase_tariffs",  # 25
    "promote_merc",
    "decrease_tariffs",
    "move_trade_port",
    "create_trade_post",
    "siege_sorties",  # 30
    "buy_religious_reform",
    "set_primary_culture",
    "add_accepted_culture",
    "remove_accepted_culture",
    "strengthen_government",  # 35
    "",
    "artillery_barrage",
    "establish_siberian_frontier",
    "",
    "naval_barrage",  # 40
    "add_tribal_land",
    "",
    "force_march",
    "create_leader",
    "enforce_culture",  # 45
    "effect",
    "minority_expulsion",
)

TABLE_1_30: Final = _COMMON + _TAIL_1_30
TABLE_1_31: Final = _COMMON + _TAIL_1_31
TABLE_1_35: Final = _COMMON + _TAIL_1_35


def table_for(minor: int) -> tuple[str, ...]:
    """The index table of patch 1.``minor``."""
    if minor >= 35:
        return TABLE_1_35
    if minor >= 31:
        return TABLE_1_31
    return TABLE_1_30


def spent(pairs: list[tuple[int, int]], table: tuple[str, ...]) -> dict[str, int]:
    """{category: points} in the order of ``CATEGORIES``, "other" last; categories with
    nothing spent are left out (every country's mana is in the payload)."""
    found: dict[str, int] = {}
    other = 0
    for index, amount in pairs:
        name = table[index] if 0 <= index < len(table) else ""
        if name:
            found[name] = found.get(name, 0) + amount
        else:
            other += amount
    out: dict[str, int] = {}
    for name in CATEGORIES:
        amount = found.get(name, 0)
        if amount:
            out[name] = amount
    if other:
        out["other"] = other
    return out


def _total(values: dict[str, int]) -> int:
    total = 0
    for amount in values.values():
        total += amount
    return total


def mana_spent(country: CountryData, minor: int) -> ManaSpent:
    table = table_for(minor)
    adm = spent(int_pairs(country.get("adm_spent_indexed")), table)
    dip = spent(int_pairs(country.get("dip_spent_indexed")), table)
    mil = spent(int_pairs(country.get("mil_spent_indexed")), table)
    return ManaSpent(
        adm=adm,
        dip=dip,
        mil=mil,
        adm_total=_total(adm),
        dip_total=_total(dip),
        mil_total=_total(mil),
    )
