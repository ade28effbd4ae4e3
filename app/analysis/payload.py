"""The analysis payload as stored and rendered: one encoding for the server and the browser.

The server stores ``payload_json(analysis)`` in the ``analysis`` jsonb column and renders
what that decodes to; the browser (app.local.worker, under Pyodide) renders
``payload(analysis)``, the same JSON decoded, so both see identical plain data. Imports
msgspec and the standard library only (the browser bundle carries this module).
"""

from __future__ import annotations

import re
from typing import Any, Final

import msgspec

# PostgreSQL's jsonb refuses the NUL character, which a crafted save can put in a name:
# an escaped NUL (an odd number of backslashes before "u0000") becomes U+FFFD.
_JSON_NUL: Final = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


def payload_json(analysis: Any) -> bytes:
    """The payload as JSON for a jsonb column (escaped NULs become U+FFFD)."""
    data = msgspec.json.encode(analysis)
    if b"\\u0000" in data:
        data = _JSON_NUL.sub(rb"\1\\ufffd", data)
    return data


def payload(analysis: Any) -> Any:
    """The plain data the partials render: ``payload_json`` decoded (dicts, lists, str,
    int, float), as the server decodes the stored column."""
    return msgspec.json.decode(payload_json(analysis))
