#!/usr/bin/env python3
"""How long building takes, from clean: the kernel wheels, and the whole setup.

1. The compiled (mypyc) kernel wheel, and the pure one for reference: the command
   scripts/setup runs (``python -m build --no-isolation``: sdist, then the wheel built from
   it in a fresh temporary directory), with a fresh mypy cache and ccache off, so nothing
   is reused from an earlier build.
2. ``./scripts/setup`` in a fresh clone of this repository (``git clone`` of HEAD into a
   temporary directory): new virtual environments, ``npm ci``, both kernel wheels, the
   app, the Pyodide assets. pip's and npm's download caches are left as they are (usually
   warm: the figure then leaves out download time; the output says how big they were), or
   emptied for the run with ``--cold``.

    .venv/bin/python scripts/bench/measure_build.py [--write] [--runs N] [--skip-setup] [--cold]

(Run it as a file, from anywhere: it imports scripts/bench/harness.py as ``harness``.)

``--write`` records the figures in docs/benchmarks.md between ``<!-- build:begin -->`` and
``<!-- build:end -->`` (the section is added at the end the first time).

Not a test: it needs ./scripts/setup to have run (its .venv holds the pinned build tools).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import ROOT, VENV_PYTHON, best_of, log, python_version, scratch_dir, write_section

SECTION = "build"


def clean_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HATCH_BUILD_HOOK_ENABLE_MYPYC",)}
    env.update(MYPY_CACHE_DIR=str(work / "mypy-cache"), CCACHE_DISABLE="1")
    return env


def build_kernel(work: Path, compiled: bool) -> float:
    """Seconds for one clean build of a kernel wheel (sdist, then the wheel from it)."""
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / "mypy-cache", ignore_errors=True)
    env = clean_env(work)
    if compiled:
        env["HATCH_BUILD_HOOK_ENABLE_MYPYC"] = "1"
    command = [str(VENV_PYTHON), "-m", "build", "--no-isolation", "--outdir", str(out)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, str(ROOT / "kernel")], cwd=work, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kernel build failed:\n{done.stdout}\n{done.stderr}")
    wheels = [p.name for p in out.glob("*.whl")]
    tag = "cp3" if compiled else "py3-none-any"
    if len(wheels) != 1 or tag not in wheels[0]:
        raise SystemExit(f"unexpected wheels: {wheels}")
    return seconds


def folder_size(path: Path) -> int:
    if not path.is_dir():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def pip_cache_dir() -> Path:
    done = subprocess.run(
        [str(VENV_PYTHON), "-m", "pip", "cache", "dir"], capture_output=True, text=True
    )
    return Path(done.stdout.strip() or Path.home() / ".cache" / "pip")


def pip_local_sources() -> bool:
    """Whether pip is configured with package sources besides PyPI (find-links or extra
    indexes, e.g. a local wheel directory): packages found there are not downloaded."""
    done = subprocess.run(
        [str(VENV_PYTHON), "-m", "pip", "config", "list"], capture_output=True, text=True
    )
    return bool(re.search(r"\.(find-links|extra-index-url|index-url)=", done.stdout))


def npm_cache_dir() -> Path:
    done = subprocess.run(["npm", "config", "get", "cache"], capture_output=True, text=True)
    return Path(done.stdout.strip() or Path.home() / ".npm")


@dataclass
class SetupRun:
    seconds: float
    steps: list[tuple[str, float]] = field(default_factory=list)
    commit: str = ""
    caches: str = ""


def run_setup(work: Path, cold: bool) -> SetupRun:
    clone = work / "clone"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["CCACHE_DISABLE"] = "1"
    if cold:
        env["PIP_NO_CACHE_DIR"] = "1"
        env["npm_config_cache"] = str(work / "npm-cache")
        caches = "pip and npm caches off (every package downloaded)"
    else:
        pip_cache, npm_cache = pip_cache_dir(), npm_cache_dir()
        pip_mb, npm_mb = folder_size(pip_cache) / 1e6, folder_size(npm_cache) / 1e6
        caches = (
            f"pip cache {'warm' if pip_mb >= 1 else 'empty'} ({pip_mb:.0f} MB)"
            + (
                " but local package sources configured for pip (find-links / extra "
                "indexes: what they hold is not downloaded)"
                if pip_local_sources()
                else ""
            )
            + f", npm cache {'warm' if npm_mb >= 1 else 'empty'} ({npm_mb:.0f} MB)"
        )
    log(f"$ ./scripts/setup  (fresh clone of {commit}; {caches})")
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    process = subprocess.Popen(
        ["./scripts/setup"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = []
    for line in process.stdout:
        output.append(line)
        if line.startswith("==> "):
            marks.append((line[4:].strip(), time.perf_counter() - started))
            log(f"  {marks[-1][1]:7.1f}s  {marks[-1][0]}")
    status = process.wait()
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit("scripts/setup failed:\n" + "".join(output[-40:]))
    steps = []
    for (name, at), (_, following) in zip(marks, [*marks[1:], ("end", seconds)], strict=True):
        steps.append((name, following - at))
    return SetupRun(seconds=seconds, steps=steps, commit=commit, caches=caches)


# (pattern of a scripts/setup step message, what the step does); first match wins.
STEP_KINDS = (
    (r"^\.venv: (creating|installing requirements)", ".venv: create, pip install requirements-dev"),
    (
        r"^\.venv-pure: (creating|installing requirements)",
        ".venv-pure: create, pip install requirements-test",
    ),
    (r"^node_modules", "npm ci"),
    (r"building the pure kernel wheel", "pure kernel wheel (sdist → wheel)"),
    (r"building the compiled \(mypyc\) wheel", "compiled kernel wheel (sdist → wheel, mypyc)"),
    (r"installing chronicle_kernel", "install the kernel wheels"),
    (r"installing the app", "install the app (editable)"),
    (r"pyodide-wheels", "download msgspec's Pyodide wheel"),
    (r"^app/static/wasm", "browser bundle (scripts/build_wasm.py: Pyodide byte-compiles it)"),
    (r"^chromium", "chromium (Debian's package; already installed here)"),
)


def summarize_steps(steps: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Seconds per kind of step (setup's ``==>`` messages), longest first."""
    groups: dict[str, float] = {}
    for name, seconds in steps:
        kind = next((k for pattern, k in STEP_KINDS if re.search(pattern, name)), "other")
        groups[kind] = groups.get(kind, 0.0) + seconds
    return sorted(groups.items(), key=lambda item: -item[1])


def markdown(
    compiled: list[float], pure: list[float], setup: SetupRun | None, cpus: int, python: str
) -> str:
    rows = [
        "| build | wall time |",
        "|---|---:|",
        f"| compiled kernel wheel (mypyc, `-O3`; sdist → wheel, clean) | {best_of(compiled)} |",
        f"| pure kernel wheel (sdist → wheel, clean) | {best_of(pure)} |",
    ]
    if setup is not None:
        rows.append(
            f"| `./scripts/setup` in a fresh clone ({setup.commit}): everything "
            f"| **{setup.seconds:.0f} s** |"
        )
        for name, seconds in summarize_steps(setup.steps):
            if seconds >= 0.5:
                rows.append(f"| &nbsp;&nbsp;{name} | {seconds:.1f} s |")
    notes = f"Machine: {cpus} CPUs, Python {python}."
    if setup is not None:
        notes += f" Setup ran with: {setup.caches}."
    rows.append("")
    rows.extend(textwrap.wrap(notes, 92))
    return "\n".join(rows)


HEADING = "Build times (`scripts/bench/measure_build.py`)"
INTRO = """```sh
./scripts/setup && .venv/bin/python scripts/bench/measure_build.py --write
```

Clean builds: the kernel wheels with the command `scripts/setup` uses (no mypy cache, no
ccache, a fresh build directory), and the whole of `./scripts/setup` in a fresh clone with
new virtual environments. Download caches are noted, not cleared (`--cold` clears them).
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    parser.add_argument("--runs", type=int, default=1, help="kernel builds of each kind")
    parser.add_argument("--skip-setup", action="store_true", help="only the kernel wheels")
    parser.add_argument("--cold", action="store_true", help="setup with pip/npm caches off")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if not VENV_PYTHON.is_file():
        raise SystemExit("run ./scripts/setup first (.venv holds the pinned build tools)")
    with scratch_dir("chronicle-build-", keep=args.keep) as work:
        compiled, pure = [], []
        for run in range(args.runs):
            log(f"kernel wheels, clean build {run + 1}/{args.runs}")
            compiled.append(build_kernel(work, compiled=True))
            log(f"  compiled (mypyc): {compiled[-1]:.1f} s")
            pure.append(build_kernel(work, compiled=False))
            log(f"  pure: {pure[-1]:.1f} s")
        setup = None if args.skip_setup else run_setup(work, args.cold)
    block = markdown(compiled, pure, setup, os.cpu_count() or 1, python_version(VENV_PYTHON))
    print(block)
    if args.write:
        write_section(SECTION, block, HEADING, INTRO)
    return 0


if __name__ == "__main__":
    sys.exit(main())
