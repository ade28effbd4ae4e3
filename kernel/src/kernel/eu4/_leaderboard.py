"""The achievement gate and leaderboard eligibility, with the weighted score.

The gate is pdx.tools' ``AchievementHunter::create``: a binary (ironman) save, single
player, not an observer, ``achievement_ok``, exactly one human country, historical
tax/manpower, no Random New World, no country or previous-war history dated after the
save (saves on the start day get one day of slack), a known starting country, and the
province list of the patch (``vanilla_map``: pdx.tools compares the save's province count
with the game's, against saves "upgraded" from an older patch). That check needs the game
data of the save's patch: without it the condition says it was not made and passes.

Leaderboard runs additionally need the 1444-11-11 start, no custom nation and a supported
patch (1.29 or later). Score: ``days`` from 1444-11-11 to the save date; weighted by
``1 + 0.1 x (latest minor - minor)``, computed exactly in integers as
``days x (10 + latest - minor) // 10`` (the rebalance formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from kernel._scalars import Date
from kernel.eu4._geography import Geography
from kernel.eu4._read import EU4_START, EU4_START_DAYS, iso_text
from kernel.eu4.types import Condition, Leaderboard, TaxManpower
from kernel.gamedata import version_key

LATEST_MINOR: Final = 37  # the newest patch the weighting knows (pdx.tools' bundle: 1.37)
OLDEST_MINOR: Final = 29


class GateInput:
    def __init__(
        self,
        *,
        encoding: str,
        ironman: bool,
        multiplayer: bool,
        observer: bool,
        achievement_ok: bool | None,
        humans: list[str],
        tax_manpower: TaxManpower,
        random_new_world: bool,
        save_date: Date,
        latest_history: Date | None,
        starting_tag: str | None,
        vanilla_map: Condition | None = None,
    ) -> None:
        self.encoding = encoding
        self.ironman = ironman
        self.multiplayer = multiplayer
        self.observer = observer
        self.achievement_ok = achievement_ok
        self.humans = humans
        self.tax_manpower = tax_manpower
        self.random_new_world = random_new_world
        self.save_date = save_date
        self.latest_history = latest_history
        self.starting_tag = starting_tag
        self.vanilla_map = vanilla_map


def _c(description: str, completed: bool) -> Condition:
    return Condition(description=description, completed=completed)


def gate(g: GateInput) -> list[Condition]:
    limit = g.save_date
    if g.save_date == EU4_START:
        limit = Date.from_days(EU4_START_DAYS + 1)
    future = g.latest_history is not None and limit < g.latest_history
    humans = ", ".join(g.humans) if g.humans else "none"
    conditions = [
        _c(f"binary (ironman) save, not text ({g.encoding})", g.encoding == "binary"),
        _c("ironman", g.ironman),
        _c("single player", not g.multiplayer),
        _c("not an observer", not g.observer),
        _c("the game allows achievements (achievement_ok)", g.achievement_ok is True),
        _c(f"exactly one human country ({humans})", len(g.humans) == 1),
        _c(f"historical tax and manpower ({g.tax_manpower})", g.tax_manpower == "historical"),
        _c("not a Random New World", not g.random_new_world),
        _c("no history dated after the save date", not future),
        _c(
            f"starting country known ({g.starting_tag or 'unknown'})",
            g.starting_tag is not None,
        ),
    ]
    if g.vanilla_map is not None:
        conditions.append(g.vanilla_map)
    return conditions


MAP_CHECK: Final = "the save's provinces are those of the game's map for its patch"


def vanilla_map(
    province_ids: Sequence[int], geo: Geography | None, major: int, minor: int
) -> Condition:
    """Whether the save's province ids are exactly those of the bundle's map: no province
    the map lacks, and none of the map's missing (saves list every province of
    definition.csv, sea and lakes included, so this is pdx.tools' count comparison made
    exact). Made only with a bundle of the save's own major.minor patch: a nearby patch's
    map may differ by design. Not made (and passed) otherwise, with the reason."""
    if geo is None:
        return _c(f"{MAP_CHECK}: not checked, needs game data (does not block)", True)
    bundle_patch = version_key(geo.version)[:2]
    if bundle_patch != (major, minor):
        return _c(
            f"{MAP_CHECK}: not checked, the game data is for {geo.version}, the save is "
            f"{major}.{minor} (does not block)",
            True,
        )
    extra: list[int] = []
    matched = 0
    for pid in province_ids:
        if pid in geo.province_ids:
            matched += 1
        else:
            extra.append(pid)
    missing = len(geo.province_ids) - matched
    if not extra and missing == 0:
        return _c(f"{MAP_CHECK} ({matched} provinces, as in {geo.label})", True)
    reasons: list[str] = []
    if extra:
        shown = ", ".join(str(pid) for pid in extra[:5])
        more = ", …" if len(extra) > 5 else ""
        reasons.append(f"{len(extra)} not on the map: {shown}{more}")
    if missing:
        reasons.append(f"{missing} of the map's {len(geo.province_ids)} missing")
    return _c(
        f"{MAP_CHECK} ({len(province_ids)} provinces against {geo.label}: {'; '.join(reasons)})",
        False,
    )


def weighted_factor_tenths(major: int, minor: int) -> int | None:
    """The patch factor in tenths (10 = 1.0), None for unsupported patches."""
    if major != 1 or minor < OLDEST_MINOR:
        return None
    return 10 + (LATEST_MINOR - min(minor, LATEST_MINOR))


def leaderboard(
    *,
    gate_conditions: list[Condition],
    normal_start: bool,
    custom_nation: bool,
    major: int,
    minor: int,
    days: int,
) -> Leaderboard:
    tenths = weighted_factor_tenths(major, minor)
    supported = tenths is not None
    checks = list(gate_conditions)
    checks.append(_c("start date of 1444.11.11", normal_start))
    checks.append(_c("no custom nations", not custom_nation))
    checks.append(_c(f"supported patch: 1.{OLDEST_MINOR} or later (1.{minor})", supported))
    eligible = True
    for check in checks:
        if not check.completed:
            eligible = False
    score_days: int | None = None
    score_date: str | None = None
    factor: float | None = None
    if tenths is not None:
        factor = tenths / 10.0
        score_days = days * tenths // 10
        score_date = iso_text(Date.from_days(EU4_START_DAYS + score_days))
    return Leaderboard(
        eligible=eligible,
        checks=checks,
        days=days,
        patch=f"{major}.{minor}",
        supported_patch=supported,
        factor=factor,
        score_days=score_days,
        score_date=score_date,
    )
