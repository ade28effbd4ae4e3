"""Failure paths that need an app of their own (a size limit, a failing store): each
test starts its app with ``serve_app``; nothing else runs an app meanwhile."""

from pathlib import Path

from support.storage import StorageWrapper

from app.storage import StorageError


class FailingStorage(StorageWrapper):
    """Wraps the app's real storage; ``put`` writes the object and then fails (the worst
    case: something landed in the store before the error)."""

    def __init__(self, inner):
        super().__init__(inner, "failing " + inner.description)
        self.fail = True

    async def put(self, key, source: Path):
        await self.inner.put(key, source)
        if self.fail:
            raise StorageError("disk on fire")


def objects(server):
    root = server.app.state.settings.var_path / "storage"
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def temp_files(server):
    return list((server.app.state.settings.var_path / "tmp").glob("*"))


def test_too_large_is_413_and_leaves_nothing(
    make_settings, serve_app, client_for, sql, unique, make_save
):
    from app.settings import LimitSettings

    limits = LimitSettings(
        max_upload_bytes=4096, login_rate_per_minute=1000, upload_rate_per_minute=1000
    )
    with serve_app(make_settings(limits=limits)) as server:
        client = client_for(server.url)
        client.register(unique("big"))
        before = sql("SELECT count(*) AS n FROM saves")[0]["n"]
        response = client.upload(make_save() + b"#" * 4096)
        assert response.status_code == 413
        assert "limit" in response.json()["detail"]
        # The form: 413, its text kept, the next step (a smaller file).
        page = client.post(
            "/saves",
            headers={"HX-Request": "true"},
            data={"filename": "kept.eu4"},
            files={"file": ("x.eu4", make_save() + b"#" * 4096)},
        )
        assert page.status_code == 413
        assert 'value="kept.eu4"' in page.text and "a smaller one" in page.text
        response = client.upload(b"#" * (3 * 1024 * 1024))  # past the request limit too
        assert response.status_code == 413
        assert client.upload(make_save()).status_code == 201  # still serving
        assert sql("SELECT count(*) AS n FROM saves")[0]["n"] == before + 1
        assert temp_files(server) == []


def test_storage_failure_leaves_no_row_and_no_object(
    make_settings, serve_app, client_for, sql, unique, make_save
):
    def prepare(app):
        app.state.storage = FailingStorage(app.state.storage)

    with serve_app(make_settings(), prepare) as server:
        client = client_for(server.url)
        client.register(unique("fail"))
        before = sql("SELECT count(*) AS n FROM saves")[0]["n"]
        data = make_save()
        response = client.upload(data)
        assert response.status_code == 503
        assert "nothing was saved" in response.json()["detail"]
        assert sql("SELECT count(*) AS n FROM saves")[0]["n"] == before
        assert objects(server) == []
        assert temp_files(server) == []
        # The HTML form says so too, and the app keeps serving.
        page = client.post(
            "/saves",
            headers={"HX-Request": "true"},
            data={"aar": "kept report"},
            files={"file": ("x", data)},
        )
        assert page.status_code == 503
        assert ">kept report</textarea>" in page.text and "in a minute" in page.text
        assert client.get("/").status_code == 200
        # Once the store works again, the same file goes in (nothing half-stored blocks it).
        server.app.state.storage.fail = False
        response = client.upload(data)
        assert response.status_code == 201
        assert objects(server) == [response.json()["save_id"]]
