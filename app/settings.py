"""Settings: frozen msgspec Structs, loaded from the environment by a pure function.

``load_settings(os.environ)`` is called once by whoever builds the app (``create_app``,
the command line, ``app.piccolo_conf``); tests build a ``Settings`` and pass it in.
Every variable the app reads is listed in ``ENVIRONMENT`` below, beside the field it fills.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import msgspec

MiB: Final = 1024 * 1024


class DatabaseSettings(msgspec.Struct, kw_only=True, frozen=True):
    # postgresql://user:password@host:port/dbname; None: embedded PostgreSQL (pgserver)
    # in <var_dir>/pgdata, started by the app.
    url: str | None = None
    pool_min_size: int = 1
    pool_max_size: int = 10


class StorageSettings(msgspec.Struct, kw_only=True, frozen=True):
    # None: a local directory, <var_dir>/storage. "file:///abs/dir" or a plain path: that
    # directory. "s3://bucket/prefix": an S3-compatible store.
    url: str | None = None
    # S3 only; None leaves each to botocore's usual sources (AWS_* variables, config files).
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None


class SecuritySettings(msgspec.Struct, kw_only=True, frozen=True):
    # The session cookie's key (AES-GCM) is derived from it (the CSRF token lives in the session).
    # None: a random key is kept in <var_dir>/secret_key (created on first use).
    secret_key: str | None = None
    # Mark cookies Secure (HTTPS only). Turn on behind HTTPS.
    secure_cookies: bool = False
    session_max_age: int = 14 * 24 * 3600
    # Hosts the app answers to (Host header); empty: any.
    allowed_hosts: tuple[str, ...] = ()


class LimitSettings(msgspec.Struct, kw_only=True, frozen=True):
    # What an upload may send (the request body as it comes over the network) ...
    max_upload_bytes: int = 64 * MiB
    # ... and how large the save may be once decompressed (a body sent with
    # Content-Encoding gzip or zstd: Share compresses large text saves this way).
    max_save_bytes: int = 256 * MiB
    max_aar_chars: int = 5000
    max_filename_chars: int = 255
    # Requests per minute and client address.
    login_rate_per_minute: int = 10
    upload_rate_per_minute: int = 20
    # Melted saves (GET /saves/{id}/melted, /api/saves/{id}/melted: the server melts them).
    melt_rate_per_minute: int = 20
    # Failed log-ins per username (from any address) within the window (seconds) that the
    # first failure opens; past them the name answers 429 until the window ends, except in
    # browsers that logged in to it before (app/accounts/throttle.py). 0: no such limit.
    login_failures_per_account: int = 10
    login_account_window: int = 300
    page_size: int = 50

    @property
    def save_limit(self) -> int:
        """The largest save stored (decompressed): never less than what may be sent."""
        return max(self.max_save_bytes, self.max_upload_bytes)


class KernelSettings(msgspec.Struct, kw_only=True, frozen=True):
    # Processes parsing saves; 0: one per CPU.
    workers: int = 0
    # Where the operator puts the binary token tables (not distributable): <dir>/eu4.txt.
    tokens_dir: str | None = None
    # Serve <tokens_dir>/eu4.txt at /local/tokens/eu4.txt, so that browsers read binary
    # saves locally too. Off: binary saves are read by uploading them only.
    publish_tokens: bool = True
    # Game-data bundles (``python -m app gamedata import``): names, geography, the map.
    # None: <var_dir>/gamedata.
    gamedata_dir: str | None = None
    # Wall-clock seconds one parse may take (the worker is then killed and replaced, the
    # upload refused with 422); 0: no limit. The largest real saves take a few seconds.
    parse_timeout: float = 120.0
    # The analysis of one save, as stored (JSON): larger ones are refused with 422.
    max_analysis_mb: int = 32


class WebSettings(msgspec.Struct, kw_only=True, frozen=True):
    host: str = "127.0.0.1"
    port: int = 8000
    # uvicorn worker processes for `python -m app serve`.
    workers: int = 1
    debug: bool = False
    site_name: str = "Chronicle"
    # Local state: embedded PostgreSQL, local storage, the generated secret key, temp files.
    var_dir: str = "var"
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    # Memory for the save page's cache of decoded analyses and rendered analysis sections
    # (per process; app/saves/analysis_cache.py). 0 turns it off.
    analysis_cache_mb: int = 128
    # The static site of scripts/build_static.py, served under /site/ when the directory
    # exists (relative paths: to the working directory).
    static_site_dir: str = "dist"
    # Seconds a SIGTERM leaves requests in flight to finish before they are cancelled
    # (uvicorn's timeout_graceful_shutdown; 0: no limit). See app/shutdown.py.
    shutdown_timeout: int = 20


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    database: DatabaseSettings = msgspec.field(default_factory=DatabaseSettings)
    storage: StorageSettings = msgspec.field(default_factory=StorageSettings)
    security: SecuritySettings = msgspec.field(default_factory=SecuritySettings)
    limits: LimitSettings = msgspec.field(default_factory=LimitSettings)
    kernel: KernelSettings = msgspec.field(default_factory=KernelSettings)
    web: WebSettings = msgspec.field(default_factory=WebSettings)
    # Shared stores (rate limits) in Redis when set; in memory otherwise.
    redis_url: str | None = None

    @property
    def var_path(self) -> Path:
        return Path(self.web.var_dir).resolve()

    @property
    def gamedata_path(self) -> Path:
        given = self.kernel.gamedata_dir
        return Path(given).resolve() if given else self.var_path / "gamedata"


# variable -> (group, field); group "" is a field of Settings itself.
ENVIRONMENT: Final[Mapping[str, tuple[str, str]]] = {
    "DATABASE_URL": ("database", "url"),
    "DATABASE_POOL_MIN_SIZE": ("database", "pool_min_size"),
    "DATABASE_POOL_MAX_SIZE": ("database", "pool_max_size"),
    "STORAGE_URL": ("storage", "url"),
    "STORAGE_S3_ENDPOINT_URL": ("storage", "s3_endpoint_url"),
    "STORAGE_S3_REGION": ("storage", "s3_region"),
    "STORAGE_S3_ACCESS_KEY_ID": ("storage", "s3_access_key_id"),
    "STORAGE_S3_SECRET_ACCESS_KEY": ("storage", "s3_secret_access_key"),
    "SECRET_KEY": ("security", "secret_key"),
    "SECURE_COOKIES": ("security", "secure_cookies"),
    "SESSION_MAX_AGE": ("security", "session_max_age"),
    "ALLOWED_HOSTS": ("security", "allowed_hosts"),
    "MAX_UPLOAD_BYTES": ("limits", "max_upload_bytes"),
    "MAX_SAVE_BYTES": ("limits", "max_save_bytes"),
    "MAX_AAR_CHARS": ("limits", "max_aar_chars"),
    "LOGIN_RATE_PER_MINUTE": ("limits", "login_rate_per_minute"),
    "UPLOAD_RATE_PER_MINUTE": ("limits", "upload_rate_per_minute"),
    "MELT_RATE_PER_MINUTE": ("limits", "melt_rate_per_minute"),
    "LOGIN_FAILURES_PER_ACCOUNT": ("limits", "login_failures_per_account"),
    "LOGIN_ACCOUNT_WINDOW": ("limits", "login_account_window"),
    "PAGE_SIZE": ("limits", "page_size"),
    "KERNEL_WORKERS": ("kernel", "workers"),
    # The kernel's own variable (python -m kernel reads it too); TOKENS_DIR wins when both
    # are set (later entries override earlier ones).
    "CHRONICLE_TOKENS_DIR": ("kernel", "tokens_dir"),
    "TOKENS_DIR": ("kernel", "tokens_dir"),
    "PUBLISH_TOKENS": ("kernel", "publish_tokens"),
    "KERNEL_PARSE_TIMEOUT": ("kernel", "parse_timeout"),
    "MAX_ANALYSIS_MB": ("kernel", "max_analysis_mb"),
    # As for the token tables: the kernel's variable, and ours, which wins.
    "CHRONICLE_GAMEDATA_DIR": ("kernel", "gamedata_dir"),
    "GAMEDATA_DIR": ("kernel", "gamedata_dir"),
    "APP_HOST": ("web", "host"),
    "PORT": ("web", "port"),
    "APP_WORKERS": ("web", "workers"),
    "APP_DEBUG": ("web", "debug"),
    "APP_SITE_NAME": ("web", "site_name"),
    "VAR_DIR": ("web", "var_dir"),
    "LOG_LEVEL": ("web", "log_level"),
    "ANALYSIS_CACHE_MB": ("web", "analysis_cache_mb"),
    "SHUTDOWN_TIMEOUT": ("web", "shutdown_timeout"),
    "STATIC_SITE_DIR": ("web", "static_site_dir"),
    "REDIS_URL": ("", "redis_url"),
}

# Variables holding lists, comma separated.
_LISTS: Final = frozenset({"ALLOWED_HOSTS"})


class SettingsError(ValueError):
    """The environment does not describe valid settings (the message names the variable)."""


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from ``environ`` (pure: reads nothing else). Empty values count as unset.

    Raises SettingsError naming the variable when a value does not convert.
    """
    tree: dict[str, Any] = {}
    for name, (group, field) in ENVIRONMENT.items():
        raw = environ.get(name, "")
        if raw == "":
            continue
        value: Any = [v.strip() for v in raw.split(",") if v.strip()] if name in _LISTS else raw
        if group:
            tree.setdefault(group, {})[field] = value
        else:
            tree[field] = value
    try:
        return msgspec.convert(tree, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid settings: {exc} ({_variable_hint(str(exc))})") from None


def _variable_hint(message: str) -> str:
    """Which variable a msgspec path such as ``$.limits.max_upload_bytes`` came from."""
    for name, (group, field) in ENVIRONMENT.items():
        path = f"$.{group}.{field}" if group else f"$.{field}"
        if f"`{path}`" in message:
            return f"check {name}"
    return "check the environment"


def settings_from_environment() -> Settings:
    """``load_settings(os.environ)``: for entry points only (the app factory, the CLI)."""
    return load_settings(os.environ)
