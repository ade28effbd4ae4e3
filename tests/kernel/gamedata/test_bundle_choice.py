"""Choosing a save's bundle, listing and reading bundles (kernel.gamedata): the format's
readers on bundles written in the test."""

from __future__ import annotations

import gzip

import msgspec
import pytest
from support.gamedata import write_bundle

import kernel
from kernel.gamedata import (
    Names,
    choose_bundle,
    list_bundles,
    read_manifest,
    read_names,
    version_key,
)

ENGLISH = Names(language="english", countries={"SWE": ["Sweden", "Swedish"]})


@pytest.fixture
def bundles(tmp_path):
    for version in ("1.29.4", "1.31.2", "1.31.6", "1.34.5"):
        write_bundle(tmp_path, version=version, names={"english": ENGLISH})
    write_bundle(tmp_path, version="1.31.6", names={"english": ENGLISH}, mods=["Extended Timeline"])
    return list_bundles(str(tmp_path))


@pytest.mark.parametrize(
    ("version", "mods", "expected"),
    [
        ("1.31.5.0", (), "eu4-1.31.6"),  # same major.minor: its newest patch
        ("1.33.3.0", (), "eu4-1.31.6"),  # none of 1.33: the nearest older
        ("1.37.5.0", (), "eu4-1.34.5"),
        ("1.17.1.0", (), "eu4-1.29.4"),  # nothing older: the nearest newer
        ("1.31.0.0", ("extended timeline",), "eu4-1.31.6-mods1"),  # the mod set, any case
        ("1.31.0.0", ("Another Mod",), "eu4-1.31.6"),  # a mod set no bundle has: vanilla
    ],
)
def test_choose_bundle(bundles, version, mods, expected):
    chosen = choose_bundle(bundles, "eu4", version, mods)
    assert (chosen.id if chosen else None) == expected


def test_other_games_get_no_eu4_bundle(bundles):
    assert choose_bundle(bundles, "ck3", "1.31.6", ()) is None


def test_no_vanilla_bundle_and_another_mod_set_gets_none(tmp_path):
    write_bundle(tmp_path, names={"english": ENGLISH}, mods=["Anbennar"])
    only_mod = list_bundles(str(tmp_path))
    assert choose_bundle(only_mod, "eu4", "1.31.6", ("Anbennar",)) is not None
    assert choose_bundle(only_mod, "eu4", "1.31.6", ()) is None
    assert choose_bundle(only_mod, "eu4", "1.31.6", ("Extended Timeline",)) is None


def test_version_key():
    assert version_key("1.31.6") == (1, 31, 6)
    assert version_key("1.37.5.0") == (1, 37, 5, 0)
    assert version_key("1.x.2beta") == (1, 0, 2)


def test_list_skips_what_is_not_a_readable_bundle(tmp_path):
    write_bundle(tmp_path, names={"english": ENGLISH})
    (tmp_path / "notes").mkdir()  # no manifest
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json")
    old = write_bundle(tmp_path, version="1.30.1", names={"english": ENGLISH})
    manifest = msgspec.structs.replace(old, format=0)
    (tmp_path / old.id / "manifest.json").write_bytes(msgspec.json.encode(manifest))
    assert [m.id for m in list_bundles(str(tmp_path))] == ["eu4-1.31.6"]
    assert list_bundles(str(tmp_path / "missing")) == []


def test_readers_say_what_is_wrong(tmp_path):
    write_bundle(tmp_path, names={"english": ENGLISH})
    assert read_names(str(tmp_path), "eu4-1.31.6", "english").countries["SWE"][0] == "Sweden"
    with pytest.raises(kernel.KernelError, match=r"names\.french\.json\.gz"):
        read_names(str(tmp_path), "eu4-1.31.6", "french")
    (tmp_path / "eu4-1.31.6" / "names.english.json.gz").write_bytes(gzip.compress(b"[1, 2]"))
    with pytest.raises(kernel.KernelError, match=r"names\.english"):
        read_names(str(tmp_path), "eu4-1.31.6", "english")
    with pytest.raises(kernel.KernelError, match="not a bundle id"):
        read_manifest(str(tmp_path), "../etc")


def test_a_bundle_of_another_format_asks_for_a_new_import(tmp_path):
    made = write_bundle(tmp_path, names={"english": ENGLISH})
    stale = msgspec.structs.replace(made, format=999)
    (tmp_path / made.id / "manifest.json").write_bytes(msgspec.json.encode(stale))
    with pytest.raises(kernel.KernelError, match="import the game data again"):
        read_manifest(str(tmp_path), made.id)


def test_label_names_the_data_and_mods(tmp_path):
    plain = write_bundle(tmp_path, names={"english": ENGLISH})
    modded = write_bundle(tmp_path, names={"english": ENGLISH}, mods=["Anbennar"])
    assert plain.label == "EU4 1.31.6 data"
    assert modded.label == "EU4 1.31.6 data with Anbennar"
