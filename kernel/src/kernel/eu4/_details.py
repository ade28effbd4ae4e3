"""The detailed view of a country: rulers, heirs, leaders, estates, ideas, mana, religion
and culture shares, states.

Rulers, heirs and leaders come from the dated blocks of the country history
(``monarch``/``monarch_heir``, ``heir``, ``leader`` events); the country itself only
refers to the living ones by id (``monarch={ id=… }``, ``leader={ id=… }``).
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container, Value
from kernel._scalars import Date
from kernel.eu4._countries import (
    CountryData,
    country_name,
    government_name,
    idea_groups,
    reforms,
)
from kernel.eu4._mana import mana_spent
from kernel.eu4._read import (
    container_of,
    date,
    id_of,
    integer,
    iso,
    number,
    opt_number,
    opt_text,
    parse_date_key,
    text,
)
from kernel.eu4.types import (
    CountryDetails,
    Estate,
    Heir,
    Leader,
    Privilege,
    ProvinceRow,
    Ruler,
    Share,
    State,
)

_MONARCH_EVENTS: Final = frozenset(("monarch", "monarch_heir"))


class _Person:
    """A monarch or heir event, before rulers' end dates are known."""

    def __init__(self, when: Date, block: Container) -> None:
        self.when = when
        self.block = block
        self.person_id = id_of(block.get("id"))


def _personalities(block: Container) -> list[str]:
    c = container_of(block.get("personalities"))
    out: list[str] = []
    if c is None:
        return out
    for key, _value in c.pairs():
        out.append(key)
    return out


def _leader(block: Container, alive_ids: set[int]) -> Leader:
    leader_id = id_of(block.get("id"))
    maneuver = block.get("maneuver")
    if maneuver is None:
        maneuver = block.get("manuever")
    return Leader(
        id=leader_id,
        name=text(block.get("name")),
        kind=text(block.get("type")),
        fire=integer(block.get("fire")),
        shock=integer(block.get("shock")),
        maneuver=integer(maneuver),
        siege=integer(block.get("siege")),
        personality=opt_text(block.get("personality")),
        activation=iso(date(block.get("activation"))),
        alive=leader_id is not None and leader_id in alive_ids,
    )


class _People:
    def __init__(self) -> None:
        self.monarchs: list[_Person] = []
        self.heirs: list[_Person] = []
        self.leaders: list[Container] = []


def _collect(country: CountryData) -> _People:
    people = _People()
    history = container_of(country.get("history"))
    if history is None:
        return people
    for key, block in history.pairs():
        when = parse_date_key(key)
        events = container_of(block) if when is not None else None
        if when is None or events is None:
            continue
        for event, item in events.pairs():
            person = container_of(item)
            if person is None:
                continue
            if event in _MONARCH_EVENTS:
                people.monarchs.append(_Person(when, person))
            elif event == "heir":
                people.heirs.append(_Person(when, person))
            elif event == "leader":
                people.leaders.append(person)
    return people


def _rulers(monarchs: list[_Person]) -> list[Ruler]:
    out: list[Ruler] = []
    for index, person in enumerate(monarchs):
        block = person.block
        end = monarchs[index + 1].when if index + 1 < len(monarchs) else None
        out.append(
            Ruler(
                id=person.person_id,
                name=text(block.get("name")),
                dynasty=text(block.get("dynasty")),
                start=iso(person.when),
                end=iso(end),
                adm=integer(block.get("ADM")),
                dip=integer(block.get("DIP")),
                mil=integer(block.get("MIL")),
                personalities=_personalities(block),
            )
        )
    return out


def _heirs(heirs: list[_Person], monarchs: list[_Person]) -> list[Heir]:
    crowned: set[int] = set()
    for monarch in monarchs:
        if monarch.person_id is not None:
            crowned.add(monarch.person_id)
    out: list[Heir] = []
    for person in heirs:
        block = person.block
        out.append(
            Heir(
                id=person.person_id,
                name=text(block.get("name")),
                dynasty=text(block.get("dynasty")),
                date=iso(person.when),
                adm=integer(block.get("ADM")),
                dip=integer(block.get("DIP")),
                mil=integer(block.get("MIL")),
                claim=opt_number(block.get("claim")),
                succeeded=person.person_id is not None and person.person_id in crowned,
            )
        )
    return out


def _privileges(value: Value | None) -> list[Privilege]:
    c = container_of(value)
    out: list[Privilege] = []
    if c is None:
        return out
    for entry in c.entries():
        if entry.key is not None:  # name=date
            out.append(Privilege(name=entry.key, date=iso(date(entry.value))))
            continue
        item = container_of(entry.value)
        if item is None:
            name = opt_text(entry.value)
            if name is not None:
                out.append(Privilege(name=name, date=None))
            continue
        parts = item.values()  # { estate_church_land_rights 2074.9.15 }
        if parts:
            name = opt_text(parts[0])
            if name is not None:
                when = date(parts[1]) if len(parts) > 1 else None
                out.append(Privilege(name=name, date=iso(when)))
    return out


def estates(country: CountryData) -> list[Estate]:
    out: list[Estate] = []
    for value in country.all("estate"):
        c = container_of(value)
        if c is None:
            continue
        out.append(
            Estate(
                type=text(c.get("type")),
                loyalty=number(c.get("loyalty")),
                influence=opt_number(c.get("influence")),
                territory=number(c.get("territory")),
                privileges=_privileges(c.get("granted_privileges")),
                influence_modifiers=len(c.get_all("influence_modifier")),
            )
        )
    return out


def _shares(totals: dict[str, tuple[int, float]], development: float) -> list[Share]:
    out: list[Share] = []
    for name, (count, dev) in totals.items():
        share = dev / development if development > 0 else 0.0
        out.append(
            Share(name=name, provinces=count, development=round(dev, 3), share=round(share, 4))
        )
    out.sort(key=_share_order)
    return out


def _share_order(share: Share) -> tuple[float, str]:
    return (-share.development, share.name)


def _add(totals: dict[str, tuple[int, float]], name: str, dev: float) -> None:
    count, total = totals.get(name, (0, 0.0))
    totals[name] = (count + 1, total + dev)


def shares(provinces: list[ProvinceRow], tag: str) -> tuple[list[Share], list[Share]]:
    """(religions, cultures) of the country's provinces, weighted by development."""
    religions: dict[str, tuple[int, float]] = {}
    cultures: dict[str, tuple[int, float]] = {}
    development = 0.0
    for row in provinces:
        if row.owner != tag:
            continue
        development += row.development
        _add(religions, row.religion or "", row.development)
        _add(cultures, row.culture or "", row.development)
    return _shares(religions, development), _shares(cultures, development)


def states(map_area_data: Value | None, tag: str) -> list[State]:
    """The country's states: ``map_area_data={ area={ state={ country_state={…} } } }``."""
    c = container_of(map_area_data)
    out: list[State] = []
    if c is None:
        return out
    for area, value in c.pairs():
        block = container_of(value)
        if block is None:
            continue
        state = container_of(block.get("state"))
        if state is None:
            continue
        for item in state.get_all("country_state"):
            cs = container_of(item)
            if cs is not None and text(cs.get("country")) == tag:
                out.append(State(area=area, prosperity=number(cs.get("prosperity"))))
    return out


def _alive_leader_ids(country: CountryData) -> set[int]:
    out: set[int] = set()
    for value in country.all("leader"):
        leader_id = id_of(value)
        if leader_id is not None:
            out.add(leader_id)
    return out


def _strings(value: Value | None) -> list[str]:
    c = container_of(value)
    out: list[str] = []
    if c is None:
        return out
    for item in c.values():
        name = opt_text(item)
        if name is not None:
            out.append(name)
    return out


def country_details(
    *,
    country: CountryData,
    provinces: list[ProvinceRow],
    map_area_data: Value | None,
    minor: int,
    player_tag: str,
    player_name: str,
) -> CountryDetails:
    people = _collect(country)
    alive = _alive_leader_ids(country)
    leaders: list[Leader] = []
    for block in people.leaders:
        leaders.append(_leader(block, alive))
    religions, cultures = shares(provinces, country.tag)
    accepted: list[str] = []
    for value in country.all("accepted_culture"):
        name = opt_text(value)
        if name is not None:
            accepted.append(name)
    return CountryDetails(
        tag=country.tag,
        name=country_name(country, player_tag, player_name),
        government=government_name(country),
        reforms=reforms(country),
        religion=country.religion,
        primary_culture=text(country.get("primary_culture")),
        accepted_cultures=accepted,
        rulers=_rulers(people.monarchs),
        heirs=_heirs(people.heirs, people.monarchs),
        leaders=leaders,
        estates=estates(country),
        idea_groups=idea_groups(country),
        mana=mana_spent(country, minor),
        religions=religions,
        cultures=cultures,
        states=states(map_area_data, country.tag),
        completed_missions=_strings(country.get("completed_missions")),
        flags=country.flag_names(),
    )
