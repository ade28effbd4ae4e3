"""The read API over binary documents: keys named through the token table, typed values."""

from __future__ import annotations

import pytest
from support.corpus import save_file

from kernel import Date, KernelError
from kernel._binary import decode_binary
from kernel._document import from_binary
from kernel._tokens import load_tokens


@pytest.fixture(scope="module")
def meta() -> object:
    tokens = load_tokens(str(save_file("eu4/binary-pair/tokens.txt")))
    data = save_file("eu4/binary-pair/meta.bin").read_bytes()
    return from_binary(decode_binary(data, "eu4", tokens))


def test_values_read_as_in_the_melted_text(meta: object) -> None:
    root = meta.root()  # type: ignore[attr-defined]
    assert root.get("date").as_date() == Date(1597, 1, 15)
    assert root.get("player").as_str() == "RAG"
    assert root.get("displayed_country_name").as_str() == "Ragusa"
    version = root.get("savegame_version").as_container()
    assert [version.get(k).as_int() for k in ("first", "second", "third", "forth")] == [1, 29, 4, 0]
    assert root.get("multi_player").as_bool() is False
    assert root.get("campaign_length").as_int() == 16834
    assert root.get("campaign_id").as_str() == "72ce90e3-eff3-4be4-9395-f1c3d33fd1c7"
    dlcs = [v.as_str() for v in root.get("dlc_enabled").as_container().values()]
    assert dlcs[0] == "Conquest of Paradise" and len(dlcs) == 15


def test_keys_in_order_and_raw_text(meta: object) -> None:
    root = meta.root()  # type: ignore[attr-defined]
    keys = [e.key for e in root.entries()]
    assert keys[:4] == ["date", "save_game", "player", "displayed_country_name"]
    assert root.get("date").raw() == b"1597.1.15"
    stats = root.get("campaign_stats").as_container().values()[0].as_container()
    assert stats.get("selector").as_str() == "RAG"


def test_type_errors_are_kernel_errors(meta: object) -> None:
    root = meta.root()  # type: ignore[attr-defined]
    with pytest.raises(KernelError):
        root.get("multi_player").as_int()  # yes/no are not integers, as in text
    with pytest.raises(KernelError):
        root.get("player").as_float()
    with pytest.raises(KernelError):
        root.get("campaign_length").as_bool()


def test_json_of_binary_asks_for_a_melt(meta: object) -> None:
    with pytest.raises(KernelError, match="melt"):
        meta.to_json()  # type: ignore[attr-defined]
