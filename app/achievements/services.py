"""The achievement catalogue and leaderboard queries.

A board holds the saves whose ``achieve_ids`` contain the achievement (the GIN index
serves ``@>``), with a patch-weighted score (``score_days`` not null: a supported patch)
and not disqualified by an admin (``leaderboard_qualified``). Of each playthrough only the
best save counts: the lowest ``score_days``, the earlier upload on a tie (uploading an
earlier save of the same run replaces the later one). Saves without a playthrough id each
stand alone. Ranks are positions: by ``score_days``, then upload time.
"""

from __future__ import annotations

from typing import Any, Final

import kernel
from app.achievements.schemas import (
    Achievement,
    AchievementBoard,
    AchievementStats,
    RankedSave,
    WeightedScore,
)
from app.saves.services import SUMMARY_SQL, summary
from app.saves.tables import Save

# The kernel's catalogue (id -> name, difficulty, description): the achievements it can
# decide (31 of them only with game data: kernel.eu4._achievements.NEEDS_GAMEDATA).
from kernel.eu4 import ACHIEVEMENTS as CATALOGUE

EU4_START_DAYS: Final = kernel.Date(1444, 11, 11).days()


def catalogue() -> list[Achievement]:
    return [
        Achievement(id=aid, name=name, description=description, difficulty=difficulty)
        for aid, (name, difficulty, description) in sorted(CATALOGUE.items())
    ]


def achievement(achievement_id: int) -> Achievement | None:
    found = CATALOGUE.get(achievement_id)
    if found is None:
        return None
    name, difficulty, description = found
    return Achievement(id=achievement_id, name=name, description=description, difficulty=difficulty)


def score_date(score_days: int) -> str:
    """1444-11-11 plus ``score_days`` on the game's 365-day calendar."""
    d = kernel.Date.from_days(EU4_START_DAYS + score_days)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"



_BOARD: Final = f"""
SELECT * FROM (
    SELECT {SUMMARY_SQL},
        row_number() OVER (
            PARTITION BY coalesce(s.playthrough_id, 'save:' || s.id)
            ORDER BY s.score_days, s.created_on, s.id
        ) AS best
    FROM saves s JOIN users u ON u.id = s.user_id
    WHERE s.achieve_ids @> ARRAY[{{}}]::integer[]
      AND s.score_days IS NOT NULL
      AND s.leaderboard_qualified
) ranked
WHERE best = 1
ORDER BY score_days, created_on, id
"""

_STATS: Final = """
SELECT a.id AS id,
       count(DISTINCT coalesce(s.playthrough_id, 'save:' || s.id)) AS runs,
       min(s.score_days) AS best
FROM saves s CROSS JOIN LATERAL unnest(s.achieve_ids) AS a(id)
WHERE s.score_days IS NOT NULL AND s.leaderboard_qualified
GROUP BY a.id
"""


async def board(achievement_id: int) -> AchievementBoard | None:
    """The leaderboard of one achievement (None for an id not in the catalogue)."""
    found = achievement(achievement_id)
    if found is None:
        return None
    rows: list[dict[str, Any]] = await Save.raw(_BOARD, achievement_id)
    saves = []
    for rank, row in enumerate(rows, start=1):
        base = summary(row)
        saves.append(
            RankedSave(
                **{f: getattr(base, f) for f in base.__struct_fields__},
                rank=rank,
                weighted_score=WeightedScore(
                    days=row["score_days"], date=score_date(row["score_days"])
                ),
            )
        )
    return AchievementBoard(achievement=found, saves=saves)


async def index() -> list[AchievementStats]:
    """Every achievement of the catalogue with its number of runs and best score."""
    rows: list[dict[str, Any]] = await Save.raw(_STATS)
    stats = {row["id"]: row for row in rows}
    out = []
    for item in catalogue():
        row = stats.get(item.id)
        out.append(
            AchievementStats(
                id=item.id,
                name=item.name,
                description=item.description,
                difficulty=item.difficulty,
                runs=row["runs"] if row else 0,
                best_score_days=row["best"] if row else None,
            )
        )
    return out
