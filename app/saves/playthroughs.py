"""A playthrough's shared saves (the ``playthrough_id`` column: one value for every save
of a run, kernel/src/kernel/eu4/_playthrough.py): its timeline, and a save's neighbours
in it for the save page's links.

The id is base64 (``+``, ``/`` and ``=``): its URLs use the URL-safe alphabet (``-``
and ``_``), which ``url_id`` and ``from_url`` translate; the API takes either."""

from __future__ import annotations

from typing import Any, Final, NamedTuple

from app.saves.schemas import Playthrough, TimelineSave
from app.saves.services import SUMMARY_SQL, summary
from app.saves.tables import Save

# The player's country row of each save's analysis, read by PostgreSQL (jsonb path) so
# that the timeline never loads whole payloads (megabytes each).
_PLAYER_ROW: Final = (
    "jsonb_path_query_first(s.analysis, '$.countries[*] ? (@.tag == $tag)', "
    "jsonb_build_object('tag', s.player_tag))"
)
_ORDER: Final = "s.days NULLS LAST, s.created_on, s.id"
_TIMELINE: Final = f"""
SELECT {SUMMARY_SQL},
       ({_PLAYER_ROW} ->> 'development')::float8 AS player_development,
       ({_PLAYER_ROW} ->> 'monthly_income')::float8 AS player_income,
       ({_PLAYER_ROW} ->> 'provinces')::integer AS player_provinces
FROM saves s JOIN users u ON u.id = s.user_id
WHERE s.playthrough_id = {{}}
ORDER BY {_ORDER}
"""
_IDS: Final = f"SELECT s.id FROM saves s WHERE s.playthrough_id = {{}} ORDER BY {_ORDER}"


def url_id(playthrough_id: str) -> str:
    """The id as its URLs write it (base64url: no ``/`` in a path segment)."""
    return playthrough_id.replace("+", "-").replace("/", "_")


def from_url(text: str) -> str:
    """The stored id of a URL's (either alphabet: the standard one has no - or _)."""
    return text.replace("-", "+").replace("_", "/")


async def timeline(playthrough_id: str) -> Playthrough | None:
    """Every shared save of the playthrough by game date; None when it has none."""
    rows: list[dict[str, Any]] = await Save.raw(_TIMELINE, playthrough_id)
    if not rows:
        return None
    saves = [
        TimelineSave(
            save=summary(row),
            development=row["player_development"],
            monthly_income=row["player_income"],
            provinces=row["player_provinces"],
        )
        for row in rows
    ]
    return Playthrough(playthrough_id=playthrough_id, saves=saves)


class Neighbours(NamedTuple):
    """A save's place in its playthrough: how many saves it has, the previous and the
    next one by game date (ids; None at the ends)."""

    saves: int
    previous: str | None
    next: str | None


async def neighbours(playthrough_id: str | None, save_id: str) -> Neighbours:
    """One query of the playthrough's ids (the save page's links)."""
    if playthrough_id is None:
        return Neighbours(0, None, None)
    rows = await Save.raw(_IDS, playthrough_id)
    ids = [str(row["id"]) for row in rows]
    if save_id not in ids:
        return Neighbours(len(ids), None, None)
    at = ids.index(save_id)
    return Neighbours(
        len(ids), ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None
    )
