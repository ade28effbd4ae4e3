"""The save page's sections with URLs of their own: the countries, provinces and wars
tables (sorted and paged, swapped in by htmx; the whole page without htmx), each
country's page, and each chart's CSV (and a Stellaris save's empires table as CSV)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from app.analysis.countries import has_country
from app.analysis.render import CSV_CHARTS, STELLARIS_CSV, chart_csv, country_name, stellaris_csv
from app.saves import analysis_pages, services
from app.saves.analysis_cache import AnalysisCache
from app.saves.controllers._shared import SaveId, save_page
from app.saves.countries import country_view, tag_of


class SaveSectionsController(Controller):
    path = "/saves/{save_id:str}"
    tags = ("pages",)
    include_in_schema = False

    @get("/{section:str}", name="save_section")
    async def save_section(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        section: FromPath[str],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """``countries`` (sorted), ``provinces`` or ``wars`` (a page of them), the
        cross-country ``economy``, ``mana``, ``health`` and ``dev-efficiency`` (sorted,
        paged); a Stellaris save's ``empires`` (sorted)."""
        template = analysis_pages.SECTIONS.get(section)
        if template is None:
            raise NotFoundException(f"no section {section!r}")
        return await save_page(request, save_id, analysis_cache, template)

    @get("/provinces", name="save_provinces")
    async def provinces_section(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """The provinces section: ``save_section``'s, routed here because the province
        details (``/provinces/{pid}``, app.maps) make ``provinces`` a path segment of its
        own, which the router no longer matches with ``{section}``."""
        return await save_page(request, save_id, analysis_cache, analysis_pages.PROVINCES)

    @get("/countries", name="save_countries")
    async def countries_section(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[Any]:
        """The countries table: ``save_section``'s, routed here for the reason
        ``provinces_section`` is (``/countries/{tag}`` is a country's page)."""
        return await save_page(request, save_id, analysis_cache, analysis_pages.COUNTRIES)

    @get("/countries/{tag:str}", name="save_country")
    async def country(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        tag: FromPath[str],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Template:
        """One country's page (any country of the save's EU4 analysis): the partial
        templates/analysis/_country.html.jinja2, as local analysis shows it."""
        clean = tag_of(tag)
        if clean is None:
            raise NotFoundException(f"{tag!r} is not a country tag (three letters or digits)")
        save = await services.get_save(save_id, with_analysis=False)
        if save is None:
            raise NotFoundException("save not found")
        found = await analysis_pages.payload(save_id, analysis_cache)
        if found is None or not analysis_pages.is_eu4_analysis(found[1]):
            raise NotFoundException("this save has no EU4 analysis, so no country pages")
        if not has_country(found[1], clean):
            raise NotFoundException(f"this save has no country {clean}")
        view = country_view(request, save_id, clean)
        html = await analysis_pages.section_html(
            request, save_id, view, analysis_cache, found=found
        )
        naming = analysis_pages.naming(request, found[0], found[1], analysis_cache)
        row = next((r for r in found[1].get("countries") or [] if r.get("tag") == clean), None)
        return Template(
            "saves/country.html.jinja2",
            context={
                "save": save,
                "tag": clean,
                "name": country_name(naming.used, clean, (row or {}).get("name")),
                "country_html": html,
            },
        )

    @get("/csv/{chart:str}", name="save_csv")
    async def save_csv(
        self,
        request: Request[Any, Any, Any],
        save_id: SaveId,
        chart: FromPath[str],
        analysis_cache: NamedDependency[AnalysisCache],
    ) -> Response[str]:
        """A chart's data as CSV: the ledgers (income, nation_size, score, inflation: one
        column per country, one row per year; ``cf``/``ctags``: the page's country
        filter), the development distribution and the cross-country tables
        (``render.CROSS_COUNTRY_CSV``, filtered alike); for a Stellaris save, ``empires``:
        its empires table."""
        found = await analysis_pages.payload(save_id, analysis_cache)
        if found is not None and analysis_pages.is_stellaris_analysis(found[1]):
            if chart != STELLARIS_CSV:
                raise NotFoundException(f"no table {chart!r}")
            return _csv(stellaris_csv(found[1]["stellaris"]), save_id, chart)
        if chart not in CSV_CHARTS:
            raise NotFoundException(f"no chart {chart!r}")
        if found is None or not analysis_pages.is_eu4_analysis(found[1]):
            raise NotFoundException("no EU4 analysis for this save")
        key, analysis = found
        naming = analysis_pages.naming(request, key, analysis, analysis_cache)
        view = {key: request.query_params.get(key) for key in ("cf", "ctags")}
        return _csv(chart_csv(analysis, chart, naming.used, view), save_id, chart)


def _csv(text: str, save_id: str, name: str) -> Response[str]:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{save_id}-{name}.csv"'},
    )
