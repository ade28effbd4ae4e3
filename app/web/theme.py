"""The colour theme: the system's (``prefers-color-scheme``) unless the reader picked light
or dark, which a cookie keeps. The page says it on ``<html data-theme>``; app.css holds
both palettes (``light-dark()``), so no page needs JavaScript for it.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.accounts.controllers import safe_next

THEME_COOKIE: Final = "theme"
THEMES: Final = ("light", "dark")  # "auto" (the system's) is the absence of the cookie
YEAR: Final = 365 * 24 * 3600


def theme_for(request: Request[Any, Any, Any]) -> str:
    """ "light", "dark" or "auto" for this request."""
    chosen = request.cookies.get(THEME_COOKIE)
    return chosen if chosen in THEMES else "auto"


class ThemeForm(msgspec.Struct):
    theme: Literal["auto", "light", "dark"]
    back: str = "/"  # the page the form was on (not "next": a log-in page has its own)


class ThemeController(Controller):
    tags = ("pages",)
    include_in_schema = False

    @post("/theme", name="theme", status_code=HTTP_303_SEE_OTHER)
    async def choose_theme(self, data: URLEncodedBody[ThemeForm]) -> Response[Any]:
        """Keep the reader's theme (a year; "auto" forgets it), then go ``back``."""
        response: Response[Any] = Redirect(
            path=safe_next(data.back), status_code=HTTP_303_SEE_OTHER
        )
        if data.theme == "auto":
            response.delete_cookie(THEME_COOKIE)
        else:
            response.set_cookie(
                THEME_COOKIE, data.theme, max_age=YEAR, samesite="lax", httponly=True
            )
        return response
