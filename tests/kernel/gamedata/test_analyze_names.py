"""``python -m kernel analyze --gamedata DIR [--language L]``: the analysis with the names
of its keys from the save's bundle, as the app's API gives them."""

from __future__ import annotations

import json
import subprocess
import sys

from support.gamedata import ENGLISH, FRENCH, crafted_save, write_bundle


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kernel", "analyze", *args], capture_output=True, text=True
    )


def test_analyze_names_the_keys(tmp_path):
    save = tmp_path / "save.eu4"
    save.write_bytes(crafted_save())
    write_bundle(tmp_path / "gd", version="1.31.6", names={"english": ENGLISH, "french": FRENCH})
    french = analyze(str(save), "--gamedata", str(tmp_path / "gd"), "--language", "french")
    assert french.returncode == 0, french.stderr
    out = json.loads(french.stdout)
    assert out["gamedata"]["label"] == "EU4 1.31.6 data"
    assert out["names"]["country"] == {"SWE": "Suède", "ITA": "Italy"}  # the save's own wins
    assert out["names"]["religion"] == {"catholic": "Catholique"}
    # A language the bundle lacks: its first; no game data: no names at all.
    other = analyze(str(save), "--gamedata", str(tmp_path / "gd"), "--language", "klingon")
    assert json.loads(other.stdout)["names"]["country"]["SWE"] == "Sweden"
    plain = json.loads(analyze(str(save)).stdout)
    assert "names" not in plain and plain["gamedata"] is None


def test_a_fragment_naming_no_patch_gets_no_game_data(tmp_path):
    """Any bundle would be a guess; and the browser, which chooses from what the save says
    about itself, sees no patch either: both analyse without game data, silently."""
    from kernel.eu4 import analyze as analyze_save

    write_bundle(tmp_path, version="1.31.6", names={"english": ENGLISH})
    out = analyze_save(b"countries={ SWE={ capital=1 } }", gamedata=str(tmp_path))
    assert out.gamedata is None
    assert not any("game data" in warning for warning in out.warnings)
