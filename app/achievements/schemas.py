"""Achievement pages and ``GET /api/achievements[/{id}]`` (msgspec Structs)."""

from __future__ import annotations

import msgspec

from app.saves.schemas import SaveSummary


class Achievement(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    name: str
    description: str
    difficulty: str  # very_easy, easy, medium, hard, very_hard, insane


class AchievementStats(Achievement, kw_only=True, frozen=True):
    runs: int  # playthroughs on the leaderboard
    best_score_days: int | None


class WeightedScore(msgspec.Struct, kw_only=True):
    days: int  # patch-weighted days (the column score_days)
    date: str  # 1444-11-11 plus those days: the date the run "counts as"


class RankedSave(SaveSummary, kw_only=True):
    rank: int
    weighted_score: WeightedScore


class AchievementBoard(msgspec.Struct, kw_only=True):
    achievement: Achievement
    saves: list[RankedSave]  # best save per playthrough, by score_days then upload time
    cursor: str | None  # pass as ?cursor= for the next page; null on the last (or the page)


class PatchWeightRow(msgspec.Struct, kw_only=True, frozen=True):
    """A patch whose saves count on the leaderboards, and its weight."""

    patch: str  # "1.37"
    minor: int
    weight: str  # "1.0": the factor a save's days are multiplied by (in score_days)


class RebalanceForm(msgspec.Struct, kw_only=True):
    """The admins' rebalance form: one ``1.<patch> <weight>`` line per patch that counts."""

    weights: str


class AchievementIndex(msgspec.Struct, kw_only=True):
    achievements: list[AchievementStats]
    # Which patches count, newest first; a newer patch counts with the newest one's weight.
    patch_weights: list[PatchWeightRow]
