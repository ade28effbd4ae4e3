"""Small game-data bundles written in the test, in the format kernel.gamedata reads (the
real import of the corpus install is tested in tests/kernel/gamedata)."""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from kernel.gamedata import FORMAT, Counts, Manifest, ModRef, Names, World


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
