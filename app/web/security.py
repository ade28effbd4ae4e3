"""Security headers, secrets derived from SECRET_KEY, the session cookie's name, and the
rate limits (CSRF: app.web.csrf)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.rate_limit import RateLimitConfig

from app.web import mounts
from app.web.csrf import host_cookie

if TYPE_CHECKING:
    from litestar.connection import Request
    from litestar.types import Message, Scope

    from app.settings import Settings

SESSION_COOKIE: Final = "chronicle_session"

# The local-analysis island runs Pyodide in a Web Worker: WebAssembly compilation
# needs 'wasm-unsafe-eval' and the worker may start from a blob: URL. No inline scripts or
# styles anywhere (htmx's indicator styles are turned off in base.html.jinja2).
CONTENT_SECURITY_POLICY: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self' blob:",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Piccolo Admin (a Vue application, served under /admin with every other header above) sets
# no policy on its page: this one fits it. Its Font Awesome icons and components insert
# <style> elements, hence 'unsafe-inline' for styles only; scripts stay 'self'.
ADMIN_CONTENT_SECURITY_POLICY: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_BASE_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)


def secret_key(settings: Settings) -> str:
    """SECRET_KEY, or the key kept in <var_dir>/secret_key (created on first use)."""
    if settings.security.secret_key:
        return settings.security.secret_key
    path = settings.var_path / "secret_key"
    return _read_or_create_key(path)


def _read_or_create_key(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        with open(path, "x", encoding="ascii") as handle:  # exclusive: first writer wins
            handle.write(key + "\n")
        path.chmod(0o600)
    except FileExistsError:
        pass
    return path.read_text().strip()


def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, so one leaked derived key does not expose the others."""
    return hmac.new(secret.encode(), f"chronicle/{purpose}".encode(), hashlib.sha256).digest()


def session_cookie(settings: Settings) -> str:
    """``__Host-chronicle_session`` with SECURE_COOKIES: the session holds the CSRF token,
    so no subdomain may plant one (renaming it logs everyone out once)."""
    return host_cookie(SESSION_COOKIE, settings.security.secure_cookies)


def security_headers(settings: Settings) -> Any:
    """A ``before_send`` hook adding the security headers to every response (error pages
    and 404s included), judged on the full path: under /admin, Piccolo Admin's policy."""
    hsts = settings.security.secure_cookies

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in _BASE_HEADERS:
            key = name.decode()
            if key not in headers:
                headers[key] = value.decode()
        if "content-security-policy" not in headers:  # Piccolo Admin's media files set one
            in_admin = mounts.in_admin(mounts.full_path(scope))
            policy = ADMIN_CONTENT_SECURITY_POLICY if in_admin else CONTENT_SECURITY_POLICY
            headers["content-security-policy"] = policy
        if hsts:
            headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"

    return add_headers


# --- rate limits --------------------------------------------------------------------------

LOGIN_STORE: Final = "rate_limit_login"
UPLOAD_STORE: Final = "rate_limit_upload"
MELT_STORE: Final = "rate_limit_melt"


def _limited(kind: str, method: str = "POST") -> Any:
    async def check(request: Request[Any, Any, Any]) -> bool:
        return request.method == method and request.route_handler.opt.get("rate_limit") == kind

    return check


def _client(kind: str) -> Any:
    def identify(request: Request[Any, Any, Any]) -> str:
        host = request.client.host if request.client else "unknown"
        return f"{kind}:{host}"

    return identify


def rate_limits(settings: Settings) -> list[RateLimitConfig]:
    """Per client address: log-in attempts, uploads and melted downloads per minute
    (handlers opt in with ``opt={"rate_limit": "login" | "upload" | "melt"}``; "melt" counts
    GET requests). Behind a proxy, run uvicorn with
    ``--proxy-headers`` so the client address is the real one."""
    return [
        RateLimitConfig(
            rate_limit=("minute", settings.limits.login_rate_per_minute),
            check_throttle_handler=_limited("login"),
            identifier_for_request=_client("login"),
            store=LOGIN_STORE,
            exclude=["^/static/"],
        ),
        RateLimitConfig(
            rate_limit=("minute", settings.limits.upload_rate_per_minute),
            check_throttle_handler=_limited("upload"),
            identifier_for_request=_client("upload"),
            store=UPLOAD_STORE,
            exclude=["^/static/"],
        ),
        RateLimitConfig(
            rate_limit=("minute", settings.limits.melt_rate_per_minute),
            check_throttle_handler=_limited("melt", "GET"),
            identifier_for_request=_client("melt"),
            store=MELT_STORE,
            exclude=["^/static/"],
        ),
    ]
