"""Country histories: starting tags, the latest history date, the start-date monarchs.

A country's ``history`` block holds its starting setup as plain pairs (``religion=…``,
``primary_culture=…``, ``add_government_reform=…``) and then dated blocks
(``1444.11.11={ monarch={…} }``) with monarch, queen, heir, leader, tag-switch
(``changed_tag_from``) and other events.
"""

from __future__ import annotations

from typing import Final

from kernel._scalars import Date
from kernel.eu4._countries import CountryData
from kernel.eu4._read import (
    DATE_FIRST,
    NO_KEYS,
    container_of,
    dated,
    id_of,
    opt_text,
    parse_date_key,
    text,
)

_RULERS: Final = frozenset(("monarch", "queen"))


class StartMonarch:
    """A monarch or queen of the starting setup (for the playthrough id)."""

    def __init__(self, monarch_id: int, name: str) -> None:
        self.monarch_id = monarch_id
        self.name = name


class HistoryScan:
    """What every country's history adds up to."""

    def __init__(self) -> None:
        self.latest: Date | None = None  # the latest dated entry of any country
        self.start_monarchs: list[StartMonarch] = []


def scan_histories(countries: dict[str, CountryData], content_date: Date) -> HistoryScan:
    """One pass over every history: its latest date, and the monarchs and queens dated on
    or before ``content_date`` (the start date plus one day)."""
    scan = HistoryScan()
    limit = content_date.days()
    for country in countries.values():
        history = container_of(country.get("history"))
        if history is None:
            continue
        for key, block in history.select(NO_KEYS, DATE_FIRST):
            when = parse_date_key(key)
            if when is None:
                continue
            if scan.latest is None or scan.latest < when:
                scan.latest = when
            if when.days() > limit:
                continue
            events = container_of(block)
            if events is None:
                continue
            for _event, item in events.select(_RULERS):
                person = container_of(item)
                if person is None:
                    continue
                monarch_id = id_of(person.get("id"))
                if monarch_id is not None:
                    scan.start_monarchs.append(StartMonarch(monarch_id, text(person.get("name"))))
    return scan


def tag_switches(country: CountryData) -> list[tuple[Date, str]]:
    """``changed_tag_from`` events of the country: (date, the tag it was before), in order."""
    history = container_of(country.get("history"))
    out: list[tuple[Date, str]] = []
    if history is None:
        return out
    for when, events in dated(history):
        for value in events.get_all("changed_tag_from"):
            tag = opt_text(value)
            if tag is not None:
                out.append((when, tag))
    out.sort(key=_switch_key)
    return out


def _switch_key(item: tuple[Date, str]) -> int:
    return item[0].days()


def initial_tag(country: CountryData) -> str:
    """The tag the country had at the start: before its earliest tag switch."""
    switches = tag_switches(country)
    if switches:
        return switches[0][1]
    previous = container_of(country.get("previous_country_tags"))
    if previous is not None:
        for item in previous.values():
            tag = opt_text(item)
            if tag is not None:
                return tag
    return country.tag


def history_value(country: CountryData, key: str) -> str | None:
    """An undated starting value of the history (``religion``, ``primary_culture``)."""
    history = container_of(country.get("history"))
    if history is None:
        return None
    return opt_text(history.get(key))


def starting_tag(countries: dict[str, CountryData], player_tag: str) -> str | None:
    """The player's country at game start.

    The current country's earliest ``changed_tag_from`` gives the tag it started as. When
    the player released and played a vassal (``has_switched_nation``), the start lies in
    the history of the country the player left: the one former player country that is no
    longer human. None when the player's country is unknown or that is ambiguous.
    """
    country = countries.get(player_tag)
    if country is None:
        humans: list[CountryData] = []
        for candidate in countries.values():
            if candidate.human:
                humans.append(candidate)
        if len(humans) != 1:
            return None
        country = humans[0]
    if not _switched(country):
        return initial_tag(country)
    former: list[CountryData] = []
    for candidate in countries.values():
        if candidate.was_player and not candidate.human and candidate.tag != country.tag:
            former.append(candidate)
    if len(former) == 1:
        return initial_tag(former[0])
    return None


def _switched(country: CountryData) -> bool:
    value = country.get("has_switched_nation")
    return value is not None and text(value) == "yes"
