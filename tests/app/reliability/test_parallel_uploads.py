"""Many different uploads at once (issue #8): twelve distinct saves sent concurrently, each
on its own connection, by one user. Every one is stored exactly once (one row, one
object, its own id), none is taken for another's duplicate, and the listings (the JSON
API, the user's page, the home page) show them all."""

from __future__ import annotations

import concurrent.futures
import secrets
import threading

import httpx

COUNT = 12
TIMEOUT = 60


def test_twelve_different_saves_at_once(
    app_server, api_user, make_save, stored, save_count, sql, serving
):
    user = api_user(app_server)
    store = stored(app_server)
    rows, objects = save_count(), store.objects()
    run = secrets.token_hex(4)
    # Distinct content and sizes: each has its own campaign id and some padding.
    saves = {
        f"parallel-{i}.eu4": make_save(f"{run}-{i}") + b"# pad\n" * (i * 500) for i in range(COUNT)
    }
    barrier = threading.Barrier(COUNT)

    def upload(name: str) -> tuple[str, httpx.Response]:
        with user.client() as client:
            client.get("/health")  # connected before the barrier: the posts start together
            barrier.wait(TIMEOUT)
            return name, client.post("/api/saves", files={"file": (name, saves[name])})

    with concurrent.futures.ThreadPoolExecutor(COUNT) as pool:
        results = dict(pool.map(upload, saves))

    statuses = {name: r.status_code for name, r in results.items()}
    assert set(statuses.values()) == {201}, {n: r.text for n, r in results.items()}
    ids = {name: r.json()["save_id"] for name, r in results.items()}
    assert len(set(ids.values())) == COUNT

    # One row per save, with the right file, and one object each; nothing else.
    assert save_count() == rows + COUNT
    mine = sql("SELECT id, filename, size FROM saves WHERE user_id = $1 ORDER BY id", user.user_id)
    assert {row["id"]: row["filename"] for row in mine} == {v: k for k, v in ids.items()}
    assert {row["id"]: row["size"] for row in mine} == {
        ids[name]: len(data) for name, data in saves.items()
    }
    assert store.objects() == objects | set(ids.values())
    for name, save_id in ids.items():
        stored_file = next((store.var / "storage").rglob(save_id))
        assert stored_file.read_bytes() == saves[name]
    assert store.temp_files() == []

    # The listings show all of them.
    with httpx.Client(base_url=app_server.url, timeout=TIMEOUT) as client:
        api = client.get("/api/users/" + str(user.user_id)).json()
        assert {save["id"] for save in api["saves"]} == set(ids.values())
        listed = client.get("/api/saves", params={"limit": 200}).json()["saves"]
        assert set(ids.values()) <= {save["id"] for save in listed}
        page = client.get(f"/users/{user.user_id}")
        assert page.status_code == 200
        home = client.get("/")
        for save_id in ids.values():
            assert f"/saves/{save_id}" in page.text
            assert f"/saves/{save_id}" in home.text
            assert client.get(f"/api/saves/{save_id}").status_code == 200
    serving(app_server.url)
