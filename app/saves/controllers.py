"""Saves over HTTP: the JSON API (``/api/…``) and the HTML pages (home, feed, save page)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, MediaType, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import (
    Body,
    FromPath,
    FromQuery,
    MultipartBody,
    PathParameter,
    QueryParameter,
    URLEncodedBody,
)
from litestar.plugins.flash import flash
from litestar.response import Stream, Template
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from app.accounts import services as accounts
from app.accounts.auth import (
    can_edit,
    current_user,
    ensure_can_edit,
    requires_admin,
    requires_user,
)
from app.analysis_render import CSV_CHARTS, chart_csv
from app.saves import analysis_pages, reprocess, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.pool import KernelPool
from app.saves.schemas import (
    ApiKeyCreated,
    DuplicateSaveBody,
    EditForm,
    QualificationForm,
    SaveCreated,
    SaveDetail,
    SavePage,
    SavePatch,
    UploadForm,
    UserInfo,
    UserPage,
)
from app.settings import Settings
from app.storage import ObjectMissing, Storage, StorageError
from app.web.htmx import redirect, render, wants_fragment

# Path parameters the database can look up: save ids are URL-safe tokens no longer than
# saves.id (services.new_save_id) and user ids are PostgreSQL integers. Anything else is a
# 400 here, not a query that PostgreSQL (NUL in text) or asyncpg (an integer out of range)
# refuses with a 500; the OpenAPI document states both bounds.
SaveId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
UserId = Annotated[int, PathParameter(ge=1, le=accounts.MAX_USER_ID)]

# SavePatch forbids unknown fields (a typo is a 400, not a silent no-op); Litestar's
# schema for a Struct does not say so, so the request body's schema states it.
SAVE_PATCH_BODY = Body(schema_extra={"additionalProperties": False})

_ERRORS = {
    400: ResponseSpec(data_container=dict[str, Any], description="Invalid input"),
    401: ResponseSpec(data_container=dict[str, Any], description="Not logged in / bad API key"),
    403: ResponseSpec(data_container=dict[str, Any], description="Not the owner or an admin"),
    404: ResponseSpec(data_container=dict[str, Any], description="No such save"),
}
# What the operations that need a user answer before they run: no credentials (401), a
# cookie session without the CSRF header (403: app.web.security).
_AUTH_ERRORS = {
    401: ResponseSpec(data_container=dict[str, Any], description="Not logged in / bad API key"),
    403: ResponseSpec(data_container=dict[str, Any], description="CSRF token missing or wrong"),
}


def _upload_error(exc: services.UploadError) -> Response[Any]:
    if isinstance(exc, services.Duplicate):
        body = DuplicateSaveBody(status_code=409, detail=exc.message, save_id=exc.save_id)
        return Response(body, status_code=409)
    raise HTTPException(status_code=exc.status, detail=exc.message)


class SaveApiController(Controller):
    path = "/api/saves"
    tags = ("saves",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        guards=[requires_user],
        opt={"rate_limit": "upload"},
        summary="Upload a save (session cookie + CSRF header, or HTTP Basic user_id:api_key)",
        responses={
            **_AUTH_ERRORS,
            409: ResponseSpec(data_container=DuplicateSaveBody, description="Uploaded before"),
            413: ResponseSpec(data_container=dict[str, Any], description="File too large"),
            422: ResponseSpec(data_container=dict[str, Any], description="Not a readable save"),
            429: ResponseSpec(data_container=dict[str, Any], description="Too many uploads"),
            503: ResponseSpec(data_container=dict[str, Any], description="File store down"),
        },
    )
    async def create_save(
        self,
        request: Request[Any, Any, Any],
        data: MultipartBody[UploadForm],
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        settings: NamedDependency[Settings],
    ) -> Response[SaveCreated | DuplicateSaveBody]:
        user = current_user(request)
        assert user is not None
        try:
            save_id = await services.upload_save(
                upload=data.file,
                filename=data.filename,
                aar=data.aar,
                user=user,
                storage=storage,
                pool=pool,
                settings=settings,
            )
        except services.UploadError as exc:
            return _upload_error(exc)
        finally:
            await data.file.close()
        return Response(SaveCreated(save_id=save_id), status_code=HTTP_201_CREATED)

    @get("/", summary="Recent saves, newest first")
    async def list_saves(
        self,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=200)] = None,
    ) -> SavePage:
        try:
            saves, next_cursor = await services.list_saves(
                cursor=cursor, limit=limit or settings.limits.page_size
            )
        except services.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        return SavePage(saves=saves, cursor=next_cursor)

    @get("/{save_id:str}", responses=_ERRORS)
    async def show_save(self, save_id: SaveId) -> SaveDetail:
        save = await services.get_save(save_id)
        if save is None:
            raise NotFoundException("save not found")
        return save

    @patch("/{save_id:str}", status_code=HTTP_204_NO_CONTENT, responses=_ERRORS)
    async def update_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        data: Annotated[SavePatch, SAVE_PATCH_BODY],
        settings: NamedDependency[Settings],
    ) -> None:
        user = current_user(request)
        owner = await services.owner_of(save_id)
        if owner is None:
            raise NotFoundException("save not found")
        ensure_can_edit(user, owner)
        if data.leaderboard_qualified is not None and not (user and user.admin):
            raise PermissionDeniedException("only admins change leaderboard_qualified")
        try:
            await services.update_save(
                save_id,
                settings=settings,
                filename=data.filename,
                aar=data.aar,
                leaderboard_qualified=data.leaderboard_qualified,
            )
        except services.UploadError as exc:
            raise ValidationException(exc.message) from None

    @delete("/{save_id:str}", status_code=HTTP_204_NO_CONTENT, responses=_ERRORS)
    async def delete_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
    ) -> None:
        owner = await services.owner_of(save_id)
        if owner is None:
            raise NotFoundException("save not found")
        ensure_can_edit(current_user(request), owner)
        try:
            if not await services.delete_save(save_id, storage):
                raise NotFoundException("save not found")
        except services.UploadError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None

    @get(
        "/{save_id:str}/file",
        summary="The file as uploaded (ETag, 304)",
        media_type="application/octet-stream",
        responses={
            **_ERRORS,
            304: ResponseSpec(data_container=None, description="Not modified (If-None-Match)"),
            503: ResponseSpec(data_container=dict[str, Any], description="File store down"),
        },
    )
    async def download_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
    ) -> Response[Any]:
        found = await services.file_of(save_id)
        if found is None:
            raise NotFoundException("save not found")
        key, sha256, filename = found
        etag = f'"{sha256}"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
        if etag in _etags(request.headers.get("if-none-match")):
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        try:
            stored = await storage.open(key)
        except ObjectMissing:
            raise NotFoundException("the file of this save is missing") from None
        except StorageError:
            raise HTTPException(status_code=503, detail="the file store is unavailable") from None
        headers["Content-Length"] = str(stored.size)
        headers["Content-Disposition"] = _attachment(filename)
        return Stream(stored.chunks(), media_type="application/octet-stream", headers=headers)


SAVE_PAGE = "saves/show.html.jinja2"


async def _save_page(
    request: Request[Any, Any, Any],
    save_id: str,
    cache: AnalysisCache,
    fragment: str | None = None,
    *,
    edit_error: str | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The save page; for ``fragment`` (a section's URL), that section alone to htmx swaps
    (``wants_fragment`` decides) and the whole page, showing it, to everything else."""
    save = await services.get_save(save_id, with_analysis=False)
    if save is None:
        raise NotFoundException("save not found")
    view = analysis_pages.view_for(request, save_id)
    headers = {"Vary": "HX-Request"}
    if fragment is not None:
        section = await analysis_pages.section_html(request, save_id, view, cache, fragment)
        if section is None:
            raise NotFoundException("no EU4 analysis for this save")
        if wants_fragment(request):
            return Response(section, media_type=MediaType.HTML, headers=headers)
    user = current_user(request)
    context = {
        "save": save,
        "analysis_html": await analysis_pages.section_html(request, save_id, view, cache),
        "can_edit": can_edit(user, save.user_id),
        "is_admin": user is not None and user.admin,
        "edit_error": edit_error,
    }
    return Template(SAVE_PAGE, context=context, status_code=status_code, headers=headers)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    if header.strip() == "*":
        return {"*"}
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class UserApiController(Controller):
    path = "/api"
    tags = ("users",)

    @get("/users/{user_id:int}", responses=_ERRORS)
    async def show_user(self, user_id: UserId, settings: NamedDependency[Settings]) -> UserPage:
        row = await accounts.public_user(user_id)
        if row is None:
            raise NotFoundException("user not found")
        info = UserInfo(
            user_id=row["id"],
            user_name=row["display_name"] or row["username"],
            created_on=row["created_on"],
        )
        saves = await services.user_saves(user_id, settings.limits.page_size)
        return UserPage(user_info=info, saves=saves)

    @post("/key", status_code=HTTP_201_CREATED, guards=[requires_user], responses=_AUTH_ERRORS)
    async def create_api_key(self, request: Request[Any, Any, Any]) -> Response[ApiKeyCreated]:
        """A new API key for the current user (replaces the old one); shown only here."""
        user = current_user(request)
        assert user is not None
        key = await accounts.create_api_key(user.id)
        return Response(
            ApiKeyCreated(user_id=user.id, api_key=key),
            status_code=HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )

    @delete("/key", status_code=HTTP_204_NO_CONTENT, guards=[requires_user], responses=_AUTH_ERRORS)
    async def revoke_api_key(self, request: Request[Any, Any, Any]) -> None:
        user = current_user(request)
        assert user is not None
        await accounts.revoke_api_key(user.id)


# --- pages --------------------------------------------------------------------------------


class SavePagesController(Controller):
    tags = ("pages",)
    include_in_schema = False

    @get("/", name="home")
    async def home(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Template:
        saves, cursor = await services.list_saves(cursor=None, limit=settings.limits.page_size)
        return Template(
            "home/index.html.jinja2",
            context={
                "saves": saves,
                "cursor": cursor,
                "upload_error": None,
                "max_upload_bytes": settings.limits.max_upload_bytes,
            },
        )

    @get("/saves", name="saves")
    async def list_saves(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
    ) -> Template:
        try:
            saves, next_cursor = await services.list_saves(
                cursor=cursor, limit=settings.limits.page_size
            )
        except services.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        return render(
            request,
            "saves/index.html.jinja2",
            "saves/_rows.html.jinja2",
            {"saves": saves, "cursor": next_cursor},
        )

    @get("/saves/rows", name="save_rows")
    async def save_rows(
        self, settings: NamedDependency[Settings], cursor: FromQuery[str | None] = None
    ) -> Template:
        """The htmx "load more" fragment: the next page of rows and its own button."""
        try:
            saves, next_cursor = await services.list_saves(
                cursor=cursor, limit=settings.limits.page_size
            )
        except services.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        return Template(
            "saves/_rows.html.jinja2",
            context={"saves": saves, "cursor": next_cursor},
            headers={"Vary": "HX-Request"},
        )

    @get("/users/{user_id:int}", name="user")
    async def show_user(
        self,
        request: Request[Any, Any, Any],
        user_id: UserId,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
    ) -> Template:
        """A user's page: their saves, newest first ("load more" with a cursor)."""
        row = await accounts.public_user(user_id)
        if row is None:
            raise NotFoundException("user not found")
        try:
            saves, next_cursor = await services.list_saves(
                cursor=cursor, limit=settings.limits.page_size, user_id=user_id
            )
        except services.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        profile = UserInfo(
            user_id=row["id"],
            user_name=row["display_name"] or row["username"],
            created_on=row["created_on"],
        )
        context = {
            "profile": profile,
            "save_count": await services.count_saves(user_id),
            "saves": saves,
            "cursor": next_cursor,
            "feed": {"page": f"/users/{user_id}", "rows": f"/users/{user_id}/rows"},
        }
        return render(request, "users/show.html.jinja2", "saves/_rows.html.jinja2", context)

    @get("/users/{user_id:int}/rows", name="user_rows")
    async def user_rows(
        self,
        user_id: UserId,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
    ) -> Template:
        """The htmx "load more" fragment of a user's saves."""
        try:
            saves, next_cursor = await services.list_saves(
                cursor=cursor, limit=settings.limits.page_size, user_id=user_id
            )
        except services.BadCursor as exc:
            raise ValidationException(str(exc)) from None
        return Template(
            "saves/_rows.html.jinja2",
            context={
                "saves": saves,
                "cursor": next_cursor,
                "feed": {"page": f"/users/{user_id}", "rows": f"/users/{user_id}/rows"},
            },
            headers={"Vary": "HX-Request"},
        )

    @post("/saves", guards=[requires_user], opt={"rate_limit": "upload"}, status_code=200)
    async def upload_save(
        self,
        request: Request[Any, Any, Any],
        data: MultipartBody[UploadForm],
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        user = current_user(request)
        assert user is not None
        try:
            save_id = await services.upload_save(
                upload=data.file,
                filename=data.filename,
                aar=data.aar,
                user=user,
                storage=storage,
                pool=pool,
                settings=settings,
            )
        except services.UploadError as exc:
            context: dict[str, Any] = {
                "upload_error": exc.message,
                "duplicate_of": exc.save_id if isinstance(exc, services.Duplicate) else None,
                "max_upload_bytes": settings.limits.max_upload_bytes,
            }
            if not wants_fragment(request):
                saves, cursor = await services.list_saves(
                    cursor=None, limit=settings.limits.page_size
                )
                context.update(saves=saves, cursor=cursor)
            return render(
                request,
                "home/index.html.jinja2",
                "saves/_upload_form.html.jinja2",
                context,
                status_code=exc.status,
            )
        finally:
            await data.file.close()
        flash(request, "Uploaded.", category="info")
        return redirect(request, f"/saves/{save_id}")

    @get("/saves/{save_id:str}", name="save")
    async def show_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """The save page: upload facts, the analysis (query parameters: csort/corder,
        psort/porder, ppage, wpage), edit and admin forms."""
        return await _save_page(request, save_id, analysis_cache)

    @get("/saves/{save_id:str}/countries", name="save_countries")
    async def save_countries(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """The countries table sorted (htmx fragment; the whole page otherwise)."""
        return await _save_page(request, save_id, analysis_cache, analysis_pages.COUNTRIES)

    @get("/saves/{save_id:str}/provinces", name="save_provinces")
    async def save_provinces(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """A page of the provinces table (htmx fragment; the whole page otherwise)."""
        return await _save_page(request, save_id, analysis_cache, analysis_pages.PROVINCES)

    @get("/saves/{save_id:str}/wars", name="save_wars")
    async def save_wars(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """A page of the wars (htmx fragment; the whole page otherwise)."""
        return await _save_page(request, save_id, analysis_cache, analysis_pages.WARS)

    @get("/saves/{save_id:str}/csv/{chart:str}", name="save_csv")
    async def save_csv(
        self,
        save_id: SaveId,
        chart: FromPath[str],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[str]:
        """A chart's data as CSV: the ledgers (income, nation_size, score, inflation: one
        column per country, one row per year) and the development distribution."""
        if chart not in CSV_CHARTS:
            raise NotFoundException(f"no chart {chart!r}")
        found = await analysis_pages.payload(save_id, analysis_cache)
        analysis = found[1] if found is not None else None
        if analysis is None or not analysis_pages.is_eu4_analysis(analysis):
            raise NotFoundException("no EU4 analysis for this save")
        return Response(
            chart_csv(analysis, chart),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{save_id}-{chart}.csv"'},
        )

    @post("/saves/{save_id:str}/edit", status_code=200)
    async def update_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        data: URLEncodedBody[EditForm],
        settings: NamedDependency[Settings],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        owner = await services.owner_of(save_id)
        if owner is None:
            raise NotFoundException("save not found")
        ensure_can_edit(current_user(request), owner)
        try:
            await services.update_save(
                save_id, settings=settings, filename=data.filename, aar=data.aar
            )
        except services.UploadError as exc:
            if wants_fragment(request):
                save = await services.get_save(save_id, with_analysis=False)
                return render(
                    request,
                    SAVE_PAGE,
                    "saves/_edit_form.html.jinja2",
                    {"save": save, "edit_error": exc.message},
                    status_code=422,
                )
            return await _save_page(
                request, save_id, analysis_cache, edit_error=exc.message, status_code=422
            )
        flash(request, "Saved.", category="info")
        return redirect(request, f"/saves/{save_id}")

    @post("/saves/{save_id:str}/delete", status_code=200)
    async def delete_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
    ) -> Response[Any]:
        owner = await services.owner_of(save_id)
        if owner is None:
            raise NotFoundException("save not found")
        ensure_can_edit(current_user(request), owner)
        try:
            await services.delete_save(save_id, storage)
        except services.UploadError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None
        flash(request, "Deleted.", category="info")
        return redirect(request, "/")

    @post("/saves/{save_id:str}/reprocess", guards=[requires_admin], status_code=200)
    async def reprocess_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        """Admins: run the current kernel again over this save (the row stays as it was
        when that fails)."""
        try:
            version = await reprocess.reprocess_save(
                save_id, storage=storage, pool=pool, tmp_dir=settings.var_path / "tmp"
            )
        except LookupError:
            raise NotFoundException("save not found") from None
        except reprocess.ReprocessFailed as exc:
            flash(request, f"Not reprocessed: {exc}", category="error")
        else:
            flash(request, f"Reprocessed with kernel {version}.", category="info")
        return redirect(request, f"/saves/{save_id}")

    @post("/saves/{save_id:str}/leaderboard", guards=[requires_admin], status_code=200)
    async def qualify_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        data: URLEncodedBody[QualificationForm],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        """Admins: hide a disputed save from the leaderboards (or show it again); its page
        and link stay."""
        if await services.owner_of(save_id) is None:
            raise NotFoundException("save not found")
        qualified = data.qualified == "yes"
        await services.update_save(save_id, settings=settings, leaderboard_qualified=qualified)
        message = "Back on the leaderboards." if qualified else "Disqualified from leaderboards."
        flash(request, message, category="info")
        return redirect(request, f"/saves/{save_id}")
