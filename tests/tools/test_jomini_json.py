"""scripts/jomini_json.mjs, the reference the kernel's JSON is compared with."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest


def run_script(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None, "node is not on PATH"
    return subprocess.run(
        [node, str(repo_root / "scripts" / "jomini_json.mjs"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_single_file(repo_root: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"a=1 a=2 b={1 2}")
    proc = run_script(repo_root, str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '{"a":[1,2],"b":[1,2]}\n'
    proc = run_script(repo_root, str(path), "preserve")
    assert proc.stdout == '{"a":1,"a":2,"b":[1,2]}\n'


def test_single_file_windows1252(repo_root: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b'n="\xe9t\xe9"')
    proc = run_script(repo_root, str(path), "group", "windows1252")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '{"n":"\u00e9t\u00e9"}\n'


def test_rejected_input_exits_1(repo_root: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"a={")
    proc = run_script(repo_root, str(path))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip()


@pytest.mark.parametrize("args", [[], ["FILE", "nonsense"], ["FILE", "group", "latin9"]])
def test_usage_errors_exit_2(repo_root: Path, tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"a=1")
    proc = run_script(repo_root, *[str(path) if a == "FILE" else a for a in args])
    assert proc.returncode == 2


@pytest.mark.parametrize(
    ("data", "mode", "expected"),
    [
        (b"a=1 b={1 2}", "group", {"a": 1, "b": [1, 2]}),
        (b"EU4txt\na=yes", "group", {"a": True}),
        (b"a=1 a=2", "preserve", '{"a":1,"a":2}'),
        (b"a=1", "key-value-pairs", {"type": "obj", "val": [["a", 1]]}),
    ],
)
def test_batch_fixture(jomini: Any, data: bytes, mode: str, expected: object) -> None:
    text = jomini.json(data, mode)
    if isinstance(expected, str):
        assert text == expected
    else:
        assert jomini.decode(text) == jomini.decode(json.dumps(expected))


def test_batch_fixture_file_and_error(jomini: Any, tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"x={ 1 }")
    assert jomini.json(path) == '{"x":[1]}'
    with pytest.raises(jomini.Error, match="end of file"):
        jomini.json(b"a={")
    # the process survives a rejected input
    assert jomini.json(b"y=2") == '{"y":2}'


def test_decoded_values_are_strict(jomini: Any) -> None:
    decode = jomini.decode
    assert decode('{"a":true}') != decode('{"a":1}')
    assert decode('{"a":1,"b":2}') != decode('{"b":2,"a":1}')
    assert decode('{"a":1,"a":2}') != decode('{"a":[1,2]}')
    assert decode("{}") != decode("[]")
    assert decode('[["a",1]]') != decode('{"a":1}')
    assert decode('{"a":1}') == decode('{"a":1.0}')
