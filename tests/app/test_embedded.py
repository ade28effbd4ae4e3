"""With no DATABASE_URL, `python -m app serve` runs on an embedded PostgreSQL (pgserver)
under VAR_DIR, with the same migrations: the path the README's one command takes."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_on_the_embedded_database(tmp_path, client_for, unique, make_save):
    var = tmp_path / "var"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "STORAGE_URL", "REDIS_URL")
    }
    env.update(VAR_DIR=str(var), KERNEL_WORKERS="1", LOG_LEVEL="warning")
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--migrate", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    output = []
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        while line and "Chronicle: http" not in line:
            output.append(line)
            line = process.stdout.readline()
        match = re.search(r"http://[\d.]+:(\d+)/", line)
        assert match, "".join(output)
        assert int(match.group(1)) == port
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.3)
        client = client_for(url)
        client.register(unique("embedded"))
        response = client.upload(make_save())
        assert response.status_code == 201, response.text
        assert client.get(f"/saves/{response.json()['save_id']}").status_code == 200
        assert (var / "pgdata" / "PG_VERSION").is_file()
        assert (var / "secret_key").is_file()
        assert list((var / "storage" / "saves").iterdir())
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
