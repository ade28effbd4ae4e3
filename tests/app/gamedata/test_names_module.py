"""app.analysis.names (shared by the server's pages and the browser's worker) and the
worker's names step, in CPython: which names a payload uses, whose name wins, which
language a reader gets."""

from __future__ import annotations

import msgspec
import pytest
from support.gamedata import write_bundle
from support.saves import text_save

from app.analysis.names import language_for, save_identity
from app.analysis.payload import payload
from app.analysis.render import country_name
from app.local import worker
from kernel.eu4 import analyze
from kernel.gamedata import Counts, Manifest, Names, list_bundles, used_names

NAMES = Names(
    language="english",
    countries={"ITA": ["Kingdom of Italy", "Italian"], "AAA": ["Aaland", "Aa"], "ZZZ": ["Z", ""]},
    keys={
        "religion": {"catholic": "Catholic", "sunni": "Sunni"},
        "culture": {"umbrian": "Umbrian"},
    },
)


def bundle(languages: list[str]) -> Manifest:
    return Manifest(
        format=1, id="eu4-1.31.6", game="eu4", version="1.31.6", languages=languages,
        counts=Counts(countries=0, provinces=0, names=0),
    )


def test_used_names_are_those_of_the_payload_and_the_save_wins():
    analysis = payload(analyze(text_save(player="ITA", name="Italy", minor=31)))
    used = used_names(analysis, NAMES)
    assert used["country"] == {"ITA": "Italy", "AAA": "Other"}  # both named by the save
    assert "ZZZ" not in used["country"]  # not in this save
    assert used["religion"] == {"catholic": "Catholic", "sunni": "Sunni"}
    assert used["culture"] == {"umbrian": "Umbrian"}
    assert used_names(analysis, None) == {}
    assert used_names({"kind": "info"}, NAMES) == {}


def test_country_name_order():
    used = {"country": {"SWE": "Sweden"}}
    assert country_name(used, "SWE") == "Sweden"
    assert country_name(used, "SWE", "Kalmar Union") == "Kalmar Union"  # the save's own
    assert country_name(used, "SWE", "SWE") == "Sweden"  # a name that is just the tag
    assert country_name({}, "SWE") == "SWE"
    assert country_name(None, None) == ""


@pytest.mark.parametrize(
    ("languages", "cookie", "accept", "expected"),
    [
        (["english", "french"], "french", "en", "french"),  # the reader's choice
        (["english", "french"], "klingon", "fr-CH, fr;q=0.9", "french"),  # unknown choice
        (["english", "french", "german"], None, "de;q=0.5, fr;q=0.8", "french"),
        (["english", "french"], None, "ja", "english"),
        (["german", "french"], None, None, "german"),  # no English: the bundle's first
        (["english"], None, "fr;q=oops", "english"),
    ],
)
def test_language_for(languages, cookie, accept, expected):
    assert language_for(bundle(languages), cookie, accept) == expected


def test_save_identity():
    analysis = payload(analyze(text_save(minor=31)))
    assert save_identity(analysis) == ("eu4", "1.31.0", [])
    assert save_identity({"kind": "info", "info": {}}) is None
    fragment = payload(analyze(b"countries={ SWE={ capital=1 } }"))  # no savegame_version
    assert save_identity(fragment) is None


def test_worker_game_data_step(tmp_path):
    """The worker's side of local analysis: which bundle's files the save wants before it
    is analysed, the analysis with them (achievements decided as on the server) and the
    render with its names."""
    write_bundle(tmp_path, version="1.31.6", names={"english": NAMES})
    index = msgspec.json.encode(list_bundles(str(tmp_path))).decode()
    save = text_save(player="ITA", name="Italy", minor=31)
    wanted = worker.gamedata_for(save, None, index, None, "en-US")
    assert wanted == {
        "bundle": "eu4-1.31.6",
        "files": ["world.json.gz", "names.english.json.gz"],
        "label": "EU4 1.31.6 data",
    }
    folder = tmp_path / wanted["bundle"]
    for name in wanted["files"]:
        worker.put_gamedata(wanted["bundle"], name, (folder / name).read_bytes())
    with pytest.raises(ValueError, match="not a file of the chosen bundle"):
        worker.put_gamedata("eu4-9.9.9", "world.json.gz", b"")
    assert worker.analyze(save)["ok"] is True
    html = worker.render()
    assert "EU4 1.31.6 data" in html and "Catholic" in html
    assert worker._require()["gamedata"]["id"] == "eu4-1.31.6"  # the analysis used it
    # Another game's bundles only: nothing wanted, and the render says keys only.
    other = [msgspec.structs.replace(m, game="ck3") for m in list_bundles(str(tmp_path))]
    assert worker.gamedata_for(save, None, msgspec.json.encode(other).decode(), None, None) is None
    assert worker.analyze(save)["ok"] is True
    assert "keys only" in worker.render()
    assert worker.gamedata_for(b"not a save", None, index, None, None) is None
