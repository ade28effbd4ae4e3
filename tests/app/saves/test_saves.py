"""Uploading, reading, editing, deleting and downloading saves through HTTP."""

import hashlib

import pytest
from support.html import parse_html

import kernel
from app.analysis.errors import NO_TABLE


@pytest.fixture
def owner(new_user):
    return new_user("owner")


@pytest.fixture
def stranger(new_user):
    return new_user("other")


def count(sql, table="saves"):
    return sql(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def stored_keys(server):
    root = server.app.state.storage.root
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def is_binary(data):
    return any(e.encoding == "binary" for e in kernel.open_archive(data).entries)


def test_upload_every_eu4_save_of_the_corpus(owner, eu4_saves, sql, app_server):
    seen = {}
    refused = []
    for path in eu4_saves:
        response = owner.upload(path, name=path.name)
        if response.status_code == 409:
            # Same content as a file uploaded before (the corpus has byte-equal copies).
            assert response.json()["save_id"] in seen.values(), path.name
            continue
        if is_binary(path.read_bytes()):
            # No token table on this server: binary saves are refused in words for players
            # (tests/app/saves/test_analysis.py uploads them with one).
            assert response.status_code == 422, (path.name, response.text)
            detail = response.json()["detail"]
            assert detail == NO_TABLE and "16-bit" not in detail
            assert "pass tokens=" not in detail
            refused.append(path.name)
            continue
        assert response.status_code == 201, (path.name, response.text)
        save_id = response.json()["save_id"]
        seen[path.name] = save_id
        detail = owner.get(f"/api/saves/{save_id}").json()
        assert detail["filename"] == path.name
        assert detail["size"] == path.stat().st_size
        assert detail["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert detail["game"] in ("eu4", "unknown")
        # The stored payload is the kernel's EU4 analysis.
        assert detail["analysis"]["schema_version"] == 1
        assert (
            detail["analysis"]["info"]["content_hash"]
            == sql("SELECT hash FROM saves WHERE id = $1", save_id)[0]["hash"]
        )
        # The file comes back byte for byte.
        download = owner.get(f"/api/saves/{save_id}/file")
        assert download.status_code == 200
        assert download.content == path.read_bytes()
        # The save page shows what the kernel read.
        page = owner.get(f"/saves/{save_id}")
        assert page.status_code == 200
        texts = parse_html(page.text).ids
        if detail["player_tag"]:
            assert detail["player_tag"] in texts["player"]
        if detail["date"]:
            assert texts["date"] == detail["date"]
    assert len(seen) >= 6 and len(refused) >= 3
    # The text saves of the corpus with a known date and player.
    by_name = {name: owner.get(f"/api/saves/{sid}").json() for name, sid in seen.items()}
    modded = by_name["osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"]
    assert (modded["date"], modded["player_tag"], modded["patch"]) == (
        "2087-07-01",
        "JBB",
        "1.36.2.0",
    )
    assert modded["days"] == 234562
    # pdx.tools' columns, from the analysis: one patch behind 1.37 weighs 1.1.
    assert modded["score_days"] == 234562 * 11 // 10
    assert modded["game_difficulty"] == "normal"
    assert modded["playthrough_id"] == modded["analysis"]["info"]["playthrough_id"]
    assert modded["playthrough_id"]
    assert modded["achievements"] == []  # a text save never passes the achievement gate
    assert modded["kernel_version"] == kernel.__version__
    poland = by_name["pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4"]
    assert (poland["date"], poland["player_tag"]) == ("1464-12-30", "SWE")
    assert poland["score_days"] is None  # 1.17: an unsupported patch for leaderboards
    # One row and one stored object per accepted upload.
    keys = stored_keys(app_server)
    for save_id in seen.values():
        assert f"saves/{save_id}" in keys


def test_duplicate_content_is_409_with_the_existing_id(owner, stranger, make_save):
    data = make_save()
    first = owner.upload(data, name="first.eu4")
    assert first.status_code == 201
    again = stranger.upload(data, name="again.eu4")
    assert again.status_code == 409
    body = again.json()
    assert body["save_id"] == first.json()["save_id"]
    assert "uploaded before" in body["detail"]


def test_recompressed_copy_is_a_duplicate(owner, make_save):
    """The content hash is over the decompressed entries: zipping the same entries
    another way is the same save."""
    import io
    import zipfile

    def zipped(method):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as archive:
            archive.writestr("meta", meta)
            archive.writestr("gamestate", meta + b"countries={\n}\n")
        return buffer.getvalue()

    meta = make_save()
    stored, deflated = zipped(zipfile.ZIP_STORED), zipped(zipfile.ZIP_DEFLATED)
    assert stored != deflated
    first = owner.upload(stored, name="stored.eu4")
    assert first.status_code == 201, first.text
    second = owner.upload(deflated, name="deflated.eu4")
    assert second.status_code == 409
    assert second.json()["save_id"] == first.json()["save_id"]


def test_garbage_is_422_with_a_readable_message(owner, sql, app_server):
    rows, keys = count(sql), stored_keys(app_server)
    for data in (b"", b"\x00\x01\x02garbage\xff" * 100, b"PK\x03\x04truncated zip"):
        response = owner.upload(data, name="junk.eu4")
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert isinstance(detail, str) and len(detail) > 10
        assert "Traceback" not in detail
    assert count(sql) == rows
    assert stored_keys(app_server) == keys
    assert list((app_server.app.state.settings.var_path / "tmp").iterdir()) == []


def test_upload_needs_a_user(new_browser, make_save):
    anonymous = new_browser()
    response = anonymous.upload(make_save())
    assert response.status_code == 401


def test_missing_file_field_is_400(owner):
    response = owner.post("/api/saves", data={"filename": "x"}, files={"other": ("x", b"x")})
    assert response.status_code == 400


def test_long_aar_is_refused(owner, make_save):
    response = owner.upload(make_save(), aar="x" * 5001)
    assert response.status_code == 422
    assert "AAR" in response.json()["detail"]


def test_filename_and_aar_are_kept_and_escaped(owner, make_save):
    response = owner.upload(
        make_save(), name="../../etc/passwd", filename="<b>bold</b>.eu4", aar="<script>x</script>"
    )
    assert response.status_code == 201
    save_id = response.json()["save_id"]
    detail = owner.get(f"/api/saves/{save_id}").json()
    assert detail["filename"] == "<b>bold</b>.eu4"
    page = owner.get(f"/saves/{save_id}").text
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page
    unnamed = owner.upload(make_save(), name="../../etc/passwd")
    assert owner.get(f"/api/saves/{unnamed.json()['save_id']}").json()["filename"] == "passwd"


def test_edit_and_delete_by_owner(owner, make_save, sql, app_server):
    save_id = owner.upload(make_save(), name="mine.eu4").json()["save_id"]
    response = owner.request(
        "PATCH", f"/api/saves/{save_id}", json={"filename": "renamed.eu4", "aar": "A tale."}
    )
    assert response.status_code == 204
    detail = owner.get(f"/api/saves/{save_id}").json()
    assert (detail["filename"], detail["aar"]) == ("renamed.eu4", "A tale.")
    # Only admins change leaderboard eligibility.
    response = owner.request(
        "PATCH", f"/api/saves/{save_id}", json={"leaderboard_qualified": False}
    )
    assert response.status_code == 403
    assert f"saves/{save_id}" in stored_keys(app_server)
    assert owner.request("DELETE", f"/api/saves/{save_id}").status_code == 204
    assert owner.get(f"/api/saves/{save_id}").status_code == 404
    assert sql("SELECT id FROM saves WHERE id = $1", save_id) == []
    assert f"saves/{save_id}" not in stored_keys(app_server)
    assert owner.request("DELETE", f"/api/saves/{save_id}").status_code == 404


def test_other_users_cannot_edit_or_delete(owner, stranger, make_save, new_browser):
    save_id = owner.upload(make_save()).json()["save_id"]
    assert (
        stranger.request(
            "PATCH", f"/api/saves/{save_id}", json={"filename": "mine now"}
        ).status_code
        == 403
    )
    assert stranger.request("DELETE", f"/api/saves/{save_id}").status_code == 403
    assert stranger.post(f"/saves/{save_id}/edit", data={"filename": "x"}).status_code == 403
    assert stranger.post(f"/saves/{save_id}/delete").status_code == 403
    anonymous = new_browser()
    assert anonymous.request("DELETE", f"/api/saves/{save_id}").status_code == 401
    assert owner.get(f"/api/saves/{save_id}").json()["filename"] == "save.eu4"
    # The edit controls are not even shown to others.
    assert 'id="edit-form"' not in stranger.get(f"/saves/{save_id}").text
    assert 'id="edit-form"' in owner.get(f"/saves/{save_id}").text


def test_admin_may_edit_any_save(owner, new_browser, unique, make_save, sql):
    save_id = owner.upload(make_save()).json()["save_id"]
    admin = new_browser()
    name = unique("admin")
    admin.register(name)
    assert admin.request("PATCH", f"/api/saves/{save_id}", json={"aar": "x"}).status_code == 403
    sql("UPDATE users SET admin = true WHERE username = $1", name)
    response = admin.request(
        "PATCH", f"/api/saves/{save_id}", json={"leaderboard_qualified": False}
    )
    assert response.status_code == 204
    assert owner.get(f"/api/saves/{save_id}").json()["leaderboard_qualified"] is False


def test_download_has_an_etag_and_answers_304(owner, make_save):
    data = make_save()
    save_id = owner.upload(data, name="téléchargé.eu4").json()["save_id"]
    response = owner.get(f"/api/saves/{save_id}/file")
    assert response.status_code == 200
    assert response.content == data
    etag = response.headers["etag"]
    assert etag == f'"{hashlib.sha256(data).hexdigest()}"'
    assert "attachment" in response.headers["content-disposition"]
    assert "UTF-8''t%C3%A9l%C3%A9charg%C3%A9.eu4" in response.headers["content-disposition"]
    cached = owner.get(f"/api/saves/{save_id}/file", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    stale = owner.get(f"/api/saves/{save_id}/file", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200
    assert owner.get("/api/saves/nosuchsave/file").status_code == 404


def test_listing_with_a_cursor(owner, make_save):
    made = [owner.upload(make_save()).json()["save_id"] for _ in range(5)]
    first = owner.get("/api/saves", params={"limit": 2}).json()
    assert [s["id"] for s in first["saves"]] == made[::-1][:2]
    second = owner.get("/api/saves", params={"limit": 2, "cursor": first["cursor"]}).json()
    assert [s["id"] for s in second["saves"]] == made[::-1][2:4]
    assert owner.get("/api/saves", params={"cursor": "%%%"}).status_code == 400
    assert owner.get("/api/saves", params={"limit": 0}).status_code == 400


def test_html_upload_form_without_javascript(owner, make_save):
    token = owner.csrf
    response = owner.post(
        "/saves",
        csrf=False,
        data={"_csrf_token": token, "filename": "form.eu4"},
        files={"file": ("f.eu4", make_save())},
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/saves/")
    page = owner.get(location)
    assert "form.eu4" in page.text
    assert "Uploaded." in page.text  # the flash message


def test_html_upload_with_htmx(owner, make_save):
    hx = {"HX-Request": "true"}
    response = owner.post("/saves", headers=hx, files={"file": ("h.eu4", make_save())})
    assert response.status_code == 200
    assert response.headers["hx-redirect"].startswith("/saves/")
    bad = owner.post("/saves", headers=hx, files={"file": ("h.eu4", b"\x00\x01 nonsense")})
    assert bad.status_code == 422
    doc = parse_html(bad.text)
    assert "html" not in doc.tags  # a fragment: the form with its error
    assert 'id="upload-form"' in bad.text and 'class="error"' in bad.text
    boosted = owner.post(
        "/saves",
        headers={**hx, "HX-Boosted": "true"},
        files={"file": ("h.eu4", b"\x00\x01 nonsense")},
    )
    assert boosted.status_code == 422
    assert "html" in parse_html(boosted.text).tags  # boosted: the whole page


def test_feed_pages_and_load_more_fragment(owner, make_save, app_server):
    for _ in range(3):
        owner.upload(make_save())
    home = owner.get("/")
    assert home.status_code == 200 and "Recent saves" in home.text
    feed = owner.get("/saves")
    assert feed.status_code == 200
    assert "html" in parse_html(feed.text).tags
    fragment = owner.get("/saves", headers={"HX-Request": "true"})
    assert "html" not in parse_html(fragment.text).tags
    assert "<tr>" in fragment.text
    assert fragment.headers["vary"] == "HX-Request"


def test_html_edit_and_delete(owner, make_save):
    save_id = owner.upload(make_save()).json()["save_id"]
    response = owner.post(f"/saves/{save_id}/edit", data={"filename": "edited.eu4", "aar": "Hi"})
    assert response.status_code == 303
    assert owner.get(f"/api/saves/{save_id}").json()["aar"] == "Hi"
    too_long = owner.post(f"/saves/{save_id}/edit", data={"filename": "x", "aar": "y" * 6000})
    assert too_long.status_code == 422
    response = owner.post(f"/saves/{save_id}/delete", headers={"HX-Request": "true"})
    assert response.headers["hx-redirect"] == "/"
    assert owner.get(f"/saves/{save_id}").status_code == 404


def test_openapi_document(owner):
    schema = owner.get("/api/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/saves",
        "/api/saves/{save_id}",
        "/api/saves/{save_id}/file",
        "/api/users/{user_id}",
        "/api/key",
        "/api/achievements",
        "/api/achievements/{achievement_id}",
    ):
        assert path in paths, path
    upload = paths["/api/saves"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "409" in upload["responses"]
