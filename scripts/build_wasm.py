#!/usr/bin/env python3
"""Build the browser's local-analysis bundle into app/static/wasm/ (scripts/setup runs it).

    .venv/bin/python scripts/build_wasm.py [--out DIR]

What the Web Worker (app/static/local/worker.js) loads, all served by the app itself
(no CDN):

- ``pyodide/<version>/``: the Pyodide runtime from the pinned npm package
  (node_modules/pyodide: the ``.mjs`` loaders, the ``.wasm`` and the standard library).
- ``py/*.whl``: archives unpacked into Pyodide's site-packages: the kernel's PURE wheel
  (build/wheels), msgspec's pyemscripten wheel (build/pyodide-wheels, the server's
  version), and ``python-libs`` with Jinja2 and MarkupSafe from .venv as pure Python
  (MarkupSafe without its C speedups: it falls back to its pure module, as in the tests).
- ``py/chronicle-web.*.zip``: unpacked into /chronicle (put on sys.path): the app modules
  the worker imports (app/local/worker.py and the stdlib/msgspec/Jinja2-only modules it
  uses) and templates/analysis/, laid out as in the checkout so ``app.analysis.render``
  finds its templates beside itself, with the same partials compiled to Python modules
  (``templates-compiled/``, loaded by ``jinja2.ModuleLoader``: the first render then does
  not parse and compile templates in Wasm).
- Every Python module of those archives, and Pyodide's standard library
  (``py/python_stdlib.*.zip``, in place of the npm package's source-only one), is
  byte-compiled at build time by Pyodide's own CPython (scripts/pyodide_compile.mjs, in
  Node): the browser then imports ``.pyc`` files instead of compiling the standard
  library, the kernel, msgspec and Jinja2 from source at every start (about half of the
  runtime's start). Compiled archives are kept under ``build/wasm-pyc/`` by the hash of
  their inputs, so a rebuild of unchanged inputs is byte-identical and runs no Node.
- ``manifest.json``: the files with their sha256 (the worker checks each archive), the
  Pyodide version and what the bundle was built from. The app puts the manifest's own
  hash in the page's URL for it (app/local_bundle.py), and every other name holds its
  content hash (or the Pyodide version), so all of it is cached for good and a new build
  is never mixed with an old one.

Idempotent: a file is written only when its content changed, and files of earlier builds
are removed. Build output: git-ignored, never committed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "app" / "static" / "wasm"
PYODIDE = ROOT / "node_modules" / "pyodide"
# The runtime files the worker needs (pyodide-lock.json: loadPyodide reads it at start);
# the standard library goes in byte-compiled (STDLIB, below).
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "pyodide-lock.json",
)
STDLIB = "python_stdlib.zip"
COMPILER = ROOT / "scripts" / "pyodide_compile.mjs"
PYC_CACHE = ROOT / "build" / "wasm-pyc"
# The app modules the worker imports, and the templates they render.
APP_MODULES = (
    "app/__init__.py",
    "app/analysis/__init__.py",
    "app/analysis/errors.py",
    "app/analysis/games.py",
    "app/analysis/countries.py",
    "app/analysis/geography.py",
    "app/analysis/melting.py",
    "app/analysis/names.py",
    "app/analysis/payload.py",
    "app/analysis/render.py",
    "app/analysis/tables.py",
    "app/analysis/view.py",
    "app/local/__init__.py",
    "app/local/worker.py",
)
TEMPLATES = "templates/analysis"
APP_PATH = "/chronicle"  # where the worker unpacks the app's archive (put on sys.path)
PURE_LIBS = ("jinja2", "markupsafe")
# Fixed timestamps: the same inputs give byte-identical archives (and hashes).
EPOCH = (1980, 1, 1, 0, 0, 0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hashed_name(stem: str, data: bytes, suffix: str) -> str:
    return f"{stem}.{sha256(data)[:16]}{suffix}"


def zip_files(files: list[tuple[str, bytes]]) -> bytes:
    """A deterministic zip of (archive name, bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(files):
            info = zipfile.ZipInfo(name, EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def package_files(name: str) -> list[tuple[str, bytes]]:
    """The pure-Python files of an installed distribution (no compiled extensions, no
    caches), with its dist-info (licence and metadata travel with the code)."""
    dist = metadata.distribution(name)
    out: list[tuple[str, bytes]] = []
    for entry in dist.files or ():
        path = Path(str(dist.locate_file(entry)))
        parts = entry.parts
        if (
            "__pycache__" in parts
            or entry.suffix in (".so", ".pyd", ".c", ".pyc")
            or entry.name in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
            or not path.is_file()
        ):
            continue
        out.append((entry.as_posix(), path.read_bytes()))
    if not out:
        raise SystemExit(f"build_wasm: {name} is not installed in this environment")
    return out


def compiled_templates() -> list[tuple[str, bytes]]:
    """The analysis partials as Python modules (app.analysis.render.compiled_partials), laid
    out where the bundle's app.analysis.render looks for them."""
    sys.path.insert(0, str(ROOT))  # the checkout's app, whether or not it is installed
    from app.analysis import render as analysis_render

    with tempfile.TemporaryDirectory() as tmp:
        modules = analysis_render.compiled_partials(Path(tmp), ROOT / "templates")
        folder = analysis_render.COMPILED.name
        return [(f"{folder}/{m.name}", m.read_bytes()) for m in modules]


def one(pattern: str, folder: Path) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise SystemExit(
            f"build_wasm: expected one {pattern} in {folder}, found {len(found)}: "
            "run scripts/setup first"
        )
    return found[0]


class Writer:
    """Writes files under ``out`` when their content changed; remembers what it wrote."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.kept: set[Path] = set()
        self.changed = 0

    def put(self, name: str, data: bytes) -> dict[str, object]:
        path = self.out / name
        self.kept.add(path)
        if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            self.changed += 1
        return {"url": name, "size": len(data), "sha256": sha256(data)}

    def prune(self) -> int:
        """Remove files of earlier builds; returns how many."""
        removed = 0
        for path in sorted(self.out.rglob("*"), reverse=True):
            if path.is_file() and path not in self.kept:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return removed


@dataclass(frozen=True)
class Archive:
    """An archive of Python for the bundle (served as ``py/<stem>.<hash><suffix>``), to be
    byte-compiled for where the worker puts it (``prefix``; ``layout``: see
    scripts/pyodide_compile.mjs)."""

    stem: str
    suffix: str
    data: bytes
    prefix: str
    layout: str

    def key(self, compiler: bytes, version: str) -> str:
        parts = (compiler, version.encode(), self.prefix.encode(), self.layout.encode(), self.data)
        return sha256(b"\0".join(sha256(part).encode() for part in parts))


def byte_compiled(archives: list[Archive], version: str) -> list[bytes]:
    """Each archive with its modules compiled by Pyodide's CPython (scripts/
    pyodide_compile.mjs), from build/wasm-pyc/ when the same inputs were compiled before."""
    compiler = COMPILER.read_bytes()
    PYC_CACHE.mkdir(parents=True, exist_ok=True)
    cached = [PYC_CACHE / f"{archive.key(compiler, version)}.zip" for archive in archives]
    todo = [(a, path) for a, path in zip(archives, cached, strict=True) if not path.is_file()]
    if todo:
        with tempfile.TemporaryDirectory(dir=PYC_CACHE) as tmp:
            jobs = []
            for n, (archive, path) in enumerate(todo):
                source = Path(tmp) / f"in{n}.zip"
                source.write_bytes(archive.data)
                out = Path(tmp) / f"out{n}.zip"
                job = {"input": str(source), "output": str(out), "cache": str(path)}
                jobs.append({**job, "prefix": archive.prefix, "layout": archive.layout})
            (Path(tmp) / "jobs.json").write_text(json.dumps(jobs))
            done = subprocess.run(
                ["node", str(COMPILER), str(Path(tmp) / "jobs.json")],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"build_wasm: byte-compiling failed:\n{done.stderr[-4000:]}")
            for job in jobs:
                Path(job["output"]).replace(job["cache"])  # whole files only, never a part
    for stale in set(PYC_CACHE.glob("*.zip")) - set(cached):
        stale.unlink()  # compiled from inputs this build no longer has
    return [path.read_bytes() for path in cached]


def build(out: Path) -> dict[str, object]:
    if not (PYODIDE / "package.json").is_file():
        raise SystemExit("build_wasm: node_modules/pyodide is missing: run scripts/setup first")
    writer = Writer(out)
    version = json.loads((PYODIDE / "package.json").read_text())["version"]
    runtime = {
        name: writer.put(f"pyodide/{version}/{name}", (PYODIDE / name).read_bytes())
        for name in PYODIDE_FILES
    }

    wheels = [
        one("chronicle_kernel-*-py3-none-any.whl", ROOT / "build" / "wheels"),
        one("msgspec-*-pyemscripten_*.whl", ROOT / "build" / "pyodide-wheels"),
    ]
    libs = zip_files([f for name in PURE_LIBS for f in package_files(name)])
    web_files = [(name, (ROOT / name).read_bytes()) for name in APP_MODULES]
    for path in sorted((ROOT / TEMPLATES).glob("*.jinja2")):
        web_files.append((path.relative_to(ROOT).as_posix(), path.read_bytes()))
    web_files += compiled_templates()
    archives = [
        # The standard library stays a zip (zipimport): module.pyc beside where module.py was.
        Archive(
            "python_stdlib", ".zip", (PYODIDE / STDLIB).read_bytes(), "{stdlib_zip}", "sourceless"
        ),
        # The rest is unpacked into the file system: sources kept, __pycache__ added.
        *(
            Archive(w.name.removesuffix(".whl"), ".whl", w.read_bytes(), "{purelib}", "pycache")
            for w in wheels
        ),
        Archive("python-libs", ".zip", libs, "{purelib}", "pycache"),
        Archive("chronicle-web", ".zip", zip_files(web_files), APP_PATH, "pycache"),
    ]
    stdlib_entry, *site_packages, app = [
        writer.put(f"py/{hashed_name(archive.stem, data, archive.suffix)}", data)
        for archive, data in zip(archives, byte_compiled(archives, version), strict=True)
    ]

    manifest = {
        "format": 2,
        "pyodide": {
            "version": version,
            "index": f"pyodide/{version}/",
            "files": runtime,
            "stdlib": stdlib_entry,
        },
        "site_packages": site_packages,
        "app": app,
        "app_path": APP_PATH,
        "built_from": {
            "pyodide": version,
            **{name: metadata.version(name) for name in ("msgspec", *PURE_LIBS)},
        },
    }
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    writer.put("manifest.json", data)
    removed = writer.prune()
    total = sum(p.stat().st_size for p in writer.kept)
    print(
        f"build_wasm: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
        f"{len(writer.kept)} files, {total / 1e6:.1f} MB ({writer.changed} written, "
        f"{removed} stale removed)"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output directory")
    parser.add_argument("--clean", action="store_true", help="remove the output first")
    args = parser.parse_args(argv)
    if args.clean:
        shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
