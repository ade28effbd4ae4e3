"""Running Python under Pyodide in Node, as the browser bundle does: the command line of
scripts/pyodide_run.mjs with the pure kernel wheel and msgspec's Pyodide wheel that
scripts/setup builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def pyodide_command(repo_root: Path) -> list[str]:
    """``node scripts/pyodide_run.mjs --wheel … --wheel …``; append ``--file``s and the code.
    Fails the test (does not skip) when node or a wheel is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH")
    wheels = sorted((repo_root / "build" / "wheels").glob("chronicle_kernel-*-py3-none-any.whl"))
    msgspec_wheels = sorted((repo_root / "build" / "pyodide-wheels").glob("msgspec-*.whl"))
    if len(wheels) != 1 or len(msgspec_wheels) != 1:
        pytest.fail(
            f"expected one pure kernel wheel and one msgspec wheel, got "
            f"{wheels + msgspec_wheels}: run scripts/setup"
        )
    cmd = [node, str(repo_root / "scripts" / "pyodide_run.mjs")]
    for wheel in msgspec_wheels + wheels:
        cmd += ["--wheel", str(wheel)]
    return cmd
