"""Piccolo's configuration (PICCOLO_CONF=app.piccolo_conf): the engine and the apps.

Importing this module has no side effects: the engine connects on first use, and with no
DATABASE_URL it stays unconfigured until ``app.db.use_database`` starts the embedded server.
"""

from piccolo.conf.apps import AppRegistry

from app.db import Engine, engine_config
from app.settings import settings_from_environment

_settings = settings_from_environment()

DB = Engine(config=engine_config(_settings.database.url))

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
