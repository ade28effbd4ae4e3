"""The app and the scripts use the kernel's public API only: no module of ``app/`` or
``scripts/`` imports a private kernel module (``kernel._…`` or ``kernel.eu4._…``), and
every name they import from the kernel is in its ``__all__``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kernel
import kernel.ck3
import kernel.eu4
import kernel.eu4.map
import kernel.eu4.map.render
import kernel.eu5
import kernel.gamedata
import kernel.hoi4
import kernel.imperator
import kernel.stellaris
import kernel.vic3

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")])
PUBLIC_MODULES = {
    "kernel": kernel.__all__,
    "kernel.eu4": kernel.eu4.__all__,
    "kernel.gamedata": kernel.gamedata.__all__,
    "kernel.eu4.map": kernel.eu4.map.__all__,
    "kernel.eu4.map.render": kernel.eu4.map.render.__all__,
    "kernel.stellaris": kernel.stellaris.__all__,
    "kernel.ck3": kernel.ck3.__all__,
    "kernel.hoi4": kernel.hoi4.__all__,
    "kernel.imperator": kernel.imperator.__all__,
    "kernel.vic3": kernel.vic3.__all__,
    "kernel.eu5": kernel.eu5.__all__,
}
# kernel.gamedata.build: the import (numpy, Pillow), which the benchmarks run.
PUBLIC_SUBMODULES = {
    "kernel.eu4",
    "kernel.eu4.types",
    "kernel.eu4.map.types",
    "kernel.gamedata.build",
    "kernel.stellaris.types",
    "kernel.ck3.types",
    "kernel.hoi4.types",
    "kernel.imperator.types",
    "kernel.vic3.types",
    "kernel.eu5.types",
}


def kernel_imports(tree: ast.AST) -> list[tuple[str, str | None]]:
    """(module, imported name or None) of every import of the kernel in ``tree``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if a.name.split(".")[0] == "kernel"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            root = node.module.split(".")[0]
            found += [(node.module, a.name) for a in node.names if root == "kernel"]
    return found


def private(module: str, name: str | None) -> str | None:
    """Why ``from module import name`` (or ``import module``) reaches past the public API."""
    if any(part.startswith("_") for part in module.split(".")):
        return f"{module} is private"
    if module not in PUBLIC_MODULES and module not in PUBLIC_SUBMODULES:
        return f"{module} is not a public kernel module"
    if name is None or module not in PUBLIC_MODULES:
        return None
    qualified = f"{module}.{name}"
    if name not in PUBLIC_MODULES[module] and qualified not in PUBLIC_SUBMODULES:
        return f"{qualified} is not in {module}.__all__"
    return None


def test_sources_found():
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"app/saves/parsing.py", "app/local/worker.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_only_the_public_kernel(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = [why for m, n in kernel_imports(tree) if (why := private(m, n))]
    assert wrong == [], f"{path.relative_to(ROOT)}: {wrong}"
    # Attribute access such as ``kernel._archive.x`` after ``import kernel``.
    reached = [
        f"kernel.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "kernel"
        and node.attr.startswith("_")
        and node.attr != "__version__"
    ]
    assert reached == [], f"{path.relative_to(ROOT)}: {reached}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from kernel._archive import open_archive", ["kernel._archive is private"]),
        ("from kernel import _archive", ["kernel._archive is not in kernel.__all__"]),
        ("import kernel.eu4._analysis", ["kernel.eu4._analysis is private"]),
        ("from kernel.eu4 import analyze, types", []),
        ("from kernel import open_save, KernelError", []),
    ],
)
def test_the_check_catches_private_imports(source: str, expected: list[str]):
    found = [why for m, n in kernel_imports(ast.parse(source)) if (why := private(m, n))]
    assert found == expected
