"""Native integer types for mypyc, plain ``int`` everywhere else.

``i64`` makes mypyc keep loop indices and byte values as unboxed C integers (no tagging,
no overflow checks): byte loops run about three times faster. Interpreted (Pyodide, the
pure wheel) it is just ``int``. This module is never compiled, so the runtime alias
below is what an interpreted kernel sees, and mypy_extensions is needed only to build.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_extensions import i64 as i64
else:
    i64 = int

__all__ = ["i64"]
