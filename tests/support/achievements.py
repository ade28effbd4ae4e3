"""Reading achievement results in tests."""

from __future__ import annotations

from kernel.eu4.types import AchievementResult, Eu4Analysis


def result(analysis: Eu4Analysis, aid: int) -> AchievementResult:
    """The result of achievement ``aid`` (an AssertionError when it was not evaluated)."""
    for item in analysis.achievements.results:
        if item.id == aid:
            return item
    raise AssertionError(f"achievement {aid} not evaluated")


def failed(item: AchievementResult) -> list[str]:
    """The descriptions of the conditions an achievement failed on."""
    return [c.description for c in item.conditions if not c.completed]
