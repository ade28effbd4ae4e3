"""The leaderboards' patch weights (the ``patch_weights`` table) and the admins'
"rebalance", which replaces them and rescores every save in one transaction.

The formula lives once, in the database (``patch_score_days``, migrations/saves, run by
the ``saves_score_days`` trigger on every insert and update of a save): ``score_days`` is
``days`` x ``weight_tenths`` // 10. A patch newer than every row counts with the newest
row's weight; one between rows, or older, does not count.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from app.achievements.schemas import PatchWeightRow
from app.saves.tables import PatchWeight, Save

MAX_TENTHS: Final = 100  # weights 0.1 to 10.0 (the table's CHECK)
MAX_PATCHES: Final = 100
_LINE: Final = re.compile(r"1\.(\d{1,3})\s*[=:\s]\s*(\S+)")


class BadWeights(ValueError):
    pass


def _row(minor: int, tenths: int) -> PatchWeightRow:
    return PatchWeightRow(patch=f"1.{minor}", minor=minor, weight=f"{tenths // 10}.{tenths % 10}")


async def current() -> list[PatchWeightRow]:
    """The patches that count, newest first."""
    rows = await PatchWeight.select().order_by(PatchWeight.minor, ascending=False)
    return [_row(row["minor"], row["weight_tenths"]) for row in rows]


def as_text(rows: list[PatchWeightRow]) -> str:
    """The rebalance form's text: one ``1.<minor> <weight>`` line per patch."""
    return "\n".join(f"{row.patch} {row.weight}" for row in rows)


def parse(text: str) -> dict[int, int]:
    """``1.<minor> <weight>`` lines (``=`` or ``:`` may separate) into minor -> tenths;
    BadWeights with a message for people otherwise."""
    weights: dict[int, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise BadWeights(
                f"Line {number} ({line[:40]!r}) is not “1.<patch> <weight>”, e.g. “1.37 1.0”."
            )
        minor = int(match[1])
        try:
            weight = Decimal(match[2])
        except InvalidOperation:
            weight = Decimal("NaN")
        if not weight.is_finite():
            raise BadWeights(f"Line {number}: {match[2][:20]!r} is not a number.")
        tenths = weight * 10
        if tenths != tenths.to_integral_value():
            raise BadWeights(f"Line {number}: weights have one decimal at most (e.g. 1.3).")
        if not 1 <= tenths <= MAX_TENTHS:
            raise BadWeights(f"Line {number}: a weight is between 0.1 and {MAX_TENTHS // 10}.0.")
        if minor in weights:
            raise BadWeights(f"Line {number}: patch 1.{minor} is listed twice.")
        weights[minor] = int(tenths)
    if not weights:
        raise BadWeights("List at least one patch: with none, no save would count.")
    if len(weights) > MAX_PATCHES:
        raise BadWeights(f"At most {MAX_PATCHES} patches.")
    return weights


async def rebalance(weights: dict[int, int]) -> int:
    """Replace the weights and rescore every EU4 save, all or nothing; returns the number
    of saves rescored. Saves stay writable meanwhile only to this transaction: an upload
    in flight finishes first (and is rescored here), a later one waits and is scored
    with the new weights."""
    async with Save._meta.db.transaction():
        await Save.raw("LOCK TABLE saves IN SHARE ROW EXCLUSIVE MODE")
        await PatchWeight.delete(force=True)
        await PatchWeight.insert(
            *(PatchWeight(minor=minor, weight_tenths=tenths) for minor, tenths in weights.items())
        )
        rows: list[dict[str, Any]] = await Save.raw(
            "WITH rescored AS (UPDATE saves SET score_days = patch_score_days("
            "days, save_version_first, save_version_second) WHERE game = 'eu4' RETURNING 1)"
            " SELECT count(*) AS n FROM rescored"
        )
    return int(rows[0]["n"])
