"""Which countries a view shows (the country filter) and one country's page, computed from
the EU4 payload as plain data.

Part of the partials' toolbox (``app.analysis.render`` registers these as globals): it
imports the standard library only, so the browser's bundle carries it unchanged and the
server and local analysis filter and show a country the same way.

The filter (view keys ``cf`` and ``ctags``): every country (the default), the countries
alive (owning provinces: the countries table), the players' countries, the great powers,
a chosen set of tags, or (with game data: the payload's ``places``) the countries whose
capital lies on a continent (``cf=continent:europe``) or in a region
(``cf=region:scandinavia_region``). Every table and chart of the page takes its countries from
``shown_tags``/``shown_countries``; the filter travels in the page's links, so a filtered
view can be shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

# cf values: "" every country; the others as their labels say.
FILTERS: Final[Mapping[str, str]] = {
    "": "Every country",
    "alive": "Countries alive",
    "players": "Players",
    "great_powers": "Great powers",
    "chosen": "Chosen countries",
}
PLACE_KINDS: Final = ("continent", "region")  # cf=<kind>:<key>
_PLACE_KEY: Final = re.compile(r"[a-z0-9_]{1,80}")
MAX_CHOSEN: Final = 100  # tags of a chosen set (a URL stays short enough to share)
_TAG: Final = re.compile(r"[A-Z0-9]{3}")


def chosen_tags(value: Any) -> str:
    """``ctags`` made safe: upper-case three-character tags, comma-separated, each once,
    at most ``MAX_CHOSEN`` ("swe, dan" -> "SWE,DAN"; anything else dropped)."""
    if not isinstance(value, str):
        return ""
    out: list[str] = []
    for part in re.split(r"[\s,;]+", value.upper()):
        if _TAG.fullmatch(part) and part not in out:
            out.append(part)
        if len(out) == MAX_CHOSEN:
            break
    return ",".join(out)


def one_tag(value: Any) -> str:
    """A single country tag made safe ("swe" -> "SWE"); "" for anything else (a page's
    path, a view's ``country``, a link's tag)."""
    tag = chosen_tags(value)
    return tag if "," not in tag else ""


def filter_kind(value: Any) -> str:
    """``cf`` made safe: a kind of ``FILTERS``, or ``<continent|region>:<key>``; "" else."""
    if not isinstance(value, str):
        return ""
    if value in FILTERS:
        return value
    kind, _, key = value.partition(":")
    return value if kind in PLACE_KINDS and _PLACE_KEY.fullmatch(key) else ""


def place_options(analysis: Mapping[str, Any]) -> dict[str, list[str]]:
    """The continents and regions the filter offers (those of the payload's ``places``,
    which holds only what the save's provinces lie in); empty without game data."""
    places = analysis.get("places")
    if not isinstance(places, Mapping):
        return {}
    return {
        "continent": sorted(places.get("continents") or {}),
        "region": sorted(places.get("regions") or {}),
    }


def _capital_in(analysis: Mapping[str, Any], kind: str, key: str) -> frozenset[str]:
    """Tags of the table's countries whose capital lies in the continent or region."""
    places = analysis.get("places") or {}
    provinces: set[Any] = set()
    if kind == "continent":
        provinces.update((places.get("continents") or {}).get(key) or ())
    else:
        for area in (places.get("regions") or {}).get(key) or ():
            provinces.update((places.get("areas") or {}).get(area) or ())
    rows = analysis.get("countries") or []
    return frozenset(str(row.get("tag")) for row in rows if row.get("capital") in provinces)


def player_tags(analysis: Mapping[str, Any]) -> list[str]:
    """The player's country, then the other human countries (multiplayer)."""
    info = analysis.get("info") or {}
    out: list[str] = []
    for tag in [info.get("player_tag"), *(info.get("human_tags") or [])]:
        if isinstance(tag, str) and tag and tag != "---" and tag not in out:
            out.append(tag)
    return out


def shown_tags(analysis: Mapping[str, Any], view: Mapping[str, Any]) -> frozenset[str] | None:
    """The tags the view's filter lets through; None when it lets every country through."""
    kind = view.get("cf") or ""
    rows = analysis.get("countries") or []
    if kind == "alive":
        return frozenset(str(row.get("tag")) for row in rows)
    if kind == "players":
        return frozenset(player_tags(analysis))
    if kind == "great_powers":
        return frozenset(str(row.get("tag")) for row in rows if row.get("great_power"))
    if kind == "chosen":
        tags = chosen_tags(view.get("ctags"))
        return frozenset(tags.split(",")) if tags else frozenset()
    place, _, key = kind.partition(":")
    if place in PLACE_KINDS:
        return _capital_in(analysis, place, key)
    return None


def shown_countries(
    analysis: Mapping[str, Any], view: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The rows of the countries table that the filter lets through, in the table's order."""
    rows = analysis.get("countries") or []
    tags = shown_tags(analysis, view)
    if tags is None:
        return list(rows)
    return [row for row in rows if row.get("tag") in tags]


def shown_rows(rows: Iterable[Any], tags: frozenset[str] | None, key: str = "tag") -> list[Any]:
    """The rows (ledger series, casualties, provinces by ``key="owner"``) of the
    countries let through (``tags`` from ``shown_tags``; None: every row)."""
    if tags is None:
        return list(rows)
    return [row for row in rows if isinstance(row, Mapping) and row.get(key) in tags]


def shown_wars(wars: Iterable[Any], tags: frozenset[str] | None) -> list[Any]:
    """The wars with a country let through among their participants."""
    if tags is None:
        return list(wars)
    return [war for war in wars if any(p.get("tag") in tags for p in war.get("participants") or ())]


def development_of(analysis: Mapping[str, Any], tags: frozenset[str] | None) -> Any:
    """The payload's development distribution (``development``: every owned province,
    made by kernel.eu4._provinces.development_distribution), or, for a filter, the same
    summary and buckets of the provinces the shown countries own."""
    every = analysis.get("development") or {}
    if tags is None:
        return every
    width = int(every.get("bucket_width") or 5)
    devs = sorted(
        float(row.get("development") or 0.0)
        for row in analysis.get("provinces") or []
        if row.get("owner") in tags
    )
    if not devs:
        return {
            "provinces": 0,
            "total": 0.0,
            "mean": 0.0,
            "median": 0.0,
            "max": 0.0,
            "bucket_width": width,
            "buckets": [],
        }
    n, mid, total = len(devs), len(devs) // 2, sum(devs)
    counts: dict[int, int] = {}
    for dev in devs:
        index = int(dev) // width if dev > 0 else 0
        counts[index] = counts.get(index, 0) + 1
    return {
        "provinces": n,
        "total": round(total, 3),
        "mean": round(total / n, 3),
        "median": devs[mid] if n % 2 else (devs[mid - 1] + devs[mid]) / 2,
        "max": devs[-1],
        "bucket_width": width,
        "buckets": [[i * width, (i + 1) * width, counts[i]] for i in sorted(counts)],
    }


def filter_label(
    analysis: Mapping[str, Any], view: Mapping[str, Any], place_name: str | None = None
) -> str:
    """What the filter shows, in words ("Great powers: 8 countries"; "Capital in
    Scandinavia: 4 countries", ``place_name`` naming the continent or region)."""
    kind = view.get("cf") or ""
    tags = shown_tags(analysis, view)
    place, _, key = kind.partition(":")
    label = FILTERS.get(kind) or (
        f"Capital in {place_name or key}" if place in PLACE_KINDS else FILTERS[""]
    )
    if tags is None:
        return label
    count = len(tags)
    return f"{label}: {count} {'country' if count == 1 else 'countries'}"


# --- one country's page ----------------------------------------------------------------------

# The history filter (view key ``hkind``): groups of HistoryEvent kinds, and the wars the
# page adds to the timeline ("war_joined", "war_left").
HISTORY_GROUPS: Final[Mapping[str, tuple[str, ...]]] = {
    "rulers": ("monarch", "heir", "queen"),
    "leaders": ("leader",),
    "wars": ("war_joined", "war_left"),
    "provinces": ("province_gained", "province_lost"),
    "government": ("government", "rank", "reform", "focus"),
    "ideas": ("enacted",),
    "decisions": ("decision",),
    "faith": ("religion", "culture", "accepted_culture", "removed_culture"),
    "identity": ("tag", "name", "capital"),
}
HISTORY_LABELS: Final[Mapping[str, str]] = {
    "monarch": "New ruler",
    "heir": "Heir",
    "queen": "Consort",
    "leader": "Leader",
    "war_joined": "Joined war",
    "war_left": "Left war",
    "province_gained": "Province gained",
    "province_lost": "Province lost",
    "government": "Government",
    "rank": "Government rank",
    "reform": "Government reform",
    "focus": "National focus",
    "enacted": "Idea or policy taken",
    "decision": "Decision",
    "religion": "State religion",
    "culture": "Primary culture",
    "accepted_culture": "Culture accepted",
    "removed_culture": "Culture no longer accepted",
    "tag": "Was formerly",
    "name": "Was named",
    "capital": "Capital moved",
}
HISTORY_PAGE: Final = 100


def _find(rows: Iterable[Any], tag: str) -> Mapping[str, Any] | None:
    for row in rows:
        if isinstance(row, Mapping) and row.get("tag") == tag:
            return row
    return None


def _wars_of(analysis: Mapping[str, Any], tag: str) -> list[dict[str, Any]]:
    """The wars the country took part in: the war and its participation, active first."""
    out: list[dict[str, Any]] = []
    for war in analysis.get("wars") or []:
        mine = _find(war.get("participants") or [], tag)
        if mine is not None:
            out.append({"war": war, "me": mine})
    return out


def _owner_changes(analysis: Mapping[str, Any], tag: str) -> list[Any]:
    """The provinces the country gained and lost, from the provinces' history the map
    keeps (``map.provinces``: ``[day, province, "owner", tag]`` in day order; day 0 is the
    setup the game started from): ``[date, kind, "Name, from/to TAG"]``."""
    names = {row.get("id"): row.get("name") for row in analysis.get("provinces") or []}
    owners: dict[Any, str] = {}
    out: list[Any] = []
    for entry in (analysis.get("map") or {}).get("provinces") or []:
        if not isinstance(entry, Sequence) or len(entry) != 4 or entry[2] != "owner":
            continue
        day, pid, _, owner = entry
        before = owners.get(pid, "")
        owners[pid] = owner
        if not day or owner == before or tag not in (owner, before):
            continue
        name = names.get(pid) or f"Province {pid}"
        if owner == tag:
            text = f"{name}, from {before}" if before else name
            out.append([game_date(day), "province_gained", text])
        else:
            text = f"{name}, to {owner}" if owner else f"{name} (abandoned)"
            out.append([game_date(day), "province_lost", text])
    return out


def _timeline(
    analysis: Mapping[str, Any],
    tag: str,
    details: Mapping[str, Any] | None,
    wars: list[dict[str, Any]],
) -> list[Any]:
    """The country's history, its wars' joins and leaves and the provinces it gained and
    lost, by date: ``[date, kind, value]`` (a war's value is its name)."""
    events: list[Any] = list((details or {}).get("history") or [])
    events += _owner_changes(analysis, tag)
    for item in wars:
        name = item["war"].get("name") or ""
        if item["me"].get("joined"):
            events.append([item["me"]["joined"], "war_joined", name])
        if item["me"].get("left"):
            events.append([item["me"]["left"], "war_left", name])
    events.sort(key=lambda event: str(event[0]))
    return events


def _buildings(analysis: Mapping[str, Any], tag: str) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in analysis.get("provinces") or []:
        if row.get("owner") == tag:
            for building in row.get("buildings") or []:
                counts[building] = counts.get(building, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _ledger(analysis: Mapping[str, Any], tag: str) -> dict[str, list[Any]]:
    """The country's points of each annual ledger (income, nation_size, score, inflation)."""
    out: dict[str, list[Any]] = {}
    for name, series in (analysis.get("ledgers") or {}).items():
        found = _find(series or [], tag)
        if found is not None:
            out[name] = found.get("points") or []
    return out


def has_country(analysis: Mapping[str, Any], tag: str) -> bool:
    """Whether the save has a page for the country: a row, details, budget, casualties, a
    war or a ledger of it (the check alone, without what the page computes)."""
    for section in ("countries", "details", "budgets", "casualties"):
        if _find(analysis.get(section) or [], tag) is not None:
            return True
    return bool(_wars_of(analysis, tag) or _ledger(analysis, tag))


def country_page(analysis: Mapping[str, Any], tag: str, hkind: str = "") -> dict[str, Any] | None:
    """What one country's page shows, from the payload (its history filtered to the group
    ``hkind``); None when the save has no such country (``has_country``)."""
    if not has_country(analysis, tag):
        return None
    row = _find(analysis.get("countries") or [], tag)
    details = _find(analysis.get("details") or [], tag)
    budget = _find(analysis.get("budgets") or [], tag)
    casualties = _find(analysis.get("casualties") or [], tag)
    wars = _wars_of(analysis, tag)
    ledger = _ledger(analysis, tag)
    timeline = _timeline(analysis, tag, details, wars)
    kinds = HISTORY_GROUPS.get(hkind)
    if kinds is not None:
        timeline = [event for event in timeline if event[1] in kinds]
    relations = list((details or {}).get("relations") or [])
    subjects = [r for r in relations if r.get("kind") == "dependency" and r.get("outgoing")]
    overlord = next(
        (r for r in relations if r.get("kind") == "dependency" and not r.get("outgoing")), None
    )
    rulers = (details or {}).get("rulers") or []
    heirs = [h for h in (details or {}).get("heirs") or [] if not h.get("succeeded")]
    return {
        "tag": tag,
        "row": row,
        "details": details,
        "budget": budget,
        "casualties": casualties,
        "wars": wars,
        "ledger": ledger,
        "timeline": timeline,
        "relations": [r for r in relations if r.get("kind") != "dependency"],
        "subjects": subjects,
        "overlord": overlord,
        "ruler": rulers[-1] if rulers else None,
        "heir": heirs[-1] if heirs else None,
        "buildings": _buildings(analysis, tag),
        "provinces": [p for p in analysis.get("provinces") or [] if p.get("owner") == tag],
        "player": tag in player_tags(analysis),
    }


def budget_categories(tables: Iterable[Any]) -> list[str]:
    """The categories of a budget's periods (``{category: amount}`` each; zero categories
    are left out of each), the largest amount in any period first, "other" last."""
    largest: dict[str, float] = {}
    for table in tables:
        if isinstance(table, Mapping):
            for key, value in table.items():
                amount = abs(value) if isinstance(value, (int, float)) else 0.0
                largest[str(key)] = max(largest.get(str(key), 0.0), amount)
    return sorted(largest, key=lambda key: (key == "other", -largest[key], key))


def reign_years(start: Any, end: Any, today: Any) -> float | None:
    """Years between two ISO game dates (``end`` None: until ``today``, the save's date),
    on the games' 365-day calendar; None when a date is missing."""
    first = game_days(start)
    last = game_days(end if end else today)
    if first is None or last is None:
        return None
    return max(last - first, 0) / 365


# Days before each month on the games' 365-day calendar (no leap years): the one table
# of it for the analysis (render.game_date, the comparison's timeline).
DAYS_BEFORE: Final = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def game_date(days: Any) -> str:
    """``YYYY-MM-DD`` of a day count of the payload (``kernel.Date.days()``: the games'
    365-day calendar, from year 0); an en dash for anything else."""
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        return "\u2013"  # what a missing value shows (render.DASH)
    year, rest = divmod(days, 365)
    month = 1
    while month < 12 and rest >= DAYS_BEFORE[month]:
        month += 1
    return f"{year:04d}-{month:02d}-{rest - DAYS_BEFORE[month - 1] + 1:02d}"


def game_days(text: Any) -> int | None:
    """Days from year 0 of an ISO game date ("1444-11-11"; ``kernel.Date.days()``); None
    for anything else."""
    if not isinstance(text, str):
        return None
    parts = text.split("-")
    if len(parts) != 3:
        return None
    try:
        year, month, day = (int(p) for p in parts)
    except ValueError:
        return None
    if not 1 <= month <= 12:
        return None
    return year * 365 + DAYS_BEFORE[month - 1] + day - 1


def mean(values: Sequence[Any]) -> float | None:
    """The average of the numbers in ``values`` (None when there are none)."""
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None
