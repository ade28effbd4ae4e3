"""`python -m kernel`: exit 0 on success, 1 (one stderr line) for rejected input, 2 for usage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.corpus import save_file


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kernel", *args], input=stdin, capture_output=True, timeout=120
    )


def test_json_success(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"a=1 a=2 b={x y}")
    done = run("json", str(f))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"a": [1, 2], "b": ["x", "y"]}
    done = run("json", str(f), "--duplicate-keys", "key-value-pairs", "--encoding", "utf8")
    assert json.loads(done.stdout)["type"] == "obj"


def test_json_from_stdin() -> None:
    done = run("json", "-", stdin=b"k=v")
    assert done.returncode == 0 and json.loads(done.stdout) == {"k": "v"}


def test_rejected_input_is_one_line_with_offset(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b'a=1 b="open')
    done = run("json", str(f))
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode() == "error: unterminated quoted string at byte 6\n"


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    done = run("json", str(tmp_path / "nope.txt"))
    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot read")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run().returncode == 2
    assert run("json").returncode == 2
    assert run("json", "x", "--duplicate-keys", "merge").returncode == 2
    assert run("frobnicate").returncode == 2


def test_help_documents_every_command() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert b"json" in done.stdout
    sub = run("json", "--help")
    assert b"--duplicate-keys" in sub.stdout and b"--encoding" in sub.stdout
    assert b"Traceback" not in done.stderr + sub.stderr


def test_analyze_prints_the_payload() -> None:
    save = save_file("eu4/pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4")
    done = run("analyze", str(save))
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)["info"]
    # As the save's header says: date=1464.12.30, player="SWE", two human players.
    assert info["date"] == "1464-12-30"
    assert info["player_tag"] == "SWE"
    assert info["player_names"] == ["Balain of Ibelin", "Matt"]


def test_analyze_rejects_other_games_in_one_line(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(b'SAV0102a40f789f000067c4\nmeta_data={ meta_date=867.1.1 meta_player_name="x" }')
    done = run("analyze", str(f))
    assert done.returncode == 1
    assert len(done.stderr.decode().splitlines()) == 1
    assert done.stderr.startswith(b"error: ")


def test_endless_input_is_refused_not_read_forever() -> None:
    # /dev/zero never ends: reading stops at the cap with a KernelError (one error line).
    from kernel import KernelError
    from kernel._cli import _read

    with pytest.raises(KernelError, match="input larger than 1000 bytes"):
        _read("/dev/zero", limit=1000)
    assert _read("/dev/null", limit=1000) == b""
