"""CSRF: one token per session, kept in the encrypted session, checked on every unsafe
request.

Litestar's own ``CSRFMiddleware`` compares a header (or the form's ``_csrf_token``) with a
cookie holding a signed random token: a double submit that is not tied to the session, so
a token from before logging in, or a cookie planted by a sibling subdomain, still passes.
Here the token lives in the session (AES-GCM, HttpOnly cookie): a request passes only with
the token of its own session, and logging in, registering and logging out start a new
session (``start_session``) and so a new token; the old one stops working. The rest is
Litestar's: ``csrf_token()`` and ``csrf_input`` in templates (via ``ScopeState``), the
``_csrf_token`` form field, the route option ``exclude_from_csrf``.

The ``x-csrftoken`` header is what htmx sends (``hx-headers`` on ``<body>``, which
boosted swaps never update: pages answer log-in and log-out with a new document, see
``app.web.htmx.reload``). The cookie is a copy of the token for scripts, ``__Host-``
prefixed with SECURE_COOKIES (Secure, Path=/, no Domain: no subdomain can set it); the
check never reads it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from litestar.datastructures import Cookie, MutableScopeHeaders, UploadFile
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.utils.scope.state import ScopeState

from app.web import mounts

if TYPE_CHECKING:
    from litestar.connection import Request
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from app.settings import Settings

HEADER: Final = "x-csrftoken"
FORM_FIELD: Final = "_csrf_token"  # Litestar's csrf_input writes this name
SESSION_KEY: Final = "csrf"
COOKIE: Final = "chronicle_csrf"  # not "csrftoken": Piccolo Admin uses that name
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED: Final = (
    "This page's security token is missing or out of date (you may have logged in or out "
    "in another tab): reload the page and try again."
)


def host_cookie(name: str, secure: bool) -> str:
    """``__Host-name`` when cookies are Secure: browsers then accept the cookie only with
    Secure, Path=/ and no Domain, so a sibling subdomain cannot plant one."""
    return f"__Host-{name}" if secure else name


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_token(scope: Scope) -> str | None:
    session = scope.get("session")
    token = session.get(SESSION_KEY) if isinstance(session, dict) else None
    return token if isinstance(token, str) and token else None


def ensure_token(scope: Scope) -> str:
    """The session's token, made (with a session, if there is none) when missing."""
    token = session_token(scope)
    if token is None:
        session = scope.get("session")
        if not isinstance(session, dict):
            session = {}
            scope["session"] = session
        token = session[SESSION_KEY] = new_token()
    ScopeState.from_scope(scope).csrf_token = token  # what csrf_token()/csrf_input show
    return token


def start_session(request: Request[Any, Any, Any], data: Mapping[str, Any]) -> None:
    """Replace the session (log in, register, log out: ``data`` empty) with one holding a
    new CSRF token; the previous token stops working."""
    request.set_session(dict(data))
    ensure_token(request.scope)


def _matches(submitted: object, expected: str) -> bool:
    if not isinstance(submitted, str):
        return False
    return secrets.compare_digest(submitted.encode("utf-8", "replace"), expected.encode())


def _static(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/static/")


class SessionCSRFMiddleware(ASGIMiddleware):
    """Unsafe methods need the session's token in the ``x-csrftoken`` header or the
    ``_csrf_token`` form field (403 otherwise, before the handler runs).

    Requests carrying an Authorization header are authenticated by it alone
    (app.accounts.auth ignores the session cookie for them), and browsers never attach one
    on their own (the app sends no Basic challenge, so none is cached): nothing ambient for
    a forged request to ride on, so they skip the check. Piccolo Admin protects its own
    forms (its own CSRF middleware and cookie), and static files and /health have no
    session.
    """

    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = f"^{mounts.ADMIN_PATH}(/|$)"
    exclude_opt_key = "exclude_from_csrf"
    should_bypass_for_scope = staticmethod(_static)

    def __init__(self, settings: Settings) -> None:
        secure = settings.security.secure_cookies
        self.cookie_name = host_cookie(COOKIE, secure)
        self.cookie_secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if any(name == b"authorization" for name, _ in scope.get("headers", ())):
            await next_app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope, receive)
        if request.method in SAFE_METHODS:
            ensure_token(scope)
        else:
            expected = session_token(scope)
            submitted: object = request.headers.get(HEADER)
            form = None
            content_type, _ = request.content_type
            if not submitted and content_type in (
                RequestEncodingType.URL_ENCODED,
                RequestEncodingType.MULTI_PART,
            ):
                form = await request.form()
                submitted = form.get(FORM_FIELD)
            if expected is None or not _matches(submitted, expected):
                if form is not None:  # no handler will: release the spooled file parts
                    for _, value in form.multi_items():
                        if isinstance(value, UploadFile):
                            await value.close()
                raise PermissionDeniedException(REFUSED)
            ScopeState.from_scope(scope).csrf_token = expected
        sent_cookie = request.cookies.get(self.cookie_name)
        await next_app(scope, receive, self._with_cookie(scope, send, sent_cookie))

    def _with_cookie(self, scope: Scope, send: Send, sent_cookie: str | None) -> Send:
        """Keep the cookie equal to the session's token; a handler may have started a new
        session (log in, log out) or dropped a stale one (app.accounts.auth)."""

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                token = ensure_token(scope)
                if token != sent_cookie:
                    cookie = Cookie(
                        key=self.cookie_name,
                        value=token,
                        path="/",
                        secure=self.cookie_secure,
                        httponly=False,  # a copy for scripts; the page holds the token anyway
                        samesite="lax",
                    )
                    headers = MutableScopeHeaders.from_message(message)
                    headers.add("set-cookie", cookie.to_header(header=""))
            await send(message)

        return send_wrapper
