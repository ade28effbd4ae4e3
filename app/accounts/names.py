"""How names are compared: the key under which a username or display name is claimed.

Two names that look alike on a page must not belong to two people, so names are compared
by a key, not as typed: Unicode NFKC (fullwidth and compatibility forms fold to plain
letters), case folded, accents and other combining marks dropped, and every character
that shows as nothing or as a space removed (spaces, zero-width and bidi controls,
variation selectors, Hangul fillers, the braille blank), as are the separators ``_ . -``
that usernames may hold. "admin" with a fullwidth A, "a d m i n", "ad_min", "admin" with a
zero-width space inside and "ádmin" all have the key "admin".

The keys are stored (``users.username_skeleton``, ``users.display_name_skeleton``, indexed) and
written wherever a user row is written (``app.accounts.services``, ``User.create_user`` for
Piccolo Admin's "add user", its edit hook in ``app.admin``). Migration
``accounts_2026_12_07t17_16_03_000000`` holds a copy of ``name_key`` to fill them for
existing users: change both together, and add a migration that fills them again.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from confusable_homoglyphs import confusables

# Shown as nothing (or as a blank) though not in a space or format category.
_INVISIBLE: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_SEPARATORS: Final = frozenset("_.-")
# Z*: spaces and line/paragraph separators; C*: controls, format (zero-width, bidi),
# unassigned; M*: combining marks (accents stacked on letters, variation selectors).
_DROPPED_CATEGORIES: Final = ("Z", "C", "M")

# Names that speak for the site; the site name is added by ``reserved_keys``.
RESERVED: Final = ("admin", "administrator", "moderator", "mod", "root", "staff", "support")


def name_key(name: str) -> str:
    """The comparison key of a name ("" when nothing visible is left)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    kept = (
        char
        for char in folded
        if char not in _INVISIBLE
        and char not in _SEPARATORS
        and unicodedata.category(char)[0] not in _DROPPED_CATEGORIES
    )
    return unicodedata.normalize("NFKC", "".join(kept))


def reserved_keys(site_name: str) -> frozenset[str]:
    return frozenset({*(name_key(word) for word in RESERVED), name_key(site_name)} - {""})


def mixed_lookalikes(name: str) -> bool:
    """The name mixes scripts with characters that look like the other script's (a
    Cyrillic "\u0430" in "paul"): the key above cannot see through that, so such names are
    refused. Unicode's confusables data, through ``confusable-homoglyphs``; names written
    in one script (Cyrillic, Greek, Han alone) pass."""
    return bool(confusables.is_dangerous(name))
