"""Token tables: the names of binary field ids, loaded from an operator-supplied file.

Paradox's token tables are not distributable, so the kernel ships none. The operator
gives a file with one ``0xID name`` line per token (decimal ids are accepted too); blank
lines and ``#`` comments are allowed::

    # EU4 1.29
    0x284d date
    0x2a38 player

Where the file comes from (``resolve_token_file``): an explicit path (``--tokens PATH``)
first, else ``$CHRONICLE_TOKENS_DIR/<game>.txt`` (``eu4.txt``, ``ck3.txt``, ``hoi4.txt``,
``imperator.txt``, ``vic3.txt``, ``eu5.txt``, ``stellaris.txt``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

from kernel._errors import KernelError

TOKENS_DIR_ENV: Final = "CHRONICLE_TOKENS_DIR"
TOKEN_FILES: Final = {
    "eu4": "eu4.txt",
    "ck3": "ck3.txt",
    "hoi4": "hoi4.txt",
    "imperator": "imperator.txt",
    "vic3": "vic3.txt",
    "eu5": "eu5.txt",
    "stellaris": "stellaris.txt",
}

# Ids the binary format reserves for operators, brackets and value types: never names
# (also what tells a token stream's first field id from a typed value, in _container).
RESERVED_IDS: Final = frozenset(
    (
        0x0001,
        0x0003,
        0x0004,
        0x000C,
        0x000D,
        0x000E,
        0x000F,
        0x0014,
        0x0017,
        0x0167,
        0x0243,
        0x029C,
        0x0317,
    )
)
_MAX_FILE: Final = 64 * 1024 * 1024


class TokenTable:
    """Field id -> name. ``name(id)`` is "" for an id the table does not hold."""

    def __init__(self, names: list[str], source: str = "") -> None:
        if len(names) != 65536:
            raise ValueError("a token table holds exactly 65536 slots")
        self.names = names
        self.source = source  # where it was loaded from (for messages)
        self._ids: dict[str, int] | None = None
        count = 0
        for name in names:
            if name:
                count += 1
        self.count = count

    @staticmethod
    def from_mapping(mapping: Mapping[int, str], source: str = "") -> TokenTable:
        names = [""] * 65536
        for token_id, name in mapping.items():
            if not 0 <= token_id <= 0xFFFF:
                raise ValueError(f"token id {token_id} is not a 16-bit value")
            names[token_id] = name
        return TokenTable(names, source)

    def name(self, token_id: int) -> str:
        return self.names[token_id]

    def id_of(self, name: str) -> int:
        """The id of a name, or -1 (the reverse map is built on first use)."""
        ids = self._ids
        if ids is None:
            ids = {}
            for token_id, token_name in enumerate(self.names):
                if token_name and token_name not in ids:
                    ids[token_name] = token_id
            self._ids = ids
        return ids.get(name, -1)

    def __len__(self) -> int:
        return self.count

    def __contains__(self, token_id: object) -> bool:
        return isinstance(token_id, int) and 0 <= token_id <= 0xFFFF and self.names[token_id] != ""

    def __repr__(self) -> str:
        return f"TokenTable({self.count} names from {self.source or '<memory>'})"


def unknown_name(token_id: int) -> str:
    """The placeholder name of an id the table does not resolve: ``__unknown_0x1a2b``."""
    return "__unknown_0x" + format(token_id, "04x")


def parse_tokens(data: bytes, source: str = "<tokens>") -> TokenTable:
    """Parse the text of a token file (format: module docstring)."""
    names = [""] * 65536
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    n = len(data)
    line_no = 0
    while pos < n:
        end = data.find(b"\n", pos)
        if end < 0:
            end = n
        line_no += 1
        raw = data[pos:end]
        start = pos
        pos = end + 1
        hash_at = raw.find(b"#")
        if hash_at >= 0:
            raw = raw[:hash_at]
        fields = raw.split()
        if not fields:
            continue
        token_id = _parse_id(fields[0]) if len(fields) == 2 else -1
        if token_id < 0:
            shown = raw.strip()[:60].decode("utf-8", "replace")
            raise KernelError(
                f"{source} line {line_no}: expected '0xID name', got {shown!r}", start
            )
        name = fields[1].decode("utf-8", "replace")
        if token_id in RESERVED_IDS:
            continue
        previous = names[token_id]
        if previous and previous != name:
            raise KernelError(
                f"{source} line {line_no}: id 0x{token_id:04x} is already named "
                f"{previous!r}, not {name!r}",
                start,
            )
        names[token_id] = name
    return TokenTable(names, source)


def _parse_id(text: bytes) -> int:
    """A 16-bit id written ``0x1a2b`` (or decimal), else -1."""
    if text[:2] in (b"0x", b"0X"):
        digits = text[2:]
        if not digits or len(digits) > 4:
            return -1
        for c in digits:
            if not (48 <= c <= 57 or 65 <= c <= 70 or 97 <= c <= 102):
                return -1
        return int(digits, 16)
    if not text.isdigit() or len(text) > 5:
        return -1
    value = int(text)
    return value if value <= 0xFFFF else -1


def load_tokens(path: str | os.PathLike[str]) -> TokenTable:
    """Load a token file. Unreadable files and malformed lines raise KernelError."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if size > _MAX_FILE:
            raise KernelError(f"token file {name} is larger than {_MAX_FILE} bytes", 0)
        with open(name, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise KernelError(f"cannot read token file {name}: {exc.strerror or exc}") from None
    return parse_tokens(data, name)


def resolve_token_file(
    game: str, explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The token file to use for ``game``: ``explicit`` if given, else
    ``$CHRONICLE_TOKENS_DIR/<game>.txt`` when that file exists, else None."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    directory = env.get(TOKENS_DIR_ENV, "")
    file_name = TOKEN_FILES.get(game, "")
    if not directory or not file_name:
        return None
    candidate = os.path.join(directory, file_name)
    return candidate if os.path.isfile(candidate) else None


def expected_token_file(game: str, environ: Mapping[str, str] | None = None) -> str:
    """A human description of where the token file for ``game`` is looked for."""
    env = os.environ if environ is None else environ
    file_name = TOKEN_FILES.get(game, game + ".txt")
    directory = env.get(TOKENS_DIR_ENV, "")
    if directory:
        return os.path.join(directory, file_name)
    return f"${TOKENS_DIR_ENV}/{file_name}"
