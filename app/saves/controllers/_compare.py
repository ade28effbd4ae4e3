"""Two saves compared (``/saves/{a}/compare/{b}``) and a playthrough's timeline
(``/playthroughs/{id}``): pages and their JSON (app.saves.compare, app.saves.playthroughs)."""

from __future__ import annotations

from typing import Annotated, Any, Final, cast

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromQuery, PathParameter
from litestar.response import Template

from app.analysis.countries import game_days
from app.analysis.render import GAME_NAMES, line_chart
from app.saves import analysis_pages, playthroughs, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.compare import DEFAULT_SORT, SORTS, Order, compare, sort_countries
from app.saves.controllers._shared import SaveId
from app.saves.schemas import Playthrough, SaveComparison, SaveDetail, SaveRef
from app.web.openapi import ERRORS, error

COMPARE_PAGE: Final = "saves/compare.html.jinja2"
TIMELINE_PAGE: Final = "saves/playthrough.html.jinja2"
COMPARE_ERRORS: Final = {**ERRORS, 422: error("A save without an EU4 analysis to compare")}
# A playthrough id in a URL: base64 in either alphabet (app.saves.playthroughs), no longer
# than the column; anything else is a 400 rather than a query.
PlaythroughId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9+_=-]{1,64}$")]


def _ref(save: SaveDetail) -> SaveRef:
    return SaveRef(
        id=save.id,
        filename=save.filename,
        user_name=save.user_name,
        date=save.date,
        patch=save.patch,
        player_tag=save.player_tag,
        playthrough_id=save.playthrough_id,
    )


async def _analysed(save_id: str, cache: AnalysisCache) -> tuple[SaveDetail, Any, Any]:
    """(save, payload cache key, payload) of an EU4 save; 404 without the save, 422 (a
    readable reason) without an EU4 analysis."""
    save = await services.get_save(save_id, with_analysis=False)
    if save is None:
        raise NotFoundException(f"There is no save {save_id}.")
    found = await analysis_pages.payload(save_id, cache)
    if found is None:
        raise HTTPException(
            status_code=422,
            detail=f"{save.filename} ({save_id}) has no analysis stored yet: nothing to compare.",
        )
    if not analysis_pages.is_eu4_analysis(found[1]):
        what = (
            "has no EU4 analysis"
            if save.game == "eu4"
            else f"is a save of {GAME_NAMES.get(save.game, 'an unknown game')}, not of EU4"
        )
        raise HTTPException(
            status_code=422,
            detail=f"{save.filename} ({save_id}) {what}: only EU4 analyses can be compared.",
        )
    return save, found[0], found[1]


async def comparison(
    request: Request[Any, Any, Any], first: str, second: str, cache: AnalysisCache
) -> SaveComparison:
    """The two saves compared, the earlier game date first (URL order on a tie); names
    from the later save's game data in the reader's language."""
    a = await _analysed(first, cache)
    b = await _analysed(second, cache)
    if int(b[2]["info"].get("days") or 0) < int(a[2]["info"].get("days") or 0):
        a, b = b, a
    naming = analysis_pages.naming(request, b[1], b[2], cache)
    return compare(a[2], b[2], (_ref(a[0]), _ref(b[0])), naming.used)


def timeline_url(playthrough_id: str | None) -> str | None:
    return (
        None if playthrough_id is None else f"/playthroughs/{playthroughs.url_id(playthrough_id)}"
    )


def _year(date: str | None) -> float | None:
    """A game date as a fractional year (365-day years) for the timeline's x axis."""
    days = game_days(date)
    return days / 365 if days is not None else None


def _charts(found: Playthrough) -> list[tuple[str, str, dict[str, Any], int]]:
    """(id, title, line_chart geometry, digits) of the player's values across the saves."""
    tag = next((t.save.player_tag for t in reversed(found.saves) if t.save.player_tag), "")
    charts = []
    for key, title, digits in (
        ("development", "Development", 0),
        ("monthly_income", "Monthly income", 1),
        ("provinces", "Provinces", 0),
    ):
        points = []
        for entry in found.saves:
            year, value = _year(entry.save.date), getattr(entry, key)
            if year is not None and value is not None:
                points.append([year, value])
        series = [{"tag": tag, "points": points}]
        chart = line_chart(series, highlight=(tag,), width=640, height=220)
        charts.append((f"timeline-{key}", title, chart, digits))
    return charts


class ComparePagesController(Controller):
    tags = ("pages",)
    include_in_schema = False

    @get("/saves/{save_id:str}/compare/{other_id:str}", name="compare_saves")
    async def compare_page(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        other_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
        sort: FromQuery[str | None] = None,
        order: FromQuery[str | None] = None,
    ) -> Template:
        """The comparison table, sorted by ``sort`` (app.saves.compare.SORTS) and
        ``order`` (asc/desc) with plain links."""
        found = await comparison(request, save_id, other_id, analysis_cache)
        key = sort if sort in SORTS else DEFAULT_SORT
        default: Order = "asc" if key == "name" else "desc"
        direction = cast(Order, order) if order in ("asc", "desc") else default
        rows = sort_countries(found.countries, key, direction)
        context = {
            "comparison": found,
            "countries": rows,
            "row_names": {c.tag: c.name for c in rows},
            "sort": key,
            "order": direction,
            "base": f"/saves/{save_id}/compare/{other_id}",
            "timeline": timeline_url(found.before.playthrough_id),
        }
        return Template(COMPARE_PAGE, context=context)

    @get("/playthroughs/{playthrough_id:str}", name="playthrough")
    async def playthrough_page(self, playthrough_id: PlaythroughId) -> Template:
        """Every shared save of a playthrough (its id in the URL-safe alphabet)."""
        found = await playthroughs.timeline(playthroughs.from_url(playthrough_id))
        if found is None:
            raise NotFoundException("No shared save belongs to this playthrough.")
        context = {
            "playthrough": found,
            "charts": _charts(found),
            "api": f"/api{timeline_url(found.playthrough_id)}",
        }
        return Template(TIMELINE_PAGE, context=context)


class CompareApiController(Controller):
    path = "/api"

    @get(
        "/saves/{save_id:str}/compare/{other_id:str}",
        tags=("saves",),
        summary="Two EU4 saves compared: what changed per country",
        responses=COMPARE_ERRORS,
    )
    async def compare_saves(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        other_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> SaveComparison:
        """``before`` is the save with the earlier game date whatever the order in the
        URL; ``same_playthrough`` says whether their playthrough ids match (the saves are
        compared either way). Countries: the union of both saves' countries (those that
        own a province), players first, then by development change."""
        return await comparison(request, save_id, other_id, analysis_cache)

    @get(
        "/playthroughs/{playthrough_id:str}",
        tags=("playthroughs",),
        summary="Every shared save of a playthrough, by game date",
        responses=ERRORS,
    )
    async def playthrough(self, playthrough_id: PlaythroughId) -> Playthrough:
        """``playthrough_id``: a save's ``playthrough_id`` with ``-`` and ``_`` for ``+``
        and ``/`` (base64url, as the page's URL has it). Each save comes with its
        player's country's development, monthly income and provinces."""
        found = await playthroughs.timeline(playthroughs.from_url(playthrough_id))
        if found is None:
            raise NotFoundException("No shared save belongs to this playthrough.")
        return found
