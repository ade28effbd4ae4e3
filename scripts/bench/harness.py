"""What the benchmarks and measurements of scripts/bench/ share, written once.

- the app: start it as a subprocess on loopback (:func:`start_app`), make a user with an
  API key (:func:`api_key`), upload a save (:func:`upload`), build distinct copies of a
  large save (:func:`variants`) and upload them in background threads (:class:`Uploaders`);
- Chromium: Debian's chromium through Playwright, launched the same way by the browser
  tests (tests/app/browser/conftest.py imports :data:`CHROMIUM` and
  :data:`CHROMIUM_FLAGS`) and by bench_browser.py (:func:`launch_chromium`);
- timing and statistics: :func:`best`, :func:`median`, :func:`percentile`, :func:`ms`,
  :func:`best_of`;
- running things: :func:`run_json` (a command that prints JSON), :func:`python_version`,
  :func:`scratch_dir`;
- docs/benchmarks.md: :func:`write_section` replaces the text between a section's
  ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->`` markers.

The scripts run as files (``.venv/bin/python scripts/bench/bench_app.py``: their folder
is then first on ``sys.path``, so they import this module as ``harness``); the tests
import it from the repository root as ``scripts.bench.harness``. Standard library, plus
httpx and Playwright where a function needs them.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
BENCH = SCRIPTS / "bench"
SAVES = ROOT.parent / "shared" / "corpus" / "saves"
CORPUS = SAVES / "eu4"
LARGE = CORPUS / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
SMALL = CORPUS / "jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt"
DOC = ROOT / "docs" / "benchmarks.md"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
HOST = "127.0.0.1"
# Debian's chromium as the browser tests and bench_browser.py launch it (Playwright, no
# browser download). Without the background-network flags Chromium keeps trying to reach
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


# --- timing and statistics ------------------------------------------------------------


def best(times: Iterable[float]) -> float:
    """The fastest of several runs (what a benchmark of the same work repeated keeps)."""
    return min(float(t) for t in times)


def median(times: Iterable[float]) -> float:
    return statistics.median(float(t) for t in times)


def percentile(values: list[float], fraction: float) -> float:
    """The value at ``fraction`` (0..1) of ``values`` sorted (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(values: list[float], fraction: float) -> str:
    """The percentile of ``values`` (seconds) in milliseconds, or "" if there are none."""
    return f"{percentile(values, fraction) * 1000:,.1f}" if values else ""


def best_of(times: list[float], unit: str = " s") -> str:
    """``12.3 s``, or ``12.3 s (best of 3)`` when there were several runs."""
    text = f"{best(times):.1f}{unit}"
    return text if len(times) == 1 else f"{text} (best of {len(times)})"


# --- running things --------------------------------------------------------------------


def run_json(command: list[str]) -> dict[str, Any]:
    """Run ``command`` in the repository root; the JSON object its last line prints."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def python_version(python: Path | str) -> str:
    """``3.x.y`` of the interpreter at ``python``."""
    return subprocess.run(
        [str(python), "-c", "import sys; print(sys.version.split()[0])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@contextlib.contextmanager
def scratch_dir(prefix: str, keep: bool = False) -> Iterator[Path]:
    """A new temporary directory, removed afterwards unless ``keep`` (then it is named)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    finally:
        if keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# --- docs/benchmarks.md -----------------------------------------------------------------


def write_section(name: str, text: str, heading: str, intro: str = "", doc: Path = DOC) -> None:
    """Replace what is between ``<!-- name:begin -->`` and ``<!-- name:end -->`` in
    ``doc`` with ``text``. When the markers are not there yet, a new section is added at
    the end: ``## heading``, ``intro`` (if any), then the markers around ``text``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    content = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if begin not in content or end not in content:
        intro = f"{intro.strip()}\n\n" if intro.strip() else ""
        content = content.rstrip("\n") + f"\n\n## {heading}\n\n{intro}{begin}\n{end}\n"
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{begin}\n{text}\n{end}{tail}")
    log(f"wrote {doc.relative_to(ROOT) if doc.is_relative_to(ROOT) else doc}")


# --- Chromium ----------------------------------------------------------------------------


def launch_chromium(
    playwright: Any, user_data_dir: Path | None = None, executable: str = CHROMIUM, **options: Any
) -> Any:
    """Debian's chromium, headless, with :data:`CHROMIUM_FLAGS`: a Browser, or with
    ``user_data_dir`` a persistent BrowserContext (a browser profile on disk: HTTP cache
    and V8's code cache). ``options`` go to Playwright (``base_url=``, ...)."""
    chromium = playwright.chromium
    common = {"executable_path": executable, "args": list(CHROMIUM_FLAGS), "headless": True}
    if user_data_dir is None:
        return chromium.launch(**common, **options)
    return chromium.launch_persistent_context(str(user_data_dir), **common, **options)


# --- the app -----------------------------------------------------------------------------


@dataclass
class App:
    process: subprocess.Popen[str]
    url: str
    env: dict[str, str]
    output: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

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


def upload(app: App, auth: tuple[str, str], path: Path) -> str:
    """Upload the save at ``path`` through the API; its save id (the stored one's if the
    database had it already: a 409 names it)."""
    with httpx.Client(base_url=app.url, timeout=600, auth=auth) as http:
        response = http.post("/api/saves", files={"file": (path.name, path.read_bytes())})
        if response.status_code != 409:
            response.raise_for_status()
        save_id: str = response.json()["save_id"]
        return save_id


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
        self.clients = clients
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
