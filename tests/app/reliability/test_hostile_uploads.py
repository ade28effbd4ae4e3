"""Hostile files uploaded over HTTP (issue #8): each is refused with 422 and a message for
people (JSON under /api, the upload form's fragment for htmx), within the client's hang
guard; nothing is stored (no row, no object, no spooled temporary file) and the server
keeps serving.

The files are built here at test time (zip bombs with zlib: small on disk, huge inflated);
the kernel's own hostile-input tests (tests/kernel/test_hostile_cli.py) cover many more
shapes through the command line, these check the whole path: HTTP, the spool, the kernel
pool, the error mapping.
"""

from __future__ import annotations

import html
import random
import secrets
from collections.abc import Iterator

import pytest
from support.corpus import save_file
from support.saves import Member, MiB, build_zip, good_zip, zeros_deflated

from app.settings import KernelSettings

# What POST /saves (the upload form) accepts today: Litestar's default request body limit.
FORM_BODY_LIMIT = 10_000_000
CORPUS_ZIP = "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4"


# name -> (the file, words the refusal names)
HOSTILE = {
    # 4 GiB - 2 of zeros declared from 66 KB: refused from the zip directory, never inflated.
    "zip-bomb-ratio": (
        lambda: build_zip([Member("gamestate", zeros_deflated(64), size=0xFFFFFFFE)]),
        ("zip bomb",),
    ),
    # Declares 1000 bytes, inflates to 1 GiB: inflation stops at the declared size.
    "zip-bomb-lying-size": (
        lambda: build_zip([Member("gamestate", zeros_deflated(1024), size=1000)]),
        ("CRC-32 mismatch",),
    ),
    # Four members of 150 MiB each (150:1, under the ratio cap): past the 512 MiB budget.
    "zip-over-512-mib": (
        lambda: build_zip(
            [Member(f"m{i}", random.Random(i).randbytes(MiB), size=150 * MiB) for i in range(4)]
        ),
        ("decompressed bytes", "limit"),
    ),
    "zip-truncated": (lambda: good_zip()[: len(good_zip()) // 2], ("zip", "truncated")),
    "deep-braces": (lambda: b"{" * 100_000, ("nesting deeper than",)),
    "eu4-deep-braces": (lambda: b"EU4txt\na=" + b"{" * 100_000, ("nesting deeper than",)),
    "random-bytes": (lambda: random.Random(1).randbytes(MiB), ("unrecognised file",)),
    "eu4-header-then-garbage": (
        lambda: b"EU4txt\n" + random.Random(2).randbytes(100_000),
        ("at byte",),
    ),
    "empty": (lambda: b"", ("empty",)),
    # One 17 MiB token: past the kernel's 16 MiB token limit (under the upload limit).
    "huge-token": (lambda: b"EU4txt\na=" + b"x" * (17 * MiB), ("token longer than",)),
    # A binary save and no token table on this server.
    "binary-without-token-table": (
        lambda: b"EU4bin" + b"\x00\x20\x01\x00\x03\x00" * 10 + b"\x04\x00" * 10,
        ("This is an ironman (binary) save", "operator can enable", "non-ironman save"),
    ),
    "binary-header-then-garbage": (
        lambda: b"EU4bin" + random.Random(3).randbytes(100_000),
        ("token table",),
    ),
}


@pytest.fixture(scope="module")
def app_server(make_settings, serve_app) -> Iterator[object]:
    """The app with no EU4 token table at all (no TOKENS_DIR, no CHRONICLE_TOKENS_DIR in
    the environment its kernel workers are spawned with)."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("CHRONICLE_TOKENS_DIR", raising=False)
        with serve_app(make_settings(kernel=KernelSettings(workers=2))) as server:
            yield server


@pytest.fixture(scope="module")
def pool_pids(app_server, workers) -> set[int]:
    """The kernel workers' pids when the module starts."""
    return {p.pid for p in workers(2)}


@pytest.fixture(scope="module")
def user(app_server, browser_class, pool_pids) -> Iterator[object]:
    """A logged-in browser (session cookie + CSRF header: the upload form) that also has an
    API key (``api_upload``), for the module."""
    browser = browser_class(app_server.url)
    browser.register(f"hostile{secrets.token_hex(4)}")
    browser.api_auth = browser.api_key()
    yield browser
    browser.close()


def api_upload(user, name: str, data: bytes):
    """POST /api/saves with HTTP Basic (user id, API key), as scripts do."""
    user_id, key = user.api_auth
    return user.client.post(
        "/api/saves", files={"file": (name, data)}, auth=(str(user_id), key), timeout=60
    )


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_upload_is_refused_and_leaves_nothing(
    name, app_server, user, stored, save_count, readable, serving
):
    make, words = HOSTILE[name]
    data = make()
    store = stored(app_server)
    rows, objects = save_count(), store.objects()

    # The JSON API (HTTP Basic).
    response = api_upload(user, f"{name}.eu4", data)
    assert response.status_code == 422, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    readable(detail)
    for word in words:
        assert word in detail, detail

    # The upload form, as htmx posts it: the form fragment again, with the same message
    # (not for the 17 MiB file: the form's route refuses bodies past Litestar's default
    # 10 MB, see test_upload_form_takes_files_up_to_the_upload_limit).
    if len(data) < FORM_BODY_LIMIT:
        page = user.post(
            "/saves", headers={"HX-Request": "true"}, files={"file": (f"{name}.eu4", data)}
        )
        assert page.status_code == 422, page.text[:500]
        assert page.headers["content-type"].startswith("text/html")
        assert detail in html.unescape(page.text)
        assert "Traceback" not in page.text and "Internal Server Error" not in page.text

    # Nothing stored, nothing left behind, and the server still serves.
    assert save_count() == rows
    assert store.objects() == objects
    assert store.temp_files() == []
    serving(app_server.url)


def test_truncated_corpus_zip_is_refused(app_server, user, stored, save_count, readable, serving):
    path = save_file(CORPUS_ZIP)
    data = path.read_bytes()[:1_000_000]  # a real zip cut short: no central directory
    store = stored(app_server)
    rows, objects = save_count(), store.objects()
    response = api_upload(user, "cut.eu4", data)
    assert response.status_code == 422, response.text[:500]
    readable(response.json()["detail"])
    assert "zip" in response.json()["detail"]
    assert save_count() == rows
    assert store.objects() == objects
    assert store.temp_files() == []
    serving(app_server.url)


def test_a_good_save_still_goes_in_after_the_hostile_ones(
    app_server, user, make_save, stored, save_count, workers, pool_pids
):
    """The kernel pool survived everything above: the same workers (none was lost to a
    hostile file, none had to be replaced), and they still parse."""
    assert {p.pid for p in workers(2)} == pool_pids
    store = stored(app_server)
    rows = save_count()
    response = api_upload(user, "fine.eu4", make_save())
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    assert save_count() == rows + 1
    assert save_id in store.objects()
    assert store.temp_files() == []


def test_upload_form_takes_files_up_to_the_upload_limit(app_server, user, make_save):
    """A valid 12 MB text save (under MAX_UPLOAD_BYTES, 64 MiB) through the upload form."""
    line = b"# " + b"x" * 1021 + b"\n"
    data = make_save() + line * (12 * 1024)
    assert FORM_BODY_LIMIT < len(data) < app_server.settings.limits.max_upload_bytes
    page = user.post("/saves", headers={"HX-Request": "true"}, files={"file": ("big.eu4", data)})
    assert page.status_code == 200, (page.status_code, page.text[:300])
    assert page.headers["hx-redirect"].startswith("/saves/")
