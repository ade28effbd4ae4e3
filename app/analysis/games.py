"""The payload of a save of a game other than EU4, for the server and the browser alike.

``game_payload(save)``: Stellaris saves get ``kernel.stellaris.analyze`` (kind
``stellaris``: ``{"kind", "info", "summary", "stellaris"}``), every other game what its
container and metadata say with its summary (kind ``info``: ``{"kind", "info",
"summary"}``; ``kernel.summarize``, None for a game without one). The server stores it
(app.saves.parsing) and the browser renders it (app.local.worker), through the same
partials (templates/analysis/_metadata, _stellaris*). Imports the kernel, msgspec and the
standard library only (the browser bundle carries this module).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import kernel
from kernel.stellaris import analyze as analyze_stellaris


class GamePayload(NamedTuple):
    kind: str  # "stellaris" or "info"
    payload: dict[str, Any]  # for app.analysis.payload (may hold msgspec Structs)
    info: dict[str, Any]  # Save.info(), with "notes"
    notes: list[str]  # why fields are missing, for people
    summary: kernel.GameSummary | None


def game_payload(save: kernel.Save) -> GamePayload:
    """The payload of ``save``. Raises KernelError for a Stellaris save the analysis
    rejects (truncated or corrupt)."""
    stellaris = save.game == "stellaris"
    # The archive the save was opened with: its entries are not inflated again.
    analysis = analyze_stellaris(save.archive, max_depth=save.max_depth) if stellaris else None
    info = save.info()
    notes = [str(problem) for problem in _list(info.get("problems"))]
    if info.get("tokens_needed"):
        notes.append(f"binary metadata: reading it needs the {info.get('token_file')} token table")
    if analysis is not None:
        notes.extend(analysis.warnings)
    info["notes"] = notes
    summary = kernel.summarize(save)
    if analysis is None:
        payload: dict[str, Any] = {"kind": "info", "info": info, "summary": summary}
        return GamePayload("info", payload, info, notes, summary)
    payload = {"kind": "stellaris", "info": info, "summary": summary, "stellaris": analysis}
    return GamePayload("stellaris", payload, info, notes, summary)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
