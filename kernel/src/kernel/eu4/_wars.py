"""Wars (``active_war`` / ``previous_war``), their battles, and casualties.

``losses={ members={ … } }`` (per country, and per war participant) holds 21 integers:
(battle, attrition, unused) for infantry, cavalry and artillery (men), then (battle,
attrition, captured) for heavy ships, light ships, galleys and transports (ships).
Naval totals include transports.

A war's ``history`` holds dated blocks of ``add_attacker``, ``add_defender``,
``rem_attacker``, ``rem_defender`` and ``battle`` events (several per block at times).
The casus belli is the ``casus_belli`` of the war goal: ``history.war_goal`` in newer
patches, else the block named after the war goal type (``take_capital={…}``,
``superiority={…}``).
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container, Value
from kernel._scalars import Date
from kernel.eu4._countries import CountryData
from kernel.eu4._read import (
    NO_KEYS,
    Fields,
    container_of,
    dated,
    flag,
    integer,
    ints,
    iso,
    number,
    opt_text,
    pick,
    text,
    texts,
)
from kernel.eu4.types import (
    Battle,
    BattleSide,
    CountryCasualties,
    Losses,
    Side,
    War,
    WarOutcome,
    WarParticipant,
)

_WAR_SINGLE: Final = frozenset(
    ("name", "history", "original_attacker", "original_defender", "outcome")
)
# ``outcome=`` of a previous war (kernel.eu4.types.WarOutcome says how it was read).
_OUTCOMES: Final[dict[int, WarOutcome]] = {1: "white_peace", 2: "attacker", 3: "defender"}
_SIDE_SINGLE: Final = frozenset(
    (
        "country",
        "commander",
        "infantry",
        "cavalry",
        "artillery",
        "heavy_ship",
        "light_ship",
        "galley",
        "transport",
        "losses",
    )
)
# The war-history events read (the rest: war goals and the like).
_WAR_EVENTS: Final = frozenset(
    ("battle", "add_attacker", "add_defender", "rem_attacker", "rem_defender")
)
_NOT_GOALS: Final = frozenset(
    (
        "name",
        "history",
        "participants",
        "attackers",
        "defenders",
        "persistent_attackers",
        "persistent_defenders",
        "join_date",
        "called",
    )
)


def _members(block: Value | None) -> list[int]:
    """The 21 counts of ``losses={ members={…} }`` (empty when absent)."""
    c = container_of(block)
    if c is None:
        return []
    m = ints(c.get("members"))
    if m:
        while len(m) < 21:
            m.append(0)
    return m


def losses_of(block: Value | None) -> Losses:
    """``losses={ members={ 21 ints } }`` as named counts (zeros when absent)."""
    return _losses(_members(block))


def _losses(m: list[int]) -> Losses:
    if not m:
        return Losses()
    land_battle = m[0] + m[3] + m[6]
    land_attrition = m[1] + m[4] + m[7]
    naval_battle = m[9] + m[12] + m[15] + m[18]
    naval_attrition = m[10] + m[13] + m[16] + m[19]
    naval_captured = m[11] + m[14] + m[17] + m[20]
    return Losses(
        infantry_battle=m[0],
        infantry_attrition=m[1],
        cavalry_battle=m[3],
        cavalry_attrition=m[4],
        artillery_battle=m[6],
        artillery_attrition=m[7],
        heavy_ship_battle=m[9],
        heavy_ship_attrition=m[10],
        heavy_ship_captured=m[11],
        light_ship_battle=m[12],
        light_ship_attrition=m[13],
        light_ship_captured=m[14],
        galley_battle=m[15],
        galley_attrition=m[16],
        galley_captured=m[17],
        transport_battle=m[18],
        transport_attrition=m[19],
        transport_captured=m[20],
        land_battle=land_battle,
        land_attrition=land_attrition,
        land_total=land_battle + land_attrition,
        naval_battle=naval_battle,
        naval_attrition=naval_attrition,
        naval_captured=naval_captured,
        naval_total=naval_battle + naval_attrition + naval_captured,
    )


def casualties(countries: dict[str, CountryData]) -> list[CountryCasualties]:
    """Every country with any casualty, by land + naval total (largest first)."""
    out: list[CountryCasualties] = []
    for country in countries.values():
        m = _members(country.get("losses"))
        if any(m):
            out.append(CountryCasualties(tag=country.tag, losses=_losses(m)))
    out.sort(key=_casualty_order)
    return out


def _casualty_order(item: CountryCasualties) -> tuple[int, str]:
    return (-(item.losses.land_total + item.losses.naval_total), item.tag)


class _Member:
    """A participant's side and join/leave dates, from the war history."""

    def __init__(self, side: Side) -> None:
        self.side: Side = side
        self.joined: Date | None = None
        self.left: Date | None = None


def _side(value: Value | None) -> BattleSide:
    c = container_of(value)
    if c is None:
        return BattleSide(country="", commander="")
    f = pick(c, _SIDE_SINGLE, NO_KEYS)
    return BattleSide(
        country=text(f.get("country")),
        commander=text(f.get("commander")),
        infantry=integer(f.get("infantry")),
        cavalry=integer(f.get("cavalry")),
        artillery=integer(f.get("artillery")),
        heavy_ship=integer(f.get("heavy_ship")),
        light_ship=integer(f.get("light_ship")),
        galley=integer(f.get("galley")),
        transport=integer(f.get("transport")),
        losses=integer(f.get("losses")),
    )


def _battle(when: Date | None, c: Container) -> Battle:
    attacker = _side(c.get("attacker"))
    defender = _side(c.get("defender"))
    ships = (
        attacker.heavy_ship
        + attacker.light_ship
        + attacker.galley
        + attacker.transport
        + defender.heavy_ship
        + defender.light_ship
        + defender.galley
        + defender.transport
    )
    return Battle(
        date=iso(when),
        name=text(c.get("name")),
        location=integer(c.get("location")),
        naval=ships > 0,
        attacker_won=flag(c.get("result")),
        attacker=attacker,
        defender=defender,
    )


def _join(
    members: dict[str, _Member], order: list[str], tag: str, side: Side, when: Date | None
) -> None:
    member = members.get(tag)
    if member is None:
        member = _Member(side)
        members[tag] = member
        order.append(tag)
    member.side = side
    if member.joined is None:
        member.joined = when
    member.left = None


def _leave(
    members: dict[str, _Member], order: list[str], tag: str, side: Side, when: Date | None
) -> None:
    member = members.get(tag)
    if member is None:
        member = _Member(side)
        members[tag] = member
        order.append(tag)
    member.left = when


def _casus_belli(history: Container | None, goals: list[Value]) -> str | None:
    if history is not None:
        goal = container_of(history.get("war_goal"))
        if goal is not None:
            found = opt_text(goal.get("casus_belli"))
            if found is not None:
                return found
    for value in goals:
        c = container_of(value)
        if c is not None:
            found = opt_text(c.get("casus_belli"))
            if found is not None:
                return found
    return None


def _extend(out: list[str], tags: list[str]) -> None:
    for tag in tags:
        if tag not in out:
            out.append(tag)


class _Latest:
    """The latest history date seen (for the achievement gate's date check)."""

    def __init__(self) -> None:
        self.date: Date | None = None


def read_war(value: Value, active: bool, latest: _Latest) -> War | None:
    c = container_of(value)
    if c is None:
        return None
    f = Fields()
    goals: list[Value] = []  # other blocks: the war goal is one of them
    listed_attackers: list[str] = []  # attackers / persistent_attackers lists
    listed_defenders: list[str] = []
    for entry in c.entries():
        key = entry.key
        if key is None:
            continue
        if key in _WAR_SINGLE:
            if key not in f.first:
                f.first[key] = entry.value
        elif key == "participants":
            f.many.setdefault(key, []).append(entry.value)
        elif key == "attackers" or key == "persistent_attackers":
            _extend(listed_attackers, texts(entry.value))
        elif key == "defenders" or key == "persistent_defenders":
            _extend(listed_defenders, texts(entry.value))
        elif key not in _NOT_GOALS and entry.value.is_container():
            goals.append(entry.value)
    history = container_of(f.get("history"))
    members: dict[str, _Member] = {}
    order: list[str] = []
    attackers: list[str] = []
    defenders: list[str] = []
    battles: list[Battle] = []
    first: Date | None = None
    last: Date | None = None
    if history is not None:
        for when, events in dated(history):
            if first is None or when < first:
                first = when
            if last is None or last < when:
                last = when
            if latest.date is None or latest.date < when:
                latest.date = when
            for event, item in events.select(_WAR_EVENTS):
                if event == "battle":
                    bc = container_of(item)
                    if bc is not None:
                        battles.append(_battle(when, bc))
                    continue
                tag = opt_text(item)
                if tag is None:
                    continue
                if event == "add_attacker":
                    _join(members, order, tag, "attacker", when)
                    if tag not in attackers:
                        attackers.append(tag)
                elif event == "add_defender":
                    _join(members, order, tag, "defender", when)
                    if tag not in defenders:
                        defenders.append(tag)
                elif event == "rem_attacker":
                    _leave(members, order, tag, "attacker", when)
                elif event == "rem_defender":
                    _leave(members, order, tag, "defender", when)
    # Countries the history does not show joining (trimmed or pruned history).
    _extend(attackers, listed_attackers)
    _extend(defenders, listed_defenders)
    participants: list[WarParticipant] = []
    seen: set[str] = set()
    for item in f.all("participants"):
        pc = container_of(item)
        if pc is None:
            continue
        tag = text(pc.get("tag"))
        if not tag or tag in seen:
            continue
        seen.add(tag)
        member = members.get(tag)
        side: Side = "unknown"
        if member is not None:
            side = member.side
        elif tag in attackers:
            side = "attacker"
        elif tag in defenders:
            side = "defender"
        participants.append(
            WarParticipant(
                tag=tag,
                side=side,
                joined=iso(member.joined) if member is not None else None,
                left=iso(member.left) if member is not None else None,
                score=number(pc.get("value")),
                losses=losses_of(pc.get("losses")),
            )
        )
    for tag in order:  # joined but never fought (no participants entry)
        if tag not in seen:
            member = members[tag]
            participants.append(
                WarParticipant(
                    tag=tag,
                    side=member.side,
                    joined=iso(member.joined),
                    left=iso(member.left),
                    score=0.0,
                    losses=Losses(),
                )
            )
    attacker_losses = 0
    defender_losses = 0
    for battle in battles:
        attacker_losses += battle.attacker.losses
        defender_losses += battle.defender.losses
    original_attacker = opt_text(f.get("original_attacker"))
    original_defender = opt_text(f.get("original_defender"))
    return War(
        name=text(f.get("name")),
        active=active,
        start=iso(first),
        end=None if active else iso(last),
        original_attacker=original_attacker if original_attacker != "---" else None,
        original_defender=original_defender if original_defender != "---" else None,
        attackers=attackers,
        defenders=defenders,
        casus_belli=_casus_belli(history, goals),
        participants=participants,
        battles=battles,
        attacker_losses=attacker_losses,
        defender_losses=defender_losses,
        outcome=None if active else _OUTCOMES.get(integer(f.get("outcome"))),
    )


def read_wars(active: list[Value], previous: list[Value]) -> tuple[list[War], Date | None]:
    """Active wars then previous wars, and the latest history date of the previous wars."""
    out: list[War] = []
    ignored = _Latest()
    for value in active:
        war = read_war(value, True, ignored)
        if war is not None:
            out.append(war)
    latest = _Latest()
    for value in previous:
        war = read_war(value, False, latest)
        if war is not None:
            out.append(war)
    return out, latest.date
