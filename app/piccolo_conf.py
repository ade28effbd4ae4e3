"""Piccolo's configuration (PICCOLO_CONF=app.piccolo_conf): the engine and the apps.

This module owns the engine; ``app.db`` (the embedded server, migrations, health) reaches
it through ``app.db.engine()`` and never the other way round. Importing it has no side
effects beyond reading the environment: the engine connects on first use, and with no
DATABASE_URL it stays unconfigured until ``app.db.use_database`` starts the embedded server.
"""

from __future__ import annotations

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from app.settings import settings_from_environment


class Engine(PostgresEngine):
    """Piccolo's PostgresEngine without the work it does when it is built.

    Piccolo connects to the server while constructing an engine (to check the version and
    create extensions), i.e. whenever ``piccolo_conf`` is imported. We check the version
    in ``app.db.use_database`` instead, and need no extensions (``gen_random_uuid`` is core).
    """

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None

    def use(self, url: str | None) -> None:
        """Point the engine at ``url`` (None: unconfigured) before its pool opens."""
        self.config = engine_config(url)


def engine_config(url: str | None) -> dict[str, Any]:
    """asyncpg connection arguments for ``url`` (an empty config when there is none yet)."""
    return {} if url is None else {"dsn": url}


DB = Engine(config=engine_config(settings_from_environment().database.url))

APP_REGISTRY = AppRegistry(
    apps=[
        "app.accounts.piccolo_app",
        "app.saves.piccolo_app",
        # Piccolo Admin's login sessions (its own table and migrations, shipped in the
        # package). Our users table is a BaseUser subclass (app.accounts.tables.User), so
        # piccolo.apps.user, which piccolo_admin.piccolo_app pulls in, would only add an
        # unused second user table.
        "piccolo_api.session_auth.piccolo_app",
    ]
)
