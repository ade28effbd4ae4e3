"""Error responses: JSON under /api, HTML pages elsewhere (a fragment for htmx swaps)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_500_INTERNAL_SERVER_ERROR
from litestar_htmx import ClientRedirect

from app.web.htmx import wants_fragment

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(API_PREFIX)


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, exc.detail
        extra = exc.extra if isinstance(exc.extra, dict) else None
        headers = exc.headers
        if status >= 500:
            logger.error(
                "%s %s: %s", request.method, request.url.path, detail, exc_info=exc.__cause__ or exc
            )
    else:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        status, detail, extra, headers = (
            HTTP_500_INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            None,
            None,
        )
    if is_api(request):
        content: dict[str, Any] = {"status_code": status, "detail": detail}
        if extra:
            content["extra"] = extra
        return Response(content, status_code=status, media_type=MediaType.JSON, headers=headers)
    if status == 401:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        login = "/login?next=" + quote(target if request.method == "GET" else "/", safe="/")
        if wants_fragment(request):
            return ClientRedirect(redirect_to=login)
        return Redirect(path=login, status_code=HTTP_303_SEE_OTHER)
    name = "errors/_message.html.jinja2" if wants_fragment(request) else "errors/error.html.jinja2"
    return Template(
        template_name=name,
        context={"status_code": status, "detail": detail},
        status_code=status,
        headers=headers,
    )
