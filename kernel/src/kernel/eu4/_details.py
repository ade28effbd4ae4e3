"""The detailed view of a country: rulers, heirs, leaders, estates, ideas, mana, religion
and culture shares, states, its history's timeline, diplomatic relations.

Rulers, heirs and leaders come from the dated blocks of the country history
(``monarch``/``monarch_heir``, ``heir``, ``leader`` events); the country itself only
refers to the living ones by id (``monarch={ id=… }``, ``leader={ id=… }``). Every
country of the table gets one, so what is per province or per relation is grouped by
country once (``Shares``, ``states_by_country``, ``relations_by_country``), not searched
for each.
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
from kernel.eu4._diplomacy import RELATION_SKIP
from kernel.eu4._mana import mana_spent
from kernel.eu4._read import (
    container_of,
    date,
    dated,
    id_of,
    integer,
    ints,
    iso,
    iso_text,
    number,
    opt_number,
    opt_text,
    text,
)
from kernel.eu4.types import (
    CountryDetails,
    Estate,
    Heir,
    HistoryEvent,
    Leader,
    Privilege,
    ProvinceRow,
    Relation,
    Ruler,
    Share,
    State,
)

_MONARCH_EVENTS: Final = frozenset(("monarch", "monarch_heir"))
# History entries shown on the timeline under a kind of their own (HistoryEvent.kind);
# a person's event shows the person's name.
_TIMELINE: Final = {
    "monarch": "monarch",
    "monarch_heir": "monarch",
    "heir": "heir",
    "queen": "queen",
    "leader": "leader",
    "changed_tag_from": "tag",
    "changed_country_name_from": "name",
    "capital": "capital",
    "decision": "decision",
    "national_focus": "focus",
    "government": "government",
    "government_rank": "rank",
    "religion": "religion",
    "primary_culture": "culture",
    "add_accepted_culture": "accepted_culture",
    "remove_accepted_culture": "removed_culture",
    "add_government_reform": "reform",
}


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
        self.timeline: list[HistoryEvent] = []


def _collect(country: CountryData) -> _People:
    """One pass over the country's dated history: its people and its timeline."""
    people = _People()
    history = container_of(country.get("history"))
    if history is None:
        return people
    for when, events in dated(history):
        day = iso_text(when)
        for event, item in events.pairs():
            person = container_of(item)
            if person is not None:
                if event in _MONARCH_EVENTS:
                    people.monarchs.append(_Person(when, person))
                elif event == "heir":
                    people.heirs.append(_Person(when, person))
                elif event == "leader":
                    people.leaders.append(person)
                kind = _TIMELINE.get(event)
                if kind is not None:
                    name = text(person.get("name"))
                    people.timeline.append(HistoryEvent(date=day, kind=kind, value=name))
                continue
            value = opt_text(item)
            if value is None:
                continue
            kind = _TIMELINE.get(event)
            if kind is not None:
                people.timeline.append(HistoryEvent(date=day, kind=kind, value=value))
            elif value == "yes":
                people.timeline.append(HistoryEvent(date=day, kind="enacted", value=event))
    people.timeline.sort(key=_event_day)
    return people


def _event_day(event: HistoryEvent) -> str:
    return event.date  # zero-padded ISO text sorts as dates (a stable sort keeps the day's order)


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


class _Owned:
    """Religion and culture totals of one country's provinces."""

    def __init__(self) -> None:
        self.religions: dict[str, tuple[int, float]] = {}
        self.cultures: dict[str, tuple[int, float]] = {}
        self.development = 0.0


class SaveIndex:
    """What the details of every country read from the whole save, grouped by country in
    one pass each: province religion/culture totals, states, diplomatic relations."""

    def __init__(
        self, provinces: list[ProvinceRow], map_area_data: Value | None, diplomacy: Value | None
    ) -> None:
        self.owned: dict[str, _Owned] = {}
        for row in provinces:
            if row.owner is None:
                continue
            owned = self.owned.get(row.owner)
            if owned is None:
                owned = _Owned()
                self.owned[row.owner] = owned
            owned.development += row.development
            _add(owned.religions, row.religion or "", row.development)
            _add(owned.cultures, row.culture or "", row.development)
        self.states = states_by_country(map_area_data)
        self.relations = relations_by_country(diplomacy)

    def shares(self, tag: str) -> tuple[list[Share], list[Share]]:
        """(religions, cultures) of the country's provinces, weighted by development."""
        owned = self.owned.get(tag)
        if owned is None:
            return [], []
        return (
            _shares(owned.religions, owned.development),
            _shares(owned.cultures, owned.development),
        )


def states_by_country(map_area_data: Value | None) -> dict[str, list[State]]:
    """Every country's states: ``map_area_data={ area={ state={ country_state={…} } } }``."""
    c = container_of(map_area_data)
    out: dict[str, list[State]] = {}
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
            if cs is None:
                continue
            tag = text(cs.get("country"))
            one = State(area=area, prosperity=number(cs.get("prosperity")))
            out.setdefault(tag, []).append(one)
    return out


def relations_by_country(diplomacy: Value | None) -> dict[str, list[Relation]]:
    """Every country's relations, seen from each side: ``diplomacy={ alliance={ first=…
    second=… start_date=… } dependency={ … subject_type=… } … }``."""
    c = container_of(diplomacy)
    out: dict[str, list[Relation]] = {}
    if c is None:
        return out
    for kind, value in c.pairs():
        if kind in RELATION_SKIP:
            continue
        block = container_of(value)
        if block is None:
            continue
        first = opt_text(block.get("first"))
        second = opt_text(block.get("second"))
        if first is None or second is None:
            continue
        start = iso(date(block.get("start_date")))
        subject_type = opt_text(block.get("subject_type"))
        out.setdefault(first, []).append(
            Relation(kind=kind, other=second, outgoing=True, start=start, subject_type=subject_type)
        )
        out.setdefault(second, []).append(
            Relation(kind=kind, other=first, outgoing=False, start=start, subject_type=subject_type)
        )
    return out


_STRENGTH: Final = ("legitimacy", "republican_tradition", "devotion", "horde_unity", "meritocracy")


def _strength(country: CountryData) -> dict[str, float]:
    """The government's strength measures the save gives a value (it writes all five,
    0 for those the government does not have)."""
    out: dict[str, float] = {}
    for key in _STRENGTH:
        value = opt_number(country.get(key))
        if value:
            out[key] = value
    return out


def _rivals(country: CountryData) -> list[str]:
    out: list[str] = []
    for value in country.all("rival"):
        block = container_of(value)
        tag = opt_text(block.get("country")) if block is not None else None
        if tag is not None:
            out.append(tag)
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
    index: SaveIndex,
    minor: int,
    player_tag: str,
    player_name: str,
) -> CountryDetails:
    people = _collect(country)
    alive = _alive_leader_ids(country)
    leaders: list[Leader] = []
    for block in people.leaders:
        leaders.append(_leader(block, alive))
    religions, cultures = index.shares(country.tag)
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
        states=index.states.get(country.tag, []),
        completed_missions=_strings(country.get("completed_missions")),
        flags=country.flag_names(),
        history=people.timeline,
        relations=index.relations.get(country.tag, []),
        rivals=_rivals(country),
        national_focus=opt_text(country.get("national_focus")),
        powers=ints(country.get("powers"))[:3],
        government_strength=_strength(country),
    )
