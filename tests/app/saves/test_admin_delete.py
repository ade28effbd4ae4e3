"""A save deleted in Piccolo Admin goes as from its own page: the row, the stored file,
the cached map pictures and melted file together (app.admin._on_save_delete)."""

from __future__ import annotations

import pytest

from app.storage import SAVES_AREA


def _stored(server):
    root = server.app.state.storage.root
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


# Piccolo Admin's log-in warns when not in production mode (SECURE_COOKIES off, as here).
@pytest.mark.filterwarnings("ignore:If running sessions in production:UserWarning")
def test_deleting_a_save_in_piccolo_admin_leaves_nothing(
    new_user, new_browser, unique, make_save, sql, app_server
):
    owner = new_user("owner")
    save_id = owner.upload(make_save()).json()["save_id"]
    assert f"{SAVES_AREA}/{save_id}" in _stored(app_server)
    # What the site keeps of it elsewhere: a map picture and a melted file.
    state = app_server.app.state
    cached = [state.maps.folder / save_id / "picture.png", state.melter.folder / save_id / "x"]
    for path in cached:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"cached")

    name = unique("admin")
    admin = new_browser()
    admin.register(name)
    sql("UPDATE users SET admin = true, superuser = true WHERE username = $1", name)
    token = admin.piccolo_admin(name)
    response = admin.request(
        "DELETE", f"/admin/api/tables/saves/{save_id}/", headers={"x-csrftoken": token}
    )
    assert response.status_code == 204, response.text
    assert sql("SELECT id FROM saves WHERE id = $1", save_id) == []
    assert f"{SAVES_AREA}/{save_id}" not in _stored(app_server)
    assert not any(path.parent.exists() for path in cached)
    assert owner.get(f"/api/saves/{save_id}").status_code == 404
