"""Countries table and budgets, pinned to the country blocks of the corpus saves."""

from __future__ import annotations

import pytest

from kernel.eu4._budget import EXPENSE, INCOME, named
from kernel.eu4.types import CountryRow, Eu4Analysis, IdeaGroup


def row(analysis: Eu4Analysis, tag: str) -> CountryRow:
    for item in analysis.countries:
        if item.tag == tag:
            return item
    raise AssertionError(f"{tag} not in the countries table")


def test_modded_player_country(modded: Eu4Analysis) -> None:
    jbb = row(modded, "JBB")
    # countries={ JBB={ human=yes was_player=yes ... treasury=1458.925
    # estimated_monthly_income=44.414 ... manpower=80.726 max_manpower=81.083
    assert jbb.human and jbb.was_player
    assert jbb.treasury == 1458.925
    assert jbb.monthly_income == 44.414
    assert jbb.manpower == 80726 and jbb.max_manpower == 81083
    # prestige=-52.953 stability=1.000 inflation=0.100 great_power_score=669.996
    assert jbb.prestige == -52.953 and jbb.stability == 1.0 and jbb.inflation == 0.1
    assert jbb.great_power_score == 669.996 and jbb.great_power  # is_great_power=yes
    # technology={ adm_tech=7 dip_tech=7 mil_tech=7 }
    assert (jbb.adm_tech, jbb.dip_tech, jbb.mil_tech) == (7, 7, 7)
    # active_idea_groups={ human_generic_ideas=4 quantity_ideas=7 religious_ideas=5
    # exploration_ideas=1 }
    assert jbb.idea_groups == [
        IdeaGroup(name="human_generic_ideas", ideas=4, national=True),
        IdeaGroup(name="quantity_ideas", ideas=7, national=False),
        IdeaGroup(name="religious_ideas", ideas=5, national=False),
        IdeaGroup(name="exploration_ideas", ideas=1, national=False),
    ]
    assert jbb.ideas == 13
    # raw_development=990.000: the sum over its provinces gives the same
    assert jbb.raw_development == 990.0
    assert jbb.development == 990.0
    # num_of_cities=168; one more province is a colony (colonysize)
    assert jbb.cities == 168 and jbb.provinces == 169
    assert jbb.government == "republic"  # government={ government="republic" ... }
    assert jbb.government_rank == 1 and jbb.religion == "secular"
    assert jbb.primary_culture == "human" and jbb.capital == 1109
    assert jbb.army_tradition == 27.27 and jbb.navy_tradition == 0.673
    # regiments in its army blocks; the save counts them too: num_subunits={ normal=45 }
    assert jbb.land_units == 45 and jbb.naval_units == 0
    assert jbb.loans == 0 and jbb.debt == 0.0


def test_modded_table_shape(modded: Eu4Analysis) -> None:
    tags = [c.tag for c in modded.countries]
    assert len(tags) == len(set(tags)) == 24
    assert tags[0] == "JBB"  # the largest by development
    devs = [c.development for c in modded.countries]
    assert devs == sorted(devs, reverse=True)
    assert all(c.provinces > 0 for c in modded.countries)
    # dependency={ first="JBB" second="H26" subject_type="march" }
    assert row(modded, "H26").overlord == "JBB"
    # the player's name comes from the meta; other countries' from their name field
    assert row(modded, "JBB").name == "JBAB Garrison Remnant"


def test_trimmed_save_without_provinces_uses_country_fields(poland: Eu4Analysis) -> None:
    # No provinces section: ownership comes from each country's owned_provinces list.
    assert [c.tag for c in poland.countries] == ["ENG", "SWE"]
    swe = row(poland, "SWE")
    # SWE={ ... treasury=44.315 estimated_monthly_income=10.343 ... manpower=0.833
    # max_manpower=30.379 ... raw_development=123.000 ... government=feudal_monarchy }
    assert swe.treasury == 44.315 and swe.monthly_income == 10.343
    assert swe.manpower == 833 and swe.max_manpower == 30379
    assert swe.development == 123.0 and swe.provinces == 22
    assert swe.government == "feudal_monarchy"
    assert (swe.adm_tech, swe.dip_tech, swe.mil_tech) == (5, 4, 4)
    eng = row(poland, "ENG")
    assert eng.loans == 1 and eng.debt == 179.0
    assert eng.capital == 236


def test_modded_budget(modded: Eu4Analysis) -> None:
    budget = modded.budgets[0]
    assert budget.tag == "JBB" == modded.countries[0].tag
    # ledger={ ... lastmonthincome=44.414
    # lastmonthincometable={ 11.925 20.071 12.418 0.000 ... }
    assert budget.last_month_income_total == 44.414
    assert budget.last_month_income["taxation"] == 11.925
    assert budget.last_month_income["production"] == 20.071
    assert budget.last_month_income["trade"] == 12.418
    # lastmonthexpense=33.073 lastmonthexpensetable={ 6.949 0.000 3.640 0.000 0.000 0.000
    # 15.828 0.000 0.300 0.500 0.134 ... (index 24) 0.130 ... (27) 1.922 ... (34) 3.670 ... }
    assert budget.last_month_expense_total == 33.073
    expense = budget.last_month_expense
    assert expense["advisor_maintenance"] == 6.949
    assert expense["state_maintenance"] == 3.64
    assert expense["army_maintenance"] == 15.828
    assert expense["root_out_corruption"] == 1.922
    assert expense["cities_looted"] == 3.67
    assert expense["other"] == 0.13  # index 24 is one of the "other" indices
    # income={ 71.473 120.524 74.566 ... 9.450 }: year to date; index 18 is looting
    assert budget.year_to_date_income["production"] == 120.524
    assert budget.year_to_date_income["looting_foreign_cities"] == 9.45
    # totalexpensetable={ 2200.388 1.440 1845.934 ... (14) 16677.500 ... }
    assert budget.total_expense["advisor_maintenance"] == 2200.388
    assert budget.total_expense["buildings"] == 16677.5
    # 0.000 at index 3 (gold) and nothing past the named indices: left out, not zeros
    assert list(budget.last_month_income)[:3] == ["taxation", "production", "trade"]
    assert "gold" not in budget.last_month_income and "other" not in budget.last_month_income
    assert "interest" not in expense  # index 1 is 0.000


def test_poland_budget_1_17_short_tables(poland: Eu4Analysis) -> None:
    swe = next(b for b in poland.budgets if b.tag == "SWE")
    # lastmonthexpense=45.933 lastmonthexpensetable={ 0.000 0.000 0.639 0.000 0.000 0.000
    # 3.328 0.426 1.500 0.000 0.000 40.040 ... }
    assert swe.last_month_expense_total == 45.933
    assert swe.last_month_expense["raising_armies"] == 40.04
    assert swe.last_month_income["taxation"] == 5.533


@pytest.mark.parametrize(
    ("values", "names", "expected"),
    [
        ([1.0, 2.0, 0.0], INCOME, {"taxation": 1.0, "production": 2.0}),
        ([0.0] * 19 + [1.5, 2.5], INCOME, {"other": 4.0}),
        ([0.0, 0.0, 0.0, 7.0] + [0.0] * 34 + [1.0], EXPENSE, {"other": 8.0}),
    ],
)
def test_named_categories(
    values: list[float], names: tuple[str, ...], expected: dict[str, float]
) -> None:
    out = named(values, names)
    assert out == expected  # zero categories left out
    assert sum(out.values()) == pytest.approx(sum(values))
