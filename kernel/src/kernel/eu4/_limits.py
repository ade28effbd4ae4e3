"""Bounds on one analysis: what a crafted save can make the payload hold.

A real EU4 game has about 5,000 provinces, a few hundred living countries, hundreds of
wars and tens of thousands of province-history entries. A crafted save can list far more
(20,000 provinces each owned by its own country made a 95 MB payload), so every list that
grows with the save is cut to a bound well above any real game, keeping what matters
(the largest countries, the players), and a warning says what was left out. The app adds
a cap on the encoded payload as a whole (``MAX_ANALYSIS_MB``).
"""

from __future__ import annotations

from typing import Final, TypeVar

T = TypeVar("T")

MAX_COUNTRIES: Final = 1_000  # rows of the countries table (their ledgers, casualties, details)
MAX_PROVINCES: Final = 10_000
MAX_WARS: Final = 2_000
MAX_BATTLES: Final = 1_000  # per war
MAX_HISTORY: Final = 500_000  # province-history entries kept for the map's timelapse


def capped(items: list[T], limit: int, what: str, warnings: list[str]) -> list[T]:
    """The first ``limit`` of ``items``, with a warning when some are left out."""
    if len(items) <= limit:
        return items
    warnings.append(
        f"{len(items) - limit} of {len(items)} {what} left out: an analysis keeps at most "
        f"{limit} (no real game has more)"
    )
    return items[:limit]
