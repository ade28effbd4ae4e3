"""Is a password too easy to guess? zxcvbn's estimate (Dropbox's algorithm, PyPI
``zxcvbn``): it knows the common-password lists (the 30,000 most used passwords, keyboard
walks, dates, repeats and sequences, common words and names, l33t spellings of them) and
counts the guesses an attacker who tries those first would need.

A password is refused below score 2, i.e. when fewer than 10^8 such guesses find it:
"password1", "qwertyuiop", "iloveyou!" go; "correct horse battery" stays. Only the first
72 characters are judged (zxcvbn's own bound: its matching is slow on long inputs, and a
longer password is no easier to guess than its start).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from zxcvbn import zxcvbn

MIN_SCORE: Final = 2
JUDGED_CHARS: Final = 72


def weakness(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why the password is too easy to guess (a sentence for people), or None.

    ``user_inputs``: words an attacker would try first for this account (its names, the
    site's name)."""
    result = zxcvbn(
        password[:JUDGED_CHARS],
        user_inputs=[word for word in user_inputs if word],
        max_length=JUDGED_CHARS,
    )
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    hints = " ".join(part for part in (feedback["warning"], *feedback["suggestions"]) if part)
    return f"This password is too easy to guess. {hints}".strip()
