"""Achievements over HTTP: the index and the per-achievement leaderboards, as pages and
as JSON (``GET /api/achievements``, ``GET /api/achievements/{id}``), and the admins'
rebalance of the patch weights (``POST /achievements/rebalance``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Template

from app import cursors
from app.accounts.auth import requires_admin
from app.achievements import services, weights
from app.achievements.schemas import AchievementBoard, AchievementIndex, RebalanceForm
from app.settings import Settings
from app.web.htmx import redirect


class AchievementApiController(Controller):
    path = "/api/achievements"
    tags = ("achievements",)

    @get(
        "/",
        summary="Every achievement Chronicle detects, with runs and best score, and the "
        "patches that count with their weights",
    )
    async def list_achievements(self) -> AchievementIndex:
        return AchievementIndex(
            achievements=await services.index(), patch_weights=await weights.current()
        )

    @get(
        "/{achievement_id:int}",
        summary="An achievement's leaderboard: best save per playthrough, by weighted days",
        responses={
            400: ResponseSpec(data_container=dict[str, Any], description="A bad cursor"),
            404: ResponseSpec(data_container=dict[str, Any], description="No such achievement"),
        },
    )
    async def show_achievement(
        self,
        achievement_id: FromPath[int],
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=200)] = None,
    ) -> AchievementBoard:
        try:
            found = await services.board(
                achievement_id, cursor=cursor, limit=limit or settings.limits.page_size
            )
        except cursors.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        if found is None:
            raise NotFoundException("achievement not found")
        return found


async def _index_page(
    *, error: str | None = None, text: str | None = None, status_code: int = 200
) -> Template:
    current = await weights.current()
    context = {
        "achievements": await services.index(),
        "patch_weights": current,
        "weights_text": weights.as_text(current) if text is None else text,
        "weights_error": error,
    }
    return Template("achievements/index.html.jinja2", context=context, status_code=status_code)


class AchievementPagesController(Controller):
    path = "/achievements"
    tags = ("pages",)
    include_in_schema = False

    @get("/", name="achievements")
    async def list_achievements(self) -> Template:
        return await _index_page()

    @post("/rebalance", guards=[requires_admin], status_code=200)
    async def rebalance(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[RebalanceForm]
    ) -> Response[Any]:
        """Admins: replace the patch weights and rescore every save (all or nothing)."""
        try:
            parsed = weights.parse(data.weights)
        except weights.BadWeights as exc:
            return await _index_page(error=str(exc), text=data.weights, status_code=400)
        count = await weights.rebalance(parsed)
        flash(request, f"Patch weights saved: {count} saves rescored.", category="info")
        return redirect(request, "/achievements")

    @get("/{achievement_id:int}", name="achievement")
    async def show_achievement(
        self, request: Request[Any, Any, Any], achievement_id: FromPath[int]
    ) -> Template:
        found = await services.board(achievement_id)
        if found is None:
            raise NotFoundException("achievement not found")
        return Template("achievements/show.html.jinja2", context={"board": found})
