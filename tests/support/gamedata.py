"""Small game-data bundles written in the test, in the format kernel.gamedata reads (the
real import of the corpus install is tested in tests/kernel/gamedata)."""

from __future__ import annotations

import gzip
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from kernel.gamedata import FORMAT, Counts, Manifest, ModRef, Names, World
from support.saves import text_save


def write_bundle(
    root: Path,
    *,
    version: str = "1.31.6",
    names: Mapping[str, Names],
    world: World | None = None,
    mods: Sequence[str] = (),
    bundle_id: str | None = None,
) -> Manifest:
    """A bundle folder under ``root`` with ``names`` per language; its manifest."""
    bundle_id = bundle_id or f"eu4-{version}" + (f"-mods{len(mods)}" if mods else "")
    folder = root / bundle_id
    folder.mkdir(parents=True)
    files: dict[str, int] = {}
    for language, table in names.items():
        data = gzip.compress(msgspec.json.encode(table))
        (folder / f"names.{language}.json.gz").write_bytes(data)
        files[f"names.{language}.json.gz"] = len(data)
    data = gzip.compress(msgspec.json.encode(world or World()))
    (folder / "world.json.gz").write_bytes(data)
    files["world.json.gz"] = len(data)
    first = next(iter(names.values()))
    manifest = Manifest(
        format=FORMAT,
        id=bundle_id,
        game="eu4",
        version=version,
        mods=[ModRef(name=name) for name in mods],
        languages=list(names),
        counts=Counts(
            countries=len(first.countries),
            provinces=len(first.provinces),
            names=sum(len(n.countries) + len(n.provinces) for n in names.values()),
        ),
        files=files,
    )
    (folder / "manifest.json").write_bytes(msgspec.json.encode(manifest))
    return manifest


# --- a bundle and a save that uses it ---------------------------------------------------

ENGLISH = Names(
    language="english",
    countries={"SWE": ["Sweden", "Swedish"], "ITA": ["Kingdom of Italy", "Italian"]},
    keys={"religion": {"catholic": "Catholic"}, "culture": {"swedish": "Swedish"}},
)
FRENCH = Names(
    language="french",
    countries={"SWE": ["Suède", "suédois"], "ITA": ["Royaume d'Italie", "italien"]},
    keys={"religion": {"catholic": "Catholique"}},
)


def crafted_save() -> bytes:
    """ITA (the player, named "Italy" in the save) and SWE (no name of its own), with a
    ledger of both."""
    seed = secrets.randbelow(2**31)
    countries = (
        f'ITA={{ human=yes was_player=yes name="Italy" capital=1 num_of_cities=1 '
        f'history={{ 1444.11.11={{ monarch={{ id={{ id=1 type=48 }} name="R {seed}" '
        f"ADM=3 DIP=4 MIL=5 }} }} }} }} "
        f"SWE={{ capital=2 num_of_cities=1 }}"
    )
    provinces = (
        '-1={ name="Roma" owner="ITA" controller="ITA" base_tax=5.000 religion=catholic '
        "culture=umbrian } "
        '-2={ name="Stockholm" owner="SWE" controller="ITA" base_tax=4.000 religion=catholic '
        "culture=swedish }"
    )
    ledger = (
        "income_statistics={ ledger_data={ name=ITA data={ 1445=12 1446=24 } } "
        "ledger_data={ name=SWE data={ 1445=10 1446=11 } } }"
    )
    return text_save(
        player="ITA", name="Italy", minor=31, countries=countries, provinces=provinces,
        extra=ledger, seed=seed,
    )
