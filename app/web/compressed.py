"""Upload bodies: at most so many bytes sent, and those sent compressed (``Content-Encoding:
gzip`` or ``zstd``) decompressed as they arrive: the one place that decides which codings
an upload may use and how much may come over the network.

``CompressedBodyMiddleware`` wraps ``receive`` for the routes marked ``opt={UPLOAD: True}``
(the API's and the form's upload). It counts the bytes sent against its ``max_sent``
(settings: MAX_UPLOAD_BYTES, and the form's overhead), Content-Length first. Everything
after it (the CSRF check reading a form, Litestar's multipart parser, the raw-body
spooling in app.saves.services) sees the decompressed bytes and counts them against the
route's body limit (MAX_SAVE_BYTES): so a 100 MB text save sent gzip-compressed (about a
tenth of that) fits where the same file sent as it is would not. Output comes in
pieces of at most ``PIECE`` bytes and stops once it passes the limit: a small body that
inflates to gigabytes (a decompression bomb) is refused with 413 after reading no more
than the limit, never held in memory. Unknown codings are 415, broken streams 400; all
are answered before anything is stored.

zstd comes from ``backports.zstd``, the standard library's ``compression.zstd`` of Python
3.14 for older Pythons (the same API: on 3.14 the import changes, nothing else).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, Final, Protocol, cast

from backports import zstd
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send

# Route option: the route takes a save (its body may be compressed, and is read after the
# guards, never by a middleware before them).
UPLOAD: Final = "upload"
PIECE: Final = 256 * 1024
CODINGS: Final = ("gzip", "zstd")
# Set in the ASGI scope's state of an upload whose body came compressed (``file_limit``).
DECOMPRESSED: Final = "chronicle.decompressed"


class UnsupportedEncoding(HTTPException):
    status_code = 415


class BrokenEncoding(ClientException):
    """400: the body is not the coding its Content-Encoding names (or is cut short)."""


class DecompressedTooLarge(HTTPException):
    status_code = 413


class SentTooLarge(HTTPException):
    status_code = 413


def _sent_too_large(limit: int) -> SentTooLarge:
    return SentTooLarge(
        f"This upload sends more than the limit of {limit} bytes; nothing was stored. "
        "A large text save fits once compressed: share it from the home page (it is "
        "compressed before it is sent), or send it zipped or with Content-Encoding gzip "
        "or zstd."
    )


class _Stream(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finished(self) -> bool: ...


class _Gzip:
    """gzip members one after another (RFC 1952 allows several, as ``cat a.gz b.gz``)."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj(wbits=31)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            yield self._d.decompress(data, PIECE)
            data = self._d.unconsumed_tail
            if self._d.eof:
                data = self._d.unused_data + data
                if data:
                    self._d = zlib.decompressobj(wbits=31)

    def finished(self) -> bool:
        return bool(self._d.eof)


class _Zstd:
    """zstd frames one after another (as the ``zstd`` tool writes them for several inputs)."""

    def __init__(self) -> None:
        self._d = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            yield self._d.decompress(data, PIECE)
            data = b""
            if self._d.eof:
                data = self._d.unused_data
                if not data:
                    return
                self._d = zstd.ZstdDecompressor()
            elif self._d.needs_input:
                return

    def finished(self) -> bool:
        return bool(self._d.eof)


def _decoder(coding: str) -> _Stream | None:
    if coding in ("", "identity"):
        return None
    if coding in ("gzip", "x-gzip"):
        return _Gzip()
    if coding == "zstd":
        return _Zstd()
    raise UnsupportedEncoding(
        f"This upload's Content-Encoding ({coding[:40]!r}) is not one this site reads: send "
        f"the file as it is, or compressed with one of {', '.join(CODINGS)}."
    )


def _upload_handler(scope: Scope) -> HTTPRouteHandler | None:
    handler = scope.get("route_handler")
    if isinstance(handler, HTTPRouteHandler) and handler.opt.get(UPLOAD):
        return handler
    return None


class CompressedBodyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, max_sent: int) -> None:
        self.max_sent = max_sent

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = _upload_handler(scope)
        if handler is None:
            await next_app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        declared = b"".join(v for k, v in headers if k == b"content-length")
        if declared.isdigit() and int(declared) > self.max_sent:
            raise _sent_too_large(self.max_sent)
        receive = _counting(receive, self.max_sent)
        coding = b",".join(v for k, v in headers if k == b"content-encoding")
        decoder = _decoder(coding.decode("latin-1").strip().lower())
        if decoder is None:
            await next_app(scope, receive, send)
            return
        cast("dict[str, Any]", scope).setdefault("state", {})[DECOMPRESSED] = True
        limit = handler.resolve_request_max_body_size() or 0
        # Litestar checks Content-Length against the limit: it is the compressed size here.
        scope["headers"] = [
            (k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")
        ]
        await next_app(scope, _decompressing(receive, decoder, limit), send)


def file_limit(scope: Scope, max_upload: int, max_save: int) -> int:
    """How large the uploaded file may be: ``max_save`` once decompressed when it came
    compressed, else what may be sent (``max_upload``)."""
    state = cast("dict[str, Any]", scope).get("state") or {}
    return max_save if state.get(DECOMPRESSED) else max_upload


def _counting(receive: Receive, limit: int) -> Receive:
    """``receive`` refusing a body (chunked, or longer than it said) past ``limit`` bytes."""
    total = 0

    async def next_message() -> ReceiveMessage:
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                raise _sent_too_large(limit)
        return message

    return next_message


def _decompressing(receive: Receive, decoder: _Stream, limit: int) -> Receive:
    """``receive`` giving the decompressed body one piece at a time (pieces are made as
    they are asked for, so a bomb never inflates past the limit)."""
    pieces: Iterator[bytes] = iter(())
    last = False  # the message being decompressed was the body's last
    ended = False  # the last message was handed on
    total = 0

    async def next_message() -> ReceiveMessage:
        nonlocal pieces, last, ended, total
        while True:
            try:
                piece = next(pieces, None)
            except (zlib.error, zstd.ZstdError) as exc:
                raise BrokenEncoding(
                    f"This upload's body is not valid {type(decoder).__name__[1:].lower()} "
                    f"data, as its Content-Encoding says ({exc}); nothing was stored."
                ) from None
            if piece is None:
                if ended:
                    return await receive()  # after the body: the disconnect, when it comes
                if last:
                    if not decoder.finished():
                        raise BrokenEncoding(
                            "This upload's compressed body ends early (the file was cut "
                            "short on the way); nothing was stored."
                        )
                    ended = True
                    end: HTTPRequestEvent = {
                        "type": "http.request",
                        "body": b"",
                        "more_body": False,
                    }
                    return end
                message = await receive()
                if message["type"] != "http.request":
                    return message
                pieces = decoder.feed(message.get("body", b""))
                last = not message.get("more_body", False)
                continue
            total += len(piece)
            if limit and total > limit:
                raise DecompressedTooLarge(
                    f"This upload is larger than the limit of {limit} bytes once "
                    "decompressed; nothing was stored."
                )
            if piece:
                event: HTTPRequestEvent = {"type": "http.request", "body": piece, "more_body": True}
                return event

    return next_message
