"""What the saves controllers share: path parameters, the feed's paging, the owner check
and the save page (whole, or one of its sections for htmx)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import PathParameter
from litestar.response import File, Template

from app import cursors
from app.accounts.auth import can_edit, current_user, ensure_can_edit
from app.saves import analysis_pages, playthroughs, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.melting import Melter, MeltRefused
from app.saves.pool import KernelPool
from app.saves.preview import preview
from app.saves.schemas import SaveSummary, UploadForm
from app.settings import Settings
from app.storage import ObjectMissing, Storage, StorageError
from app.web.compressed import file_limit
from app.web.htmx import wants_fragment

# Save ids are URL-safe tokens no longer than saves.id (services.new_save_id). Anything
# else is a 400 here, not a query that PostgreSQL refuses (NUL in text) with a 500; the
# OpenAPI document states the bound.
SaveId = Annotated[str, PathParameter(pattern=f"^{services.SAVE_ID.pattern}$")]

SAVE_PAGE: Final = "saves/show.html.jinja2"


async def melted_file(save_id: str, storage: Storage, pool: KernelPool, melter: Melter) -> File:
    """The save melted to text (app.saves.melting), as an attachment ``<name>_melted.<ext>``:
    GET /saves/{id}/melted and /api/saves/{id}/melted. Whoever may download the file may
    download it melted (the same lookup as the download's)."""
    found = await services.file_of(save_id)
    if found is None:
        raise NotFoundException("save not found")
    key, sha256, filename = found
    try:
        path, name = await melter.melted(save_id, key, sha256, filename, storage, pool)
    except MeltRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.message) from None
    except ObjectMissing:
        raise NotFoundException("the file of this save is missing") from None
    except StorageError:
        raise HTTPException(status_code=503, detail="the file store is unavailable") from None
    return File(
        path=path,
        filename=name,
        media_type="application/octet-stream",
        content_disposition_type="attachment",
        headers={"Cache-Control": "public, max-age=86400"},
    )


async def page_of_saves(
    settings: Settings, cursor: str | None, *, user_id: int | None = None, limit: int = 0
) -> tuple[list[SaveSummary], str | None]:
    """One page of the feed (a user's saves with ``user_id``); a bad cursor is a 400."""
    try:
        return await services.list_saves(
            cursor=cursor, limit=limit or settings.limits.page_size, user_id=user_id
        )
    except cursors.BadCursor as exc:
        raise ValidationException(str(exc)) from None


def upload_limit(request: Request[Any, Any, Any], settings: Settings) -> int:
    """The largest file this upload may hold (app.web.compressed.file_limit)."""
    limits = settings.limits
    return file_limit(request.scope, limits.max_upload_bytes, limits.save_limit)


async def upload(
    request: Request[Any, Any, Any],
    data: UploadForm,
    storage: Storage,
    pool: KernelPool,
    settings: Settings,
) -> str:
    """Store the uploaded save of the current user (the API and the form alike); its id.
    Raises services.UploadError; the file part is closed either way."""
    user = current_user(request)
    assert user is not None  # the handlers' requires_user guard
    try:
        return await services.upload_save(
            chunks=services.file_chunks(data.file),
            sent_name=data.file.filename,
            filename=data.filename,
            aar=data.aar,
            user=user,
            storage=storage,
            pool=pool,
            settings=settings,
            max_bytes=upload_limit(request, settings),
        )
    finally:
        await data.file.close()


async def check_editor(request: Request[Any, Any, Any], save_id: str) -> None:
    """404 without the save; 403 unless the current user owns it or is an admin."""
    owner = await services.owner_of(save_id)
    if owner is None:
        raise NotFoundException("save not found")
    ensure_can_edit(current_user(request), owner)


async def save_page(
    request: Request[Any, Any, Any],
    save_id: str,
    cache: AnalysisCache,
    section: str | None = None,
    *,
    edit_error: str | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The save page; for ``section`` (a section's URL), that section alone to htmx swaps
    (``wants_fragment`` decides) and the whole page, showing it, to everything else."""
    save = await services.get_save(save_id, with_analysis=False)
    if save is None:
        raise NotFoundException("save not found")
    view = analysis_pages.view_for(request, save_id)
    view["site_score"] = -1 if save.score_days is None else save.score_days
    headers = {"Vary": "HX-Request"}
    found = await analysis_pages.payload(save_id, cache)  # once for the sections and names
    map_size = analysis_pages.map_size(request, found)
    if map_size is not None:
        view["map_width"], view["map_height"] = map_size
    if section is not None:
        html = await analysis_pages.section_html(
            request, save_id, view, cache, section, found=found
        )
        if html is None:
            raise NotFoundException("no such section in the analysis of this save")
        if wants_fragment(request):
            return Response(html, media_type=MediaType.HTML, headers=headers)
    user = current_user(request)
    # Comparisons are of EU4 analyses: other games' saves get no links to them.
    place = await playthroughs.neighbours(
        save.playthrough_id if save.game == "eu4" else None, save_id
    )
    context = {
        "save": save,
        # Its playthrough's timeline and neighbours, when it has other shared saves.
        "playthrough": place,
        "playthrough_url": (
            f"/playthroughs/{playthroughs.url_id(save.playthrough_id)}"
            if save.playthrough_id is not None and place.saves > 1
            else None
        ),
        "analysis_html": await analysis_pages.section_html(
            request, save_id, view, cache, found=found
        ),
        "naming": (
            analysis_pages.naming(request, found[0], found[1], cache)
            if found is not None
            else analysis_pages.NO_NAMES
        ),
        # The link preview: its words, and its picture (og:image), the map where it can
        # be drawn and the summary card otherwise.
        "preview": preview(save, request.app.state.settings.web.site_name),
        "og_image": f"{str(request.base_url).rstrip('/')}/saves/{save_id}/"
        + ("og.png" if map_size is not None else "card.png"),
        "can_edit": can_edit(user, save.user_id),
        "is_admin": user is not None and user.admin,
        "edit_error": edit_error,
    }
    return Template(SAVE_PAGE, context=context, status_code=status_code, headers=headers)
