"""``layers``: what every map mode shows for each province, from an analysis payload and a
game-data bundle (docs/map.md "Modes"); ``state_at``: a mode at a day; ``highlight``: the
focus and country filter.

Cheap (no save parsing): the server computes it from a stored payload, the browser's
worker from the analysis it holds.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from kernel._scalars import Date
from kernel.eu4.map._colors import (
    COOL,
    HEAT,
    LAKE,
    NONE,
    REBELS,
    SEA,
    UNCOLONISED,
    UNKNOWN,
    WASTELAND,
    clamp_top,
    culture_color,
    gradient,
    grey,
    hashed,
    rgb,
    subject_shade,
    terrain_color,
)
from kernel.eu4.map._timeline import REBELS_TAG, Tags, base_color, replay
from kernel.eu4.map.types import LegendEntry, MapCountry, MapLayers, MapMode, Timeline
from kernel.eu4.types import Eu4Analysis, ProvinceRow
from kernel.gamedata import MapInfo, Names, World

MODES: Final = (
    "political",
    "political_overlord",
    "religion",
    "culture",
    "development",
    "technology",
    "trade_goods",
    "terrain",
    "battles",
)
LABELS: Final = {
    "political": "Political",
    "political_overlord": "Political (subjects in their overlord's colour)",
    "religion": "Religion",
    "culture": "Culture",
    "development": "Development",
    "technology": "Technology",
    "trade_goods": "Trade goods",
    "terrain": "Terrain",
    "battles": "Battles",
}
# Modes the timeline replays (``state_at`` with a day).
HISTORIC: Final = frozenset(("political", "political_overlord", "religion", "battles"))
BATTLE_WINDOW: Final = 365  # days of battles a timelapse frame shows
_LEGEND_MAX: Final = 40
_KIND_LABELS: Final = (
    ("sea", SEA, "Sea"),
    ("lake", LAKE, "Lake"),
    ("wasteland", WASTELAND, "Wasteland"),
)
_START: Final = Date(1444, 11, 11)
# Legend keys that are not about the mode's subject: listed after the others.
_BACKGROUND: Final = frozenset(
    (
        (SEA, "Sea"),
        (LAKE, "Lake"),
        (WASTELAND, "Wasteland"),
        (UNCOLONISED, "Uncolonised"),
        (UNCOLONISED, "Unknown"),
        (UNCOLONISED, "None"),
    )
)


class _Context:
    """What every mode reads: per-province rows and kinds, countries, names."""

    def __init__(self, analysis: Eu4Analysis, world: World, names: Names | None, size: int) -> None:
        self.analysis = analysis
        self.world = world
        self.names = names
        self.size = size
        self.kinds = [""] * size
        for key, province in world.provinces.items():
            if key.isdigit() and int(key) < size:
                self.kinds[int(key)] = province.kind
        self.rows: list[ProvinceRow | None] = [None] * size
        for row in analysis.provinces:
            if 0 < row.id < size:
                self.rows[row.id] = row
        self.countries: list[MapCountry] = []
        self.index: dict[str, int] = {}
        self.colors: dict[str, int] = {}
        for tag, parts in analysis.map.colors.items():
            self.colors[tag] = rgb(parts)
        self.by_tag = {row.tag: row for row in analysis.countries}
        self.overlord_of: dict[str, str] = {}  # subject -> overlord
        for boss, members in analysis.map.subjects.items():
            for member in members:
                self.overlord_of[member] = boss
        for country in analysis.countries:
            if country.overlord and country.tag not in self.overlord_of:
                self.overlord_of[country.tag] = country.overlord
        players = set(analysis.info.human_tags)
        players.add(analysis.info.player_tag)
        self.players = players

    def key_name(self, category: str, key: str) -> str:
        if self.names is not None:
            found = self.names.keys.get(category, {}).get(key)
            if found:
                return found
        return key.replace("_", " ").capitalize() if key else ""

    def country_name(self, tag: str) -> str:
        row = self.by_tag.get(tag)
        if row is not None and row.name and row.name != tag:
            return row.name
        if self.names is not None:
            found = self.names.countries.get(tag)
            if found and found[0]:
                return found[0]
        return tag

    def color(self, tag: str) -> int:
        found = self.colors.get(tag)
        if found is not None:
            return found
        parts = self.world.country_colors.get(tag)
        if parts is not None:
            return rgb(parts)
        return REBELS if tag == REBELS_TAG else hashed(tag)

    def index_of(self, tag: str) -> int:
        """The country's index in ``countries`` (added on first use)."""
        found = self.index.get(tag)
        if found is not None:
            return found
        row = self.by_tag.get(tag)
        self.index[tag] = len(self.countries)
        self.countries.append(
            MapCountry(
                tag=tag,
                name=self.country_name(tag),
                color=self.color(tag),
                player=tag in self.players,
                great_power=row.great_power if row is not None else False,
            )
        )
        return self.index[tag]

    def religion_color(self, key: str) -> int:
        parts = self.world.religion_colors.get(key)
        return rgb(parts) if parts is not None else hashed(key)


def layers(
    analysis: Eu4Analysis, *, world: World, names: Names | None, info: MapInfo, bundle: str
) -> MapLayers:
    """The map of ``analysis`` on the bundle ``bundle`` (its ``world``, ``names`` in the
    reader's language or None, and its ``info``)."""
    size = 1
    for key in info.provinces:
        if key.isdigit():
            size = max(size, int(key) + 1)
    unknown: list[int] = []
    for row in analysis.provinces:
        # Saves list every province id of the game's definitions, random-new-world
        # placeholders included (no pixels, no owner, no development): not worth a note.
        if str(row.id) not in info.provinces and (row.owner or row.development > 0):
            unknown.append(row.id)
    ctx = _Context(analysis, world, names, size)
    for country in analysis.countries:  # the living countries first, by development
        ctx.index_of(country.tag)
    owner = [-1] * size
    controller = [-1] * size
    province_names = [""] * size
    for pid in range(1, size):
        found = ctx.rows[pid]
        if found is not None and found.name:
            province_names[pid] = found.name
        elif names is not None:
            province_names[pid] = names.provinces.get(str(pid), "")
        if found is not None and ctx.kinds[pid] == "land":
            _owners(ctx, found, pid, owner, controller)
    timeline = _timeline(ctx)
    modes = [
        _political(ctx, overlord_colours=False),
        _political(ctx, overlord_colours=True),
        _religion(ctx),
        _culture(ctx),
        _development(ctx),
        _technology(ctx),
        _trade_goods(ctx),
    ]
    terrain = _terrain(ctx)
    if terrain is not None:
        modes.append(terrain)
    modes.append(_battles(ctx, timeline.battles))
    _relations(ctx)
    notes: list[str] = []
    if unknown:
        notes.append(
            f"{len(unknown)} of the save's provinces are not on the map of {bundle} "
            "(a mod's map, or another patch): they are not drawn"
        )
    if not analysis.map.provinces and not analysis.map.colors:
        notes.append("this analysis has no map history: reprocess the save for the timelapse")
    return MapLayers(
        bundle=bundle,
        width=info.width,
        height=info.height,
        size=size,
        date=analysis.info.date,
        names=province_names,
        kinds=ctx.kinds,
        owner=owner,
        controller=controller,
        countries=ctx.countries,
        modes=modes,
        timeline=timeline,
        unknown=unknown,
        notes=notes,
    )


def _owners(
    ctx: _Context, row: ProvinceRow, pid: int, owner: list[int], controller: list[int]
) -> None:
    """The owner and controller indices of a land province (rebels: its owner)."""
    if row.owner:
        owner[pid] = ctx.index_of(row.owner)
    if row.controller and row.controller != row.owner and row.controller != REBELS_TAG:
        controller[pid] = ctx.index_of(row.controller)
    elif row.owner:
        controller[pid] = owner[pid]


def _relations(ctx: _Context) -> None:
    """Overlords, subjects and allies of the countries drawn (indices), in place."""
    overlord_of = ctx.overlord_of
    allies = ctx.analysis.map.allies
    out: list[MapCountry] = []
    for country in ctx.countries:
        tag = country.tag
        boss = overlord_of.get(tag)
        out.append(
            MapCountry(
                tag=tag,
                name=country.name,
                color=country.color,
                player=country.player,
                great_power=country.great_power,
                overlord=ctx.index[boss] if boss is not None and boss in ctx.index else -1,
                subjects=[
                    ctx.index[m] for m in sorted(_members(overlord_of, tag)) if m in ctx.index
                ],
                allies=[ctx.index[a] for a in allies.get(tag, []) if a in ctx.index],
            )
        )
    ctx.countries[:] = out


def _members(overlord_of: dict[str, str], tag: str) -> list[str]:
    out: list[str] = []
    for member, boss in overlord_of.items():
        if boss == tag:
            out.append(member)
    return out


def _top_overlord(overlord_of: dict[str, str], tag: str) -> str:
    seen = {tag}
    while tag in overlord_of and overlord_of[tag] not in seen:
        tag = overlord_of[tag]
        seen.add(tag)
    return tag


class _Mode:
    """A mode being built: per-province colours and values, and its legend's counts."""

    def __init__(self, key: str, size: int) -> None:
        self.key = key
        self.primary = [UNKNOWN] * size
        self.secondary = [NONE] * size
        self.values = [""] * size
        self.counts: dict[tuple[int, str], int] = {}

    def set(self, pid: int, color: int, label: str, value: str = "", secondary: int = NONE) -> None:
        self.primary[pid] = color
        self.secondary[pid] = secondary
        self.values[pid] = value if value else label
        key = (color, label)
        self.counts[key] = self.counts.get(key, 0) + 1

    def done(self, legend: list[LegendEntry] | None = None) -> MapMode:
        if legend is None:
            ranked = sorted(self.counts.items(), key=_legend_order)
            legend = []
            background: list[LegendEntry] = []
            rest = 0
            for (color, label), count in ranked:
                entry = LegendEntry(color=color, label=label, provinces=count)
                if (color, label) in _BACKGROUND:
                    background.append(entry)
                elif len(legend) < _LEGEND_MAX:
                    legend.append(entry)
                else:
                    rest += count
            if rest:
                legend.append(LegendEntry(color=UNKNOWN, label="Others", provinces=rest))
            legend += background
        return MapMode(
            key=self.key,
            label=LABELS[self.key],
            primary=self.primary,
            secondary=self.secondary,
            values=self.values,
            legend=legend,
            gradient=legend is not None and self.key in ("development", "technology", "battles"),
        )


def _legend_order(item: tuple[tuple[int, str], int]) -> tuple[bool, int, str]:
    return (item[0] in _BACKGROUND, -item[1], item[0][1])


def _not_land(ctx: _Context, mode: _Mode, pid: int) -> bool:
    """Sea, lakes, wasteland and ids not on the map: drawn by kind; True when done."""
    kind = ctx.kinds[pid]
    if kind == "land":
        return False
    for name, color, label in _KIND_LABELS:
        if kind == name:
            mode.set(pid, color, label, "")
            return True
    mode.primary[pid] = UNKNOWN
    return True


def _political(ctx: _Context, *, overlord_colours: bool) -> MapMode:
    mode = _Mode("political_overlord" if overlord_colours else "political", ctx.size)
    for pid in range(1, ctx.size):
        if _not_land(ctx, mode, pid):
            continue
        row = ctx.rows[pid]
        if row is None or not row.owner:
            mode.set(pid, UNCOLONISED, "Uncolonised", "")
            continue
        tag = row.owner
        color = ctx.color(tag)
        label = ctx.country_name(tag)
        if overlord_colours:
            top = _top_overlord(ctx.overlord_of, tag)
            if top != tag:
                color = subject_shade(ctx.color(top))
                label = f"Subjects of {ctx.country_name(top)}"
        secondary = NONE
        occupier = row.controller
        if occupier and occupier != tag:
            secondary = REBELS if occupier == REBELS_TAG else ctx.color(occupier)
        mode.set(pid, color, label, ctx.country_name(tag), secondary)
    return mode.done()


def _religion(ctx: _Context) -> MapMode:
    mode = _Mode("religion", ctx.size)
    for pid in range(1, ctx.size):
        if _not_land(ctx, mode, pid):
            continue
        row = ctx.rows[pid]
        religion = row.religion if row is not None and row.religion else ""
        if not religion:
            mode.set(pid, UNCOLONISED, "Unknown", "")
            continue
        name = ctx.key_name("religion", religion)
        state = ""
        if row is not None and row.owner:
            country = ctx.by_tag.get(row.owner)
            state = country.religion if country is not None else ""
        if state and state != religion:
            mode.set(
                pid,
                ctx.religion_color(state),
                ctx.key_name("religion", state),
                name,
                ctx.religion_color(religion),
            )
        else:
            mode.set(pid, ctx.religion_color(religion), name, name)
    return mode.done()


def _culture(ctx: _Context) -> MapMode:
    mode = _Mode("culture", ctx.size)
    groups = ctx.world.culture_groups
    for pid in range(1, ctx.size):
        if _not_land(ctx, mode, pid):
            continue
        row = ctx.rows[pid]
        culture = row.culture if row is not None and row.culture else ""
        if not culture:
            mode.set(pid, UNCOLONISED, "Unknown", "")
            continue
        mode.set(
            pid, culture_color(culture, groups.get(culture, "")), ctx.key_name("culture", culture)
        )
    return mode.done()


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _gradient_mode(
    ctx: _Context, key: str, values: list[float | None], stops: tuple[int, ...], labels: list[str]
) -> MapMode:
    """Land provinces coloured by ``values`` (None: no value, uncolonised colour) on
    ``stops``, clamped at the 95th percentile; the legend is the stops."""
    mode = _Mode(key, ctx.size)
    present: list[float] = []
    for value in values:
        if value is not None:
            present.append(value)
    top = clamp_top(present)
    for pid in range(1, ctx.size):
        if _not_land(ctx, mode, pid):
            continue
        value = values[pid]
        if value is None:
            mode.set(pid, UNCOLONISED, "None", "")
            continue
        mode.primary[pid] = gradient(stops, value / top if top > 0 else 0.0)
        mode.values[pid] = labels[pid]
    legend: list[LegendEntry] = []
    last = len(stops) - 1
    for index, color in enumerate(stops):
        legend.append(LegendEntry(color=color, label=_number(top * index / last), provinces=0))
    return mode.done(legend)


def _development(ctx: _Context) -> MapMode:
    values: list[float | None] = [None] * ctx.size
    labels = [""] * ctx.size
    for pid in range(1, ctx.size):
        row = ctx.rows[pid]
        if row is not None and ctx.kinds[pid] == "land" and row.development > 0:
            values[pid] = row.development
            labels[pid] = _number(row.development)
    return _gradient_mode(ctx, "development", values, HEAT, labels)


def _technology(ctx: _Context) -> MapMode:
    values: list[float | None] = [None] * ctx.size
    labels = [""] * ctx.size
    for pid in range(1, ctx.size):
        row = ctx.rows[pid]
        country = ctx.by_tag.get(row.owner) if row is not None and row.owner else None
        if country is not None:
            values[pid] = float(country.adm_tech + country.dip_tech + country.mil_tech)
            labels[pid] = f"{country.adm_tech}/{country.dip_tech}/{country.mil_tech}"
    lowest = min((v for v in values if v is not None), default=0.0)
    # Technology differs little between countries: the gradient starts at the lowest.
    shifted: list[float | None] = [None if v is None else v - lowest + 1 for v in values]
    mode = _gradient_mode(ctx, "technology", shifted, COOL, labels)
    legend = [
        LegendEntry(color=entry.color, label=_number(float(entry.label) + lowest - 1), provinces=0)
        for entry in mode.legend
    ]
    return MapMode(
        key=mode.key,
        label=mode.label,
        primary=mode.primary,
        secondary=mode.secondary,
        values=mode.values,
        legend=legend,
        gradient=True,
    )


def _trade_goods(ctx: _Context) -> MapMode:
    mode = _Mode("trade_goods", ctx.size)
    colors = ctx.world.trade_good_colors
    for pid in range(1, ctx.size):
        if _not_land(ctx, mode, pid):
            continue
        row = ctx.rows[pid]
        good = row.trade_goods if row is not None and row.trade_goods else ""
        if not good or good == "unknown":
            mode.set(pid, UNCOLONISED, "Unknown", "")
            continue
        parts = colors.get(good)
        mode.set(
            pid, rgb(parts) if parts is not None else hashed(good), ctx.key_name("trade_good", good)
        )
    return mode.done()


def _terrain(ctx: _Context) -> MapMode | None:
    found = False
    for province in ctx.world.provinces.values():
        if province.terrain:
            found = True
            break
    if not found:
        return None
    mode = _Mode("terrain", ctx.size)
    for key, province in ctx.world.provinces.items():
        if not key.isdigit() or int(key) >= ctx.size:
            continue
        pid = int(key)
        if province.kind != "land":
            _not_land(ctx, mode, pid)
        elif province.terrain:
            mode.set(
                pid, terrain_color(province.terrain), ctx.key_name("terrain", province.terrain)
            )
        else:
            mode.set(pid, UNCOLONISED, "Unknown", "")
    return mode.done()


def _battle_totals(
    battles: list[list[int]], kinds: list[str], first: int | None, last: int | None
) -> dict[int, float]:
    """Losses per province of the battles fought after ``first`` up to ``last`` (None:
    no bound), on provinces of the map where armies or fleets fight."""
    totals: dict[int, float] = {}
    for day, pid, losses in battles:
        if (first is not None and day <= first) or (last is not None and day > last):
            continue
        if 0 < pid < len(kinds) and kinds[pid] in ("land", "sea", "lake"):
            totals[pid] = totals.get(pid, 0.0) + losses
    return totals


def _battle_colors(kinds: list[str], totals: dict[int, float]) -> tuple[list[int], float]:
    """The battles' colours per province (by kind where none was fought) and the top of
    their gradient."""
    primary = [base_color(kind) for kind in kinds]
    top = clamp_top(list(totals.values()))
    for pid, value in totals.items():
        primary[pid] = gradient(HEAT, value / top)
    return primary, top


def _battles(ctx: _Context, battles: list[list[int]]) -> MapMode:
    """Casualties of every battle of the game (the browser and ``state_at`` recolour a
    period with the same gradient)."""
    mode = _Mode("battles", ctx.size)
    totals = _battle_totals(battles, ctx.kinds, None, None)
    primary, top = _battle_colors(ctx.kinds, totals)
    mode.primary[:] = primary
    for pid, value in totals.items():
        mode.values[pid] = f"{value:.0f} lost in battle"
    legend = [
        LegendEntry(color=color, label=_number(top * index / (len(HEAT) - 1)), provinces=0)
        for index, color in enumerate(HEAT)
    ]
    return mode.done(legend)


def _timeline(ctx: _Context) -> Timeline:
    info = ctx.analysis.info
    start_date = Date.parse(info.start_date.replace("-", ".")) if info.start_date else None
    end_date = Date.parse(info.date.replace("-", "."))
    start = (start_date or _START).days()
    end = end_date.days() if end_date is not None else start
    owners_now: dict[int, str] = {}
    for row in ctx.analysis.provinces:
        if row.owner:
            owners_now[row.id] = row.owner
    tags = Tags(ctx.analysis.map.countries, ctx.color)
    political, religion = replay(
        ctx.analysis.map,
        kinds=ctx.kinds,
        start=start,
        owners_now=owners_now,
        tags=tags,
        index_of=ctx.index_of,
        religion_color=ctx.religion_color,
    )
    battles: list[list[int]] = []
    for war in ctx.analysis.wars:
        for battle in war.battles:
            when = Date.parse(battle.date.replace("-", ".")) if battle.date else None
            if when is None:
                continue
            battles.append(
                [when.days(), battle.location, battle.attacker.losses + battle.defender.losses]
            )
    battles.sort()
    return Timeline(
        start=start, end=max(end, start), political=political, religion=religion, battles=battles
    )


# --- views of a computed map ------------------------------------------------------------------


def _mode(layers: MapLayers, key: str) -> MapMode:
    for mode in layers.modes:
        if mode.key == key:
            return mode
    raise KeyError(f"no map mode {key!r}: this map has {', '.join(m.key for m in layers.modes)}")


def state_at(
    layers: MapLayers, mode: str, day: int | None
) -> tuple[list[int], list[int], list[int]]:
    """(primary, secondary, owner) per province id: ``mode`` at the save's date (``day``
    None) or replayed from the timeline to ``day`` (political, religion; battles: the year
    before ``day``; other modes have no history and ignore ``day``). Raises KeyError for
    a mode the map does not have."""
    found = _mode(layers, mode)
    if day is None or mode not in HISTORIC:
        return list(found.primary), list(found.secondary), list(layers.owner)
    size = layers.size
    owner = [-1] * size
    if mode == "battles":
        totals = _battle_totals(layers.timeline.battles, layers.kinds, day - BATTLE_WINDOW, day)
        primary, _top = _battle_colors(layers.kinds, totals)
        return primary, [NONE] * size, _political_owner(layers, day)
    primary = [UNKNOWN] * size
    secondary = [NONE] * size
    if mode == "religion":
        for when, pid, color, stripes in layers.timeline.religion:
            if when > day:
                break
            primary[pid] = color
            secondary[pid] = stripes
        return primary, secondary, _political_owner(layers, day)
    for when, pid, who, color, stripes in layers.timeline.political:
        if when > day:
            break
        owner[pid] = who
        primary[pid] = color
        secondary[pid] = stripes
    return primary, secondary, owner


def _political_owner(layers: MapLayers, day: int) -> list[int]:
    owner = [-1] * layers.size
    for when, pid, who, _color, _stripes in layers.timeline.political:
        if when > day:
            break
        owner[pid] = who
    return owner


def highlight(
    layers: MapLayers, primary: list[int], owner: list[int], tags: Collection[str]
) -> list[int]:
    """``primary`` with the provinces of countries not in ``tags`` greyed (docs/map.md)."""
    keep: set[int] = set()
    for index, country in enumerate(layers.countries):
        if country.tag in tags:
            keep.add(index)
    out = list(primary)
    for pid, who in enumerate(owner):
        if who >= 0 and who not in keep:
            out[pid] = grey(out[pid])
    return out


def focus_tags(layers: MapLayers, tag: str) -> list[str]:
    """The focus of ``tag``: itself, its subjects and its allies."""
    for country in layers.countries:
        if country.tag == tag:
            members = [tag]
            for index in country.subjects + country.allies:
                members.append(layers.countries[index].tag)
            return members
    return [tag]
