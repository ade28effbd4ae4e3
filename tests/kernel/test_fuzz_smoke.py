"""A short, deterministic run of the fuzz targets (tests/fuzz/targets.py) in the test-suite.

Each target gets its seeds (../shared/corpus slices and hand-made edge cases) and a fixed
number of mutants from a seeded mutator: the same inputs on every run, a few seconds per
target in either build. Every saved crash (tests/kernel/data/regressions/<target>/) is
replayed. The long coverage-guided run is scripts/fuzz (atheris).
"""

from __future__ import annotations

import importlib.util
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fuzz import targets

import kernel

FUZZ_DIR = Path(__file__).resolve().parents[1] / "fuzz"
# A hang guard per input, not a speed test: inputs are at most 32 KiB and take
# milliseconds; a super-linear path would take far longer than this.
HANG_SECONDS = 20.0
# Mutants per target: about two seconds each in the pure build.
MUTANTS = {"text": 500, "binary": 400, "container": 3000, "info": 800, "analyze": 800}


def _run(target: str, data: bytes, where: str) -> None:
    start = time.perf_counter()
    try:
        targets.TARGETS[target](data)
    except Exception as exc:
        raise AssertionError(
            f"{target} target failed on {where} ({len(data)} bytes: {data[:120]!r}): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    took = time.perf_counter() - start
    assert took < HANG_SECONDS, f"{target}: {where} took {took:.1f}s"


@pytest.mark.parametrize("target", sorted(targets.TARGETS))
def test_seeds_and_mutants(target: str) -> None:
    for n, data in enumerate(targets.mutants(target, seed=8, count=MUTANTS[target])):
        _run(target, data, f"input #{n} of mutants({target!r}, seed=8)")


def _regressions() -> list[object]:
    return [
        pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.name}")
        for path in targets.regression_files()
    ]


@pytest.mark.parametrize(("target", "path"), _regressions())
def test_regression(target: str, path: Path) -> None:
    _run(target, path.read_bytes(), str(path))


def test_regression_directories_name_targets() -> None:
    if targets.REGRESSIONS.is_dir():
        for d in targets.REGRESSIONS.iterdir():
            assert d.name in targets.TARGETS, f"{d} is not named after a target"


def test_the_targets_see_this_build() -> None:
    # The smoke run exercises whichever kernel this suite runs on (pure or compiled).
    assert targets.kernel is kernel


@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (scripts/fuzz installs it into .venv)",
)
def test_atheris_driver_runs(tmp_path: Path) -> None:
    """scripts/fuzz's driver: seeds written, a few hundred coverage-guided runs, no crash."""
    corpus = tmp_path / "corpus"
    root = FUZZ_DIR.parents[1]
    env = dict(os.environ, PYTHONPATH=str(root / "kernel" / "src"))
    fuzz = str(FUZZ_DIR / "fuzz.py")
    done = subprocess.run(
        [sys.executable, fuzz, "seeds", "text", str(corpus)], env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    # libFuzzer's memory limit (2 GB) is checked against the process's peak RSS, and on
    # Linux a child starts with its parent's peak (kept across fork and exec): after the
    # whole suite, pytest's own. The driver gets its 2 GB on top of that.
    inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB -> MiB
    limit = f"-rss_limit_mb={inherited + 2048}"
    options = ["-runs=300", "-seed=1", "-timeout=30", limit]
    done = subprocess.run(
        [sys.executable, fuzz, "run", "text", *options, str(corpus)],
        env=env,
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # At least -runs: libFuzzer can go past it, by a count that varies from run to run
    # (seen: "Done 337 runs" and "Done 358 runs" with -runs=300 and -seed=1).
    runs = re.search(rb"^Done (\d+) runs", done.stderr, re.MULTILINE)
    assert runs is not None, done.stderr[-3000:]
    assert int(runs[1]) >= 300, runs[0]
