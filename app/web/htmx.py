"""Page or fragment: the one place that decides (house style B)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from litestar_htmx import ClientRedirect, HTMXDetails


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """True for htmx requests that swap a fragment; boosted navigation and history
    restores get full pages (they replace the whole body)."""
    htmx = getattr(request, "htmx", None)
    if not isinstance(htmx, HTMXDetails) or not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


def render(
    request: Request[Any, Any, Any],
    page: str,
    fragment: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
) -> Template:
    """Render ``fragment`` for htmx swaps, else ``page`` (which includes the fragment)."""
    name = fragment if wants_fragment(request) else page
    return Template(
        template_name=name,
        context=dict(context),
        status_code=status_code,
        headers={"Vary": "HX-Request"},
    )


def redirect(request: Request[Any, Any, Any], to: str) -> Response[Any]:
    """After a successful form post: HX-Redirect for htmx, 303 See Other otherwise."""
    if wants_fragment(request):
        return ClientRedirect(redirect_to=to)
    return Redirect(path=to, status_code=HTTP_303_SEE_OTHER)


def reload(request: Request[Any, Any, Any], to: str) -> Response[Any]:
    """After the session changed (log in, register, log out): a new document, HX-Redirect
    for every htmx request, boosted ones too. A boosted swap keeps ``<body>``'s attributes,
    and the CSRF header htmx sends is one of them (app.web.csrf: the new session's token
    is in the new page only)."""
    if getattr(request, "htmx", None):
        return ClientRedirect(redirect_to=to)
    return Redirect(path=to, status_code=HTTP_303_SEE_OTHER)
