"""Piccolo Admin, built once per app and mounted at /admin/ by app.core (admins only).

Our guard lets only admins reach it; Piccolo Admin then asks them to log in with the same
username and password (it keeps its own session, in the session_auth table).
"""

from __future__ import annotations

from typing import Any

from piccolo_admin.endpoints import create_admin

from app.accounts.tables import User
from app.saves.tables import Save
from app.settings import Settings


def build_admin(settings: Settings) -> Any:
    """The Piccolo Admin ASGI application (FastAPI underneath)."""
    return create_admin(
        tables=[User, Save],
        auth_table=User,
        site_name=f"{settings.web.site_name} admin",
        production=settings.security.secure_cookies,
        allowed_hosts=list(settings.security.allowed_hosts),
        auto_include_related=False,
        debug=settings.web.debug,
    )
