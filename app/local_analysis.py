"""Local analysis: the Python half of the browser's Web Worker (app/static/local/worker.js).

Under Pyodide the worker imports this module from the Wasm bundle (scripts/build_wasm.py)
and calls ``analyze`` then ``render``: the same kernel analysis the server's upload runs
(``kernel.eu4.analyze``), the same payload encoding (``app.analysis_payload``) and the same
partials (``app.analysis_render``). It imports nothing else of the app, so the bundle
carries only those modules, the kernel, msgspec, Jinja2 and MarkupSafe.

Results are plain dicts (Pyodide hands them to JavaScript as objects); a rejected file is
a result too, ``{"ok": False, "message": …}`` with the kernel's readable message, never
an exception for JavaScript to pick apart. One analysis is kept (``_current``) so the page
can re-render it with another view (sorting, paging) or export a chart's CSV without
parsing the file again.
"""

from __future__ import annotations

import gc
from typing import Any, Final

import msgspec

import kernel
from app.analysis_payload import payload
from app.analysis_render import analysis_view, chart_csv, render_analysis
from kernel.eu4 import analyze as analyze_eu4

# Where the partials' links point in the browser: sort and page links are "?…#section"
# (the page re-renders them locally), CSV links "#csv/<chart>" (made locally too).
LOCAL_VIEW: Final = {"base": "", "htmx": False, "csv": "#csv"}
# Said after the kernel's reason when a binary save meets a site without a token table:
# by the browser here and by the server's upload (app.saves.parsing).
NO_TABLE: Final = "; this site has no EU4 token table (its operator sets TOKENS_DIR)"

_current: dict[str, Any] = {}


def analyze(data: bytes, tokens: bytes | None = None) -> dict[str, Any]:
    """Analyse a save's bytes. ``tokens``: the EU4 token file's text, when the site has one.

    Returns ``{"ok": True, "summary": {…}}``, or ``{"ok": False, "message": …,
    "needs_tokens": bool}`` (``needs_tokens``: a binary save and no ``tokens`` given: fetch
    the table and call again)."""
    _current.clear()
    try:
        table = kernel.parse_tokens(tokens, "the site's EU4 token table") if tokens else None
        analysis = analyze_eu4(data, tokens=table)
    except kernel.TokensNeeded as exc:
        return {"ok": False, "needs_tokens": tokens is None, "message": exc.reason + NO_TABLE}
    except kernel.KernelError as exc:
        return {"ok": False, "needs_tokens": False, "message": str(exc)}
    except RecursionError:
        return {"ok": False, "needs_tokens": False, "message": "the file nests too deeply to read"}
    except MemoryError:
        return {
            "ok": False,
            "needs_tokens": False,
            "message": "the browser ran out of memory reading this file",
        }
    enabled = gc.isenabled()
    gc.disable()  # the payload is hundreds of thousands of acyclic containers
    try:
        _current["payload"] = payload(analysis)
    finally:
        if enabled:
            gc.enable()
    info = analysis.info
    summary = {
        "date": info.date,
        "player": info.player_tag,
        "player_name": info.player_name,
        "patch": info.patch,
        "warnings": list(analysis.warnings),
    }
    return {"ok": True, "summary": summary}


def use_payload(text: str) -> None:
    """Hold a stored analysis (the payload JSON a pre-rendered page links to) for
    ``render`` and ``csv``, as if it had just been analysed."""
    _current.clear()
    _current["payload"] = msgspec.json.decode(text)


def render(view: dict[str, Any] | None = None) -> str:
    """The analysis partial for the current analysis; ``view`` overrides ``LOCAL_VIEW``
    (only the keys ``analysis_view`` knows; the rest are ignored)."""
    given = dict(LOCAL_VIEW)
    given.update(view or {})
    return render_analysis(_require(), analysis_view(given))


def csv(chart: str) -> str | None:
    """One chart's CSV (as the server's download), or None for an unknown chart."""
    try:
        return chart_csv(_require(), chart)
    except KeyError:
        return None


def _require() -> Any:
    found = _current.get("payload")
    if found is None:
        raise RuntimeError("no analysis yet: call analyze() first")
    return found
