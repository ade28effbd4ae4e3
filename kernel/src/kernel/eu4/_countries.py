"""Countries: one pass over every country's fields, and the countries table.

``read_countries`` walks the ``countries`` section once, keeping for each country only the
fields the analysis reads (``CountryData``); nested blocks are kept as unread values, so
the history, armies or ledger of a country are parsed only by the part that needs them.
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container, Value
from kernel.eu4._read import (
    NO_KEYS,
    Fields,
    container_of,
    flag,
    integer,
    number,
    opt_number,
    opt_text,
    pick,
    text,
)
from kernel.eu4.types import CountryRow, IdeaGroup, ProvinceRow

_SINGLE: Final = frozenset(
    (
        "human",
        "was_player",
        "has_switched_nation",
        "custom_nation_points",
        "name",
        "government_rank",
        "government",
        "capital",
        "treasury",
        "estimated_monthly_income",
        "manpower",
        "max_manpower",
        "technology",
        "active_idea_groups",
        "great_power_score",
        "prestige",
        "stability",
        "inflation",
        "religion",
        "primary_culture",
        "overlord",
        "army_tradition",
        "navy_tradition",
        "corruption",
        "is_great_power",
        "raw_development",
        "development",
        "num_of_cities",
        "num_of_total_ports",
        "flags",
        "completed_missions",
        "ledger",
        "losses",
        "adm_spent_indexed",
        "dip_spent_indexed",
        "mil_spent_indexed",
        "history",
        "decision_seed",
        "tribute_type",
        "subjects",
        "church",
        "monarch",
        "heir",
        "previous_country_tags",
        "owned_provinces",
        "colors",
        "national_focus",
        "powers",
        "legitimacy",
        "republican_tradition",
        "devotion",
        "horde_unity",
        "meritocracy",
    )
)
_REPEATED: Final = frozenset(
    (
        "army",
        "navy",
        "loan",
        "estate",
        "accepted_culture",
        "blessing",
        "leader",
        "rival",
    )
)
_TECH: Final = frozenset(("adm_tech", "dip_tech", "mil_tech"))


class CountryData:
    """The fields of one country that the analysis reads, plus what its provinces add up to."""

    def __init__(self, tag: str, fields: Fields) -> None:
        self.tag = tag
        self.fields = fields
        self.provinces = 0
        self.development = 0.0

    def get(self, key: str) -> Value | None:
        return self.fields.get(key)

    def all(self, key: str) -> list[Value]:
        return self.fields.all(key)

    @property
    def human(self) -> bool:
        return flag(self.fields.get("human"))

    @property
    def was_player(self) -> bool:
        return flag(self.fields.get("was_player"))

    @property
    def religion(self) -> str:
        return text(self.fields.get("religion"))

    @property
    def alive(self) -> bool:
        return self.provinces > 0

    def flag_names(self) -> list[str]:
        c = container_of(self.fields.get("flags"))
        if c is None:
            return []
        out: list[str] = []
        for key, _value in c.pairs():
            out.append(key)
        return out


def read_countries(section: Container | None) -> dict[str, CountryData]:
    """Every country of the ``countries`` section by tag, in save order."""
    out: dict[str, CountryData] = {}
    if section is None:
        return out
    for tag, value in section.pairs():
        c = container_of(value)
        if c is None or tag in out:
            continue
        out[tag] = CountryData(tag, pick(c, _SINGLE, _REPEATED))
    return out


def add_provinces(countries: dict[str, CountryData], provinces: list[ProvinceRow]) -> None:
    """Count each country's provinces and development.

    Without a provinces section (trimmed saves) the countries' own fields stand in: the
    ``owned_provinces`` list and ``raw_development``.
    """
    if not provinces:
        for country in countries.values():
            owned = container_of(country.get("owned_provinces"))
            if owned is not None:
                country.provinces = len(owned.raw_values())
                country.development = number(country.get("raw_development"))
        return
    for row in provinces:
        owner = row.owner
        if owner is None:
            continue
        owner_data = countries.get(owner)
        if owner_data is None:
            continue
        owner_data.provinces += 1
        owner_data.development += row.development


def country_name(country: CountryData, player_tag: str, player_name: str) -> str:
    name = opt_text(country.get("name"))
    if name:
        return name
    if country.tag == player_tag and player_name:
        return player_name
    return country.tag


def idea_groups(country: CountryData) -> list[IdeaGroup]:
    c = container_of(country.get("active_idea_groups"))
    if c is None:
        return []
    out: list[IdeaGroup] = []
    for index, (name, value) in enumerate(c.pairs()):
        out.append(IdeaGroup(name=name, ideas=integer(value), national=index == 0))
    return out


def government_name(country: CountryData) -> str:
    value = country.get("government")
    if value is None:
        return ""
    c = container_of(value)
    if c is None:
        return text(value)  # before 1.23: government=feudal_monarchy
    return text(c.get("government"))


def reforms(country: CountryData) -> list[str]:
    c = container_of(country.get("government"))
    if c is None:
        return []
    stack = container_of(c.get("reform_stack"))
    if stack is None:
        return []
    out: list[str] = []
    block = container_of(stack.get("reforms"))
    if block is None:
        return out
    for item in block.values():
        name = opt_text(item)
        if name is not None:
            out.append(name)
    return out


def _count(units: list[Value], key: str) -> int:
    total = 0
    for unit in units:
        c = container_of(unit)
        if c is not None:
            total += len(c.get_all(key))
    return total


def country_row(
    country: CountryData, player_tag: str, player_name: str, overlords: dict[str, str]
) -> CountryRow:
    tech = container_of(country.get("technology"))
    adm = dip = mil = 0
    if tech is not None:
        t = pick(tech, _TECH, NO_KEYS)
        adm = integer(t.get("adm_tech"))
        dip = integer(t.get("dip_tech"))
        mil = integer(t.get("mil_tech"))
    groups = idea_groups(country)
    ideas = 0
    for group in groups:
        if not group.national:
            ideas += group.ideas
    debt = 0.0
    loans = country.all("loan")
    for loan in loans:
        c = container_of(loan)
        if c is not None:
            debt += number(c.get("amount"))
    overlord = opt_text(country.get("overlord"))
    if overlord is None:
        overlord = overlords.get(country.tag)
    return CountryRow(
        tag=country.tag,
        name=country_name(country, player_tag, player_name),
        human=country.human,
        was_player=country.was_player,
        great_power=flag(country.get("is_great_power")),
        development=round(country.development, 3),
        raw_development=opt_number(country.get("raw_development")),
        provinces=country.provinces,
        cities=integer(country.get("num_of_cities")),
        treasury=number(country.get("treasury")),
        monthly_income=number(country.get("estimated_monthly_income")),
        manpower=round(number(country.get("manpower")) * 1000),
        max_manpower=round(number(country.get("max_manpower")) * 1000),
        land_units=_count(country.all("army"), "regiment"),
        naval_units=_count(country.all("navy"), "ship"),
        adm_tech=adm,
        dip_tech=dip,
        mil_tech=mil,
        idea_groups=groups,
        ideas=ideas,
        great_power_score=number(country.get("great_power_score")),
        prestige=number(country.get("prestige")),
        stability=number(country.get("stability")),
        inflation=number(country.get("inflation")),
        loans=len(loans),
        debt=debt,
        government_rank=integer(country.get("government_rank")),
        government=government_name(country),
        religion=country.religion,
        primary_culture=text(country.get("primary_culture")),
        capital=integer(country.get("capital")),
        overlord=overlord if overlord and overlord != "---" else None,
        army_tradition=number(country.get("army_tradition")),
        navy_tradition=number(country.get("navy_tradition")),
        corruption=number(country.get("corruption")),
    )


def country_rows(
    countries: dict[str, CountryData], player_tag: str, player_name: str, overlords: dict[str, str]
) -> list[CountryRow]:
    """The table: countries owning provinces, by development (largest first), then tag."""
    rows: list[CountryRow] = []
    for country in countries.values():
        if country.alive:
            rows.append(country_row(country, player_tag, player_name, overlords))
    rows.sort(key=_row_order)
    return rows


def _row_order(row: CountryRow) -> tuple[float, str]:
    return (-row.development, row.tag)
