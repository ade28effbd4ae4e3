"""``open_save``/``info``: every corpus save identified; the CLI's info, melt and json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.corpus import SAVES, corpus_dir, corpus_files, save_file

import kernel
from kernel import KernelError
from kernel._binary import BinaryDocument
from kernel._tokens import load_tokens

TOKENS = "eu4/binary-pair/tokens.txt"


BINARY = {"encoding": "binary", "tokens_needed": True, "date": None, "version": None}

# relative path -> the fields info() must report without a token table (None: rejected).
EXPECTED: dict[str, dict[str, object] | None] = {
    "ck3/jomini_ck3_header_1066.9.15_v1.0.3.bin": {
        "game": "ck3", "container": "binary", **BINARY, "token_file": "ck3.txt",
    },
    "ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt": {
        "game": "ck3", "container": "text", "encoding": "text", "tokens_needed": False,
        "version": "1.0.3", "date": "1066.9.15", "player": None,
        "player_name": "Chieftain Botulf", "ironman": False, "multiplayer": False,
        "dlcs": ["Garments of the Holy Roman Empire"], "dlc_count": 1,
    },
    "ck3/rakaly_ck3_header_867.1.1_v1.0.2_SAV0102_text_fragment.txt": {
        "game": "ck3", "container": "sav-text", "encoding": "text", "version": "1.0.2",
        "date": "867.1.1", "player_name": "Jarl Ivar the Boneless", "ironman": False,
        "multiplayer": False, "dlc_count": 1,
        "sav_header": {
            "version": "01", "format": "unified-text", "format_code": 2,
            "metadata_length": 0x67C4,
        },
    },
    "ck3/rakaly_ck3_header_v1.0.2_SAV0103_binary_fragment.bin": {
        "game": "ck3", "container": "sav-binary", **BINARY,
    },
    "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4": {
        "game": "eu4", "container": "zip", **BINARY, "token_file": "eu4.txt",
        "entries": [
            {"name": "game.eu4", "encoding": "binary", "header": "EU4bin", "size": 29827713},
            {"name": "meta", "encoding": "binary", "header": "EU4bin", "size": 473},
        ],
    },
    "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4": {
        "game": "eu4", "container": "zip", **BINARY,
    },
    "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4": {"game": "eu4", "container": "zip", **BINARY},
    "eu4/binary-pair/meta.bin": {"game": "eu4", "container": "binary", **BINARY},
    "eu4/binary-pair/meta.bin.melted": {
        "game": "eu4", "container": "text", "encoding": "text", "version": "1.29.4.0",
        "version_name": "Manchu", "date": "1597.1.15", "player": "RAG", "player_name": "Ragusa",
        "ironman": False, "multiplayer": False, "dlc_count": 15, "mods": None,
        "save_name": "ragusa2.eu4", "campaign_id": "72ce90e3-eff3-4be4-9395-f1c3d33fd1c7",
    },
    "eu4/binary-pair/tokens.txt": None,  # a token table, not a save
    "eu4/jomini_eu4_meta_1597.1.15_v1.29.4.bin": {"game": "eu4", "container": "binary", **BINARY},
    "eu4/jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt": {
        "game": "eu4", "container": "text", "encoding": "text", "version": "1.28.3.0",
        "date": "1444.11.11", "player": "ENG", "player_name": "England", "ironman": False,
        "multiplayer": False, "dlc_count": 13,
    },
    "eu4/morgotth_cardinals_fragment_1580.eu4": {
        "game": "eu4", "container": "text", "encoding": "text", "version": None,
        "date": "1580.1.1", "player": "TUR", "ironman": None, "players": None,
    },
    "eu4/morgotth_test_fragment.eu4": {
        "game": "unknown", "container": "text", "encoding": "text", "version": None,
        "date": None, "player": None,
    },
    "eu4/morgotth_tiny_save_1687_trimmed.eu4": {
        "game": "eu4", "container": "text", "encoding": "text", "version": "1.5.1.0",
        "date": "1687.1.1", "player": "TUR", "multiplayer": True, "ironman": False,
        "dlc_count": 13,
    },
    "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4": {
        "game": "eu4", "container": "zip", "encoding": "text", "version": "1.37.5.0",
        "date": "1444.11.11", "player": "KOR", "player_name": "Korea",
        "players": [{"name": "Player", "tag": "KOR"}], "ironman": False,
        "multiplayer": False, "mods": None, "dlc_count": 22,
    },
    "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4": {
        "game": "eu4", "container": "zip", "encoding": "text", "version": "1.36.2.0",
        "date": "2087.7.1", "player": "JBB", "player_name": "JBAB Garrison Remnant",
        "players": [{"name": "Assassin Blanc", "tag": "JBB"}], "ironman": False,
        "multiplayer": False, "mods": ["Washington D.Z."], "dlc_count": 20,
    },
    "eu4/pwilson_mp_Poland_1464.12.30_v1.17.1_trimmed.eu4": {
        "game": "eu4", "container": "text", "encoding": "text", "version": "1.17.1.0",
        "date": "1464.12.30", "player": "SWE", "player_name": "Poland",
        "players": [{"name": "Balain of Ibelin", "tag": "SWE"}, {"name": "Matt", "tag": "ENG"}],
        "ironman": False, "multiplayer": True, "dlc_count": 7,
        "mods": [
            "Bigger Diplomacy View++", "Bigger Macrobuilder++", "Bigger Peace View++",
            "Bigger War View++",
        ],
    },
    "hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4": {
        "game": "hoi4", "container": "text", "encoding": "text",
        "version": "Bolivar v1.14.4.d429 (e1d1)", "date": "1936.1.1.12", "player": "GER",
        "players": [{"name": "LokiSharp", "tag": "GER"}], "ironman": True, "multiplayer": False,
    },
    "imperator/rakaly_imperator_header_450.10.1_v1.5.3_SAV0103_binary_fragment.bin": {
        "game": "imperator", "container": "sav-binary", **BINARY, "token_file": "imperator.txt",
    },
    "imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt": {
        "game": "imperator", "container": "sav-text", "encoding": "text", "version": "1.5.3",
        "date": "450.10.1", "player_name": "Suionia", "ironman": True, "mods": [],
        "dlcs": ["The Punic Wars"],
    },
    "stellaris/pjmagee_UNE_ironman_2250.11.15_v3.14.sav": {
        "game": "stellaris", "container": "zip", "encoding": "text",
        "version": "Circinus v3.14.15926", "date": "2250.11.15",
        "player_name": "United Nations of Earth", "players": [{"name": "Delegate", "country": "0"}],
        "ironman": True, "multiplayer": False, "dlc_count": 25,
    },
    "stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav": {
        "game": "stellaris", "container": "zip", "encoding": "text", "version": "Orion v3.6.1",
        "date": "2565.06.02", "player_name": "Nexitron Awareness",
        "players": [{"name": "forbiddenlake", "country": "0"}], "ironman": False,
        "multiplayer": False, "dlc_count": 10,
    },
    "vic3/pdxtools_vic3_inlined_meta_v1.9.7_fragment.v3": {
        "game": "vic3", "container": "sav-zip", **BINARY, "token_file": "vic3.txt",
    },
}  # fmt: skip

# EU4 binaries read with the 26 tokens of binary-pair/tokens.txt (enough for the meta).
WITH_PAIR_TOKENS: dict[str, dict[str, object]] = {
    "eu4/aibanzai_BURGUNDY_1553_v1.22_zipbin.eu4": {
        "version": "1.22.0.0", "date": "1553.10.1", "player": "BUR", "player_name": "Burgundy",
        "ironman": True, "multiplayer": False, "dlc_count": 11,
        "save_name": "BURGUNDY_marriage_with_denmark.eu4",
    },
    "eu4/aibanzai_Persia_QAR_1464_v1.23_zipbin.eu4": {
        "version": "1.23.0.0", "date": "1464.12.1", "player": "QAR",
        "player_name": "Qara Qoyunlu", "ironman": True, "multiplayer": False, "dlc_count": 12,
        "campaign_id": "379cd8df-fd47-48f3-9f50-edebe333706e",
    },
    "eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4": {
        "version": "1.22.2.0", "date": "1444.11.11", "player": "HUN", "player_name": "Hungary",
        "ironman": True, "multiplayer": False, "dlc_count": 2,
    },
    "eu4/binary-pair/meta.bin": {
        "version": "1.29.4.0", "date": "1597.1.15", "player": "RAG", "player_name": "Ragusa",
        "ironman": True, "multiplayer": False, "dlc_count": 15, "unknown_tokens": 0,
    },
    "eu4/jomini_eu4_meta_1597.1.15_v1.29.4.bin": {
        "version": "1.29.4.0", "date": "1597.1.15", "player": "RAG", "ironman": True,
    },
}  # fmt: skip

KEYS = (
    "game", "container", "encoding", "entries", "content_hash", "tokens_needed", "version",
    "date", "player", "player_name", "players", "ironman", "multiplayer", "mods", "dlc_count",
    "dlcs",
)  # fmt: skip


def check(info: dict[str, object], expected: dict[str, object]) -> None:
    for key in KEYS:
        assert key in info, key
    for key, value in expected.items():
        if key == "token_file":
            assert str(info[key]).endswith(str(value))
        else:
            assert info.get(key) == value, key
    json.dumps(info)  # one JSON object


def test_every_corpus_file_is_listed() -> None:
    corpus_dir("saves")
    present = {str(p.relative_to(SAVES)) for p in corpus_files("saves")}
    assert present == set(EXPECTED)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_info(rel: str) -> None:
    data = save_file(rel).read_bytes()
    expected = EXPECTED[rel]
    if expected is None:
        with pytest.raises(KernelError):
            kernel.open_save(data)
        return
    check(kernel.open_save(data).info(), expected)


@pytest.mark.parametrize("rel", sorted(WITH_PAIR_TOKENS))
def test_info_with_tokens(rel: str) -> None:
    save = kernel.open_save(save_file(rel).read_bytes(), tokens=load_tokens(save_file(TOKENS)))
    info = save.info()
    check(info, {"tokens_needed": False, "encoding": "binary", **WITH_PAIR_TOKENS[rel]})
    assert isinstance(info["unknown_tokens"], int)
    assert "token_file" not in info


def test_save_documents() -> None:
    tokens = load_tokens(save_file(TOKENS))
    save = kernel.open_save(save_file("eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4").read_bytes())
    assert save.game == "eu4" and save.kind == "zip" and save.encoding == "binary"
    assert save.tokens_needed
    meta = save.meta()
    assert isinstance(meta, BinaryDocument) and meta.unknown_count == 16
    save = kernel.open_save(save.entry("meta").data, tokens=tokens)
    meta = save.meta() or save.gamestate()
    assert isinstance(meta, BinaryDocument) and meta.key_name(0) == "date"
    assert save.gamestate() is meta  # cached
    text = kernel.open_save(
        save_file("eu4/jomini_eu4_meta_ENG_1444.11.11_v1.28.3.txt").read_bytes()
    )
    doc = text.gamestate()
    assert isinstance(doc, kernel.Document)
    player = doc.root().get("player")
    assert player is not None and player.as_str() == "ENG"
    assert text.content_hash() == text.info()["content_hash"]
    with pytest.raises(KernelError, match="no entry named 'meta'"):
        text.entry("meta")


def test_truncated_binary_gives_partial_info() -> None:
    data = save_file("eu4/binary-pair/meta.bin").read_bytes()[:300]
    info = kernel.open_save(data, tokens=load_tokens(save_file(TOKENS))).info()
    assert info["game"] == "eu4" and info["date"] is None
    problems = info["problems"]
    assert isinstance(problems, list) and "cut short" in problems[0]


# --- the command line ----------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = dict(os.environ)
    full_env.pop("CHRONICLE_TOKENS_DIR", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kernel", *args], capture_output=True, timeout=300, env=full_env
    )


def one_error_line(done: subprocess.CompletedProcess[bytes]) -> str:
    assert done.returncode == 1
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in lines[0]
    return lines[0]


def test_cli_info_binary_without_tokens() -> None:
    done = run("info", str(save_file("eu4/binary-pair/meta.bin")))
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["tokens_needed"] is True and info["token_file"].endswith("eu4.txt")
    assert (info["game"], info["container"], info["encoding"]) == ("eu4", "binary", "binary")


def test_cli_info_with_tokens(tmp_path: Path) -> None:
    meta = str(save_file("eu4/binary-pair/meta.bin"))
    done = run("info", meta, "--tokens", str(save_file(TOKENS)))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["player"] == "RAG"
    # the token directory: $CHRONICLE_TOKENS_DIR/eu4.txt
    shutil.copyfile(save_file(TOKENS), tmp_path / "eu4.txt")
    done = run("info", meta, env={"CHRONICLE_TOKENS_DIR": str(tmp_path)})
    assert done.returncode == 0 and json.loads(done.stdout)["date"] == "1597.1.15"


def test_cli_needs_tokens_for_melt_and_json(tmp_path: Path) -> None:
    meta = str(save_file("eu4/binary-pair/meta.bin"))
    for command in ("melt", "json"):
        line = one_error_line(run(command, meta))
        assert "token table" in line and "eu4.txt" in line
    line = one_error_line(run("melt", meta, env={"CHRONICLE_TOKENS_DIR": str(tmp_path)}))
    assert str(tmp_path / "eu4.txt") in line


def test_cli_json_through_containers() -> None:
    tokens = str(save_file(TOKENS))
    done = run("json", str(save_file("eu4/binary-pair/meta.bin")), "--tokens", tokens)
    assert done.returncode == 0, done.stderr
    melted = run("json", str(save_file("eu4/binary-pair/meta.bin.melted")))
    binary = json.loads(done.stdout)
    assert binary["is_ironman"] is True  # json keeps every field
    binary.pop("is_ironman")
    assert binary == json.loads(melted.stdout)
    done = run(
        "json",
        str(save_file("eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4")),
        "--entry",
        "meta",
    )
    assert done.returncode == 0 and json.loads(done.stdout)["player"] == "JBB"
    done = run(
        "json",
        str(save_file("eu4/aibanzai_test_HUN_1444_v1.22_zipbin.eu4")),
        "--entry",
        "meta",
        "--tokens",
        tokens,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["date"] == "1444.11.11"
    line = one_error_line(
        run("json", str(save_file("eu4/binary-pair/meta.bin.melted")), "--entry", "ai")
    )
    assert "no entry named 'ai'" in line  # fmt: skip


def test_cli_rejected_input(tmp_path: Path) -> None:
    cut = tmp_path / "cut.eu4"
    cut.write_bytes(save_file("eu4/binary-pair/meta.bin").read_bytes()[:301])
    line = one_error_line(run("melt", str(cut), "--tokens", str(save_file(TOKENS))))
    assert "cut short" in line and line.endswith(" at byte 300")  # the cut token
    line = one_error_line(run("info", str(save_file(TOKENS))))
    assert "unrecognised file" in line and line.endswith("at byte 0")
    bad = tmp_path / "bad_tokens.txt"
    bad.write_text("0x284d date\nnot a token line\n")
    line = one_error_line(
        run("info", str(save_file("eu4/binary-pair/meta.bin")), "--tokens", str(bad))
    )
    assert "line 2" in line  # fmt: skip
    line = one_error_line(run("info", str(tmp_path / "missing.eu4")))
    assert line.startswith("error: cannot read")


def test_cli_usage_errors_exit_2() -> None:
    assert run("info").returncode == 2
    assert run("melt").returncode == 2
    assert run("info", "x", "--frobnicate").returncode == 2
    done = run("--help")
    assert done.returncode == 0 and b"info" in done.stdout and b"melt" in done.stdout
