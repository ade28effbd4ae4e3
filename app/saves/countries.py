"""One country of a save's stored EU4 analysis: its page's view and the API's answer
(app.analysis.countries computes both from the payload, as local analysis does)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from app.analysis.countries import country_page, one_tag
from app.analysis.render import country_name
from app.saves import analysis_pages
from app.saves.schemas import CountryWar, SaveCountry
from kernel.eu4.types import Budget, CountryDetails, CountryRow, LedgerPoint, Losses


def tag_of(text: str) -> str | None:
    """The path's tag, upper-cased ("swe" -> "SWE"); None for anything that is not one."""
    return one_tag(text) or None


def country_view(request: Request[Any, Any, Any], save_id: str, tag: str) -> dict[str, Any]:
    """The partials' view of the country's page: the save page's, showing ``tag``, its
    links plain (the page is light: no htmx fragments) and relative to the page."""
    view = analysis_pages.view_for(request, save_id)
    view.update(country=tag, base=f"/saves/{save_id}/countries/{tag}", htmx=False)
    return view


def save_country(
    save_id: str, analysis: dict[str, Any], tag: str, names: dict[str, dict[str, str]]
) -> SaveCountry | None:
    """The API's view of one country of the payload; None when the save has no such one."""
    page = country_page(analysis, tag)
    if page is None:
        return None
    row = page["row"]
    details = page["details"]
    saved = (row or details or {}).get("name")
    wars = [
        {
            "name": item["war"].get("name") or "",
            "active": bool(item["war"].get("active")),
            "start": item["war"].get("start"),
            "end": item["war"].get("end"),
            "participation": item["me"],
        }
        for item in page["wars"]
    ]
    casualties = page["casualties"]
    return SaveCountry(
        save_id=save_id,
        tag=tag,
        name=country_name(names, tag, saved),
        row=msgspec.convert(row, CountryRow) if row else None,
        details=msgspec.convert(details, CountryDetails) if details else None,
        budget=msgspec.convert(page["budget"], Budget) if page["budget"] else None,
        casualties=msgspec.convert(casualties["losses"], Losses) if casualties else None,
        wars=msgspec.convert(wars, list[CountryWar]),
        ledgers=msgspec.convert(page["ledger"], dict[str, list[LedgerPoint]]),
    )
