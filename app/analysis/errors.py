"""Why a save could not be read, in words for people: the one mapping from the kernel's
errors to messages, used by the server's upload and reprocess (app.saves.parsing) and by
the browser's local analysis (app.local.worker). Imports the kernel only (the browser
bundle carries this module)."""

from __future__ import annotations

from typing import Final

import kernel

# Said instead of the kernel's reason (about 16-bit ids) when a binary save meets a site
# without a token table: to players, what the file is, who can change that, what works now.
NO_TABLE: Final = (
    "This is an ironman (binary) save: the game writes ironman saves in a compact binary "
    "form, and this site cannot read that form yet. The site's operator can enable it "
    "(installing an EU4 token table: TOKENS_DIR, see the operator's guide). Meanwhile a "
    "normal, non-ironman save, which the game writes as text, works here."
)
TOO_DEEP: Final = "the file nests too deeply to read"
NO_MEMORY: Final = "there was not enough memory to read this file"


class Refusal(Exception):
    """A file the kernel refused: ``message`` for people, ``offset`` the byte where the
    kernel stopped (-1: none), ``tokens_needed`` for a binary save read without a table.
    Raised by the server's parser (it pickles: it crosses from the pool's processes)."""

    def __init__(self, message: str, offset: int = -1, tokens_needed: bool = False) -> None:
        super().__init__(message, offset, tokens_needed)
        self.message = message
        self.offset = offset
        self.tokens_needed = tokens_needed

    def __str__(self) -> str:
        if self.offset >= 0:
            return f"{self.message} at byte {self.offset}"
        return self.message


def refusal(exc: BaseException) -> Refusal | None:
    """What to tell people about ``exc`` raised while reading a save; None for an error
    that is not about the file (a bug: let it propagate)."""
    if isinstance(exc, kernel.TokensNeeded):
        return Refusal(NO_TABLE, -1, True)
    if isinstance(exc, kernel.KernelError):
        return Refusal(exc.message, exc.offset)
    if isinstance(exc, RecursionError):
        return Refusal(TOO_DEEP)
    if isinstance(exc, MemoryError):
        return Refusal(NO_MEMORY)
    return None
