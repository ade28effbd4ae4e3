"""A bundle the import wrote, read back by the PURE kernel under Pyodide in Node (what the
browser does), without numpy or Pillow: the same names, world and index image as here."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import msgspec
import pytest

from kernel.gamedata import read_index_image, read_names, read_world
from kernel.gamedata.build import build

pytestmark = pytest.mark.pyodide

CODE = """
import hashlib, json, os, shutil, sys
from kernel.gamedata import list_bundles, read_index_image, read_names, read_world
import msgspec
bundle = sys.argv[1]
os.makedirs(f"/tmp/gd/{bundle}")
for name in os.listdir("/data"):
    shutil.copy(f"/data/{name}", f"/tmp/gd/{bundle}/{name}")
info, pixels = read_index_image("/tmp/gd", bundle)
print(json.dumps({
    "bundles": [m.id for m in list_bundles("/tmp/gd")],
    "names": msgspec.to_builtins(read_names("/tmp/gd", bundle, "english")),
    "world": msgspec.to_builtins(read_world("/tmp/gd", bundle)),
    "pixels": hashlib.sha256(pixels).hexdigest(),
    "numpy_or_pil": sorted({"numpy", "PIL"} & {m.split(".")[0] for m in sys.modules}),
}))
"""


def test_bundle_reads_under_pyodide(mini: Path, tmp_path: Path, repo_root: Path) -> None:
    node = shutil.which("node")
    wheels = sorted((repo_root / "build/wheels").glob("chronicle_kernel-*-py3-none-any.whl"))
    msgspec_wheels = sorted((repo_root / "build/pyodide-wheels").glob("msgspec-*.whl"))
    if node is None or len(wheels) != 1 or len(msgspec_wheels) != 1:
        pytest.fail("node, the pure kernel wheel and msgspec's Pyodide wheel: run scripts/setup")
    out = tmp_path / "out"
    manifest = build(mini, out_root=out)
    folder = out / manifest.id
    cmd = [node, str(repo_root / "scripts/pyodide_run.mjs")]
    for wheel in msgspec_wheels + wheels:
        cmd += ["--wheel", str(wheel)]
    for name in [*sorted(manifest.files), "manifest.json"]:
        cmd += ["--file", str(folder / name)]
    done = subprocess.run(
        [*cmd, "-c", CODE, manifest.id], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["numpy_or_pil"] == []
    assert result["bundles"] == [manifest.id]
    root = str(out)
    assert result["names"] == msgspec.to_builtins(read_names(root, manifest.id, "english"))
    assert result["world"] == msgspec.to_builtins(read_world(root, manifest.id))
    assert result["pixels"] == hashlib.sha256(read_index_image(root, manifest.id)[1]).hexdigest()
