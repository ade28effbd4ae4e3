"""Which build of the kernel is running: mypyc-compiled, or pure Python (e.g. Pyodide).

A few hot spots pick a different (equivalent, tested) strategy per build: a byte loop
is fastest compiled, one C-level regex call is fastest interpreted.
"""

from __future__ import annotations

from typing import Final

# mypyc turns compiled modules into extension modules: their __file__ is not a .py file.
COMPILED: Final = not __file__.endswith(".py")
