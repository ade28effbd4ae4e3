"""Readable API docs at ``/api/docs``: Swagger UI, served from our own static files.

Litestar's ``SwaggerRenderPlugin`` writes its start-up code into the page as an inline
script (with the whole schema in it) and loads Swagger UI from a CDN; both break the site's
CSP. This subclass renders a page whose only scripts are static files: Swagger UI's bundle
(swagger-ui-dist, pinned in package.json, copied into app/static/vendor/ by scripts/setup)
and app/static/apidocs.js, which starts it on the schema's URL. So /api/docs keeps the
site-wide policy (app.web.security), no hash or nonce needed.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Final

from litestar import Request, Response, get
from litestar.openapi.plugins import SwaggerRenderPlugin

from app.local.assets import asset_url
from app.web.csrf import HEADER, ensure_token

if TYPE_CHECKING:
    from litestar import Router

DOCS_PATH: Final = "/api/docs"
# Where the plugin itself answers, under the schema's path (/api/schema/swagger).
PLUGIN_PATH: Final = "/swagger"
SCRIPT: Final = "vendor/swagger-ui-bundle.js"
STYLE: Final = "vendor/swagger-ui.css"


class ApiDocsPlugin(SwaggerRenderPlugin):
    def __init__(self) -> None:
        super().__init__(
            js_url=asset_url(SCRIPT),
            css_url=asset_url(STYLE),
            standalone_preset_js_url="",  # unused: the page has no top bar
            path=PLUGIN_PATH,
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(f"{openapi_schema['info']['title']} API")
        spec_url = escape(self.get_openapi_json_route(request))
        # "Try it out" sends the session's CSRF token, as htmx does on the other pages.
        token = escape(ensure_token(request.scope))
        # URLs computed per render: the content hashes follow a rebuilt vendor/ directory.
        return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{escape(asset_url(STYLE))}">
  <link rel="stylesheet" href="{escape(asset_url("apidocs.css"))}">
  <script src="{escape(asset_url(SCRIPT))}" defer></script>
  <script src="{escape(asset_url("apidocs.js"))}" defer></script>
</head>
<body>
  <p class="apidocs-back"><a href="/">&larr; back to the site</a> ·
    <a href="{spec_url}">OpenAPI document (JSON)</a></p>
  <noscript><p>These docs need JavaScript; the <a href="{spec_url}">OpenAPI document</a>
    describes the same API.</p></noscript>
  <div id="swagger-ui" data-spec-url="{spec_url}" data-csrf-header="{HEADER}"
    data-csrf-token="{token}"></div>
</body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page: the API uses sessions or HTTP Basic, and that page's
        inline script would break the CSP."""


@get(DOCS_PATH, media_type="text/html", include_in_schema=False, sync_to_thread=False)
def api_docs(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The docs at their short address (the plugin answers under /api/schema/)."""
    app = request.app
    assert app.openapi_config is not None  # app.core configures it
    plugin = next(p for p in app.openapi_config.render_plugins if isinstance(p, ApiDocsPlugin))
    body = plugin.render(request, app.openapi_schema.to_schema())
    return Response(body, media_type="text/html", headers={"Cache-Control": "no-store"})
