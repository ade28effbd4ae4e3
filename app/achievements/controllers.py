"""Achievements over HTTP: the index and the per-achievement leaderboards, as pages and
as JSON (``GET /api/achievements``, ``GET /api/achievements/{id}``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from litestar.response import Template

from app.achievements import services
from app.achievements.schemas import AchievementBoard, AchievementIndex


class AchievementApiController(Controller):
    path = "/api/achievements"
    tags = ("achievements",)

    @get("/", summary="Every achievement Chronicle detects, with runs and best score")
    async def list_achievements(self) -> AchievementIndex:
        return AchievementIndex(achievements=await services.index())

    @get(
        "/{achievement_id:int}",
        summary="An achievement's leaderboard: best save per playthrough, by weighted days",
        responses={
            404: ResponseSpec(data_container=dict[str, Any], description="No such achievement")
        },
    )
    async def show_achievement(self, achievement_id: FromPath[int]) -> AchievementBoard:
        found = await services.board(achievement_id)
        if found is None:
            raise NotFoundException("achievement not found")
        return found


class AchievementPagesController(Controller):
    path = "/achievements"
    tags = ("pages",)
    include_in_schema = False

    @get("/", name="achievements")
    async def list_achievements(self) -> Template:
        return Template(
            "achievements/index.html.jinja2", context={"achievements": await services.index()}
        )

    @get("/{achievement_id:int}", name="achievement")
    async def show_achievement(
        self, request: Request[Any, Any, Any], achievement_id: FromPath[int]
    ) -> Template:
        found = await services.board(achievement_id)
        if found is None:
            raise NotFoundException("achievement not found")
        return Template("achievements/show.html.jinja2", context={"board": found})
