#!/usr/bin/env python3
"""How much the deployable app weighs: what the Docker image's runtime stage installs.

Builds the app's wheel (non-editable: app/, templates/, migrations/, app/static/ with the
vendored htmx and the browser bundle app/static/wasm/; scripts/hatch_build.py, with
CHRONICLE_REQUIRE_BUNDLE=1 as in the Dockerfile), creates a fresh virtual environment
without pip, installs into it the run-time dependencies at their pins
(requirements-app.txt, msgspec from requirements-test.txt), the compiled kernel wheel
(build/wheels/, made by scripts/setup) and the app, checks that the result works (compiled
kernel, templates, migrations, htmx, the bundle's manifest and every file it names), and
prints the installed size: the total and the biggest distributions. Build tools (pip,
setuptools, wheel) are not installed and not counted; neither is the Debian base image.
The interpreter's standard library is shown apart.

    .venv/bin/python scripts/bench/measure_footprint.py [--write] [--keep]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

``--write`` records the figures in docs/benchmarks.md between
``<!-- footprint:begin -->`` and ``<!-- footprint:end -->`` (the section is added at the
end the first time), beside the figures the product was judged by: pdx.tools ships a
15 MB image (a static Rust binary) against a 500 MB one for a Next.js app.

Not a test: it needs ./scripts/setup to have run, and PyPI (or pip's cache).
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from harness import ROOT, log, python_version, scratch_dir, write_section

SECTION = "footprint"
BUILD_TOOLS = frozenset({"pip", "setuptools", "wheel"})
BUNDLE = ("app", "static", "wasm")  # where the installed app keeps the browser bundle
MB = 1_000_000  # decimal megabytes, as docker reports image sizes
TOP = 12


def run(*command: str | Path, **kwargs: object) -> None:
    log("$ " + " ".join(str(c) for c in command))
    subprocess.run([str(c) for c in command], check=True, **kwargs)  # type: ignore[call-overload]


def size_of(paths: Iterable[Path]) -> tuple[int, int]:
    """(bytes, files) of the regular files among ``paths`` (apparent sizes)."""
    total = files = 0
    for path in paths:
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def tree(path: Path) -> Iterable[Path]:
    return (p for p in path.rglob("*") if p.is_file())


def mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


@dataclass
class Dist:
    name: str
    version: str
    size: int
    files: int


@dataclass
class Footprint:
    total: int
    files: int
    bytecode: int
    dists: list[Dist]
    unowned: int
    static: int
    pyodide: int
    interpreter: int
    kernel_wheel: str
    python: str


def compiled_kernel_wheel() -> Path:
    found = glob.glob(str(ROOT / "build" / "wheels" / "chronicle_kernel-*-cp3*-*.whl"))
    if len(found) != 1:
        raise SystemExit(f"expected one compiled kernel wheel in build/wheels/, got {found}")
    return Path(found[0])


def pin(name: str, requirements: Path) -> str:
    for line in requirements.read_text().splitlines():
        if line.startswith(f"{name}=="):
            return line.split()[0]
    raise SystemExit(f"no {name}== pin in {requirements}")


def install(work: Path) -> tuple[Path, Path]:
    """The fresh environment: (its python, its site-packages)."""
    wheels = work / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        wheels,
        ROOT,
        env={**os.environ, "CHRONICLE_REQUIRE_BUNDLE": "1"},
    )
    (app_wheel,) = wheels.glob("chronicle-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
        ROOT / "requirements-app.txt",
        pin("msgspec", ROOT / "requirements-test.txt"),
        compiled_kernel_wheel(),
        app_wheel,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    return python, site


SMOKE = """
import pathlib, sys
import kernel
import app.core, app.local.assets, app.web.templating, app.saves.piccolo_app
assert kernel.COMPILED, "the kernel is not the compiled build"
assert app.web.templating.TEMPLATES.joinpath("base.html.jinja2").is_file(), "templates"
migrations = pathlib.Path(app.saves.piccolo_app.APP_CONFIG.migrations_folder_path)
assert any(migrations.glob("*.py")), "migrations"
static = app.local.assets.STATIC_DIR
assert static.joinpath("vendor", "htmx.min.js").is_file(), "htmx"
assert static.joinpath("vendor", "webm-muxer.mjs").is_file(), "webm-muxer"
assert static.joinpath("vendor", "swagger-ui-bundle.js").is_file(), "swagger-ui"
assert "site-packages" in app.core.__file__, app.core.__file__
import json
bundle = static / app.local.assets.BUNDLE
manifest = json.loads(bundle.joinpath("manifest.json").read_text())
runtime = manifest["pyodide"]
named = [*runtime["files"].values(), runtime["stdlib"], *manifest["site_packages"], manifest["app"]]
missing = [entry["url"] for entry in named if not bundle.joinpath(entry["url"]).is_file()]
assert not missing, f"the bundle lacks {missing}"
"""


def smoke(python: Path, work: Path) -> None:
    """The installed app imports from the environment (not the checkout) and finds its
    files; no byte code is written (it would change the size)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run(python, "-I", "-c", SMOKE, cwd=work, env=env)


def interpreter_size() -> int:
    """This machine's CPython as the official python:*-slim images ship it: the standard
    library without tests, byte code or the static libpython (their Dockerfile deletes
    those), plus the interpreter and its shared library."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "test", "idlelib", "turtledemo"}
    total = 0
    for path in tree(stdlib):
        parts = path.relative_to(stdlib).parts
        if parts[0] in skip or {"tests", "test", "idle_test"} & set(parts):
            continue
        if path.suffix in (".pyc", ".pyo", ".a"):
            continue
        total += path.stat().st_size
    libdir = Path(sysconfig.get_config_var("LIBDIR") or "")
    for name in (sysconfig.get_config_var("LDLIBRARY"), sysconfig.get_config_var("INSTSONAME")):
        if name and (libdir / name).is_file() and not (libdir / name).is_symlink():
            total += (libdir / name).stat().st_size
    executable = Path(sys.executable).resolve()
    if executable.is_file():
        total += executable.stat().st_size
    return total


def measure(site: Path, python: Path) -> Footprint:
    dists: list[Dist] = []
    for dist in metadata.distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if name.lower() in BUILD_TOOLS:
            raise SystemExit(f"a build tool was installed: {name}")
        paths = {Path(str(dist.locate_file(f))) for f in dist.files or ()}
        size, files = size_of(paths)
        dists.append(Dist(name, dist.version, size, files))
    dists.sort(key=lambda d: d.size, reverse=True)
    venv = python.parent.parent
    everything = list(tree(venv))  # bin/ scripts, pyvenv.cfg and site-packages
    total, files = size_of(everything)
    unowned = total - sum(d.size for d in dists)
    bytecode = sum(p.stat().st_size for p in everything if p.suffix == ".pyc")
    static = size_of(tree(site / "app" / "static"))[0]
    pyodide = size_of(tree(site.joinpath(*BUNDLE)))[0]
    kernel = next(d for d in dists if d.name == "chronicle-kernel")
    return Footprint(
        total=total,
        files=files,
        bytecode=bytecode,
        dists=dists,
        unowned=unowned,
        static=static,
        pyodide=pyodide,
        interpreter=interpreter_size(),
        kernel_wheel=f"chronicle-kernel {kernel.version} (mypyc), {mb(kernel.size)}",
        python=python_version(python),
    )


NOTES = {
    "pgserver": "PostgreSQL 16 binaries for the embedded database (idle with DATABASE_URL)",
    "botocore": "AWS service models (S3 storage through aioboto3)",
    "piccolo-admin": "the admin UI's built Vue assets",
    "cryptography": "encrypted cookie sessions (OpenSSL inside)",
    "chronicle": "the app: code, templates, migrations, static files",
    "chronicle-kernel": "the parsing kernel, mypyc-compiled",
    "asyncpg": "PostgreSQL driver",
    "aiohttp": "HTTP client under aiobotocore",
    "litestar": "the web framework",
    "faker": "pulled by piccolo-admin",
    "fastapi": "pulled by piccolo-admin",
    "black": "pulled by piccolo (it formats the migrations it writes)",
    "pygments": "pulled by rich (litestar's command line)",
    "pydantic": "pulled by piccolo, piccolo-admin's FastAPI",
    "pydantic-core": "pydantic's compiled core",
    "redis": "rate-limit stores when REDIS_URL is set",
    "msgspec": "settings, payloads, JSON",
    "uvicorn": "ASGI server",
}


def report(fp: Footprint) -> str:
    lines = [
        f"Installed footprint (fresh venv, Python {fp.python}, non-editable, no build tools):",
        f"  total                {mb(fp.total):>10}  ({fp.files} files, "
        f"byte code {mb(fp.bytecode)})",
        f"  static (app/static)  {mb(fp.static):>10}  (inside the app's package)",
        f"  of which the bundle  {mb(fp.pyodide):>10}  (app/static/wasm: Pyodide, wheels)",
        f"  interpreter + stdlib {mb(fp.interpreter):>10}  (this machine's CPython, apart)",
        f"  kernel: {fp.kernel_wheel}",
        "biggest distributions:",
    ]
    for dist in fp.dists[:TOP]:
        lines.append(f"  {dist.name:<22} {dist.version:<12} {mb(dist.size):>10}")
    rest = sum(d.size for d in fp.dists[TOP:])
    lines.append(f"  {len(fp.dists) - TOP} others {'':<21} {mb(rest):>10}")
    return "\n".join(lines)


def markdown(fp: Footprint) -> str:
    top = fp.dists[:TOP]
    rest = fp.dists[TOP:]
    rows = [
        "| what | installed size |",
        "|---|---:|",
        f"| **Chronicle's payload**: run-time dependencies + compiled kernel + app "
        f"(byte code included: {mb(fp.bytecode)}) | **{mb(fp.total)}** |",
        f"| of which static files (`app/static`: htmx, CSS, the browser bundle) "
        f"| {mb(fp.static)} |",
        f"| of which the browser bundle (`app/static/wasm`: Pyodide, the pure kernel, "
        f"msgspec, Jinja2, the partials) | {mb(fp.pyodide)} |",
        f"| CPython {fp.python} interpreter + standard library (no tests), measured apart "
        f"| {mb(fp.interpreter)} |",
        f"| payload + interpreter (the image less its Debian base layer) "
        f"| {mb(fp.total + fp.interpreter)} |",
        "| pdx.tools, for comparison: the static Rust binary image | 15 MB |",
        "| pdx.tools, for comparison: the Next.js image | 500 MB |",
        "",
        "| distribution | version | size | why it is there |",
        "|---|---|---:|---|",
    ]
    for dist in top:
        note = NOTES.get(dist.name.lower().replace("_", "-"), "")
        rows.append(f"| {dist.name} | {dist.version} | {mb(dist.size)} | {note} |")
    rows.append(f"| {len(rest)} others | | {mb(sum(d.size for d in rest))} | |")
    return "\n".join(rows)


HEADING = "Deployment footprint (`scripts/bench/measure_footprint.py`)"
INTRO = """```sh
./scripts/setup && .venv/bin/python scripts/bench/measure_footprint.py --write
```

What the Docker image's runtime stage installs (`Dockerfile`; docker cannot run on this
machine, so the same install is measured instead): a fresh virtual environment without pip,
the run-time dependencies at their pins, the mypyc-compiled kernel wheel and the app's
wheel (non-editable: templates, migrations and static files inside), then the browser
bundle when it exists. Sizes are the installed files' apparent sizes in decimal MB, as
`docker images` counts; build tools and the Debian base layer are not counted. The design
was judged against pdx.tools' two images: 15 MB (a static Rust binary) and 500 MB (Next.js).
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    with scratch_dir("chronicle-footprint-", keep=args.keep) as work:
        python, site = install(work)
        smoke(python, work)
        footprint = measure(site, python)
    print(report(footprint))
    if args.write:
        write_section(SECTION, markdown(footprint), HEADING, INTRO)
    return 0


if __name__ == "__main__":
    sys.exit(main())
