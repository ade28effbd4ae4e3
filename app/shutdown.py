"""Graceful shutdown: what happens between SIGTERM and the exit.

1. uvicorn (``python -m app serve``) stops accepting connections, closes idle keep-alive
   connections and lets the requests in flight finish, for at most ``SHUTDOWN_TIMEOUT``
   seconds (uvicorn's ``timeout_graceful_shutdown``; 0: no limit). An upload whose body is
   still arriving keeps arriving and is stored (201) as usual.
2. Past the timeout uvicorn cancels the requests still running. A cancelled upload rolls
   back like any failed one (``app.saves.services``): the temporary file goes, and an
   object already written is deleted unless its row committed. The client gets a 503
   (``InFlight``; uvicorn alone would log a traceback and answer 500).
3. uvicorn then runs the lifespan shutdown (``AppCore._lifespan``) without waiting for
   those cancelled requests; ``InFlight`` counts the requests inside the app, so the
   lifespan first waits (at most ``CLEANUP_TIMEOUT``) until they have unwound — their
   clean-up needs the database and the storage — and only then stops the kernel process
   pool, the storage client and the database pool.
4. ``python -m app serve`` returns; the embedded PostgreSQL (when ``DATABASE_URL`` is
   unset) is stopped by pgserver's exit hook, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

import msgspec
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

logger = logging.getLogger(__name__)

# Seconds the lifespan shutdown waits for cancelled requests to finish their clean-up.
CLEANUP_TIMEOUT: Final = 10.0


_SHUTTING_DOWN: Final = msgspec.json.encode(
    {"status_code": 503, "detail": "the server is shutting down; send the request again"}
)


async def _send_unavailable(send: Send) -> None:
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 503,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(_SHUTTING_DOWN)).encode()),
            (b"retry-after", b"5"),
            (b"connection", b"close"),
        ],
    }
    body: HTTPResponseBodyEvent = {
        "type": "http.response.body",
        "body": _SHUTTING_DOWN,
        "more_body": False,
    }
    await send(start)
    await send(body)


class InFlight:
    """The number of HTTP requests inside the app (one per app instance)."""

    def __init__(self) -> None:
        self.count = 0

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Outermost middleware: counts each HTTP request until its handler has returned,
        failed or been cancelled."""

        async def track(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            started = False

            async def watch(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            self.count += 1
            try:
                await app(scope, receive, watch)
            except asyncio.CancelledError:
                # Only uvicorn cancels a request, when SHUTDOWN_TIMEOUT has run out; it would
                # log a traceback and answer 500. Answer 503 instead (the clean-up has run:
                # the handlers' own except/finally blocks saw the cancellation first).
                if started:
                    raise
                logger.warning(
                    "%s %s cancelled at shutdown (SHUTDOWN_TIMEOUT); answered 503",
                    scope["method"],
                    scope["path"],
                )
                await _send_unavailable(send)
            finally:
                self.count -= 1

        return track

    async def drained(self, timeout: float = CLEANUP_TIMEOUT) -> bool:
        """Wait until no request is in flight; False if some still are after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.count:
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def wait_for_requests(self, timeout: float = CLEANUP_TIMEOUT) -> None:
        """``drained`` with log lines, for the lifespan shutdown."""
        if not self.count:
            return
        logger.info("waiting for %d request(s) to finish their clean-up", self.count)
        if not await self.drained(timeout):
            logger.warning(
                "%d request(s) still running after %g s; stopping anyway", self.count, timeout
            )
