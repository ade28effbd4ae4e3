"""Request text that is not UTF-8 (issue 20, point 2), over HTTP: every form and API endpoint
answers 400 with a readable message (JSON under /api, the error fragment to htmx, the
error page otherwise) and logs one line without a traceback; nothing is stored or changed.

The bodies are written byte by byte here, multipart and URL-encoded, with a valid CSRF
token (in the header as htmx sends it, or in the form as a plain HTML form does) so that
each request gets past the CSRF check to the decoding of its form.
"""

from __future__ import annotations

import logging
from urllib.parse import quote_from_bytes

import httpx
import pytest
from support.http import BOUNDARY

from app.web.decoding import NOT_UTF8

BAD = b"caf\xe9 \xff"  # Latin-1 "café", then a byte that is never UTF-8
HTMX = {"HX-Request": "true"}


def multipart(fields, *, file=None, charset=None):
    """A multipart body of text ``fields`` (name -> bytes), the text parts declaring
    ``charset`` if given, and a file part ``file`` ((filename, bytes)) if given."""
    body = b""
    for name, value in fields.items():
        body += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n'.encode()
        if charset:
            body += f"Content-Type: text/plain; charset={charset}\r\n".encode()
        body += b"\r\n" + value + b"\r\n"
    if file is not None:
        filename, content = file
        body += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    return body + f"--{BOUNDARY}--\r\n".encode()


def urlencoded(fields, *, escaped):
    """An URL-encoded body: the values' bytes raw (as curl -d sends them) or %-escaped."""
    return b"&".join(
        name.encode() + b"=" + (quote_from_bytes(value).encode() if escaped else value)
        for name, value in fields.items()
    )


# How a form travels: its encoding and where the CSRF token goes.
MULTIPART_FORMS = ("multipart", "multipart, token in the form", "multipart, unknown charset")
URLENCODED_FORMS = ("urlencoded raw", "urlencoded escaped", "urlencoded, token in the form")


def send(browser, path, fields, how, *, file=None, headers=None):
    """POST ``fields`` (bytes values; with ``file`` for multipart) to ``path`` as ``how``."""
    in_form = "token in the form" in how
    if in_form:
        fields = {"_csrf_token": browser.csrf.encode(), **fields}
    if how.startswith("multipart"):
        charset = "x-no-such-charset" if "charset" in how else None
        body = multipart(fields, file=file, charset=charset)
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body = urlencoded(fields, escaped="escaped" in how)
        content_type = "application/x-www-form-urlencoded"
    return browser.post(
        path,
        content=body,
        csrf=not in_form,
        headers={"content-type": content_type, **(headers or {})},
    )


@pytest.fixture
def member(new_browser, unique):
    """A signed-in Browser of ``app_server``; its username is ``.name``."""
    browser = new_browser()
    browser.name = unique("enc")
    browser.register(browser.name)
    return browser


@pytest.fixture
def saved(member, make_save):
    """``member``'s save (id), with an AAR."""
    response = member.upload(make_save(), name="kept.eu4", aar="As it was")
    assert response.status_code == 201, response.text
    return response.json()["save_id"]


@pytest.fixture
def logged(caplog):
    """``logged()``: the app's and its server's log records since the last call."""
    caplog.set_level(logging.INFO)

    def records():
        ours = ("app", "litestar", "uvicorn")
        found = [r for r in caplog.records if r.name.split(".")[0] in ours]
        caplog.clear()
        return found

    return records


def assert_refused(response, logged, *, api=False, fragment=False):
    """400 with the readable message, shaped like the neighbouring errors; one log line."""
    assert response.status_code == 400, response.text
    if api:
        assert response.json() == {"status_code": 400, "detail": NOT_UTF8}
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert NOT_UTF8 in response.text
        assert ("<html" in response.text) is not fragment, response.text
    records = logged()
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None and "\n" not in records[0].getMessage()


def row_of(sql, save_id):
    return sql("SELECT filename, aar, leaderboard_qualified FROM saves WHERE id = $1", save_id)[0]


def saves_of(sql, username):
    return sql(
        "SELECT count(*) AS n FROM saves s JOIN users u ON u.id = s.user_id WHERE u.username = $1",
        username,
    )[0]["n"]


# --- anonymous forms --------------------------------------------------------------------


@pytest.mark.parametrize("how", MULTIPART_FORMS + URLENCODED_FORMS)
def test_login(how, browser, member, logged):
    fields = {"username": member.name.encode() + BAD, "password": b"correct horse battery"}
    assert_refused(send(browser, "/login", fields, how), logged)
    assert_refused(send(browser, "/login", fields, how, headers=HTMX), logged, fragment=True)
    assert browser.get("/account").status_code == 303  # not signed in


@pytest.mark.parametrize("how", MULTIPART_FORMS + URLENCODED_FORMS)
def test_register(how, browser, unique, sql, logged):
    name = unique("enc")
    for field in ("username", "password", "display_name"):
        fields = {
            "username": name.encode(),
            "password": b"correct horse battery",
            "password_again": b"correct horse battery",
            "display_name": b"Someone",
        }
        fields[field] += BAD
        if field == "password":
            fields["password_again"] += BAD
        assert_refused(send(browser, "/register", fields, how), logged)
    assert sql("SELECT count(*) AS n FROM users WHERE username = $1", name)[0]["n"] == 0
    assert browser.get("/account").status_code == 303


# --- signed-in forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "how", ["multipart, token in the form", "urlencoded raw", "urlencoded, token in the form"]
)
def test_logout(how, member, logged):
    # Log-out reads no field of its own: a plain form's token is what gets decoded (and,
    # URL-encoded, the body is decoded whatever the route reads).
    assert_refused(send(member, "/logout", {"next": BAD}, how), logged)
    assert member.get("/account").status_code == 200  # still signed in


@pytest.mark.parametrize("how", MULTIPART_FORMS[:2])
def test_upload_form(how, member, make_save, sql, logged):
    save = ("new.eu4", make_save())
    for field in ("aar", "filename"):
        response = send(member, "/saves", {field: BAD}, how, file=save)
        assert_refused(response, logged)
        response = send(member, "/saves", {field: BAD}, how, file=save, headers=HTMX)
        assert_refused(response, logged, fragment=True)
    assert saves_of(sql, member.name) == 0


@pytest.mark.parametrize("how", MULTIPART_FORMS)
def test_upload_api_with_a_session(how, member, make_save, sql, logged):
    response = send(member, "/api/saves", {"aar": BAD}, how, file=("new.eu4", make_save()))
    assert_refused(response, logged, api=True)
    assert saves_of(sql, member.name) == 0


def test_upload_api_with_an_api_key(member, make_save, sql, logged):
    user_id, key = member.api_key()
    response = httpx.post(
        member.base + "/api/saves",
        content=multipart({"aar": BAD}, file=("new.eu4", make_save())),
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        auth=(str(user_id), key),
        timeout=60,
    )
    assert_refused(response, logged, api=True)
    assert saves_of(sql, member.name) == 0


@pytest.mark.parametrize("how", (*URLENCODED_FORMS, "multipart, token in the form"))
def test_edit_form(how, member, saved, sql, logged):
    before = row_of(sql, saved)
    for field in ("aar", "filename"):
        fields = {"filename": b"renamed.eu4", "aar": b"Changed"}
        fields[field] += BAD
        assert_refused(send(member, f"/saves/{saved}/edit", fields, how), logged)
        response = send(member, f"/saves/{saved}/edit", fields, how, headers=HTMX)
        assert_refused(response, logged, fragment=True)
    assert row_of(sql, saved) == before


@pytest.mark.parametrize("how", ["urlencoded escaped", "multipart, token in the form"])
def test_forms_without_fields_of_their_own(how, member, saved, sql, logged):
    """Delete and the API key: their only field is a plain form's CSRF token."""
    assert_refused(send(member, f"/saves/{saved}/delete", {"x": BAD}, how), logged)
    assert row_of(sql, saved)
    assert_refused(send(member, "/account/api-key", {"x": BAD}, how), logged)
    digest = sql("SELECT api_key_digest FROM users WHERE username = $1", member.name)
    assert digest == [{"api_key_digest": None}]  # no key made


@pytest.mark.parametrize("how", ["urlencoded raw", "urlencoded, token in the form"])
def test_admin_forms(how, member, saved, admin, sql, logged):
    before = row_of(sql, saved)
    fields = {"qualified": b"no" + BAD}
    assert_refused(send(admin, f"/saves/{saved}/leaderboard", fields, how), logged)
    assert_refused(send(admin, f"/saves/{saved}/reprocess", fields, how), logged)
    assert row_of(sql, saved) == before


def test_raw_utf8_in_an_urlencoded_form_is_read_as_utf8(member, saved, sql):
    """curl -d sends non-ASCII raw: it is UTF-8, not Latin-1 (no mojibake stored)."""
    fields = {"filename": "Česko.eu4".encode(), "aar": "Ålborg, 1444 … 1821".encode()}
    response = send(member, f"/saves/{saved}/edit", fields, "urlencoded raw")
    assert response.status_code == 303, response.text
    row = row_of(sql, saved)
    assert (row["filename"], row["aar"]) == ("Česko.eu4", "Ålborg, 1444 … 1821")


def test_api_json_that_is_not_utf8(member, saved, sql, logged):
    """The API's JSON body (msgspec's decoder refuses the bytes with the same error)."""
    before = row_of(sql, saved)
    response = member.request(
        "PATCH",
        f"/api/saves/{saved}",
        content=b'{"aar": "' + BAD + b'"}',
        headers={"content-type": "application/json"},
    )
    assert_refused(response, logged, api=True)
    assert row_of(sql, saved) == before


@pytest.mark.parametrize("how", ["multipart", "multipart, token in the form"])
def test_a_multipart_form_is_read_wherever_the_token_is(how, new_browser, member):
    """A UTF-8 multipart form to a URL-encoded route: read as multipart either way (Litestar
    alone read it as URL-encoded when the token came in the header), a file part let go."""
    browser = new_browser()
    fields = {"username": member.name.encode(), "password": b"correct horse battery"}
    response = send(browser, "/login", fields, how, file=("stray.bin", b"x" * 2_000_000))
    assert response.status_code == 303, response.text
    assert browser.get("/account").status_code == 200
