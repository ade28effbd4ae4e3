"""Error responses: JSON under /api, FastAPI's JSON under the admin mount (its page
excepted: Piccolo Admin's frontend shows ``detail``), HTML pages elsewhere (a fragment for
htmx swaps). Paths are judged whole (app.web.mounts)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar_htmx import ClientRedirect

from app import db
from app.web import decoding, mounts
from app.web.htmx import wants_fragment

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_DOWN = "The database is unavailable; try again later."
RETRY_AFTER = {"Retry-After": "5"}


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    path = mounts.full_path(request.scope)
    if decoding.undecodable(exc):
        exc = decoding.NotUtf8(str(exc))
    if isinstance(exc, decoding.NotUtf8):
        # Anyone can send one: a line for the operator, not a traceback per request.
        logger.warning("%s %s: 400, %s", request.method, path, exc.reason)
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, exc.detail
        extra = exc.extra if isinstance(exc.extra, dict) else None
        headers = exc.headers
        if status >= 500:
            logger.error(
                "%s %s: %s", request.method, path, detail, exc_info=exc.__cause__ or exc
            )
    elif _database_outage(exc):
        # Any page or API call that needed the database while it is down (a login check,
        # a listing): a retryable 503 that says so, not a 500.
        logger.error(
            "%s %s: the database is unavailable: %s", request.method, path, exc
        )
        status, detail, extra, headers = (
            HTTP_503_SERVICE_UNAVAILABLE,
            DATABASE_DOWN,
            None,
            RETRY_AFTER,
        )
    else:
        logger.exception("unhandled error on %s %s", request.method, path)
        status, detail, extra, headers = (
            HTTP_500_INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            None,
            None,
        )
    if mounts.is_admin_api(path):
        return Response(
            {"detail": detail}, status_code=status, media_type=MediaType.JSON, headers=headers
        )
    if path.startswith(API_PREFIX):
        content: dict[str, Any] = {"status_code": status, "detail": detail}
        if extra:
            content["extra"] = extra
        return Response(content, status_code=status, media_type=MediaType.JSON, headers=headers)
    if status == 401:
        target = path
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


def _database_outage(exc: BaseException) -> bool:
    """Whether ``exc``, or an exception it was raised from, is a database outage (Piccolo
    and our services sometimes wrap asyncpg's errors)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if db.is_unavailable(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
