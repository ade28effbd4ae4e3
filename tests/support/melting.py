"""What the site's melting must give: ``kernel_melt(path, tokens)`` is ``python -m kernel
melt FILE --tokens PATH`` run from this checkout's kernel source, as a player would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import ROOT


def kernel_melt(path: Path | str, tokens_path: Path | str) -> bytes:
    """The melted bytes ``python -m kernel melt`` writes for ``path`` with ``tokens_path``."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'kernel' / 'src'}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [sys.executable, "-m", "kernel", "melt", str(path), "--tokens", str(tokens_path)],
        capture_output=True,
        check=True,
        env=env,
    )
    return done.stdout
