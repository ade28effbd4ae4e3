"""Two EU4 analyses of (presumably) one playthrough side by side: what changed per
country between the earlier save and the later one (``compare``), and how the table is
sorted (``sort_countries``). Pure functions over the stored payloads (plain data, as
``app.saves.analysis_pages.payload`` decodes them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

from app.analysis.countries import player_tags
from app.analysis.render import country_name
from app.analysis.view import by_tag
from app.saves.schemas import (
    CountryComparison,
    EndedWar,
    ProvinceRef,
    SaveComparison,
    SaveRef,
)

Order = Literal["asc", "desc"]
# The table's columns that sort (``?sort=``): every one descending first but the name.
SORTS: Final[dict[str, Callable[[CountryComparison], Any]]] = {
    "name": lambda c: c.name.casefold(),
    "development": lambda c: c.development_change,
    "development_after": lambda c: c.development_after or 0.0,
    "income": lambda c: c.income_change,
    "provinces": lambda c: c.provinces_change,
    "great_power": lambda c: c.great_power_score_change,
    "wars_won": lambda c: c.wars_won,
    "wars_lost": lambda c: c.wars_lost,
    "gained": lambda c: len(c.provinces_gained),
    "lost": lambda c: len(c.provinces_lost),
}
DEFAULT_SORT: Final = "development"


def sort_countries(
    rows: Sequence[CountryComparison], key: str, order: Order
) -> list[CountryComparison]:
    """Players first, then by the column ``key`` (unknown keys: development change);
    ties by tag."""
    get = SORTS.get(key, SORTS[DEFAULT_SORT])
    ordered = sorted(rows, key=lambda c: c.tag)
    ordered.sort(key=get, reverse=order == "desc")
    ordered.sort(key=lambda c: not c.player)
    return ordered


def _great_power_ranks(rows: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    scored = [(float(r.get("great_power_score") or 0.0), t) for t, r in rows.items()]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return {tag: index + 1 for index, (_, tag) in enumerate(ranked)}


def _owners(analysis: Mapping[str, Any]) -> dict[int, tuple[str | None, str]]:
    """province id -> (owner, name)."""
    return {
        int(row["id"]): (row.get("owner"), str(row.get("name") or row["id"]))
        for row in analysis.get("provinces") or ()
    }


def _players(analysis: Mapping[str, Any]) -> set[str]:
    """The player's and the human countries (player_tags), and every players_countries
    tag (a multiplayer game's players, human or not at the time of the save)."""
    tags = set(player_tags(analysis))
    tags.update(str(p.get("tag")) for p in (analysis.get("info") or {}).get("players") or ())
    tags.discard("")
    return tags


def _ended_wars(
    after: Mapping[str, Any], since: str | None, until: str | None
) -> list[Mapping[str, Any]]:
    """The later save's finished wars with an outcome that ended after ``since`` (the
    earlier save's date) and on or before ``until``; ISO dates compare as text."""
    out = []
    for war in after.get("wars") or ():
        end, outcome = war.get("end"), war.get("outcome")
        if war.get("active") or end is None or outcome is None:
            continue
        if (since is not None and end <= since) or (until is not None and end > until):
            continue
        out.append(war)
    return out


def _war_results(wars: list[Mapping[str, Any]]) -> dict[str, list[int]]:
    """tag -> [won, lost, white peace] over ``wars``, each country on its side (the
    history's last word, else the attackers/defenders lists)."""
    results: dict[str, list[int]] = {}
    for war in wars:
        outcome = war.get("outcome")
        sides = dict.fromkeys(war.get("attackers") or (), "attacker")
        sides.update(dict.fromkeys(war.get("defenders") or (), "defender"))
        for part in war.get("participants") or ():
            if part.get("side") in ("attacker", "defender"):
                sides[str(part.get("tag"))] = part["side"]
        for tag, side in sides.items():
            counts = results.setdefault(tag, [0, 0, 0])
            if outcome == "white_peace":
                counts[2] += 1
            elif outcome == side:
                counts[0] += 1
            else:
                counts[1] += 1
    return results


def _ended(war: Mapping[str, Any]) -> EndedWar:
    return EndedWar(
        name=str(war.get("name") or ""),
        end=war.get("end"),
        outcome=war["outcome"],
        attackers=list(war.get("attackers") or ()),
        defenders=list(war.get("defenders") or ()),
    )


def compare(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    refs: tuple[SaveRef, SaveRef],
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> SaveComparison:
    """``before`` and ``after``: the payloads of the earlier and the later save (the caller
    orders them); ``refs``: the two saves, same order; ``names``: the game data's names
    (app.analysis.names) for the countries' names."""
    old = by_tag(before.get("countries") or ())
    new = by_tag(after.get("countries") or ())
    old_ranks, new_ranks = _great_power_ranks(old), _great_power_ranks(new)
    players = _players(before) | _players(after)
    gained: dict[str, list[ProvinceRef]] = {}
    lost: dict[str, list[ProvinceRef]] = {}
    old_owners, new_owners = _owners(before), _owners(after)
    for pid in sorted(old_owners.keys() | new_owners.keys()):
        was, _ = old_owners.get(pid, (None, ""))
        now, name = new_owners.get(pid) or old_owners[pid]
        if was == now:
            continue
        ref = ProvinceRef(id=pid, name=name)
        if now:
            gained.setdefault(now, []).append(ref)
        if was:
            lost.setdefault(was, []).append(ref)
    since = (before.get("info") or {}).get("date")
    until = (after.get("info") or {}).get("date")
    wars = _ended_wars(after, since, until)
    results = _war_results(wars)
    rows: list[CountryComparison] = []
    for tag in sorted(old.keys() | new.keys()):
        a, b = old.get(tag), new.get(tag)
        shown = b if b is not None else a
        assert shown is not None
        won, beaten, white = results.get(tag, (0, 0, 0))
        rows.append(
            CountryComparison(
                tag=tag,
                name=country_name(names, tag, shown.get("name")),
                player=tag in players,
                status="kept" if a and b else ("appeared" if b else "disappeared"),
                development_before=_float(a, "development"),
                development_after=_float(b, "development"),
                development_change=_change(a, b, "development"),
                income_before=_float(a, "monthly_income"),
                income_after=_float(b, "monthly_income"),
                income_change=_change(a, b, "monthly_income"),
                provinces_before=None if a is None else int(a.get("provinces") or 0),
                provinces_after=None if b is None else int(b.get("provinces") or 0),
                provinces_change=int(_change(a, b, "provinces")),
                great_power_rank_before=old_ranks.get(tag),
                great_power_rank_after=new_ranks.get(tag),
                great_power_score_change=_change(a, b, "great_power_score"),
                wars_won=won,
                wars_lost=beaten,
                wars_white_peace=white,
                provinces_gained=gained.get(tag, []),
                provinces_lost=lost.get(tag, []),
            )
        )
    return SaveComparison(
        before=refs[0],
        after=refs[1],
        same_playthrough=refs[0].playthrough_id is not None
        and refs[0].playthrough_id == refs[1].playthrough_id,
        countries=sort_countries(rows, DEFAULT_SORT, "desc"),
        wars=[_ended(war) for war in wars],
    )


def _float(row: Mapping[str, Any] | None, field: str) -> float | None:
    return None if row is None else float(row.get(field) or 0.0)


def _change(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None, field: str) -> float:
    """after - before (a country missing from a save counts as 0 there), to 3 decimals:
    the saves' own precision, without float noise (10.1 - 5.2)."""
    return round((_float(b, field) or 0.0) - (_float(a, field) or 0.0), 3)
