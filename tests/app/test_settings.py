"""Settings come from the environment through a pure function."""

import pytest

from app.settings import ENVIRONMENT, Settings, SettingsError, load_settings
from app.storage import LocalStorage, S3Storage, storage_from_settings


def test_defaults_from_an_empty_environment():
    settings = load_settings({})
    assert settings == Settings()
    assert settings.database.url is None  # embedded PostgreSQL
    assert settings.redis_url is None  # in-memory rate limit stores
    assert settings.limits.max_upload_bytes == 64 * 1024 * 1024


def test_values_are_converted_and_grouped():
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://u@h/db",
            "STORAGE_URL": "s3://bucket/prefix",
            "SECRET_KEY": "k",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "MAX_UPLOAD_BYTES": "1000",
            "KERNEL_WORKERS": "3",
            "TOKENS_DIR": "/tokens",
            "SECURE_COOKIES": "true",
            "ALLOWED_HOSTS": "a.example, b.example",
            "PORT": "9000",
            "UNRELATED": "ignored",
            "APP_DEBUG": "",  # empty counts as unset
        }
    )
    assert settings.database.url == "postgresql://u@h/db"
    assert settings.storage.url == "s3://bucket/prefix"
    assert settings.security.secret_key == "k"
    assert settings.security.secure_cookies is True
    assert settings.security.allowed_hosts == ("a.example", "b.example")
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.limits.max_upload_bytes == 1000
    assert settings.kernel.workers == 3
    assert settings.kernel.tokens_dir == "/tokens"
    assert settings.web.port == 9000
    assert settings.web.debug is False


def test_bad_values_name_the_variable():
    with pytest.raises(SettingsError, match="MAX_UPLOAD_BYTES"):
        load_settings({"MAX_UPLOAD_BYTES": "lots"})


def test_the_function_is_pure(monkeypatch):
    # It reads the mapping it is given, not the process environment, and leaves it alone.
    # (Comparing two calls on equal mappings, as this test did, would pass for a function
    # that read os.environ as well.)
    monkeypatch.setenv("PORT", "4321")
    environ = {"PORT": "1234"}
    settings = load_settings(environ)
    assert settings.web.port == 1234
    assert settings == load_settings(dict(environ))
    assert load_settings({}).web.port == Settings().web.port
    assert environ == {"PORT": "1234"}


def test_every_variable_maps_to_a_field():
    settings = Settings()
    for group, field in ENVIRONMENT.values():
        owner = getattr(settings, group) if group else settings
        assert hasattr(owner, field)


def test_storage_backend_from_url(tmp_path):
    assert isinstance(
        storage_from_settings(load_settings({"VAR_DIR": str(tmp_path)})), LocalStorage
    )
    local = storage_from_settings(load_settings({"STORAGE_URL": f"file://{tmp_path}/objects"}))
    assert isinstance(local, LocalStorage) and local.root == tmp_path / "objects"
    s3 = storage_from_settings(load_settings({"STORAGE_URL": "s3://bucket/some/prefix"}))
    assert isinstance(s3, S3Storage)
    assert (s3.bucket, s3.prefix) == ("bucket", "some/prefix/")
    with pytest.raises(SettingsError):
        storage_from_settings(load_settings({"STORAGE_URL": "ftp://nope"}))
