"""Who is asking: the authentication middleware, guards and authorization helpers.

A request is authenticated by exactly one of:

- an ``Authorization`` header (HTTP Basic ``<user_id>:<api_key>``, for scripts): the
  session cookie is then ignored, and so is CSRF (app.web.security), because nothing
  ambient authenticates the request; a bad header is a 401, never a fallback to anonymous;
- the encrypted session cookie, checked against the user's ``session_epoch`` so that a
  log out voids every copy of the cookie.

``request.user`` is a ``CurrentUser`` or None (anonymous).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from app.accounts import services
from app.accounts.services import CurrentUser


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if header is not None:
            try:
                user = await services.user_from_basic_auth(header)
            except services.BadCredentials as exc:
                raise NotAuthorizedException(str(exc)) from None
            return AuthenticationResult(user=user, auth="api-key")
        session = connection.scope.get("session")
        if isinstance(session, dict) and "uid" in session:
            session_user = await services.user_from_session(session)
            if session_user is None:
                # Stale (logged out, deactivated, deleted): forget it.
                connection.clear_session()
            return AuthenticationResult(user=session_user, auth="session")
        return AuthenticationResult(user=None, auth=None)


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def requires_user(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a logged-in user (401 otherwise; pages turn that into the login page)."""
    if current_user(connection) is None:
        raise NotAuthorizedException("log in first")


def requires_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: an admin (401 when anonymous, 403 for other users)."""
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("log in first")
    if not user.admin:
        raise PermissionDeniedException("admins only")


def can_edit(user: CurrentUser | None, owner_id: int) -> bool:
    """Owners and admins may edit and delete a save."""
    return user is not None and (user.admin or user.id == owner_id)


def ensure_can_edit(user: CurrentUser | None, owner_id: int) -> None:
    if user is None:
        raise NotAuthorizedException("log in first")
    if not can_edit(user, owner_id):
        raise PermissionDeniedException("only the owner or an admin may change this save")
