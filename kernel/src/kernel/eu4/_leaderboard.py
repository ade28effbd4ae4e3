"""The achievement gate and leaderboard eligibility, with the weighted score.

The gate is pdx.tools' ``AchievementHunter::create``: a binary (ironman) save, single
player, not an observer, ``achievement_ok``, exactly one human country, historical
tax/manpower, no Random New World, no country or previous-war history dated after the
save (saves on the start day get one day of slack), and a known starting country. Its
province-count check (the save's provinces against the vanilla map of the patch) needs
game data and is not made here.

Leaderboard runs additionally need the 1444-11-11 start, no custom nation and a supported
patch (1.29 or later). Score: ``days`` from 1444-11-11 to the save date; weighted by
``1 + 0.1 x (latest minor - minor)``, computed exactly in integers as
``days x (10 + latest - minor) // 10`` (the rebalance formula).
"""

from __future__ import annotations

from typing import Final

from kernel._scalars import Date
from kernel.eu4._read import EU4_START, EU4_START_DAYS, iso_text
from kernel.eu4.types import Condition, Leaderboard, TaxManpower

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


def _c(description: str, completed: bool) -> Condition:
    return Condition(description=description, completed=completed)


def gate(g: GateInput) -> list[Condition]:
    limit = g.save_date
    if g.save_date == EU4_START:
        limit = Date.from_days(EU4_START_DAYS + 1)
    future = g.latest_history is not None and limit < g.latest_history
    humans = ", ".join(g.humans) if g.humans else "none"
    return [
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
