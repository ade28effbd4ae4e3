"""The ASGI application: ``uvicorn --factory app.asgi:create_app``.

This is the only place a ``Litestar`` is built.
"""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.logging.config import LoggingConfig

from app.core import AppCore
from app.settings import Settings, settings_from_environment


def create_app(settings: Settings | None = None) -> Litestar:
    """The app for ``settings`` (by default, from the environment)."""
    if settings is None:
        settings = settings_from_environment()
    logging_config = LoggingConfig(
        root={"level": settings.web.log_level.upper(), "handlers": ["queue_listener"]},
        log_exceptions="debug",
        configure_root_logger=True,
    )
    logging.getLogger("app").setLevel(settings.web.log_level.upper())
    return Litestar(plugins=[AppCore(settings)], logging_config=logging_config)
