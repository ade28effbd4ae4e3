"""Per-game summaries: what a save of each game holds about its player, read from the
documents ``Save.info()`` reads (the metadata, and the head of the gamestate for the games
whose player lives there). Cheap: never the whole gamestate.

``summarize(save)`` dispatches on the detected game to ``kernel.<game>.summarize`` and
returns None for a game without a summary reader (EU4, which has the full analysis, and
unknown files). The readers share the helpers here.
"""

from __future__ import annotations

from kernel._document import Container, Document
from kernel._save import Save, _info_documents, _readable, scalar_text


def summary_documents(save: Save) -> list[Document]:
    """The documents a summary reads (metadata first), as Documents. Binary ones only
    with a token table; one that does not parse is left out."""
    problems: list[str] = []
    return [_readable(doc) for doc in _info_documents(save, problems)]


def block_of(doc: Document, name: str) -> Container:
    """``name``'s block at the top of ``doc`` (``meta_data``, ``metadata``), else the root."""
    root = doc.root()
    if not name:
        return root
    value = root.get(name)
    if value is None or not value.is_container() or value.kind == "tagged":
        return root
    return value.as_container()


def find_text(
    docs: list[Document], block: str, keys: tuple[str, ...], *, date: bool = False
) -> str | None:
    """The first of ``keys`` found in ``block`` of the documents, in order, as text
    (binary dates as the game writes them when ``date``)."""
    for doc in docs:
        c = block_of(doc, block)
        for key in keys:
            text = scalar_text(c.get(key), date)
            if text is not None:
                return text
    return None


def find_int(docs: list[Document], block: str, keys: tuple[str, ...]) -> int | None:
    text = find_text(docs, block, keys)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def find_block(docs: list[Document], block: str, key: str) -> Container | None:
    for doc in docs:
        value = block_of(doc, block).get(key)
        if value is not None and value.is_container() and value.kind != "tagged":
            return value.as_container()
    return None


def summarize(save: Save) -> object | None:
    """The game's summary Struct (``kernel.<game>.types``), None for a game without a
    summary reader. Typed ``object`` here; ``kernel.summarize`` narrows it."""
    game = save.game
    if game == "ck3":
        from kernel.ck3 import summarize as ck3

        return ck3(save)
    if game == "hoi4":
        from kernel.hoi4 import summarize as hoi4

        return hoi4(save)
    if game == "imperator":
        from kernel.imperator import summarize as imperator

        return imperator(save)
    if game == "vic3":
        from kernel.vic3 import summarize as vic3

        return vic3(save)
    if game == "eu5":
        from kernel.eu5 import summarize as eu5

        return eu5(save)
    if game == "stellaris":
        from kernel.stellaris import summarize as stellaris

        return stellaris(save)
    return None
