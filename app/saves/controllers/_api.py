"""The saves API (``/api/saves``): upload, list, show, change, delete, download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import quote, unquote

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import Body, FromPath, FromQuery, HeaderParameter, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from app.accounts.auth import current_user, requires_user
from app.maps.services import Maps
from app.saves import analysis_pages, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.controllers._shared import (
    SaveId,
    check_editor,
    etags_of,
    melted_file,
    page_of_saves,
    upload,
    upload_limit,
)
from app.saves.countries import save_country, tag_of
from app.saves.melting import Melter
from app.saves.pool import KernelPool
from app.saves.schemas import (
    DuplicateSaveBody,
    SaveCountry,
    SaveCreated,
    SaveDetail,
    SavePage,
    SavePatch,
    UploadForm,
)
from app.settings import Settings
from app.storage import ObjectMissing, Storage, StorageError
from app.web.compressed import UPLOAD
from app.web.openapi import AUTH_ERRORS, ERRORS, error

# SavePatch forbids unknown fields (a typo is a 400, not a silent no-op); Litestar's
# schema for a Struct does not say so, so the request body's schema states it.
SAVE_PATCH_BODY = Body(schema_extra={"additionalProperties": False})


def _upload_error(exc: services.UploadError) -> Response[Any]:
    if isinstance(exc, services.Duplicate):
        body = DuplicateSaveBody(status_code=409, detail=exc.message, save_id=exc.save_id)
        return Response(body, status_code=409)
    raise HTTPException(status_code=exc.status, detail=exc.message)


# The raw body's types: a save as the game writes it (text or binary) or its zip. Windows
# browsers name a zip x-zip-compressed.
RAW_TYPES: Final = ("application/octet-stream", "application/zip", "application/x-zip-compressed")
NOT_A_SAVE_BODY: Final = (
    "Send the save as a multipart form (a file field named file) or as the request body "
    "itself with Content-Type application/octet-stream or application/zip."
)


@dataclass
class UploadOperation(Operation):
    """``POST /api/saves``'s request body, which no ``data`` parameter states: the handler
    reads a form or the raw file itself."""

    def __post_init__(self) -> None:
        text = Schema(type=OpenAPIType.STRING)
        file = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        form = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": file, "filename": text, "aar": text},
            required=["file"],
        )
        content = {"multipart/form-data": OpenAPIMediaType(schema=form)}
        for kind in RAW_TYPES[:2]:
            content[kind] = OpenAPIMediaType(schema=file)
        self.request_body = RequestBody(content=content, required=True)


class SaveApiController(Controller):
    path = "/api/saves"
    tags = ("saves",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        guards=[requires_user],
        opt={"rate_limit": "upload", UPLOAD: True},
        operation_class=UploadOperation,
        summary="Upload a save (session cookie + CSRF header, or HTTP Basic user_id:api_key)",
        responses={
            **AUTH_ERRORS,
            400: error("Unreadable form, header or compressed body"),
            409: ResponseSpec(data_container=DuplicateSaveBody, description="Uploaded before"),
            413: error("File too large (once decompressed)"),
            415: error("Neither a form nor a raw save; or an unknown Content-Encoding"),
            422: error("Not a readable save"),
            429: error("Too many uploads"),
            503: error("File store down"),
        },
    )
    async def create_save(
        self,
        request: Request[Any, Any, Any],
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        settings: NamedDependency[Settings],
        filename: FromQuery[str | None] = None,
        aar: FromQuery[str | None] = None,
        x_filename: Annotated[str | None, HeaderParameter(name="x-filename")] = None,
        x_aar: Annotated[str | None, HeaderParameter(name="x-aar")] = None,
    ) -> Response[SaveCreated | DuplicateSaveBody]:
        """The body is a multipart form (``file``, ``filename``, ``aar``) or the file
        itself (``application/octet-stream`` or ``application/zip``, pdx.tools' way: the
        name and the AAR in the query or in ``X-Filename``/``X-AAR``, percent-encoded
        UTF-8). Either may be sent with ``Content-Encoding: gzip`` or ``zstd``; the limit
        applies to the decompressed file, and the file is stored decompressed."""
        name = filename if filename is not None else _header_text(x_filename)
        text = aar if aar is not None else _header_text(x_aar)
        try:
            if request.content_type[0] == RequestEncodingType.MULTI_PART:
                form = await _upload_form(request, name, text)
                save_id = await upload(request, form, storage, pool, settings)
            else:
                save_id = await _raw_upload(request, name, text, storage, pool, settings)
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

    @get(
        "/{save_id:str}/countries/{tag:str}",
        summary="One country of a save's EU4 analysis: what its page shows",
        responses=ERRORS,
    )
    async def show_country(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        tag: FromPath[str],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> SaveCountry:
        """Any country of the save (its tag, any case): its row of the countries table,
        its detailed view (rulers, history, diplomacy, estates, mana, …), budget,
        casualties, wars and ledgers. 404 for a save without an EU4 analysis or without
        that country."""
        clean = tag_of(tag)
        if clean is None:
            raise NotFoundException(f"{tag!r} is not a country tag (three letters or digits)")
        found = await analysis_pages.payload(save_id, analysis_cache)
        if found is None or not analysis_pages.is_eu4_analysis(found[1]):
            raise NotFoundException("this save has no EU4 analysis (or does not exist)")
        naming = analysis_pages.naming(request, found[0], found[1], analysis_cache)
        country = save_country(save_id, found[1], clean, naming.used)
        if country is None:
            raise NotFoundException(f"this save has no country {clean}")
        return country

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
        melter: NamedDependency[Melter],
    ) -> None:
        await check_editor(request, save_id)
        try:
            if not await services.delete_save(save_id, storage, (maps, melter)):
                raise NotFoundException("save not found")
        except services.UploadError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None

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
        if etag in etags_of(request.headers.get("if-none-match")):
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

    @get(
        "/{save_id:str}/melted",
        summary="A binary (ironman) save melted to the text save the game would write",
        description=(
            "Melted on the server with the site's token table for the save's game "
            "(`<TOKENS_DIR>/<game>.txt`), the bytes of `python -m kernel melt`, and kept; "
            "sent as an attachment `<name>_melted.<ext>`. 409: a text save (nothing to "
            "melt); 422: no token table for its game (the message names it), or a file the "
            "kernel cannot melt. Rate-limited per client address (MELT_RATE_PER_MINUTE). "
            "ETag: the melt's key (the file and the token table); If-None-Match gives 304."
        ),
        media_type="application/octet-stream",
        opt={"rate_limit": "melt"},
        responses={
            **ERRORS,
            304: ResponseSpec(data_container=None, description="Not modified (If-None-Match)"),
            409: error("Not a binary save: nothing to melt"),
            422: error("No token table for the save's game, or a file the kernel refuses"),
            429: error("Too many melted downloads from this address"),
            503: error("File store down"),
        },
    )
    async def melted_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        melter: NamedDependency[Melter],
    ) -> Response[Any]:
        return await melted_file(request, save_id, storage, pool, melter)


def _header_text(value: str | None) -> str | None:
    """A header's percent-encoded UTF-8 (headers carry Latin-1 at most); 400 otherwise."""
    if value is None:
        return None
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise ValidationException(
            "X-Filename and X-AAR are percent-encoded UTF-8 (as encodeURIComponent writes)."
        ) from None


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _upload_form(
    request: Request[Any, Any, Any], filename: str | None, aar: str | None
) -> UploadForm:
    """The multipart body's file and fields (fields win over the query and headers)."""
    form = await request.form()
    file = form.get("file")
    for _, value in form.multi_items():  # let go of any other file part (spooled to disk)
        if isinstance(value, UploadFile) and value is not file:
            await value.close()
    if not isinstance(file, UploadFile):
        raise ValidationException("The form has no file: send the save in a field named file.")
    return UploadForm(
        file=file,
        filename=_field(form, "filename") or filename,
        aar=_field(form, "aar") or aar,
    )


async def _raw_upload(
    request: Request[Any, Any, Any],
    filename: str | None,
    aar: str | None,
    storage: Storage,
    pool: KernelPool,
    settings: Settings,
) -> str:
    if request.content_type[0] not in RAW_TYPES:
        raise HTTPException(status_code=415, detail=NOT_A_SAVE_BODY)
    user = current_user(request)
    assert user is not None  # the handler's requires_user guard
    return await services.upload_save(
        chunks=request.stream(),
        sent_name=None,
        filename=filename,
        aar=aar,
        user=user,
        storage=storage,
        pool=pool,
        settings=settings,
        max_bytes=upload_limit(request, settings),
    )


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
