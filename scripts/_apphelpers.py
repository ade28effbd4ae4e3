"""What the web-app benchmarks share (scripts/bench_app.py, scripts/load_app.py,
scripts/bench_browser.py): start the app as a subprocess on loopback, make a user with an
API key, build distinct copies of a large save, upload them in background threads, launch
Chromium the same way as the browser tests (tests/app/browser/conftest.py loads this
module for that), and replace a marked section of docs/benchmarks.md. Standard library and
httpx only."""

from __future__ import annotations

import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saves" / "eu4"
LARGE = CORPUS / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
SMALL = CORPUS / "jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt"
DOC = ROOT / "docs" / "benchmarks.md"
HOST = "127.0.0.1"
# Debian's chromium as the browser tests and scripts/bench_browser.py launch it (Playwright,
# no browser download). Without the background-network flags Chromium keeps trying to reach
# Google's services, which this closed network refuses.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- the app --------------------------------------------------------------------------


@dataclass
class App:
    process: subprocess.Popen[str]
    url: str
    env: dict[str, str]
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def start_app(var_dir: Path, workers: int, database_url: str | None, cache_mb: int) -> App:
    """``python -m app serve --migrate`` on a free loopback port with a private VAR_DIR
    (embedded PostgreSQL unless ``database_url``; local storage), once it answers ``/``."""
    port = free_port()
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "APP_HOST": HOST,
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "KERNEL_WORKERS": str(workers),
        "LOGIN_RATE_PER_MINUTE": "100000",
        "UPLOAD_RATE_PER_MINUTE": "100000",
        "STORAGE_URL": "",
        "DATABASE_URL": database_url or "",
        "ANALYSIS_CACHE_MB": str(cache_mb),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--migrate", "--host", HOST, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = App(process=process, url=f"http://{HOST}:{port}", env=env)
    assert process.stdout is not None
    stdout = process.stdout

    def drain() -> None:
        for line in stdout:
            app.output.append(line)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the app exited:\n" + "".join(app.output))
        try:
            if httpx.get(app.url + "/", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    else:
        app.stop()
        raise SystemExit("the app did not start:\n" + "".join(app.output))
    if not database_url:
        # Commands join the embedded server the app started (same VAR_DIR).
        app.env = {**env, "DATABASE_URL": ""}
    return app


def api_key(app: App) -> tuple[str, str]:
    """(user id, API key) of a new user, made with the app's own commands."""
    name = "bench" + secrets.token_hex(3)
    subprocess.run(
        [sys.executable, "-m", "app", "createuser", name, "--password-stdin"],
        cwd=ROOT,
        env=app.env,
        input=secrets.token_urlsafe(16) + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [sys.executable, "-m", "app", "apikey", name],
        cwd=ROOT,
        env=app.env,
        text=True,
        check=True,
        capture_output=True,
    )
    user_id, key = done.stdout.split()
    return user_id, key


def variants(path: Path, count: int) -> list[bytes]:
    """``count`` distinct copies of a zipped save: a comment line added to its meta entry
    (the content hash differs, the work of parsing does not)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    out = []
    for n in range(count):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, data in entries:
                if name == "meta":
                    data = data + f"\n# bench copy {n} {secrets.token_hex(4)}\n".encode()
                archive.writestr(name, data)
        out.append(buffer.getvalue())
    return out


class Uploaders:
    """Threads uploading distinct large saves back to back until stopped (or out of copies)."""

    def __init__(self, url: str, auth: tuple[str, str], copies: list[bytes], clients: int):
        self.url = url
        self.auth = auth
        self.copies = list(copies)
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.times: list[float] = []
        self.statuses: list[int] = []
        self.threads = [threading.Thread(target=self._run) for _ in range(clients)]
        self.running = clients
        # perf_counter() when the last thread ran out of copies before ``stop`` (if it did)
        self.dry_at: float | None = None

    def _next(self) -> bytes | None:
        with self.lock:
            return self.copies.pop() if self.copies else None

    def _run(self) -> None:
        try:
            with httpx.Client(base_url=self.url, timeout=600, auth=self.auth) as http:
                while not self.stop_event.is_set():
                    data = self._next()
                    if data is None:
                        return
                    started = time.perf_counter()
                    response = http.post("/api/saves", files={"file": ("large.eu4", data)})
                    with self.lock:
                        self.times.append(time.perf_counter() - started)
                        self.statuses.append(response.status_code)
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0 and not self.stop_event.is_set():
                    self.dry_at = time.perf_counter()

    def __enter__(self) -> Uploaders:
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # let the first uploads reach the parser
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join()


def write_section(begin: str, end: str, heading: str, text: str, doc: Path = DOC) -> None:
    """Replace what is between the ``begin`` and ``end`` markers of ``doc`` with ``text``
    (a new ``## heading`` section at the end when the markers are not there yet)."""
    content = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if begin not in content:
        content = content.rstrip("\n") + f"\n\n## {heading}\n\n{begin}\n{end}\n"
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{begin}\n{text}\n{end}{tail}")
