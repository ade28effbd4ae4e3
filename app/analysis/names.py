"""Which game data and language a save's analysis is shown with, for the server's pages
and the browser alike: the save's identity (game, version, mods) for choosing a bundle,
and the reader's language (the ``lang`` cookie, else Accept-Language). The join itself is
``kernel.gamedata.used_names``; showing a name is app.analysis.render's (``country_name``,
``key_name``, the ``country`` and ``label`` filters), a module kept free of the kernel.
Imports the kernel only (the browser bundle carries this module).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from kernel.gamedata import Manifest

# --- which bundle and language (the server's pages and the browser alike) -------------------

DEFAULT_LANGUAGE: Final = "english"
LANGUAGE_COOKIE: Final = "lang"
# Accept-Language codes of the languages EU4 ships (and a few more its mods add).
LANGUAGE_CODES: Final = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "pl": "polish",
    "ru": "russian",
    "pt": "braz_por",
    "ja": "japanese",
    "zh": "simp_chinese",
    "ko": "korean",
}


def language_for(
    bundle: Manifest, cookie: str | None, accept_language: str | None
) -> str:
    """The reader's language among the bundle's: the cookie's choice, else the best of
    Accept-Language, else English, else the bundle's first."""
    languages = bundle.languages
    if cookie in languages:
        return str(cookie)
    for code in _accepted(accept_language or ""):
        language = LANGUAGE_CODES.get(code)
        if language in languages:
            return str(language)
    if DEFAULT_LANGUAGE in languages or not languages:
        return DEFAULT_LANGUAGE
    return languages[0]


def _accepted(header: str) -> list[str]:
    """Accept-Language's primary codes, best first (``fr-CH, fr;q=0.9, en;q=0.8``)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code:
            ranked.append((-quality, position, code.split("-")[0].lower()))
    return [code for _, _, code in sorted(ranked)]


def save_identity(payload: Any) -> tuple[str, str, list[str]] | None:
    """(game, version, mod names) of a stored EU4 analysis payload; None for others and
    for fragments that name no patch."""
    if not isinstance(payload, Mapping) or "schema_version" not in payload:
        return None
    info = payload.get("info")
    if not isinstance(info, Mapping):
        return None
    version = info.get("version")
    if not isinstance(version, Mapping):
        return None
    parts = [version.get(key) for key in ("first", "second", "third")]
    if not any(parts):
        return None  # a fragment naming no patch: no bundle is chosen (as in the kernel)
    text = ".".join(str(part) for part in parts if isinstance(part, int))
    mods = [
        str(mod.get("name"))
        for mod in info.get("mods") or []
        if isinstance(mod, Mapping) and mod.get("name")
    ]
    return "eu4", text, mods
