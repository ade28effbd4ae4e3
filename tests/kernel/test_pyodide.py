"""The browser build: the PURE kernel wheel and msgspec's pyemscripten wheel under Pyodide
(CPython 3.14) in Node, offline, through scripts/pyodide_run.mjs.

Needs what scripts/setup prepares: node_modules/pyodide, build/wheels/*-py3-none-any.whl
and build/pyodide-wheels/msgspec-*.whl. One Node start serves every test in this module.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support.pyodide import pyodide_command

import kernel

pytestmark = pytest.mark.pyodide

# A small real file, parsed in both worlds (skipped when the corpus is absent).
CORPUS_SAMPLE = "saves/eu4/jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt"

SNIPPET = """
import json, sys
import msgspec
import kernel

result = {
    "python": list(sys.version_info[:2]),
    "platform": sys.platform,
    "msgspec": msgspec.__version__,
    "kernel_name": kernel.__name__,
    "compiled": kernel.COMPILED,
    "inline": kernel.json_bytes(b"a=1 b={1 2}").decode(),
    "sample": None,
}
if len(sys.argv) > 1:
    with open(sys.argv[1], "rb") as f:
        result["sample"] = kernel.json_bytes(f.read()).decode()
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def corpus_sample(request: pytest.FixtureRequest) -> Path | None:
    # Optional here: without the corpus the other tests of this module still run.
    try:
        corpus: Path = request.getfixturevalue("corpus")
    except pytest.skip.Exception:
        return None
    path = corpus / CORPUS_SAMPLE
    return path if path.is_file() else None


@pytest.fixture(scope="module")
def pyodide_result(repo_root: Path, corpus_sample: Path | None) -> dict[str, Any]:
    cmd = pyodide_command(repo_root)
    args = []
    if corpus_sample is not None:
        cmd += ["--file", str(corpus_sample)]
        args = [f"/data/{corpus_sample.name}"]
    proc = subprocess.run(
        [*cmd, "-c", SNIPPET, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_runs_on_pyodide_python(pyodide_result: dict[str, Any]) -> None:
    assert pyodide_result["python"] == [3, 14]
    assert pyodide_result["platform"] == "emscripten"


def test_kernel_and_msgspec_import(pyodide_result: dict[str, Any]) -> None:
    assert pyodide_result["kernel_name"] == "kernel"
    assert pyodide_result["compiled"] is False
    assert pyodide_result["msgspec"]


def test_json_bytes_inline(pyodide_result: dict[str, Any]) -> None:
    assert json.loads(pyodide_result["inline"]) == {"a": 1, "b": [1, 2]}


def test_same_json_as_the_host_kernel(
    pyodide_result: dict[str, Any], corpus_sample: Path | None
) -> None:
    if corpus_sample is None:
        pytest.skip(f"corpus file {CORPUS_SAMPLE} not found beside the repository")
    assert pyodide_result["sample"] == kernel.json_bytes(corpus_sample.read_bytes()).decode()
