"""The analysis partials under Pyodide: app/analysis/render.py (with the modules it
imports: app.analysis.view, .tables, .countries, .geography) and templates/analysis/
rendered by Jinja2 in CPython 3.14 on Wasm (Node, offline) give exactly the HTML the server
renders for the same payload. Jinja2 and MarkupSafe are taken from this environment as pure
wheels (MarkupSafe without its C speedups, as in the browser)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import jinja2
import markupsafe
import msgspec
import pytest
from support import ROOT
from support import saves as crafted
from support.corpus import EU4

from app.analysis.render import TEMPLATES, render_analysis
from kernel.eu4 import analyze

pytestmark = pytest.mark.pyodide

RUNNER = ROOT / "scripts" / "pyodide_run.mjs"

SCRIPT = """
import hashlib, json, sys, sysconfig
from pathlib import Path
from app.analysis import render as ar
templates = Path(sysconfig.get_paths()["purelib"]) / "chronicle_templates"
for name, view in json.loads(Path("/data/cases.json").read_text()):
    payload = json.loads(Path("/data/" + name).read_text())
    html = ar.render_analysis(payload, view, templates=templates)
    print(name, hashlib.sha256(html.encode()).hexdigest())
print("python", sys.version.split()[0])
"""


def _wheel(path: Path, sources: list[tuple[Path, str]]) -> Path:
    """A zip that pyodide_run.mjs unpacks into site-packages (no C extensions)."""
    with zipfile.ZipFile(path, "w") as archive:
        for directory, prefix in sources:
            for file in sorted(directory.rglob("*")):
                if file.is_file() and file.suffix not in (".so", ".c", ".pyc"):
                    archive.write(file, f"{prefix}/{file.relative_to(directory).as_posix()}")
    return path


def _render_package(tmp_path: Path) -> Path:
    """An ``app`` package holding only app.analysis.render and what it imports (the
    browser's bundle has the same modules; test_local_analysis_module checks the imports)."""
    package = tmp_path / "app-package"
    (package / "analysis").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "analysis" / "__init__.py").write_text("")
    for name in ("render.py", "view.py", "tables.py", "countries.py", "geography.py"):
        shutil.copy(ROOT / "app" / "analysis" / name, package / "analysis" / name)
    return package


def test_the_browser_renders_the_same_html(tmp_path):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "pyodide").is_dir():
        pytest.skip("node and node_modules/pyodide are needed (scripts/setup)")
    payloads = {
        "crafted.json": analyze(
            crafted.text_save(
                name="<script>alert(1)</script>",
                extra='income_statistics={ ledger_data={ name="ITA" data={ 1445=12 1446=24 } } }',
            )
        )
    }
    tiny = EU4 / "morgotth_tiny_save_1687_trimmed.eu4"
    if tiny.is_file():
        payloads["tiny.json"] = analyze(tiny.read_bytes())
    files = []
    for name, payload in payloads.items():
        path = tmp_path / name
        path.write_bytes(msgspec.json.encode(payload))
        files.append(path)
    views = [
        None,
        {"base": "/saves/x", "htmx": True, "csv": "/saves/x/csv", "csort": "name"},
        # a country filter, and a country's page with its links as local analysis makes them
        {"cf": "chosen", "ctags": "ita, swe", "country_href": "?country={tag}"},
        {"country": "ITA", "country_href": "?country={tag}", "hkind": "rulers"},
    ]
    cases = [(name, view) for name in payloads for view in views]
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    wheels = [
        _wheel(tmp_path / "jinja2-0-py3-none-any.whl", [(Path(jinja2.__file__).parent, "jinja2")]),
        _wheel(
            tmp_path / "markupsafe-0-py3-none-any.whl",
            [(Path(markupsafe.__file__).parent, "markupsafe")],
        ),
        _wheel(tmp_path / "app-0-py3-none-any.whl", [(_render_package(tmp_path), "app")]),
        _wheel(
            tmp_path / "templates-0-py3-none-any.whl",
            [(TEMPLATES / "analysis", "chronicle_templates/analysis")],
        ),
    ]
    (tmp_path / "run.py").write_text(SCRIPT)
    command = [node, str(RUNNER)]
    for wheel in wheels:
        command += ["--wheel", str(wheel)]
    for file in [tmp_path / "cases.json", *files]:
        command += ["--file", str(file)]
    command.append(str(tmp_path / "run.py"))
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("python 3.14")
    expected = []
    for name, view in cases:
        payload = json.loads((tmp_path / name).read_text())
        html = render_analysis(payload, view)
        expected.append(f"{name} {hashlib.sha256(html.encode()).hexdigest()}")
    assert lines[:-1] == expected
