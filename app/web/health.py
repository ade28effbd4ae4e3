"""``GET /health``: can this instance serve? For load balancers, orchestrators and the
image's HEALTHCHECK (``python -m app.web.health``).

It checks the two things every request depends on, at once and each within
``CHECK_TIMEOUT`` seconds: the database (``SELECT 1`` on a pooled connection) and the
storage backend (the backend's ``check``: the directory and its ``saves/`` folder, where
uploads are written, are there and writable, or the S3 bucket answers ``HeadBucket``; no
object is read). The answer is 200
``{"status": "ok", "database": "ok", "storage": "ok"}``, or 503 with ``"error"`` for the
part that failed and a one-line reason under ``"errors"`` (never a traceback).

The route needs no log-in and skips what does not concern it: the session and CSRF
middleware (no cookies are set), the authentication middleware, the rate limits (they
only count the handlers that opt in) and ``ALLOWED_HOSTS`` (probes often address the
instance by its IP).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, Literal

import msgspec
from litestar import Response, get
from litestar.di import NamedDependency

from app import db
from app.settings import Settings, SettingsError, settings_from_environment
from app.storage import Storage, StorageError

PATH: Final = "/health"
# Seconds each check may take before it counts as failed (a store that hangs is down).
CHECK_TIMEOUT: Final = 5.0
# The route option that AppCore's AllowedHostsConfig honours (exclude_opt_key).
ALLOWED_HOSTS_OPT: Final = "exclude_from_allowed_hosts"
# Route options that turn the middleware above off for this route (Litestar's keys).
EXCLUDED: Final = {
    "exclude_from_auth": True,
    "exclude_from_csrf": True,
    "skip_session": True,
    ALLOWED_HOSTS_OPT: True,
}
_MAX_REASON: Final = 300

Status = Literal["ok", "error"]


class HealthReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    status: Status
    database: Status
    storage: Status
    # part -> why it failed (only the parts that failed)
    errors: dict[str, str] = msgspec.field(default_factory=dict)


async def check_database() -> None:
    pool = db.engine().pool
    if pool is None:
        raise RuntimeError("no connection pool (the app has not started)")
    async with pool.acquire() as conn:
        await conn.fetchval("SELECT 1")


async def check_storage(storage: Storage) -> None:
    # Both backends have ``check`` (not part of the Storage protocol, so that wrappers of a
    # store, as in the tests, need not implement it).
    check = getattr(storage, "check", None)
    if check is None:
        raise StorageError(f"{storage.description} has no health check")
    await check()


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


async def _outcome(check: Callable[[], Awaitable[None]], timeout: float) -> str | None:
    """None when ``check()`` succeeds in time, else why not."""
    try:
        await asyncio.wait_for(check(), timeout)
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except Exception as exc:
        return _reason(exc)
    return None


async def run_checks(storage: Storage, timeout: float = CHECK_TIMEOUT) -> HealthReport:
    database, store = await asyncio.gather(
        _outcome(check_database, timeout), _outcome(lambda: check_storage(storage), timeout)
    )
    errors = {
        part: reason for part, reason in (("database", database), ("storage", store)) if reason
    }
    return HealthReport(
        status="error" if errors else "ok",
        database="error" if database else "ok",
        storage="error" if store else "ok",
        errors=errors,
    )


@get(
    PATH,
    opt=EXCLUDED,
    summary="Health: the database and the storage answer (200) or not (503)",
    tags=["operations"],
)
async def health(storage: NamedDependency[Storage]) -> Response[HealthReport]:
    report = await run_checks(storage, CHECK_TIMEOUT)
    return Response(
        report,
        status_code=200 if report.status == "ok" else 503,
        headers={"cache-control": "no-store"},
    )


# --- the probe: python -m app.web.health --------------------------------------------------


def probe(settings: Settings, *, port: int | None = None, timeout: float = 10.0) -> int:
    """GET /health on this machine's app (APP_HOST/PORT); print the answer; 0 when healthy."""
    host = settings.web.host
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    connection = http.client.HTTPConnection(host, port or settings.web.port, timeout=timeout)
    try:
        connection.request("GET", PATH, headers={"accept": "application/json"})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
    except OSError as exc:
        print(f"unhealthy: cannot reach {host}:{port or settings.web.port}: {exc}")
        return 1
    finally:
        connection.close()
    print(body)
    return 0 if response.status == 200 else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.web.health",
        description="Ask the running app's /health (exit 0 when healthy, 1 otherwise).",
    )
    parser.add_argument("--port", type=int, default=None, help="default: PORT or 8000")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_environment()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return probe(settings, port=args.port, timeout=args.timeout)


if __name__ == "__main__":
    sys.exit(main())
