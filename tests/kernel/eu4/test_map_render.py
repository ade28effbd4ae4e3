"""The server's map renderer (kernel.eu4.map.render): every drawing rule of docs/map.md on
small synthetic images, checked pixel by pixel against a plain per-pixel reading of the
rules; then the real corpus bundle and saves."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest
from PIL import Image

from kernel.eu4.map._colors import BORDER, UNKNOWN
from kernel.eu4.map.render import Colors, IndexImage, draw

RED, GREEN, BLUE, SEA, LAKE = 0xC83232, 0x32C832, 0x3232C8, 0x36577A, 0x4F7EA6


def image_of(rows: Sequence[Sequence[int]]) -> IndexImage:
    return IndexImage(np.array(rows, dtype=np.uint16))


def pixels(drawn: Image.Image) -> list[list[int]]:
    """The drawing as rows of 0xRRGGBB."""
    rgb = np.asarray(drawn.convert("RGB")).astype(np.int64)
    packed = rgb[:, :, 0] << 16 | rgb[:, :, 1] << 8 | rgb[:, :, 2]
    return [[int(v) for v in row] for row in packed]


def darken(color: int) -> int:
    r, g, b = color >> 16 & 255, color >> 8 & 255, color & 255
    return (r * 3 // 4) << 16 | (g * 3 // 4) << 8 | b * 3 // 4


def expected(
    ids: Sequence[Sequence[int]], colors: Colors, *, scale: float = 1.0, borders: bool = True
) -> list[list[int]]:
    """docs/map.md "Drawing", read literally, one pixel at a time."""
    height, width = len(ids), len(ids[0])
    out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))

    def at(x: int, y: int) -> int:
        sx = int(x * (1 / scale)) % width if x < out_w else 0
        sy = min(int(y * (1 / scale)), height - 1)
        return ids[sy][sx]

    def get(values: Sequence[int], p: int, fill: int) -> int:
        return values[p] if p < len(values) else fill

    def water(p: int) -> bool:
        return p == 0 or (p < len(colors.water) and colors.water[p])

    out = []
    for y in range(out_h):
        row = []
        for x in range(out_w):
            p = at(x, y)
            primary = get(colors.primary, p, UNKNOWN)
            secondary = get(colors.secondary, p, -1)
            color = secondary if secondary != -1 and ((x + y) >> 3) & 1 else primary
            neighbours = [at(x + 1, y)] + ([at(x, y + 1)] if y + 1 < out_h else [])
            country = province = False
            for q in neighbours:
                if q == p:
                    continue
                if water(p) != water(q):
                    country = True
                elif not water(p):
                    if get(colors.owner, p, -1) != get(colors.owner, q, -1):
                        country = True
                    else:
                        province = True
            if country:
                color = BORDER
            elif province and borders:
                color = darken(color)
            row.append(color)
        out.append(row)
    return out


def interior(ids: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Pixels whose four neighbours (x wrapping) are all their own province."""
    height, width = len(ids), len(ids[0])
    found = []
    for y in range(1, height - 1):
        for x in range(width):
            p = ids[y][x]
            around = (ids[y][x - 1], ids[y][(x + 1) % width], ids[y - 1][x], ids[y + 1][x])
            if all(q == p for q in around):
                found.append((x, y))
    return found


# Four provinces: 1 and 2 owned by country 0, 3 by country 1, 4 sea; 5 is a lake.
BLOCKS = [
    [1] * 12 + [2] * 12 + [4] * 8,
    *([[1] * 12 + [2] * 12 + [4] * 8] * 9),
    *([[3] * 12 + [3] * 12 + [4] * 8] * 10),
    *([[3] * 6 + [5] * 6 + [4] * 20] * 4),
]
BLOCK_COLORS = Colors(
    primary=[SEA, RED, RED, BLUE, SEA, LAKE],
    secondary=[-1, -1, -1, GREEN, -1, -1],
    owner=[-1, 0, 0, 1, -1, -1],
    water=[True, False, False, False, True, True],
)


def test_every_pixel_follows_the_rules() -> None:
    drawn = draw(image_of(BLOCKS), BLOCK_COLORS, size=(32, 24))
    assert drawn.size == (32, 24)
    assert pixels(drawn) == expected(BLOCKS, BLOCK_COLORS)


def test_interior_pixels_are_exactly_the_primary_colour() -> None:
    colors = BLOCK_COLORS._replace(secondary=[-1] * 6)
    got = pixels(draw(image_of(BLOCKS), colors, size=(32, 24)))
    for x, y in interior(BLOCKS):
        assert got[y][x] == colors.primary[BLOCKS[y][x]], (x, y)


def test_stripes_are_diagonal_bands_eight_pixels_wide() -> None:
    ids = [[1] * 40 for _ in range(20)]
    colors = Colors([SEA, RED], [-1, GREEN], [-1, 0], [True, False])
    got = pixels(draw(image_of(ids), colors, size=(40, 20)))
    for y in range(19):  # the last row has no lower neighbour, the others none differing
        for x in range(40):
            assert got[y][x] == (GREEN if (x + y) // 8 % 2 else RED), (x, y)


def test_borders_between_countries_provinces_land_and_water() -> None:
    got = pixels(draw(image_of(BLOCKS), BLOCK_COLORS._replace(secondary=[-1] * 6), size=(32, 24)))
    # 1|2, same owner: the left pixel darkened; below it (1 over 3, other owner): BORDER.
    assert got[4][11] == darken(RED) and got[4][10] == RED and got[4][12] == RED
    assert got[9][4] == BORDER and got[10][4] == BLUE
    # Land against sea, sea against land (wrapping: column 31 touches column 0): BORDER.
    assert got[4][23] == BORDER and got[4][31] == BORDER and got[4][30] == SEA
    # Sea against lake: no border; land against lake: BORDER.
    assert got[20][20] == SEA and got[19][7] == BORDER and got[21][5] == BORDER


def test_without_province_borders_country_borders_stay() -> None:
    colors = BLOCK_COLORS._replace(secondary=[-1] * 6)
    got = pixels(draw(image_of(BLOCKS), colors, size=(32, 24), borders=False))
    assert got[4][11] == RED and got[9][4] == BORDER
    assert got == expected(BLOCKS, colors, borders=False)


def test_wrap_around_the_east_west_seam() -> None:
    ids = [[1, 1, 2, 2, 3, 3]] * 4
    colors = Colors([SEA, RED, RED, BLUE], [-1] * 4, [-1, 0, 0, 1], [True, False, False, False])
    got = pixels(draw(image_of(ids), colors, size=(6, 4)))
    assert [row[5] for row in got] == [BORDER] * 4  # 3 (country 1) next to 1 (country 0)
    same = Colors([SEA, RED, RED, RED], [-1] * 4, [-1, 0, 0, 0], [True, False, False, False])
    got = pixels(draw(image_of(ids), same, size=(6, 4)))
    assert [row[5] for row in got] == [darken(RED)] * 4  # the same owner: a province border
    one = [[1, 1, 2, 2, 1, 1]] * 4
    got = pixels(draw(image_of(one), same, size=(6, 4)))
    assert [row[5] for row in got] == [RED] * 4  # one province across the seam: none


@pytest.mark.parametrize("scale", [0.5, 0.25, 0.3])
def test_smaller_scales_sample_the_nearest_pixel(scale: float) -> None:
    rnd = random.Random(7)
    ids = [[(x // 5 + y // 4 * 3) % 6 + 1 for x in range(40)] for y in range(24)]
    ids[3][7] = 0
    colors = Colors(
        primary=[SEA] + [rnd.randrange(1 << 24) for _ in range(6)],
        secondary=[-1, -1, GREEN, -1, -1, BLUE, -1],
        owner=[-1, 0, 0, 1, 2, 2, -1],
        water=[True, False, False, False, False, False, True],
    )
    width, height = round(40 * scale), round(24 * scale)
    got = pixels(draw(image_of(ids), colors, size=(width, height), step=1 / scale))
    assert got == expected(ids, colors, scale=scale)


def test_ids_missing_from_the_layers_are_unknown_land() -> None:
    ids = [[1] * 8 + [9] * 8 for _ in range(6)]
    colors = Colors([SEA, RED], [-1, -1], [-1, 0], [True, False])
    got = pixels(draw(image_of(ids), colors, size=(16, 6)))
    assert got[2][12] == UNKNOWN and got[2][7] == BORDER
    assert got == expected(ids, colors)


def test_many_colours_draw_the_same_as_few() -> None:
    """Over 256 colours the image is RGB instead of a palette: the same pixels."""
    rnd = random.Random(3)
    ids = [[(x // 3 + y // 3 * 40) % 600 + 1 for x in range(120)] for y in range(45)]
    primary = [SEA] + [rnd.randrange(1 << 24) for _ in range(600)]
    secondary = [-1] + [rnd.choice([-1, -1, -1, rnd.randrange(1 << 24)]) for _ in range(600)]
    owner = [-1] + [rnd.randrange(50) for _ in range(600)]
    colors = Colors(primary, secondary, owner, [True] + [False] * 600)
    drawn = draw(image_of(ids), colors, size=(120, 45))
    assert drawn.mode == "RGB"
    assert pixels(drawn) == expected(ids, colors)
    few = draw(image_of(BLOCKS), BLOCK_COLORS, size=(32, 24))
    assert few.mode == "P"
