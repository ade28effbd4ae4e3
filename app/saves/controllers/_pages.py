"""The saves' HTML pages: home, the feed and its "load more" rows, upload, the save page,
and the owner's edit and delete forms."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromQuery, MultipartBody, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Template

from app.accounts.auth import requires_user
from app.maps.services import Maps
from app.saves import services
from app.saves.analysis_cache import AnalysisCache
from app.saves.controllers._shared import (
    SAVE_PAGE,
    SaveId,
    check_editor,
    melted_file,
    page_of_saves,
    save_page,
    upload,
)
from app.saves.melting import Melter
from app.saves.pool import KernelPool
from app.saves.schemas import EditForm, UploadForm
from app.saves.upload_advice import duplicate_message, upload_advice
from app.settings import Settings
from app.storage import Storage
from app.web.compressed import UPLOAD
from app.web.htmx import redirect, render, wants_fragment

ROWS = "saves/_rows.html.jinja2"


class SavePagesController(Controller):
    tags = ("pages",)
    include_in_schema = False

    @get("/", name="home")
    async def home(self, settings: NamedDependency[Settings]) -> Template:
        saves, cursor = await page_of_saves(settings, None)
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
        saves, next_cursor = await page_of_saves(settings, cursor)
        context = {"saves": saves, "cursor": next_cursor}
        return render(request, "saves/index.html.jinja2", ROWS, context)

    @get("/saves/rows", name="save_rows")
    async def save_rows(
        self, settings: NamedDependency[Settings], cursor: FromQuery[str | None] = None
    ) -> Template:
        """The htmx "load more" fragment: the next page of rows and its own button."""
        saves, next_cursor = await page_of_saves(settings, cursor)
        return Template(
            ROWS,
            context={"saves": saves, "cursor": next_cursor},
            headers={"Vary": "HX-Request"},
        )

    @post(
        "/saves",
        guards=[requires_user],
        opt={"rate_limit": "upload", UPLOAD: True},
        status_code=200,
    )
    async def upload_save(
        self,
        request: Request[Any, Any, Any],
        data: MultipartBody[UploadForm],
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        try:
            save_id = await upload(request, data, storage, pool, settings)
        except services.Duplicate as exc:
            # Already on the site: its page is the answer (the form, or Share, goes there).
            flash(request, duplicate_message(exc.save_id), category="info")
            return redirect(request, f"/saves/{exc.save_id}")
        except services.UploadError as exc:
            # The form again with its text kept (a browser cannot be given the file back)
            # and the next step: app.saves.upload_advice says which.
            context: dict[str, Any] = {
                "upload_error": exc.message,
                "upload_advice": upload_advice(exc),
                "upload_fields": {"filename": data.filename or "", "aar": data.aar or ""},
                "max_upload_bytes": settings.limits.max_upload_bytes,
            }
            if not wants_fragment(request):
                saves, cursor = await page_of_saves(settings, None)
                context.update(saves=saves, cursor=cursor)
            return render(
                request,
                "home/index.html.jinja2",
                "saves/_upload_form.html.jinja2",
                context,
                status_code=exc.status,
            )
        flash(request, "Uploaded.", category="info")
        return redirect(request, f"/saves/{save_id}")

    @get("/saves/{save_id:str}", name="save")
    async def show_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """The save page: upload facts, the analysis (query parameters: the view's
        ``app.analysis.render.STATE_KEYS``: sorts, pages, columns), edit and admin forms."""
        return await save_page(request, save_id, analysis_cache)

    @get("/saves/{save_id:str}/melted", opt={"rate_limit": "melt"})
    async def melted_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        storage: NamedDependency[Storage],
        pool: NamedDependency[KernelPool],
        melter: NamedDependency[Melter],
    ) -> Response[Any]:
        """The save melted to the text save the game would write (a binary save's Melt
        link); the same file as GET /api/saves/{id}/melted."""
        return await melted_file(request, save_id, storage, pool, melter)

    @post("/saves/{save_id:str}/edit", status_code=200)
    async def update_save(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        data: URLEncodedBody[EditForm],
        settings: NamedDependency[Settings],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        await check_editor(request, save_id)
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
            return await save_page(
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
        maps: NamedDependency[Maps],
        melter: NamedDependency[Melter],
    ) -> Response[Any]:
        await check_editor(request, save_id)
        try:
            await services.delete_save(save_id, storage, (maps, melter))
        except services.UploadError as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None
        flash(request, "Deleted.", category="info")
        return redirect(request, "/")
