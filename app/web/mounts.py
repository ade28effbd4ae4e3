"""Where a request really is, for every rule that looks at paths (security headers, error
formats, the log-in redirect, CSRF).

Litestar hands a mounted app's route (Piccolo Admin under ``/admin``) only the rest of the
path in ``scope["path"]``: a rule judging ``/admin/api/tables/`` would see ``/api/tables/``
there. ``full_path`` puts the mount's prefix back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from litestar.types import Scope

ADMIN_PATH: Final = "/admin"
# Piccolo Admin's one page; everything else under ADMIN_PATH (its API, its login, its
# assets) is fetched by that page's scripts and answers like FastAPI: {"detail": ...}.
ADMIN_PAGE: Final = ADMIN_PATH + "/"


def full_path(scope: Scope) -> str:
    """The path the client asked for (decoded), mount prefix included."""
    path: str = scope.get("path", "")
    handler = scope.get("route_handler")
    if handler is not None and getattr(handler, "is_mount", False):
        prefix = next(iter(handler.paths)).rstrip("/")  # a mount has exactly one path
        return prefix + path
    return path


def in_admin(path: str) -> bool:
    return path == ADMIN_PATH or path.startswith(ADMIN_PATH + "/")


def is_admin_api(path: str) -> bool:
    """Under the admin mount but not its page: Piccolo Admin's frontend reads the answer."""
    return in_admin(path) and path not in (ADMIN_PATH, ADMIN_PAGE)
