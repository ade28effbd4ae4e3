"""A kernel worker killed while an upload waits on it (issue #8): the request gets a
readable refusal, nothing is stored, the pool is replaced by new workers, and the very
same file then goes in (it was the process that died, not the file that was bad)."""

from __future__ import annotations

import contextlib
import io
import secrets
import threading
import time
import zipfile

from support.corpus import save_file

from app.settings import KernelSettings

# 1 MB zip, 17.5 MB gamestate: the largest parse of the corpus.
BIG = "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
TIMEOUT = 60


def unique_copy(data: bytes) -> bytes:
    """The zip again, with a comment line added to its meta entry: a save no other test
    of the session uploaded (so it is never a duplicate), parsed the same way."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "meta":
                body += b"\n# reliability " + secrets.token_hex(8).encode() + b"\n"
            copy.writestr(info.filename, body)
    return out.getvalue()


def spooled_sizes(spool) -> set[int]:
    """Sizes of the app's spooled uploads (``<var>/tmp/upload-*``)."""
    sizes = set()
    for path in spool.glob("upload-*"):
        with contextlib.suppress(FileNotFoundError):  # a spool file can go at any time
            sizes.add(path.stat().st_size)
    return sizes


def test_workers_killed_mid_parse(
    make_settings, serve_app, api_user, workers, stored, save_count, readable, serving
):
    path = save_file(f"eu4/{BIG}")
    data = unique_copy(path.read_bytes())
    with serve_app(make_settings(kernel=KernelSettings(workers=2))) as server:
        user = api_user(server)
        store = stored(server)
        rows, objects = save_count(), store.objects()
        old = workers(2)

        # Freeze the workers (SIGSTOP) so that the parse cannot finish before they die:
        # the upload is spooled, handed to the pool, and waits on a worker that is then
        # SIGKILLed. That is the OOM killer's or a segfault's shape, deterministically.
        for process in old:
            process.suspend()
        outcome: list[object] = []
        upload = threading.Thread(target=lambda: outcome.append(user.upload(data, "big.eu4")))
        try:
            upload.start()
            deadline = time.monotonic() + TIMEOUT
            spool = store.var / "tmp"
            # The request is past the spool (the whole file is in <var>/tmp) and on its
            # way to the kernel pool; it cannot answer while the workers are stopped.
            while len(data) not in spooled_sizes(spool):
                assert time.monotonic() < deadline, "the upload never reached the spool"
                assert upload.is_alive()
                time.sleep(0.01)
            time.sleep(0.2)  # let the job reach the pool's queue (either way it must fail)
            assert upload.is_alive() and not outcome
        finally:
            for process in old:
                process.kill()  # SIGKILL works on stopped processes
        upload.join(TIMEOUT)
        assert not upload.is_alive(), "the request hangs after its worker died"

        (response,) = outcome
        assert response.status_code == 422, (response.status_code, response.text[:500])
        detail = response.json()["detail"]
        readable(detail)
        assert "parser process died" in detail, detail

        # Nothing stored, no spooled file left; the pool has new workers.
        assert save_count() == rows
        assert store.objects() == objects
        assert store.temp_files() == []
        new = workers(2, exclude=frozenset(p.pid for p in old))
        assert all(p.is_running() for p in new)
        serving(server.url)

        # The same file now goes in: one row, one object.
        response = user.upload(data, "big.eu4")
        assert response.status_code == 201, response.text[:500]
        save_id = response.json()["save_id"]
        assert save_count() == rows + 1
        assert store.objects() == objects | {save_id}
        assert store.temp_files() == []
