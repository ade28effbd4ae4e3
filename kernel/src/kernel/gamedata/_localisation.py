"""Paradox localisation (``*_l_<language>.yml``) and cleaning its text for display.

A file is UTF-8 (usually with a BOM): a first line ``l_english:``, then ``KEY:0 "Text"``
lines (the number may be absent; ``#`` starts a comment outside quotes). The text runs
from the first to the last double quote of the line: quotes inside it are not escaped in
the game's own files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

Warn = Callable[[str], None]

FILE_LANGUAGE: Final = re.compile(r"_l_([a-z_]+)\.yml$", re.IGNORECASE)
_ENTRY: Final = re.compile(r'\s*([^\s:"#]+):[0-9]*\s*"(.*)"\s*(?:#.*)?$')
_HEADER: Final = re.compile(r"\s*l_([a-z_]+):\s*(?:#.*)?$", re.IGNORECASE)
_MAX_WARNINGS_PER_FILE: Final = 5


def language_of(name: str) -> str | None:
    """``countries_l_english.yml`` -> ``english``."""
    match = FILE_LANGUAGE.search(name)
    return match.group(1).lower() if match else None


def parse_yml(path: str, data: bytes, into: dict[str, str], warn: Warn) -> None:
    """Add the entries of one localisation file to ``into`` (later entries win).
    Malformed lines are skipped with a warning ``path:line: …`` (the first few of a
    file, then a count)."""
    text = data.decode("utf-8-sig", errors="replace")
    bad: list[int] = []
    entry = _ENTRY.match
    for number, line in enumerate(text.splitlines(), 1):
        match = entry(line)
        if match is not None:
            into[match.group(1)] = match.group(2)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _HEADER.match(line):
            continue
        bad.append(number)
    for number in bad[:_MAX_WARNINGS_PER_FILE]:
        warn(f'{path}:{number}: not a localisation entry (KEY:0 "text"); line skipped')
    if len(bad) > _MAX_WARNINGS_PER_FILE:
        warn(f"{path}: {len(bad) - _MAX_WARNINGS_PER_FILE} more malformed lines skipped")


# --- cleaning -----------------------------------------------------------------------------

_COLOUR: Final = re.compile(r"§[^§]|§$")  # §Y … §! : the codes go, the text stays
_ICON: Final = re.compile(r"£[^£\s]*£?")  # £icon£ (or an unclosed £icon)
_CALL: Final = re.compile(r"\[[^\[\]]*\]")  # [Root.GetName]
_VARIABLE: Final = re.compile(r"\$([^$\s]*)\$")  # $KEY$ (or $KEY|Y$)
_SPACES: Final = re.compile(r"\s+")
_MAX_DEPTH: Final = 4


def clean(text: str, table: dict[str, str], depth: int = 0) -> str:
    """``text`` for display: colour codes, icons and scripted calls dropped, ``$KEY$``
    replaced by the (cleaned) entry KEY of ``table`` when there is one, else dropped."""
    if "§" in text:
        text = _COLOUR.sub("", text)
    if "£" in text:
        text = _ICON.sub("", text)
    if "[" in text:
        text = _CALL.sub("", text)
    if "$" in text:

        def variable(match: re.Match[str]) -> str:
            key = match.group(1).split("|")[0]
            found = table.get(key)
            if found is None or depth >= _MAX_DEPTH:
                return ""
            return clean(found, table, depth + 1)

        text = _VARIABLE.sub(variable, text)
    if "\\n" in text:
        text = text.replace("\\n", " ")
    return _SPACES.sub(" ", text).strip()
