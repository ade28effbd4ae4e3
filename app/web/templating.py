"""The one template configuration (Litestar's Jinja engine: autoescape on, url_for,
csrf_input, flash messages) and the globals and filters Chronicle adds.

The analysis partials (templates/analysis/) get theirs from ``app.analysis.render``:
``configure_environment`` registers them on this environment here, and on the browser's
plain environment there, so both render the partials the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app.accounts.auth import current_user
from app.analysis.render import configure_environment
from app.local import assets
from app.web.theme import theme_for

TEMPLATES: Final = Path(__file__).resolve().parents[2] / "templates"


def filesize(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _flashes(context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The pending flash messages (none where there is no session, e.g. a 404 page)."""
    request = context["request"]
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return []
    messages: list[dict[str, Any]] = session.pop("_messages", [])
    return messages


def _local_analysis(context: Mapping[str, Any]) -> dict[str, str] | None:
    """The drop zone's URLs (app.local.assets); None without a built bundle."""
    state = context["request"].app.state
    has_gamedata = bool(state.gamedata.bundles())
    tables = assets.published_tables(state.settings)
    urls = assets.local_analysis(tables.get("eu4"), gamedata=has_gamedata, tables=tables)
    if urls is not None and assets.server_only_tokens(state.settings):
        urls["server_tokens"] = "1"  # binary saves are read by Share (local.js)
    return urls


def template_config(site_name: str) -> TemplateConfig[JinjaTemplateEngine]:
    def configure(engine: JinjaTemplateEngine) -> None:
        configure_environment(engine.engine)  # what the analysis partials use
        engine.engine.globals["site_name"] = site_name
        engine.engine.filters["filesize"] = filesize
        engine.engine.filters["when"] = _when
        engine.register_template_callable(
            "current_user", lambda context: current_user(context["request"])
        )
        engine.register_template_callable("flashes", _flashes)
        engine.register_template_callable("theme", lambda context: theme_for(context["request"]))
        engine.engine.globals["asset_url"] = assets.asset_url
        engine.register_template_callable("local_analysis", _local_analysis)

    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=configure
    )
