"""A save's map over HTTP: its layers for the browser's map (map.json), the map as a PNG
(the save page's image and its full-size download), the OpenGraph image (og.png: the map;
card.png: the summary card of a save without a map), and one province's details (the htmx
fragment the map's click shows).

Every failure is a readable 4xx (app.web.errors renders it: a page, or a fragment for
htmx): no EU4 analysis, no game data for it, a bundle without a map or unreadable, an
unknown province, a bad mode, scale, date or country.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Final

import anyio
from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromQuery, PathParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from app.analysis.names import LANGUAGE_COOKIE
from app.analysis.render import PROVINCE, find_province
from app.maps.services import Drawing, MapEntry, Maps, MapUnavailable
from app.saves import analysis_pages, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.controllers._shared import SaveId
from app.saves.preview import card_png, preview
from app.settings import Settings

ProvinceId = Annotated[int, PathParameter(ge=1, le=1_000_000)]
# Revalidated on every use (ETag): a save reprocessed, or its game data imported again,
# draws a new map under the same URL.
CACHE_CONTROL: Final = "public, no-cache"


def _etag_matches(request: Request[Any, Any, Any], etag: str) -> bool:
    given = request.headers.get("if-none-match") or ""
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in given.split(","))


def _answer(
    request: Request[Any, Any, Any],
    etag: str,
    body: bytes,
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    sent = {"ETag": etag, "Cache-Control": CACHE_CONTROL, **(headers or {})}
    if _etag_matches(request, etag):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=sent)
    return Response(body, media_type=media_type, headers=sent)


async def _analysis(save_id: str, cache: AnalysisCache) -> tuple[Any, dict[str, Any]]:
    """(cache key, stored payload) of the save's EU4 analysis; 404 without one."""
    found = await analysis_pages.payload(save_id, cache)
    if found is None or not analysis_pages.is_eu4_analysis(found[1]):
        raise NotFoundException("no EU4 analysis for this save")
    return found


async def _entry(
    request: Request[Any, Any, Any], save_id: str, cache: AnalysisCache, maps: Maps
) -> MapEntry:
    key, analysis = await _analysis(save_id, cache)
    try:
        return await maps.entry(
            key,
            analysis,
            request.cookies.get(LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
        )
    except MapUnavailable as exc:
        raise HTTPException(status_code=exc.status, detail=exc.message) from None


async def _picture(
    request: Request[Any, Any, Any],
    save_id: str,
    maps: Maps,
    key: str,
    draw: Drawing,
    area: str = "",
) -> Response[Any]:
    """A kept picture (drawn first if need be), or 304 when the client has it."""
    etag = f'"{key}"'
    if _etag_matches(request, etag):
        return _answer(request, etag, b"", "image/png")
    try:
        path = await maps.file(save_id, key, draw, area)
    except MapUnavailable as exc:
        raise HTTPException(status_code=exc.status, detail=exc.message) from None
    return _answer(request, etag, await anyio.Path(path).read_bytes(), "image/png")


class MapController(Controller):
    path = "/saves/{save_id:str}"
    tags = ("pages",)
    include_in_schema = False

    @get("/map.json", name="save_map_layers")
    async def map_layers(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
        maps: NamedDependency[Maps],
    ) -> Response[Any]:
        """``MapLayers`` as JSON (gzip-compressed when the client accepts it)."""
        entry = await _entry(request, save_id, analysis_cache, maps)
        headers = {"Vary": "Accept-Encoding, Accept-Language, Cookie"}
        if "gzip" in (request.headers.get("accept-encoding") or ""):
            headers["Content-Encoding"] = "gzip"
            return _answer(request, f'"{entry.digest}-gz"', entry.gzip, MediaType.JSON, headers)
        return _answer(request, f'"{entry.digest}"', entry.json, MediaType.JSON, headers)

    @get("/map.png", name="save_map_png")
    async def map_png(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
        maps: NamedDependency[Maps],
        mode: FromQuery[str | None] = None,
        scale: FromQuery[str | None] = None,
        date: FromQuery[str | None] = None,
        focus: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """The map as a PNG: ``mode`` (default political), ``scale`` (default 1: the
        bundle's full size), ``date`` (default the save's: ``1600-01-01``), ``focus`` (a
        country tag: it, its subjects and allies in colour, the rest greyed)."""
        entry = await _entry(request, save_id, analysis_cache, maps)
        try:
            picture = maps.picture(entry, mode=mode, scale=scale, date=date, country=focus)
        except MapUnavailable as exc:
            raise HTTPException(status_code=exc.status, detail=exc.message) from None
        return await _picture(request, save_id, maps, *maps.map_picture(entry, picture))

    @get("/og.png", name="save_og_image")
    async def og_png(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
        maps: NamedDependency[Maps],
    ) -> Response[Any]:
        """The 1200x630 picture of link previews (the page's og:image)."""
        entry = await _entry(request, save_id, analysis_cache, maps)
        return await _picture(request, save_id, maps, *maps.og_picture(entry))

    @get("/card.png", name="save_card_image")
    async def card_image(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        maps: NamedDependency[Maps],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        """The 1200x630 summary card (country, date, patch, game): the link preview's
        picture of a save whose map cannot be drawn; any save has one."""
        save = await services.get_save(save_id, with_analysis=False)
        if save is None:
            raise NotFoundException("save not found")
        card = preview(save, settings.web.site_name)
        return await _picture(
            request, save_id, maps, card.card_key, partial(card_png, card), area="card"
        )

    @get("/provinces/{pid:int}", name="save_province")
    async def province_details(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        pid: ProvinceId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """The province-details fragment (templates/analysis/_province.html.jinja2)."""
        key, analysis = await _analysis(save_id, analysis_cache)
        if find_province(analysis, pid) is None:
            raise NotFoundException(f"this save has no province {pid}")
        naming = analysis_pages.naming(request, key, analysis, analysis_cache)
        template = request.app.template_engine
        assert isinstance(template, JinjaTemplateEngine)

        def render() -> str:
            return template.engine.get_template(PROVINCE).render(
                analysis=analysis, view=None, names=naming.used, gamedata=None, pid=pid
            )

        html = await anyio.to_thread.run_sync(render)
        return Response(html, media_type=MediaType.HTML)
