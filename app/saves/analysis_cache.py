"""The save page's cache: decoded analysis payloads and rendered analysis sections.

A large save's payload is megabytes of JSON (the 17.5 MB EU4 save: 3.5 MB); fetching it
from PostgreSQL, decoding it and rendering the analysis costs about 0.1 s of CPU per view,
so a shared link would make every view pay that. This process keeps the most recently
used payloads (as decoded) and rendered sections (HTML), least recently used out first,
within ``ANALYSIS_CACHE_MB``.

Keys carry the row's ``analyzed_on`` and the stored payload's size
(``pg_column_size``), read with every view: reprocessing sets a new ``analyzed_on``, and a
payload changed by hand (SQL, Piccolo Admin) is seen as soon as its stored size differs.
Entries larger than a quarter of the budget are not kept. Used from the event loop only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Final

# A decoded payload takes about 3.4 times its JSON's bytes (msgspec, measured on the
# 17.5 MB save: 3.5 MB of JSON, 11.8 MB of objects).
DECODED_FACTOR: Final = 3.5


class AnalysisCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._items[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes and self._items:
            _, (_, freed) = self._items.popitem(last=False)
            self._bytes -= freed

    @property
    def size(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)
