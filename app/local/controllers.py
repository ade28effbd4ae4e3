"""The "Analyze locally" page and the token table browsers read binary saves with."""

from __future__ import annotations

from litestar import Controller, get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.response import File, Template

from app.local.assets import published_tokens
from app.settings import Settings


class LocalPagesController(Controller):
    path = "/local"
    tags = ("pages",)
    include_in_schema = False

    @get("/", name="local")
    async def local_page(self) -> Template:
        """The drop zone on a page of its own (the home page has it too); the runtime
        starts loading as the page opens."""
        return Template("local/index.html.jinja2")

    @get(
        "/tokens/eu4.txt",
        name="local_tokens",
        cache_control=CacheControlHeader(no_cache=True),  # revalidate: the ETag answers
    )
    async def eu4_tokens(self, settings: NamedDependency[Settings]) -> File:
        """The operator's EU4 token table, for the browser's reading of binary saves."""
        path = published_tokens(settings)
        if path is None:
            raise NotFoundException("this site publishes no EU4 token table")
        return File(
            path=path,
            filename="eu4.txt",
            media_type="text/plain; charset=utf-8",
            content_disposition_type="inline",
        )
