"""Budgets: a country's ``ledger`` block, its positional tables named by category.

``lastmonthincometable`` / ``income`` (year to date) / ``lastyearincome`` use the income
index list; ``lastmonthexpensetable`` / ``expense`` / ``lastyearexpense`` /
``totalexpensetable`` the expense list. Indices the game uses for several things, or whose
meaning is unknown, are added to "other", as are indices past the end of the list (older
patches have shorter tables; newer ones may add entries).
"""

from __future__ import annotations

from typing import Final

from kernel.eu4._countries import CountryData
from kernel.eu4._read import container_of, number, numbers
from kernel.eu4.types import Budget

INCOME: Final = (
    "taxation",
    "production",
    "trade",
    "gold",
    "tariffs",
    "vassals",
    "harbor_fees",
    "subsidies",
    "war_reparations",
    "interest",
    "gifts",
    "events",
    "spoils_of_war",
    "treasure_fleet",
    "siphoning_income",
    "condottieri",
    "knowledge_sharing",
    "blockading_foreign_ports",
    "looting_foreign_cities",
)

# Index -> category; "" = other.
EXPENSE: Final = (
    "advisor_maintenance",  # 0
    "interest",  # 1
    "state_maintenance",  # 2
    "",  # 3
    "subsidies",  # 4
    "war_reparations",  # 5
    "army_maintenance",  # 6
    "fleet_maintenance",  # 7
    "fort_maintenance",  # 8
    "colonists",  # 9
    "missionaries",  # 10
    "raising_armies",  # 11
    "building_fleets",  # 12
    "building_fortresses",  # 13
    "buildings",  # 14
    "",  # 15
    "repaid_loans",  # 16
    "gifts",  # 17
    "advisors",  # 18
    "events",  # 19
    "peace",  # 20
    "vassal_fee",  # 21
    "tariffs",  # 22
    "support_loyalists",  # 23
    "",  # 24
    "",  # 25
    "condottieri",  # 26
    "root_out_corruption",  # 27
    "embrace_institution",  # 28
    "",  # 29
    "knowledge_sharing",  # 30
    "trade_company_investments",  # 31
    "",  # 32
    "ports_blockaded",  # 33
    "cities_looted",  # 34
    "monuments",  # 35
    "cot_upgrades",  # 36
    "colony_changes",  # 37
)


def named(values: list[float], names: tuple[str, ...]) -> dict[str, float]:
    """The table as {category: amount} in the game's order, "other" last; categories
    with nothing in them are left out (every country's budget is in the payload, and most
    of a budget's 57 categories are zero)."""
    out: dict[str, float] = {}
    other = 0.0
    for index, amount in enumerate(values):
        name = names[index] if index < len(names) else ""
        if not name:
            other += amount
        elif amount:
            out[name] = amount
    if other:
        out["other"] = round(other, 3)
    return out


def budget(country: CountryData) -> Budget:
    ledger = container_of(country.get("ledger"))
    if ledger is None:
        empty_income = named([], INCOME)
        empty_expense = named([], EXPENSE)
        return Budget(
            tag=country.tag,
            last_month_income=empty_income,
            last_month_expense=empty_expense,
            last_month_income_total=0.0,
            last_month_expense_total=0.0,
            year_to_date_income=empty_income,
            year_to_date_expense=empty_expense,
            last_year_income=empty_income,
            last_year_expense=empty_expense,
            total_expense=empty_expense,
        )
    return Budget(
        tag=country.tag,
        last_month_income=named(numbers(ledger.get("lastmonthincometable")), INCOME),
        last_month_expense=named(numbers(ledger.get("lastmonthexpensetable")), EXPENSE),
        last_month_income_total=number(ledger.get("lastmonthincome")),
        last_month_expense_total=number(ledger.get("lastmonthexpense")),
        year_to_date_income=named(numbers(ledger.get("income")), INCOME),
        year_to_date_expense=named(numbers(ledger.get("expense")), EXPENSE),
        last_year_income=named(numbers(ledger.get("lastyearincome")), INCOME),
        last_year_expense=named(numbers(ledger.get("lastyearexpense")), EXPENSE),
        total_expense=named(numbers(ledger.get("totalexpensetable")), EXPENSE),
    )
