"""Game data over HTTP: the reader's language (a cookie), and the admins' list of the
bundles this site has."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Final

import anyio
import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, PathParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_304_NOT_MODIFIED

from app.accounts.auth import requires_admin
from app.accounts.controllers import safe_next
from app.analysis.names import LANGUAGE_COOKIE
from app.gamedata.services import GameData
from app.settings import Settings

Language = Annotated[str, PathParameter(pattern=r"^[a-z_]{2,24}$")]
BundleId = Annotated[str, PathParameter(pattern=r"^[a-z0-9][a-z0-9._-]{0,120}$")]
# The files a browser may fetch: names, world, the map (no manifests of other folders).
FileName = Annotated[str, PathParameter(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*\.(json\.gz|bin\.gz)$")]


def _cached(request: Request[Any, Any, Any], body: bytes, media_type: str) -> Response[Any]:
    """``body`` with an ETag (revalidated by browsers: bundles change when imported again)."""
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
YEAR: Final = 365 * 24 * 3600


class GameDataController(Controller):
    tags = ("pages",)
    include_in_schema = False

    @get("/language/{language:str}", name="language")
    async def choose_language(
        self, language: Language, next: FromQuery[str | None] = None
    ) -> Response[Any]:
        """Show names in ``language`` from now on (a cookie), then go back to ``next``."""
        response: Response[Any] = Redirect(path=safe_next(next), status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR, samesite="lax")
        return response

    @get("/gamedata/bundles.json", name="gamedata_index")
    async def bundle_index(
        self, request: Request[Any, Any, Any], gamedata: NamedDependency[GameData]
    ) -> Response[Any]:
        """The manifests of the site's game-data bundles (local analysis picks one)."""
        body = msgspec.json.encode(gamedata.bundles())
        return _cached(request, body, "application/json")

    @get("/gamedata/{bundle:str}/{name:str}", name="gamedata_file")
    async def bundle_file(
        self,
        request: Request[Any, Any, Any],
        bundle: BundleId,
        name: FileName,
        gamedata: NamedDependency[GameData],
    ) -> Response[Any]:
        """One file of a bundle (names, world, map), as stored (gzip-compressed JSON)."""
        if not any(b.id == bundle for b in gamedata.bundles()):
            raise NotFoundException(f"no game-data bundle {bundle!r}")
        path = gamedata.root / bundle / name
        try:
            body = await anyio.Path(path).read_bytes()
        except OSError:
            raise NotFoundException(f"bundle {bundle} has no file {name!r}") from None
        return _cached(request, body, "application/octet-stream")

    @get("/gamedata", name="gamedata", guards=[requires_admin])
    async def list_bundles(
        self,
        request: Request[Any, Any, Any],
        gamedata: NamedDependency[GameData],
        settings: NamedDependency[Settings],
    ) -> Template:
        """Admins: the game-data bundles and how to add one."""
        return Template(
            "gamedata/index.html.jinja2",
            context={"bundles": gamedata.bundles(), "directory": str(settings.gamedata_path)},
        )
