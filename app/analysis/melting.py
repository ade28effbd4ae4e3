"""Melting (a binary ironman save to the text save the game would write), as the site and
the browser offer it: what a file needs to be melted and what the melted file is called.

The melting itself is ``kernel.melt``, the same bytes as ``python -m kernel melt FILE
--tokens <game>.txt``. The server melts a shared save in its kernel pool
(app.saves.melting); the browser's local analysis melts a dropped file in its Web Worker
(app.local.worker). Imports the kernel only (the browser bundle carries this module).
"""

from __future__ import annotations

from typing import Final

import kernel

# The extension each game gives its saves: the melted file's.
MELTED_EXTENSIONS: Final = {
    "eu4": ".eu4",
    "ck3": ".ck3",
    "hoi4": ".hoi4",
    "imperator": ".rome",
    "vic3": ".v3",
    "eu5": ".eu5",
}
NOT_BINARY: Final = "this save is not binary: nothing to melt"


def token_file(game: str) -> str:
    """The name of ``game``'s token table in TOKENS_DIR (and under /local/tokens/)."""
    return f"{game}.txt"


def is_binary(container: kernel.Archive) -> bool:
    """Whether any entry of the save is a binary token stream (an ironman save, or a bare
    binary entry such as an EU4 ``meta`` file)."""
    return any(item.encoding == "binary" for item in container.entries)


def plan(container: kernel.Archive) -> dict[str, str | bool]:
    """What melting this save takes: ``binary`` (False: nothing to melt), ``game``,
    ``table`` (the token file it needs), ``meltable`` (the game is one whose saves the
    kernel melts: a file extension is known for it) and ``extension`` (the melted file's,
    "" when not meltable)."""
    game = container.game
    return {
        "binary": is_binary(container),
        "game": game,
        "table": token_file(game),
        "meltable": game in MELTED_EXTENSIONS,
        "extension": MELTED_EXTENSIONS.get(game, ""),
    }


def not_meltable(game: str) -> str:
    """Why a binary save of ``game`` (no extension known: Stellaris, unrecognised) is not
    melted."""
    if game == "unknown":
        return "the game of this binary file is not recognised: it cannot be melted"
    return f"binary {game} saves cannot be melted here"


def missing_table(game: str, where: str = "this site") -> str:
    """What to say when melting a binary save of ``game`` needs a table ``where`` lacks."""
    return (
        f"melting this {game} save needs the {token_file(game)} token table, which {where} "
        "does not have"
    )


def melted_name(filename: str, game: str) -> str:
    """``<name>_melted.<ext>``: the file's name without its extension, and the game's save
    extension (``ragusa.eu4`` -> ``ragusa_melted.eu4``, ``meta.bin`` -> ``meta_melted.eu4``)."""
    base = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return f"{stem or 'save'}_melted{MELTED_EXTENSIONS.get(game, '.txt')}"
