"""The "Analyze locally" page and the token tables browsers read and melt binary saves
with (``/local/tokens/<game>.txt``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import File, Template

from app.local.assets import published_tables
from app.settings import Settings

# ``<game>.txt``: the file names of the token tables (app.analysis.melting.token_file).
TableName = Annotated[str, PathParameter(pattern=r"^[a-z0-9]{2,16}\.txt$")]


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
        "/tokens/{name:str}",
        name="local_tokens",
        cache_control=CacheControlHeader(no_cache=True),  # revalidate: the ETag answers
    )
    async def tokens(self, name: TableName, settings: NamedDependency[Settings]) -> File:
        """One of the operator's token tables (``<game>.txt``: eu4.txt, ck3.txt, …), for
        the browser's reading and melting of binary saves."""
        path = next((p for p in published_tables(settings).values() if p.name == name), None)
        if path is None:
            raise NotFoundException("this site publishes no such token table")
        return File(
            path=path,
            filename=path.name,
            media_type="text/plain; charset=utf-8",
            content_disposition_type="inline",
        )
