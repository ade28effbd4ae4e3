"""The saves API (``/api/saves``): upload, list, show, change, delete, download."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromQuery, MultipartBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from app.accounts.auth import current_user, requires_user
from app.maps.services import Maps
from app.saves import analysis_pages, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.controllers._shared import SaveId, check_editor, page_of_saves, upload
from app.saves.pool import KernelPool
from app.saves.schemas import (
    DuplicateSaveBody,
    SaveCreated,
    SaveDetail,
    SavePage,
    SavePatch,
    UploadForm,
)
from app.settings import Settings
from app.storage import ObjectMissing, Storage, StorageError
from app.web.openapi import AUTH_ERRORS, ERRORS, error

# SavePatch forbids unknown fields (a typo is a 400, not a silent no-op); Litestar's
# schema for a Struct does not say so, so the request body's schema states it.
SAVE_PATCH_BODY = Body(schema_extra={"additionalProperties": False})


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
            **AUTH_ERRORS,
            409: ResponseSpec(data_container=DuplicateSaveBody, description="Uploaded before"),
            413: error("File too large"),
            422: error("Not a readable save"),
            429: error("Too many uploads"),
            503: error("File store down"),
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
        try:
            save_id = await upload(request, data, storage, pool, settings)
        except services.UploadError as exc:
            return _upload_error(exc)
        return Response(SaveCreated(save_id=save_id), status_code=HTTP_201_CREATED)

    @get("/", summary="Recent saves, newest first")
    async def list_saves(
        self,
        settings: NamedDependency[Settings],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int | None, QueryParameter(ge=1, le=200)] = None,
    ) -> SavePage:
        saves, next_cursor = await page_of_saves(settings, cursor, limit=limit or 0)
        return SavePage(saves=saves, cursor=next_cursor)

    @get("/{save_id:str}", responses=ERRORS)
    async def show_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> SaveDetail:
        """A save, its analysis, and the names of the analysis' keys (language: the
        ``lang`` cookie, else Accept-Language)."""
        save = await services.get_save(save_id)
        if save is None:
            raise NotFoundException("save not found")
        naming = await analysis_pages.page_naming(request, save_id, analysis_cache)
        if naming.label is None:
            return save
        return msgspec.structs.replace(save, names=naming.used, gamedata=naming.label)

    @patch("/{save_id:str}", status_code=HTTP_204_NO_CONTENT, responses=ERRORS)
    async def update_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        data: Annotated[SavePatch, SAVE_PATCH_BODY],
        settings: NamedDependency[Settings],
    ) -> None:
        await check_editor(request, save_id)
        user = current_user(request)
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

    @delete("/{save_id:str}", status_code=HTTP_204_NO_CONTENT, responses=ERRORS)
    async def delete_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
        maps: NamedDependency[Maps],
    ) -> None:
        await check_editor(request, save_id)
        try:
            if not await services.delete_save(save_id, storage):
                raise NotFoundException("save not found")
        except services.UploadError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None
        await maps.forget(save_id)

    @get(
        "/{save_id:str}/file",
        summary="The file as uploaded (ETag, 304)",
        media_type="application/octet-stream",
        responses={
            **ERRORS,
            304: ResponseSpec(data_container=None, description="Not modified (If-None-Match)"),
            503: error("File store down"),
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


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    if header.strip() == "*":
        return {"*"}
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
