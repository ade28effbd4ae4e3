"""Users over HTTP: a user's public page with their saves, and the API's user and API-key
endpoints (``/api/users``, ``/api/users/{id}``, ``/api/key``); lists page with cursors."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromQuery, PathParameter, QueryParameter
from litestar.response import Template
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app import cursors
from app.accounts import services
from app.accounts.auth import current_user, requires_user
from app.accounts.schemas import ApiKeyCreated, UserInfo, UserList, UserPage
from app.saves import services as saves
from app.saves.controllers import page_of_saves
from app.settings import Settings
from app.web.htmx import render
from app.web.openapi import AUTH_ERRORS, ERRORS

# User ids are PostgreSQL integers: anything else is a 400 here, not an asyncpg error
# (an integer out of range) and a 500; the OpenAPI document states the bound.
UserId = Annotated[int, PathParameter(ge=1, le=services.MAX_USER_ID)]
ROWS = "saves/_rows.html.jinja2"


def _info(row: dict[str, Any]) -> UserInfo:
    return UserInfo(
        user_id=row["id"],
        user_name=row["display_name"] or row["username"],
        created_on=row["created_on"],
    )


async def _profile(user_id: int) -> UserInfo:
    row = await services.public_user(user_id)
    if row is None:
        raise NotFoundException("user not found")
    return _info(row)


def _feed(user_id: int) -> dict[str, str]:
    return {"page": f"/users/{user_id}", "rows": f"/users/{user_id}/rows"}


class UserPagesController(Controller):
    path = "/users/{user_id:int}"
    tags = ("pages",)
    include_in_schema = False

    @get("/", name="user")
    async def show_user(
        self,
        request: Request[Any, Any, Any],
        user_id: UserId,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
    ) -> Template:
        """A user's page: their saves, newest first ("load more" with a cursor)."""
        profile = await _profile(user_id)
        saves_page, next_cursor = await page_of_saves(settings, cursor, user_id=user_id)
        context = {
            "profile": profile,
            "save_count": await saves.count_saves(user_id),
            "saves": saves_page,
            "cursor": next_cursor,
            "feed": _feed(user_id),
        }
        return render(request, "users/show.html.jinja2", ROWS, context)

    @get("/rows", name="user_rows")
    async def user_rows(
        self,
        user_id: UserId,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
    ) -> Template:
        """The htmx "load more" fragment of a user's saves."""
        saves_page, next_cursor = await page_of_saves(settings, cursor, user_id=user_id)
        return Template(
            ROWS,
            context={"saves": saves_page, "cursor": next_cursor, "feed": _feed(user_id)},
            headers={"Vary": "HX-Request"},
        )


class UserApiController(Controller):
    path = "/api"
    tags = ("users",)

    @get("/users", summary="Users, oldest account first", responses={400: ERRORS[400]})
    async def list_users(
        self,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=200)] = None,
    ) -> UserList:
        try:
            rows, next_cursor = await services.list_users(
                cursor=cursor, limit=limit or settings.limits.page_size
            )
        except cursors.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        return UserList(users=[_info(row) for row in rows], cursor=next_cursor)

    @get("/users/{user_id:int}", summary="A user and their saves, newest first", responses=ERRORS)
    async def show_user(
        self,
        user_id: UserId,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=200)] = None,
    ) -> UserPage:
        profile = await _profile(user_id)
        saves_page, next_cursor = await page_of_saves(
            settings, cursor, user_id=user_id, limit=limit or 0
        )
        return UserPage(user_info=profile, saves=saves_page, cursor=next_cursor)

    @post("/key", status_code=HTTP_201_CREATED, guards=[requires_user], responses=AUTH_ERRORS)
    async def create_api_key(self, request: Request[Any, Any, Any]) -> Response[ApiKeyCreated]:
        """A new API key for the current user (replaces the old one); shown only here."""
        user = current_user(request)
        assert user is not None
        key = await services.create_api_key(user.id)
        return Response(
            ApiKeyCreated(user_id=user.id, api_key=key),
            status_code=HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )

    @delete("/key", status_code=HTTP_204_NO_CONTENT, guards=[requires_user], responses=AUTH_ERRORS)
    async def revoke_api_key(self, request: Request[Any, Any, Any]) -> None:
        user = current_user(request)
        assert user is not None
        await services.revoke_api_key(user.id)
