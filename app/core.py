"""All the wiring in one place: routes, plugins, middleware, DI, templates, admin mount,
and the lifespan that starts and stops the database pool, the storage and the kernel pool.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from litestar import Litestar, Router, asgi
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.app import AppConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.plugins import InitPluginProtocol
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from litestar.types import Receive, Scope, Send

from app import db
from app.accounts.auth import AuthenticationMiddleware, requires_admin
from app.accounts.controllers import AccountController
from app.accounts.throttle import STORE as ACCOUNT_THROTTLE_STORE
from app.accounts.throttle import AccountThrottle
from app.accounts.users import UserApiController, UserPagesController
from app.achievements.controllers import AchievementApiController, AchievementPagesController
from app.admin import build_admin
from app.gamedata.controllers import GameDataController
from app.gamedata.services import GameData
from app.local import assets
from app.local.controllers import LocalPagesController
from app.maps.controllers import MapController
from app.maps.services import Maps
from app.saves.analysis_cache import AnalysisCache
from app.saves.controllers import (
    CompareApiController,
    ComparePagesController,
    SaveAdminController,
    SaveApiController,
    SavePagesController,
    SaveSectionsController,
)
from app.saves.melting import Melter
from app.saves.pool import pool_from_settings
from app.settings import Settings
from app.shutdown import InFlight
from app.storage import Storage, storage_from_settings
from app.web import health, mounts, security
from app.web.apidocs import ApiDocsPlugin, api_docs
from app.web.compressed import CompressedBodyMiddleware
from app.web.csrf import SessionCSRFMiddleware
from app.web.decoding import FormDecodingMiddleware
from app.web.errors import error_response
from app.web.templating import template_config
from app.web.theme import ThemeController

logger = logging.getLogger(__name__)

# Room for the form fields and multipart framing around the file part.
FORM_OVERHEAD: Final = 1024 * 1024


def _state(name: str) -> Any:
    def provide(state: State) -> Any:
        return state[name]

    return Provide(provide, sync_to_thread=False)


class AppCore(InitPluginProtocol):
    """Everything ``create_app`` configures, from one ``Settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.secret = security.secret_key(settings)
        self.storage: Storage = storage_from_settings(settings)
        self.pool = pool_from_settings(settings)
        # The save page's decoded analyses and rendered sections (app/saves/analysis_cache.py).
        self.analysis_cache = AnalysisCache(settings.web.analysis_cache_mb * 1024 * 1024)
        # Game-data bundles: names joined to saves' keys when pages are made (app.gamedata).
        self.gamedata = GameData(settings.gamedata_path)
        # Saves' maps: layers in the analysis cache, pictures under <VAR_DIR>/cache/maps.
        self.maps = Maps(self.gamedata, self.analysis_cache, settings.var_path / "cache" / "maps")
        # Shared binary saves melted to text (kernel pool), kept under <VAR_DIR>/cache/melted.
        self.melter = Melter(settings.var_path / "cache" / "melted", settings.kernel.tokens_dir)
        # Built once; the mount below delegates to it.
        self.admin = build_admin(settings, self.storage, (self.maps, self.melter))
        self.inflight = InFlight()  # requests the lifespan shutdown waits for (app.shutdown)

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        app_config.debug = settings.web.debug
        app_config.state.update(
            settings=settings,
            storage=self.storage,
            pool=self.pool,
            analysis_cache=self.analysis_cache,
            gamedata=self.gamedata,
            maps=self.maps,
            melter=self.melter,
        )
        app_config.dependencies.update(
            settings=_state("settings"),
            storage=_state("storage"),
            pool=_state("pool"),
            analysis_cache=_state("analysis_cache"),
            gamedata=_state("gamedata"),
            maps=_state("maps"),
            melter=_state("melter"),
        )
        app_config.route_handlers.extend(
            [
                health.health,
                api_docs,
                AccountController,
                UserApiController,
                UserPagesController,
                GameDataController,
                ThemeController,
                SaveSectionsController,
                ComparePagesController,
                CompareApiController,
                MapController,
                SaveAdminController,
                AchievementApiController,
                AchievementPagesController,
                # Uploads: the API and the upload form (and Share, which posts the form).
                Router(
                    path="/",
                    route_handlers=[SaveApiController, SavePagesController],
                    # The decompressed body; CompressedBodyMiddleware counts what is sent.
                    request_max_body_size=settings.limits.save_limit + FORM_OVERHEAD,
                ),
                LocalPagesController,
                create_static_files_router(
                    path=assets.STATIC_URL, directories=[assets.STATIC_DIR], name="static"
                ),
                # Every name in the bundle holds its content hash or version: cached for good.
                create_static_files_router(
                    path=f"{assets.STATIC_URL}/{assets.BUNDLE}",
                    directories=[assets.STATIC_DIR / assets.BUNDLE],
                    name="bundle",
                    cache_control=CacheControlHeader(
                        max_age=365 * 24 * 3600, public=True, immutable=True
                    ),
                ),
                self._admin_mount(),
                *self._static_site(app_config.state),
            ]
        )
        templates = template_config(settings.web.site_name)
        app_config.template_config = templates
        app_config.plugins.extend(
            [HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=templates))]
        )
        session = CookieBackendConfig(
            secret=security.derive_key(self.secret, "session"),
            key=security.session_cookie(settings),
            max_age=settings.security.session_max_age,
            secure=settings.security.secure_cookies,
            httponly=True,
            samesite="lax",
            exclude=["^/static/"],
        )
        app_config.middleware.extend(
            [
                self.inflight.middleware,
                *(limit.middleware for limit in security.rate_limits(settings)),
                session.middleware,
                # Uploads: at most max_upload_bytes sent; one sent compressed is
                # decompressed for everything after (the CSRF check may read the form),
                # the route's body limit counting decompressed bytes (max_save_bytes).
                CompressedBodyMiddleware(settings.limits.max_upload_bytes + FORM_OVERHEAD),
                FormDecodingMiddleware(),  # before anything reads a form: the CSRF check
                # Before authentication: a session that turns out stale (logged out
                # elsewhere) still passes with its token and gets the log-in page, not 403.
                SessionCSRFMiddleware(settings),
                DefineMiddleware(AuthenticationMiddleware, exclude=["^/static/"]),
            ]
        )
        app_config.before_send.append(security.security_headers(settings))
        app_config.stores = stores = self._stores()
        limits = settings.limits
        app_config.state["login_throttle"] = AccountThrottle(
            stores.get(ACCOUNT_THROTTLE_STORE),
            limits.login_failures_per_account,
            max(1, limits.login_account_window),
            security.derive_key(self.secret, "login-device"),
        )
        app_config.dependencies["login_throttle"] = _state("login_throttle")
        app_config.exception_handlers.update({HTTPException: error_response, 500: error_response})
        app_config.allowed_hosts = (
            AllowedHostsConfig(
                allowed_hosts=list(settings.security.allowed_hosts),
                exclude_opt_key=health.ALLOWED_HOSTS_OPT,  # probes may use the bare IP
            )
            if settings.security.allowed_hosts
            else None
        )
        app_config.openapi_config = OpenAPIConfig(
            title=settings.web.site_name,
            version="0.1.0",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin(), ApiDocsPlugin()],
        )
        app_config.lifespan.append(self._lifespan)
        return app_config

    def _static_site(self, state: State) -> list[Any]:
        """dist/ of scripts/build_static.py under /site/ (its links are relative), when
        built; ``state.static_site`` says whether pages may link to it."""
        folder = Path(self.settings.web.static_site_dir)
        state["static_site"] = (folder / "index.html").is_file()
        if not state["static_site"]:
            return []
        return [
            create_static_files_router(
                path=assets.STATIC_SITE_URL, directories=[folder], html_mode=True, name="site"
            )
        ]

    def _admin_mount(self) -> Any:
        admin = self.admin

        @asgi(mounts.ADMIN_PATH, is_mount=True, guards=[requires_admin], copy_scope=True)
        async def piccolo_admin(scope: Scope, receive: Receive, send: Send) -> None:
            await admin(scope, receive, send)

        return piccolo_admin

    def _stores(self) -> StoreRegistry:
        names = (
            security.LOGIN_STORE,
            security.UPLOAD_STORE,
            security.MELT_STORE,
            ACCOUNT_THROTTLE_STORE,
        )
        if self.settings.redis_url:
            root = RedisStore.with_client(url=self.settings.redis_url, namespace="chronicle")
            return StoreRegistry(stores={name: root.with_namespace(name) for name in names})
        return StoreRegistry(stores={name: MemoryStore() for name in names})

    @asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncIterator[None]:
        settings = self.settings
        url = db.use_database(settings)
        await db.check_server(url)
        engine = db.engine()
        await engine.start_connection_pool(
            min_size=settings.database.pool_min_size, max_size=settings.database.pool_max_size
        )
        try:
            await self.storage.start()
            self.pool.start()
            try:
                logger.info(
                    "Chronicle ready: database %s, storage %s, %d kernel workers",
                    db.redact(url),
                    self.storage.description,
                    self.pool.workers,
                )
                yield
            finally:
                await self.inflight.wait_for_requests()
                self.pool.stop()
                await self.storage.close()
        finally:
            await engine.close_connection_pool()
