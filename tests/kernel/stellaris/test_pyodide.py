"""The Stellaris analysis in the browser build: the PURE kernel wheel under Pyodide gives
the same payload as the host kernel for a corpus save (through scripts/pyodide_run.mjs,
as tests/kernel/test_pyodide.py runs it; needs what scripts/setup prepares)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support.corpus import save_file
from support.pyodide import pyodide_command

from kernel.stellaris import analysis_json

pytestmark = pytest.mark.pyodide

SAVE = "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav"

SNIPPET = """
import sys
from kernel.stellaris import analysis_json
with open(sys.argv[1], "rb") as f:
    sys.stdout.write(analysis_json(f.read()).decode())
"""


def test_same_analysis_as_the_host_kernel(repo_root: Path) -> None:
    path = save_file(SAVE)
    cmd = pyodide_command(repo_root)
    cmd += ["--file", str(path), "-c", SNIPPET, f"/data/{path.name}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout) == json.loads(analysis_json(path.read_bytes()))
