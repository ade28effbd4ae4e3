"""GET /health through HTTP: 200 when the database and the storage answer, 503 naming the
part that failed and why (no traceback); no log-in, no cookies, no CSRF, no rate limit,
no ALLOWED_HOSTS check; and the image's probe, ``python -m app.web.health``."""

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import time

import httpx
import pytest
from support.storage import StorageWrapper

from app import db
from app.settings import DatabaseSettings, LimitSettings, SecuritySettings, StorageSettings

OK = {"status": "ok", "database": "ok", "storage": "ok"}


def get_health(url, **kwargs):
    return httpx.get(url + "/health", timeout=30, **kwargs)


def assert_plain_failure(response, part, *words):
    """503, ``part`` marked failed with a one-line reason holding ``words``, nothing else."""
    assert response.status_code == 503, response.text
    body = response.json()
    other = "storage" if part == "database" else "database"
    assert body["status"] == "error"
    assert body[part] == "error"
    assert body[other] == "ok"
    assert set(body["errors"]) == {part}
    reason = body["errors"][part]
    assert "\n" not in reason and "Traceback" not in reason and len(reason) <= 300
    for word in words:
        assert word in reason, reason
    return reason


# Every test starts its own app (``serve_app``): one app per process at a time, so this
# module does not use the module-wide ``app_server``.


def test_healthy_instance_answers_200(make_settings, serve_app):
    with serve_app(make_settings()) as server:
        response = get_health(server.url)
    assert response.status_code == 200
    assert response.json() == OK
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers  # no session, no CSRF cookie


def test_no_login_csrf_rate_limit_or_host_check(make_settings, serve_app):
    settings = make_settings(
        limits=LimitSettings(login_rate_per_minute=1, upload_rate_per_minute=1),
        security=SecuritySettings(
            secret_key="test-" + secrets.token_hex(16), allowed_hosts=("chronicle.example",)
        ),
    )
    with serve_app(settings) as server:
        # A probe addressing the instance by its IP, many times a minute, with a stale
        # Authorization header (which would be a 401 anywhere else).
        for _ in range(30):
            response = get_health(
                server.url, headers={"host": "10.1.2.3:8000", "authorization": "Basic Zm9vOmJhcg=="}
            )
            assert response.status_code == 200, response.text
            assert response.json() == OK
        # The rest of the app still checks the Host header.
        assert httpx.get(server.url + "/", headers={"host": "10.1.2.3"}).status_code == 400
        assert httpx.get(server.url + "/", headers={"host": "chronicle.example"}).status_code == 200


def test_storage_failure_is_503(make_settings, serve_app, tmp_path):
    root = tmp_path / "objects"
    settings = make_settings(storage=StorageSettings(url=str(root)))
    with serve_app(settings) as server:
        assert get_health(server.url).json() == OK
        # The volume goes away and something else appears at its path.
        shutil.rmtree(root)
        root.write_text("not a directory")
        reason = assert_plain_failure(get_health(server.url), "storage", "is not a directory")
        assert str(root) in reason
        root.unlink()
        assert_plain_failure(get_health(server.url), "storage", "is missing")
        root.mkdir()
        # The folder uploads go to is checked too.
        reason = assert_plain_failure(get_health(server.url), "storage", "is missing")
        assert str(root / "saves") in reason
        (root / "saves").mkdir()
        assert get_health(server.url).json() == OK  # recovers without a restart


def test_saves_folder_is_checked(make_settings, serve_app, tmp_path):
    """Uploads are written under <storage>/saves: a usable root with an unusable saves/
    is a failure too (issue 20, point 7); a fresh store gets its saves/ at start."""
    root = tmp_path / "objects"
    saves = root / "saves"
    with serve_app(make_settings(storage=StorageSettings(url=str(root)))) as server:
        assert saves.is_dir()
        assert get_health(server.url).json() == OK
        saves.rmdir()
        reason = assert_plain_failure(get_health(server.url), "storage", "is missing")
        assert str(saves) in reason
        saves.write_text("not a directory")
        reason = assert_plain_failure(get_health(server.url), "storage", "is not a directory")
        assert str(saves) in reason
        saves.unlink()
        saves.mkdir()
        assert get_health(server.url).json() == OK


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes through any mode bits: chmod cannot take it away"
)
def test_read_only_saves_folder(make_settings, serve_app, tmp_path):
    root = tmp_path / "objects"
    saves = root / "saves"
    with serve_app(make_settings(storage=StorageSettings(url=str(root)))) as server:
        saves.chmod(0o555)
        try:
            reason = assert_plain_failure(get_health(server.url), "storage", "is not writable")
            assert str(saves) in reason
        finally:
            saves.chmod(0o755)
        assert get_health(server.url).json() == OK


class HangingStorage(StorageWrapper):
    """The app's storage, except that ``check`` never answers."""

    async def check(self):
        await asyncio.sleep(3600)


def test_a_hanging_check_times_out(make_settings, serve_app, monkeypatch):
    import app.web.health

    monkeypatch.setattr(app.web.health, "CHECK_TIMEOUT", 0.5)

    def prepare(app):
        app.state.storage = HangingStorage(app.state.storage)

    with serve_app(make_settings(), prepare) as server:
        started = time.monotonic()
        assert_plain_failure(get_health(server.url), "storage", "no answer within 0.5 s")
        assert time.monotonic() - started < 10


def test_database_failure_is_503(make_settings, serve_app, pg_admin_url):
    name = f"chronicle_health_{secrets.token_hex(4)}"
    asyncio.run(db.create_database(pg_admin_url, name))
    url = db.with_database(pg_admin_url, name)
    try:
        settings = make_settings(database=DatabaseSettings(url=url, pool_max_size=2))
        with serve_app(settings) as server:
            assert get_health(server.url).json() == OK
            # The database disappears under the running app (its connections are cut).
            asyncio.run(db.drop_database(pg_admin_url, name))
            reason = assert_plain_failure(get_health(server.url), "database")
            assert reason
            # Still 503 (not a crash) on the next probe, when the pool reconnects.
            assert_plain_failure(get_health(server.url), "database", name)
    finally:
        asyncio.run(db.drop_database(pg_admin_url, name))


# --- S3: a bucket that goes away -----------------------------------------------------------


async def s3_call(endpoint, method, **kwargs):
    import aioboto3

    session = aioboto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    async with session.client("s3", endpoint_url=endpoint) as client:
        await getattr(client, method)(**kwargs)


def test_s3_bucket_gone_is_503(make_settings, serve_app, s3_endpoint):
    bucket = f"health-{secrets.token_hex(4)}"
    asyncio.run(s3_call(s3_endpoint, "create_bucket", Bucket=bucket))
    storage = StorageSettings(
        url=f"s3://{bucket}/chronicle",
        s3_endpoint_url=s3_endpoint,
        s3_region="us-east-1",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
    )
    with serve_app(make_settings(storage=storage)) as server:
        assert get_health(server.url).json() == OK
        asyncio.run(s3_call(s3_endpoint, "delete_bucket", Bucket=bucket))
        reason = assert_plain_failure(get_health(server.url), "storage", f"s3://{bucket}/")
        assert "HeadBucket" in reason
        assert "testing" not in reason.replace(f"s3://{bucket}", "")  # no credentials


# --- the probe the image's HEALTHCHECK runs -------------------------------------------------


def probe(port, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("APP_HOST", "PORT")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "app.web.health", "--port", str(port), "--timeout", "20"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_probe_exit_status(make_settings, serve_app, tmp_path):
    root = tmp_path / "objects"
    with serve_app(make_settings(storage=StorageSettings(url=str(root)))) as server:
        port = int(server.url.rsplit(":", 1)[1])
        done = probe(port)
        assert done.returncode == 0, done.stdout + done.stderr
        assert '"status":"ok"' in done.stdout
        done = probe(port, {"APP_HOST": "0.0.0.0"})  # the image's setting: ask loopback
        assert done.returncode == 0, done.stdout + done.stderr
        shutil.rmtree(root)
        done = probe(port)
        assert done.returncode == 1
        assert '"storage":"error"' in done.stdout
    done = probe(port)  # nothing listens there any more
    assert done.returncode == 1
    assert "cannot reach" in done.stdout
