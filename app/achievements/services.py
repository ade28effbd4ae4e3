"""The achievement catalogue and leaderboard queries.

A board holds the saves whose ``achieve_ids`` contain the achievement (the GIN index
serves ``@>``), with a patch-weighted score (``score_days`` not null: a supported patch)
and not disqualified by an admin (``leaderboard_qualified``). Of each playthrough only the
best save counts: the lowest ``score_days``, the earlier upload on a tie (uploading an
earlier save of the same run replaces the later one). Saves without a playthrough id each
stand alone. Ranks are positions: by ``score_days``, then upload time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import kernel
from app import cursors
from app.achievements.schemas import (
    Achievement,
    AchievementBoard,
    AchievementStats,
    RankedSave,
    WeightedScore,
)
from app.saves.services import SAVE_ID, SUMMARY_SQL, summary
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


# Ranks are over the whole board; a page is the rows after its cursor's position
# (score_days, created_on, id), so a page stays right while others upload. LIMIT NULL: all.
_BOARD: Final = f"""
SELECT * FROM (
    SELECT *, row_number() OVER (ORDER BY score_days, created_on, id) AS rank FROM (
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
) board
WHERE {{}}::integer IS NULL
   OR (score_days, created_on, id) > ({{}}::integer, {{}}::timestamptz, {{}}::varchar)
ORDER BY rank
LIMIT {{}}
"""


def _encode_cursor(entry: RankedSave) -> str:
    days = entry.weighted_score.days
    return cursors.pack(f"{days}|{entry.upload_time.isoformat()}|{entry.id}")


def _decode_cursor(cursor: str) -> tuple[int, datetime, str]:
    """The position a board's cursor names; BadCursor for anything ``_encode_cursor``
    did not make."""
    days, _, rest = cursors.unpack(cursor).partition("|")
    moment, bar, save_id = rest.partition("|")
    try:
        when = datetime.fromisoformat(moment)
        score = int(days)
        if (
            bar
            and days.isascii()
            and -(2**31) <= score < 2**31
            and when.tzinfo is not None
            and SAVE_ID.fullmatch(save_id)
        ):
            return score, when.astimezone(UTC), save_id
    except (ValueError, OverflowError):
        pass
    raise cursors.BadCursor(cursors.BAD_CURSOR)


_STATS: Final = """
SELECT a.id AS id,
       count(DISTINCT coalesce(s.playthrough_id, 'save:' || s.id)) AS runs,
       min(s.score_days) AS best
FROM saves s CROSS JOIN LATERAL unnest(s.achieve_ids) AS a(id)
WHERE s.score_days IS NOT NULL AND s.leaderboard_qualified
GROUP BY a.id
"""


async def board(
    achievement_id: int, *, cursor: str | None = None, limit: int | None = None
) -> AchievementBoard | None:
    """The leaderboard of one achievement (None for an id not in the catalogue): ``limit``
    entries after ``cursor`` (all without a limit; cursors.BadCursor for a bad cursor)."""
    found = achievement(achievement_id)
    if found is None:
        return None
    after = _decode_cursor(cursor) if cursor else (None, None, None)
    fetch = None if limit is None else limit + 1
    rows: list[dict[str, Any]] = await Save.raw(_BOARD, achievement_id, after[0], *after, fetch)
    saves = []
    for row in rows[:limit]:
        base = summary(row)
        saves.append(
            RankedSave(
                **{f: getattr(base, f) for f in base.__struct_fields__},
                rank=row["rank"],
                weighted_score=WeightedScore(
                    days=row["score_days"], date=score_date(row["score_days"])
                ),
            )
        )
    more = limit is not None and len(rows) > limit and saves
    return AchievementBoard(
        achievement=found, saves=saves, cursor=_encode_cursor(saves[-1]) if more else None
    )


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
