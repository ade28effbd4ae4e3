"""The timelapse: province and country histories replayed into map events (docs/map.md
"Timeline").

The save records, per province, dated owner/controller/religion entries, and per country
its tag switches and map-colour changes. The replay walks the days on which anything
changed, in order; the state at the save's start date is emitted for every province, and
afterwards a province only when what it shows changed. A tag that switched counts as the
new tag from the switch on (the province history does not record switches), rebels and
controllers that lasted a day or less are left out (sieges flip back and forth; a
rebel-held province is still its owner's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from kernel.eu4.map._colors import LAKE, NONE, SEA, UNCOLONISED, UNKNOWN, WASTELAND
from kernel.eu4.types import CountryChange, MapHistory, ProvinceChange

REBELS_TAG: Final = "REB"
_MAX_CHAIN: Final = 16  # tag switches followed from one tag (guards against cycles)


def base_color(kind: str) -> int:
    """What a province nobody owns shows, by its kind."""
    if kind == "sea":
        return SEA
    if kind == "lake":
        return LAKE
    if kind == "wasteland":
        return WASTELAND
    if kind == "land":
        return UNCOLONISED
    return UNKNOWN


class Tags:
    """Tag switches and colour changes: which tag a recorded tag is at a day, and a
    country's colour at a day."""

    def __init__(self, changes: list[CountryChange], colors: Callable[[str], int]) -> None:
        self.now = colors
        self.switches: dict[str, list[tuple[int, str]]] = {}  # old tag -> [(day, new tag)]
        self.before: dict[str, list[tuple[int, int]]] = {}  # tag -> [(day, colour before)]
        for change in changes:
            if change.field == "tag":
                self.switches.setdefault(change.value, []).append((change.day, change.tag))
            elif change.field == "color":
                color = _parse_rgb(change.value)
                if color != NONE:
                    self.before.setdefault(change.tag, []).append((change.day, color))

    def resolve(self, tag: str, day: int) -> str:
        for _ in range(_MAX_CHAIN):
            moves = self.switches.get(tag)
            if moves is None:
                break
            found = ""
            for when, new in moves:
                if when <= day:
                    found = new
            if not found or found == tag:
                break
            tag = found
        return tag

    def color(self, tag: str, day: int) -> int:
        changes = self.before.get(tag)
        if changes is not None:
            for when, color in changes:
                if day < when:
                    return color
        return self.now(tag)

    def aliases(self, tags: set[str], day: int) -> set[str]:
        """``tags`` and every recorded tag that resolves to one of them on ``day``."""
        out = set(tags)
        for old in self.switches:
            if self.resolve(old, day) in tags:
                out.add(old)
        return out


def _parse_rgb(text: str) -> int:
    parts = text.split()
    if len(parts) != 3:
        return NONE
    value = 0
    for part in parts:
        if not part.isdigit():
            return NONE
        value = value << 8 | min(int(part), 255)
    return value


def _controllers(changes: list[ProvinceChange]) -> list[ProvinceChange]:
    """The province changes without controller entries undone within a day, rebels
    replaced by "" (no occupier)."""
    last_controller: dict[int, int] = {}  # province -> index in out of its latest controller entry
    out: list[ProvinceChange] = []
    dropped: set[int] = set()
    for change in changes:
        if change.field == "controller":
            previous = last_controller.get(change.province)
            if previous is not None and change.day - out[previous].day <= 1 and change.day > 0:
                dropped.add(previous)
            if change.value == REBELS_TAG:
                change = ProvinceChange(
                    day=change.day, province=change.province, field="controller", value=""
                )
            last_controller[change.province] = len(out)
        out.append(change)
    if not dropped:
        return out
    kept: list[ProvinceChange] = []
    for index, change in enumerate(out):
        if index not in dropped:
            kept.append(change)
    return kept


class Replay:
    """The state of every province while the days go by."""

    def __init__(
        self,
        kinds: list[str],
        tags: Tags,
        index_of: Callable[[str], int],
        religion_color: Callable[[str], int],
    ) -> None:
        size = len(kinds)
        self.kinds = kinds
        self.tags = tags
        self.index_of = index_of
        self.religion_color = religion_color
        self.owner = [""] * size
        self.controller = [""] * size
        self.religion = [""] * size
        self.holders: dict[str, set[int]] = {}  # recorded tag -> provinces it owns or controls
        self.shown: list[tuple[int, int, int]] = [(-2, -2, -2)] * size  # last political event
        self.shown_religion = [-2] * size

    def _hold(self, tag: str, pid: int) -> None:
        if tag:
            self.holders.setdefault(tag, set()).add(pid)

    def apply(self, change: ProvinceChange) -> bool:
        """Apply one entry; True when the province's political state may have changed."""
        pid = change.province
        if pid >= len(self.kinds):
            return False
        if change.field == "owner":
            self.owner[pid] = change.value
            self._hold(change.value, pid)
            return True
        if change.field == "controller":
            self.controller[pid] = change.value
            self._hold(change.value, pid)
            return True
        if change.field == "religion":
            self.religion[pid] = change.value
        return False

    def political(self, pid: int, day: int) -> tuple[int, int, int]:
        """(owner index, primary, secondary) of ``pid`` on ``day``."""
        kind = self.kinds[pid]
        recorded = self.owner[pid]
        if kind != "land" or not recorded:
            return (-1, base_color(kind), NONE)
        owner = self.tags.resolve(recorded, day)
        occupier = self.controller[pid]
        secondary = NONE
        if occupier:
            controller = self.tags.resolve(occupier, day)
            if controller != owner:
                secondary = self.tags.color(controller, day)
        return (self.index_of(owner), self.tags.color(owner, day), secondary)

    def religion_at(self, pid: int) -> int:
        kind = self.kinds[pid]
        if kind != "land" or not self.religion[pid]:
            return base_color(kind)
        return self.religion_color(self.religion[pid])

    def emit(
        self, day: int, pid: int, political: list[list[int]], religion: list[list[int]]
    ) -> None:
        state = self.political(pid, day)
        if state != self.shown[pid]:
            self.shown[pid] = state
            political.append([day, pid, state[0], state[1], state[2]])
        color = self.religion_at(pid)
        if color != self.shown_religion[pid]:
            self.shown_religion[pid] = color
            religion.append([day, pid, color, NONE])


def replay(
    history: MapHistory,
    *,
    kinds: list[str],
    start: int,
    owners_now: dict[int, str],
    tags: Tags,
    index_of: Callable[[str], int],
    religion_color: Callable[[str], int],
) -> tuple[list[list[int]], list[list[int]]]:
    """(political, religion) events of ``Timeline``. ``kinds``: per province id, the
    provinces to draw ("" for ids not on the map); ``owners_now``: the save's current
    owners, the owner from the start of provinces whose history names none."""
    state = Replay(kinds, tags, index_of, religion_color)
    changes = _controllers(history.provinces)
    has_owner: set[int] = set()
    for change in changes:
        if change.field == "owner":
            has_owner.add(change.province)
    for pid, tag in owners_now.items():
        if pid not in has_owner and pid < len(kinds):
            state.owner[pid] = tag
            state._hold(tag, pid)
    political: list[list[int]] = []
    religion: list[list[int]] = []
    country_days: dict[int, set[str]] = {}
    for event in history.countries:
        touched = country_days.setdefault(event.day, set())
        touched.add(event.tag)
        if event.field == "tag":
            touched.add(event.value)
    days: set[int] = set(country_days)
    for change in changes:
        days.add(change.day)
    at = 0
    started = False
    for day in sorted(days):
        if day > start and not started:
            _emit_all(state, start, political, religion)
            started = True
        dirty: set[int] = set()
        while at < len(changes) and changes[at].day == day:
            change = changes[at]
            at += 1
            state.apply(change)
            dirty.add(change.province)
        touched_tags = country_days.get(day)
        if touched_tags is not None:
            for tag in tags.aliases(touched_tags, day):
                held = state.holders.get(tag)
                if held is not None:
                    dirty |= held
        if started:
            for pid in sorted(dirty):
                if pid < len(kinds) and kinds[pid]:
                    state.emit(day, pid, political, religion)
    if not started:
        _emit_all(state, start, political, religion)
    return political, religion


def _emit_all(
    state: Replay, day: int, political: list[list[int]], religion: list[list[int]]
) -> None:
    for pid in range(1, len(state.kinds)):
        if state.kinds[pid]:
            state.emit(day, pid, political, religion)
