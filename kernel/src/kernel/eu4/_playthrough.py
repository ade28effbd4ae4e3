"""The playthrough id: one value for every save of the same run.

Same inputs as pdx.tools (``eu4game/src/shared.rs``): the ``REB`` country's
``decision_seed`` (4 bytes, little endian), then every monarch and queen of every
country's history dated on or before the start date plus one day, sorted by monarch id,
each as its id (4 bytes, little endian) and its name (UTF-8). Randomly generated
starting rulers and the rebel seed tell runs apart; sorting by id survives tags being
reordered when nations form. The digest is BLAKE2b-256 (the kernel's content hash uses
it too) rather than pdx.tools' keyed HighwayHash, so the ids are stable across saves of a
run but not equal to pdx.tools' ids. Base64 (standard alphabet) of the 32 bytes.
"""

from __future__ import annotations

import base64
import hashlib

from kernel.eu4._countries import CountryData
from kernel.eu4._history import HistoryScan, StartMonarch
from kernel.eu4._read import opt_integer


def _monarch_id(item: StartMonarch) -> int:
    return item.monarch_id


def playthrough_id(countries: dict[str, CountryData], scan: HistoryScan) -> str | None:
    seed: int | None = None
    reb = countries.get("REB")
    if reb is not None:
        seed = opt_integer(reb.get("decision_seed"))
    if seed is None and not scan.start_monarchs:
        return None
    digest = hashlib.blake2b(digest_size=32)
    digest.update(b"chronicle-eu4-playthrough-v1\x00")
    if seed is not None:
        digest.update((seed & 0xFFFFFFFF).to_bytes(4, "little"))
    monarchs = sorted(scan.start_monarchs, key=_monarch_id)
    for monarch in monarchs:
        digest.update((monarch.monarch_id & 0xFFFFFFFF).to_bytes(4, "little"))
        digest.update(monarch.name.encode("utf-8"))
    return base64.b64encode(digest.digest()).decode("ascii")
