"""Islands in the imported world: a land province that touches no other land province on
the map (the game's ``island = yes``, which the Empire of Mann achievement reads)."""

from __future__ import annotations

import numpy as np

from kernel.gamedata import read_world
from kernel.gamedata._map import land_neighbours


def test_land_neighbours_on_a_small_map():
    # 1 and 2 touch; 3 is alone in the sea (0 is sea here); 4 touches 1 across the
    # east-west wrap of the map; 5 touches 2 only at a corner (not a neighbour).
    ids = np.array(
        [
            [1, 1, 2, 0, 0, 4],
            [0, 0, 0, 5, 0, 0],
            [0, 3, 0, 0, 0, 0],
        ],
        dtype=np.uint16,
    )
    assert land_neighbours(ids, {1, 2, 3, 4, 5}) == {1, 2, 4}
    assert land_neighbours(ids, {1, 3}) == set()  # 2 is not land: 1 touches no land


def test_corpus_islands(corpus_bundle):
    world = read_world(str(corpus_bundle.root), corpus_bundle.manifest.id)
    provinces = world.provinces
    assert provinces["25"].island and provinces["4365"].island  # Gotland, Mann
    assert not provinces["1"].island  # Stockholm
    assert not any(p.island for p in provinces.values() if p.kind != "land")
