"""The S3 backend against a local S3-compatible server: moto's server mode on loopback,
in its own process."""

import asyncio

import pytest

from app.settings import StorageSettings
from app.storage import ObjectMissing, S3Storage, StorageError

CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing", "region": "us-east-1"}


def storage(endpoint, bucket, prefix="chronicle"):
    return S3Storage(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=endpoint,
        region=CREDENTIALS["region"],
        access_key_id=CREDENTIALS["access_key_id"],
        secret_access_key=CREDENTIALS["secret_access_key"],
    )


async def make_bucket(endpoint, name):
    import aioboto3

    session = aioboto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    async with session.client("s3", endpoint_url=endpoint) as client:
        await client.create_bucket(Bucket=name)


async def remove_bucket(endpoint, name):
    import aioboto3

    session = aioboto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    async with session.client("s3", endpoint_url=endpoint) as client:
        await client.delete_bucket(Bucket=name)


def test_put_open_delete_list(s3_endpoint, tmp_path):
    source = tmp_path / "file.bin"
    source.write_bytes(b"x" * 300_000)

    async def scenario():
        await make_bucket(s3_endpoint, "unit")
        store = storage(s3_endpoint, "unit")
        await store.start()
        try:
            await store.put("saves/abc", source)
            assert await store.keys() == ["saves/abc"]
            stored = await store.open("saves/abc")
            assert stored.size == 300_000
            assert b"".join([chunk async for chunk in stored.chunks()]) == source.read_bytes()
            await store.delete("saves/abc")
            await store.delete("saves/abc")  # already gone: fine
            assert await store.keys() == []
            with pytest.raises(ObjectMissing):
                await store.open("saves/abc")
            with pytest.raises(ValueError):
                await store.put("../escape", source)
        finally:
            await store.close()

    asyncio.run(scenario())


def test_missing_bucket_fails_at_start(s3_endpoint):
    async def scenario():
        store = storage(s3_endpoint, "no-such-bucket")
        with pytest.raises(StorageError):
            await store.start()

    asyncio.run(scenario())


def s3_settings(make_settings, endpoint, bucket):
    return make_settings(
        storage=StorageSettings(
            url=f"s3://{bucket}/saves-prefix",
            s3_endpoint_url=endpoint,
            s3_region=CREDENTIALS["region"],
            s3_access_key_id=CREDENTIALS["access_key_id"],
            s3_secret_access_key=CREDENTIALS["secret_access_key"],
        )
    )


def test_app_with_s3_storage(
    s3_endpoint, make_settings, serve_app, client_for, unique, make_save, sql
):
    asyncio.run(make_bucket(s3_endpoint, "app"))
    with serve_app(s3_settings(make_settings, s3_endpoint, "app")) as server:
        store = server.app.state.storage
        client = client_for(server.url)
        client.register(unique("s3"))
        data = make_save()
        response = client.upload(data)
        assert response.status_code == 201, response.text
        save_id = response.json()["save_id"]
        keys = asyncio.run(_keys(s3_endpoint, "app"))
        assert keys == [f"saves-prefix/saves/{save_id}"]
        download = client.get(f"/api/saves/{save_id}/file")
        assert download.status_code == 200 and download.content == data
        etag = download.headers["etag"]
        assert (
            client.get(f"/api/saves/{save_id}/file", headers={"If-None-Match": etag}).status_code
            == 304
        )
        assert client.request("DELETE", f"/api/saves/{save_id}").status_code == 204
        assert asyncio.run(_keys(s3_endpoint, "app")) == []
        assert store.description.startswith("s3://app/saves-prefix/")


def test_store_going_away_leaves_no_row(
    s3_endpoint, make_settings, serve_app, client_for, unique, make_save, sql
):
    """The bucket disappears while the app runs: uploads fail with 503, nothing stays."""
    asyncio.run(make_bucket(s3_endpoint, "flaky"))
    with serve_app(s3_settings(make_settings, s3_endpoint, "flaky")) as server:
        client = client_for(server.url)
        client.register(unique("flaky"))
        before = sql("SELECT count(*) AS n FROM saves")[0]["n"]
        asyncio.run(remove_bucket(s3_endpoint, "flaky"))
        response = client.upload(make_save())
        assert response.status_code == 503, response.text
        assert sql("SELECT count(*) AS n FROM saves")[0]["n"] == before
        assert client.get("/").status_code == 200
        asyncio.run(make_bucket(s3_endpoint, "flaky"))
        assert asyncio.run(_keys(s3_endpoint, "flaky")) == []
        assert client.upload(make_save()).status_code == 201


async def _keys(endpoint, bucket):
    import aioboto3

    session = aioboto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    async with session.client("s3", endpoint_url=endpoint) as client:
        page = await client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in page.get("Contents", []))
