"""Fixtures shared by every suite: the repository root, the real-file corpus, and the
npm package ``jomini`` (the reference parser) driven through ``scripts/jomini_json.mjs``.

Helpers that test modules import live in tests/support/ (``from support.corpus import
corpus_file``); a conftest.py only offers fixtures.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from support import ROOT
from support.corpus import corpus_dir
from support.gamedata import Imported

# JSON decoded for comparison: objects become ("object", ((key, value), ...)) so that key
# order and duplicate keys ("preserve" mode) count, arrays ("array", (...)), and booleans
# ("bool", b) so that True never equals 1. Numbers compare by value (1 == 1.0).
JsonValue = object


def _convert(value: object) -> JsonValue:
    # Objects arrive already converted (by _object, bottom-up); arrays and booleans not.
    kind = type(value)
    if kind is list:
        return ("array", tuple([_convert(v) for v in value]))
    if kind is bool:
        return ("bool", value)
    return value


def _object(pairs: list[tuple[str, object]]) -> JsonValue:
    return ("object", tuple([(k, _convert(v)) for k, v in pairs]))


def decode_json(text: str | bytes) -> JsonValue:
    """Decode JSON text into a strict, comparable form (see ``JsonValue``).

    Built while json.loads runs (object hook) rather than by a second walk: large saves
    give JSON of tens of MB, and this is where a differential test spends its time.
    """
    return _convert(json.loads(text, object_pairs_hook=_object))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the directory holding pyproject.toml)."""
    return ROOT


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus folder (``support.corpus.CORPUS``); skips when absent."""
    return corpus_dir()


class JominiError(Exception):
    """jomini rejected the input; the message is jomini's."""


class Jomini:
    """One long-lived ``node scripts/jomini_json.mjs --batch`` process: one job per call."""

    def __init__(self, root: Path) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not on PATH (it is needed for the jomini reference)")
        if not (root / "node_modules" / "jomini").is_dir():
            pytest.fail("node_modules/jomini is missing: run scripts/setup")
        self._proc = subprocess.Popen(
            [node, str(root / "scripts" / "jomini_json.mjs"), "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._next_id = 0

    def json(self, data: bytes | Path, mode: str = "group", encoding: str = "utf8") -> str:
        """jomini's ``q.json({duplicateKeyMode: mode})`` text for the bytes or file.

        Raises JominiError when jomini rejects the input.
        """
        self._next_id += 1
        job: dict[str, object] = {"id": self._next_id, "mode": mode, "encoding": encoding}
        if isinstance(data, Path):
            job["file"] = str(data.resolve())
        else:
            job["data"] = base64.b64encode(data).decode("ascii")
        stdin, stdout = self._pipes()
        stdin.write(json.dumps(job) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            pytest.fail(f"jomini_json.mjs exited (status {self._proc.wait()})")
        answer = json.loads(line)
        assert answer["id"] == self._next_id, answer
        if not answer["ok"]:
            raise JominiError(answer["error"])
        result: str = answer["json"]
        return result

    def value(self, data: bytes | Path, mode: str = "group", encoding: str = "utf8") -> JsonValue:
        """``json()`` decoded with ``decode_json`` (compare with the kernel's, decoded the same)."""
        return decode_json(self.json(data, mode, encoding))

    decode = staticmethod(decode_json)
    Error = JominiError

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        return self._proc.stdin, self._proc.stdout

    def close(self) -> None:
        stdin, stdout = self._pipes()
        stdin.close()
        self._proc.wait(timeout=60)
        stdout.close()


@pytest.fixture(scope="session")
def jomini(repo_root: Path) -> Iterator[Jomini]:
    """The reference parser: ``jomini.json(bytes_or_path, mode, encoding) -> str``,
    ``jomini.value(...)`` for a comparable decoded value, ``jomini.decode(text)`` to decode
    the kernel's output the same way, ``jomini.Error`` for rejected input."""
    client = Jomini(repo_root)
    yield client
    client.close()


# --- game data: the corpus install, imported once ------------------------------------------

CORPUS_GAME = "gamedata/eu4-1.31.6"


@pytest.fixture(scope="session")
def corpus_game() -> Path:
    """The EU4 1.31.6 game folder of the corpus (skips when absent)."""
    return corpus_dir(CORPUS_GAME)


@pytest.fixture(scope="session")
def corpus_bundle(corpus_game: Path, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The corpus install imported once for the whole session."""
    from kernel.gamedata.build import build  # numpy and Pillow: only when a test asks

    root = tmp_path_factory.mktemp("gamedata")
    warnings: list[str] = []
    manifest = build(corpus_game, out_root=root, warn=warnings.append)
    return Imported(root, manifest, warnings)
