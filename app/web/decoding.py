"""A request's text is UTF-8, or the request is a 400: the one place that decides it.

Litestar decodes request bodies itself (a form in its CSRF middleware when the token
travels in the form, any body when a handler's ``data`` is resolved), and on its own it
either crashes or guesses: a multipart text field that is not UTF-8 (or names a charset
Python lacks) and a JSON or MessagePack string that is not UTF-8 raise
``UnicodeDecodeError``/``LookupError`` out of its decoders, a 500 with a traceback; a
URL-encoded body is read as Latin-1 with bad percent-escapes replaced, so that raw UTF-8
(curl's ``-d aar=é``) became mojibake and invalid bytes U+FFFD.

So ``FormDecodingMiddleware`` (before the CSRF middleware) decodes the form of every route
that takes no upload into the request's form, where the CSRF check and the handler's
``data`` read it: URL-encoded strictly as UTF-8 here, multipart with Litestar's parser; and
``app.web.errors`` turns a decoding error out of Litestar's decoders (``undecodable``:
those of uploads, read after the guards, and of JSON) into ``NotUtf8``: 400 with
``NOT_UTF8``, one log line, no traceback.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import parse_qsl

from litestar._multipart import parse_multipart_form
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import ClientException
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.params import BodyKwarg
from litestar.serialization import decode_json, decode_msgpack
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from app.web.compressed import UPLOAD

NOT_UTF8: Final = "The request could not be read: its text is not valid UTF-8."

# Litestar's body decoders: a decoding error raised inside one of them is the client's.
_DECODERS: Final = frozenset(
    f.__code__ for f in (parse_multipart_form, decode_json, decode_msgpack)
)


class NotUtf8(ClientException):
    """400: the request's text is not UTF-8; ``reason`` (the decoder's words) is logged."""

    def __init__(self, reason: str) -> None:
        super().__init__(NOT_UTF8)
        self.reason = reason


def parse_urlencoded(body: bytes) -> dict[str, str | list[str] | UploadFile]:
    """An ``application/x-www-form-urlencoded`` body shaped as Litestar shapes it (a
    repeated name gives a list, blank values are kept); UnicodeDecodeError unless every
    name and value, raw or percent-escaped, is UTF-8."""
    fields: dict[str, list[str]] = {}  # (Litestar's form type allows files too)
    for name, value in parse_qsl(body.decode(), keep_blank_values=True, errors="strict"):
        fields.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}


def undecodable(exc: BaseException) -> bool:
    """Whether ``exc`` is one of Litestar's body decoders failing on the request's text
    (bytes that are not UTF-8, or a multipart part's charset Python does not know): its
    frame is in the traceback, so the same exception from our own code stays a 500."""
    if not isinstance(exc, UnicodeDecodeError | LookupError):
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code in _DECODERS:
            return True
        tb = tb.tb_next
    return False


def _takes_upload(handler: HTTPRouteHandler) -> bool:
    if handler.opt.get(UPLOAD):  # POST /api/saves reads a form or a raw body itself
        return True
    data = handler.parsed_data_field
    body = data.kwarg_definition if data is not None else None
    return isinstance(body, BodyKwarg) and body.media_type == RequestEncodingType.MULTI_PART


class FormDecodingMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope.get("route_handler")
        # Mounted ASGI apps (Piccolo Admin) read their own bodies; an upload's is read
        # after the guards (no file is read for a request they refuse).
        if isinstance(handler, HTTPRouteHandler) and not _takes_upload(handler):
            request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
            kind = request.content_type[0]
            if kind == RequestEncodingType.URL_ENCODED:
                body = await request.body()  # within the route's body size limit
                try:
                    ScopeState.from_scope(scope).form = parse_urlencoded(body)
                except UnicodeDecodeError as exc:
                    raise NotUtf8(str(exc)) from None
            elif kind == RequestEncodingType.MULTI_PART:
                # (Left to Litestar, a URL-encoded ``data`` would read this body as
                # URL-encoded whenever the CSRF token came in the header.)
                form = await request.form()
                try:
                    await next_app(scope, receive, send)
                finally:
                    # No route here reads a file: let go of any that came (spooled to disk).
                    for value in form.values():
                        if isinstance(value, UploadFile):
                            await value.close()
                return
        await next_app(scope, receive, send)
