"""``python -m app gamedata import|list``: the kernel's import into the app's GAMEDATA_DIR,
then the stored saves reprocessed (a database of this module's own: none stored)."""

from __future__ import annotations

import os
import subprocess
import sys

from support import ROOT


def test_app_gamedata_commands(own_database, corpus_game, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": own_database,
        "VAR_DIR": str(tmp_path / "var"),
        "GAMEDATA_DIR": str(tmp_path / "gamedata"),
    }

    def app(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "gamedata", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )

    done = app("import", str(corpus_game))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "eu4-1.31.6" in done.stdout and "reprocessed 0 saves" in done.stdout
    listed = app("list")
    assert listed.returncode == 0 and "eu4-1.31.6" in listed.stdout
    missing = app("import", str(tmp_path / "nothing"), "--no-reprocess")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr
