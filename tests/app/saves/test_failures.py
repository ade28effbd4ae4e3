"""All-or-nothing uploads: after any failure, no row without its object and no object
without its row; the app keeps serving."""

import concurrent.futures

import pytest


def objects(server):
    root = server.app.state.settings.var_path / "storage"
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def temp_files(server):
    return list((server.app.state.settings.var_path / "tmp").glob("*"))


@pytest.fixture
def uploader(new_browser, unique):
    client = new_browser()
    client.register(unique("up"))
    return client


def test_kernel_rejection_leaves_nothing(uploader, sql, app_server):
    before = sql("SELECT count(*) AS n FROM saves")[0]["n"]
    response = uploader.upload(b'EU4txt\ndate=1444.11.11\nplayer="unterminated', name="broken.eu4")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("unterminated quoted string at byte")
    assert sql("SELECT count(*) AS n FROM saves")[0]["n"] == before
    assert temp_files(app_server) == []
    assert uploader.get("/").status_code == 200


def test_identical_uploads_at_once_store_exactly_one(
    app_server, new_browser, unique, make_save, sql
):
    client = new_browser()
    client.register(unique("race"))
    data = make_save()
    token = client.csrf
    cookies = dict(client.client.cookies)

    def upload(_):
        import httpx

        with httpx.Client(base_url=app_server.url, cookies=cookies, timeout=120) as c:
            return c.post(
                "/api/saves", files={"file": ("r.eu4", data)}, headers={"x-csrftoken": token}
            )

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(upload, range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == 7, statuses
    created = next(r for r in responses if r.status_code == 201).json()["save_id"]
    assert {r.json()["save_id"] for r in responses if r.status_code == 409} == {created}
    keys = {row["storage_key"].split("/")[-1] for row in sql("SELECT storage_key FROM saves")}
    stored = set(objects(app_server))
    assert stored <= keys  # no object without a row
    assert created in stored  # and the row has its object
    (mine,) = sql(
        "SELECT count(*) AS n FROM saves WHERE hash = (SELECT hash FROM saves WHERE id = $1)",
        created,
    )
    assert mine["n"] == 1
