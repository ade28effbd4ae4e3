"""``Eu4Analysis.places``: the game data's geography kept to the save's provinces, with
the corpus install imported as the bundle (tests/conftest.py ``corpus_bundle``). Values
from the game files: map/area.txt denmark_area = { 12 14 1981 1983 }, map/region.txt
scandinavia_region = { areas = { … denmark_area … } }, map/continent.txt europe holds
province 1 (Stockholm) and asia 735 (Hanseong, Korea's capital)."""

from __future__ import annotations

from support.corpus import save_file

from kernel.eu4 import analyze

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"


def test_places_of_the_korea_save(corpus_bundle) -> None:
    out = analyze(save_file(KOREA).read_bytes(), gamedata=corpus_bundle.root)
    assert out.gamedata is not None and out.places is not None
    places = out.places
    assert places.areas["denmark_area"] == [12, 14, 1981, 1983]
    assert "denmark_area" in places.regions["scandinavia_region"]
    assert any("scandinavia_region" in regions for regions in places.superregions.values())
    assert 1 in places.continents["europe"] and 735 in places.continents["asia"]
    ids = {row.id for row in out.provinces}
    assert all(pid in ids for members in places.areas.values() for pid in members)


def test_no_places_without_game_data() -> None:
    assert analyze(save_file(KOREA).read_bytes()).places is None
