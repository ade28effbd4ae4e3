"""Rate limits on log-in attempts, uploads and melted downloads: in memory, and in Redis
when one runs. Each test starts its own app (``serve_app``) with low limits."""

import asyncio
import secrets

import msgspec
import pytest

from app.settings import LimitSettings


def _limited_settings(make_settings, **extra):
    return make_settings(
        limits=LimitSettings(login_rate_per_minute=3, upload_rate_per_minute=2), **extra
    )


def test_rate_limits(make_settings, serve_app, client_for, unique, make_save):
    with serve_app(_limited_settings(make_settings)) as server:
        _check_limits(client_for(server.url), unique, make_save)


def _check_limits(client, unique, make_save):
    client.get("/login")
    statuses = [
        client.login("nobody-" + secrets.token_hex(3), "wrong password").status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    assert client.get("/login").status_code == 200  # only attempts are counted
    # Registration counts as a login attempt too.
    assert (
        client.post(
            "/register",
            data={"username": unique("r"), "password": "x" * 9, "password_again": "x" * 9},
        ).status_code
        == 429
    )


def test_upload_rate_limit(make_settings, serve_app, client_for, unique, make_save, sql):
    settings = make_settings(
        limits=LimitSettings(login_rate_per_minute=100, upload_rate_per_minute=2)
    )
    with serve_app(settings) as server:
        client = client_for(server.url)
        client.register(unique("fast"))
        statuses = [client.upload(make_save()).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]


def test_melt_rate_limit(make_settings, serve_app, client_for, unique, make_save):
    """Melted downloads count per client address (GET /saves/{id}/melted and the API's
    alike, a refusal too), as uploads do; the plain download does not count."""
    settings = make_settings(
        limits=LimitSettings(
            login_rate_per_minute=100, upload_rate_per_minute=100, melt_rate_per_minute=2
        )
    )
    with serve_app(settings) as server:
        client = client_for(server.url)
        client.register(unique("melter"))
        save_id = client.upload(make_save()).json()["save_id"]
        statuses = [
            client.get(f"/api/saves/{save_id}/melted").status_code,
            client.get(f"/saves/{save_id}/melted").status_code,
            client.get(f"/api/saves/{save_id}/melted").status_code,
        ]
        assert statuses == [409, 409, 429]  # a text save: nothing to melt, then too many
        assert client.get(f"/api/saves/{save_id}/file").status_code == 200


def _redis_available(url):
    try:
        import redis.asyncio as redis

        async def ping():
            client = redis.Redis.from_url(url, socket_connect_timeout=1)
            try:
                return await client.ping()
            finally:
                await client.aclose()

        return asyncio.run(ping())
    except Exception:
        return False


def test_rate_limits_in_redis(make_settings, serve_app, client_for, unique, make_save):
    url = "redis://127.0.0.1:6379/15"
    if not _redis_available(url):
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings = _limited_settings(make_settings)
    settings = msgspec.structs.replace(settings, redis_url=url)
    asyncio.run(_clear(url))  # nothing left over from an earlier run
    with serve_app(settings) as server:
        assert server.app.stores.get("rate_limit_login").__class__.__name__ == "RedisStore"
        try:
            _check_limits(client_for(server.url), unique, make_save)
        finally:
            asyncio.run(_clear(url))


async def _clear(url):
    import redis.asyncio as redis

    client = redis.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter("chronicle*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
