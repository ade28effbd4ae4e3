"""The server's map renderer (kernel.eu4.map.render): every drawing rule of docs/map.md on
small synthetic images, checked pixel by pixel against a plain per-pixel reading of the
rules; then the real corpus bundle and saves."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

import msgspec
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from support.corpus import save_file
from support.gamedata import Imported

from kernel import Date, KernelError
from kernel.eu4 import analyze
from kernel.eu4.map import MapCountry, MapLayers, MapMode, Timeline, layers, state_at
from kernel.eu4.map._colors import BORDER, UNKNOWN, grey
from kernel.eu4.map.render import (
    Colors,
    IndexImage,
    draw,
    focus,
    og_image,
    png,
    read_image,
    render,
)
from kernel.eu4.types import Eu4Analysis
from kernel.gamedata import read_map_info, read_names, read_world

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


# --- render(): modes, days, focus, refusals, on hand-made layers ---------------------------

TAGS = ("AAA", "BBB")


def small_layers(**changes: object) -> MapLayers:
    """Provinces 1, 2 (AAA; 2 occupied by BBB), 3 (BBB), 4 sea, as BLOCKS draws them."""
    political = MapMode(
        key="political",
        label="Political",
        primary=[UNKNOWN, RED, RED, BLUE, SEA, LAKE],
        secondary=[-1, -1, BLUE, -1, -1, -1],
        values=["", "Aland", "Aland", "Bland", "", ""],
        legend=[],
    )
    plain = MapMode(
        key="development",
        label="Development",
        primary=[UNKNOWN, GREEN, GREEN, RED, SEA, LAKE],
        secondary=[-1] * 6,
        values=[""] * 6,
        legend=[],
        gradient=True,
    )
    base = MapLayers(
        bundle="test",
        width=32,
        height=24,
        size=6,
        date="1500-01-01",
        names=["", "One", "Two", "Three", "Sea", "Lake"],
        kinds=["", "land", "land", "land", "sea", "lake"],
        owner=[-1, 0, 0, 1, -1, -1],
        controller=[-1, 0, 1, 1, -1, -1],
        countries=[
            MapCountry(tag="AAA", name="Aland", color=RED, player=True, great_power=False),
            MapCountry(tag="BBB", name="Bland", color=BLUE, player=False, great_power=True),
        ],
        modes=[political, plain],
        timeline=Timeline(start=Date(1444, 11, 11).days(), end=Date(1500, 1, 1).days()),
    )
    return msgspec.structs.replace(base, **changes)


def test_render_draws_the_mode_at_the_save_date() -> None:
    image = image_of(BLOCKS)
    layers = small_layers()
    for mode in ("political", "development"):
        drawn = render(layers, image, mode=mode)
        primary, secondary, owner = state_at(layers, mode, None)
        colors = Colors(primary, secondary, owner, [k in ("sea", "lake") for k in layers.kinds])
        assert pixels(drawn) == expected(BLOCKS, colors)
    half = render(layers, image, mode="development", scale=0.5)
    assert pixels(half) == expected(BLOCKS, colors, scale=0.5)


def test_highlight_greys_the_others_but_not_their_stripes() -> None:
    layers = small_layers()
    got = pixels(render(layers, image_of(BLOCKS), highlight=["BBB"]))
    assert got[15][5] == BLUE  # BBB's own province keeps its colour
    assert got[3][3] == grey(RED)  # AAA's province 1 is greyed
    stripes = {got[y][x] for y in range(1, 9) for x in range(13, 23)}
    assert stripes == {grey(RED), BLUE}  # 2 (AAA's, held by BBB): greyed, the stripes stay
    assert focus(layers, "AAA") == ["AAA"]
    with pytest.raises(KernelError, match="no country 'ZZZ'"):
        focus(layers, "ZZZ")


def test_render_refuses_a_bad_mode_day_or_scale() -> None:
    layers, image = small_layers(), image_of(BLOCKS)
    with pytest.raises(KernelError, match="no map mode 'terrain' for this save: political, dev"):
        render(layers, image, mode="terrain")
    with pytest.raises(KernelError, match=r"1400\.1\.1 is outside the save, which runs from 1444"):
        render(layers, image, day=Date(1400, 1, 1).days())
    for scale in (0, 1.5, -1):
        with pytest.raises(KernelError, match="scale"):
            render(layers, image, scale=scale)


def test_png_bytes() -> None:
    data = png(small_layers(), image_of(BLOCKS), scale=0.5)
    with Image.open(io.BytesIO(data)) as drawn:
        assert drawn.format == "PNG" and drawn.size == (16, 12)


# --- the corpus: a real save on the real bundle's map ---------------------------------------

KOREA = "eu4/atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"


def corpus_map(bundle: Imported, analysis: Eu4Analysis) -> MapLayers:
    root, bundle_id = str(bundle.root), bundle.id
    return layers(
        analysis,
        world=read_world(root, bundle_id),
        names=read_names(root, bundle_id, "english"),
        info=read_map_info(root, bundle_id),
        bundle=bundle_id,
    )


def interior_mask(ids: npt.NDArray[np.uint16]) -> npt.NDArray[np.bool_]:
    """Pixels whose four neighbours (x wrapping) are their own province."""
    same = (ids == np.roll(ids, 1, axis=1)) & (ids == np.roll(ids, -1, axis=1))
    same[1:-1] &= (ids[1:-1] == ids[:-2]) & (ids[1:-1] == ids[2:])
    same[[0, -1]] = False
    return same


def packed(drawn: Image.Image) -> npt.NDArray[np.int64]:
    rgb = np.asarray(drawn.convert("RGB")).astype(np.int64)
    out: npt.NDArray[np.int64] = rgb[:, :, 0] << 16 | rgb[:, :, 1] << 8 | rgb[:, :, 2]
    return out


@pytest.fixture(scope="module")
def korea(corpus_bundle: Imported) -> Eu4Analysis:
    return analyze(save_file(KOREA).read_bytes(), gamedata=str(corpus_bundle.root))


@pytest.fixture(scope="module")
def corpus_image(corpus_bundle: Imported) -> IndexImage:
    return read_image(str(corpus_bundle.root), corpus_bundle.id)


def test_korea_interior_pixels_have_the_owners_colour(
    corpus_bundle: Imported, korea: Eu4Analysis, corpus_image: IndexImage
) -> None:
    result = corpus_map(corpus_bundle, korea)
    got = packed(render(result, corpus_image))
    assert got.shape == (2048, 5632)
    ids = corpus_image.ids
    inside = interior_mask(ids)
    owners = {row.id: row.owner for row in korea.provinces if row.owner}
    colour_of = {tag: r << 16 | g << 8 | b for tag, (r, g, b) in korea.map.colors.items()}
    lookup = np.full(result.size, -1, dtype=np.int64)
    for pid, tag in owners.items():
        if pid < result.size and result.kinds[pid] == "land":
            lookup[pid] = colour_of[tag]
    political = result.modes[0]
    secondary = np.array(political.secondary, dtype=np.int64)
    owned = inside & (lookup[ids] >= 0) & (secondary[ids] == -1)  # stripes: the next test
    assert owned.sum() > 1_000_000
    assert (got[owned] == lookup[ids][owned]).all()
    assert len(np.unique(ids[owned])) > 1000
    sea = np.array([kind == "sea" for kind in result.kinds])
    wet = inside & sea[ids]
    assert wet.sum() > 5_000_000 and (got[wet] == SEA).all()
    # every interior pixel: its mode colour (or the stripes' where a province has them)
    ys, xs = np.indices(ids.shape)
    stripes = (secondary[ids] != -1) & ((((xs + ys) >> 3) & 1) == 1)
    want = np.where(stripes, secondary[ids], np.array(political.primary, dtype=np.int64)[ids])
    assert (got[inside] == want[inside]).all()


def test_an_occupied_province_shows_the_controllers_stripes(
    corpus_bundle: Imported, korea: Eu4Analysis, corpus_image: IndexImage
) -> None:
    """Korea's start has no occupation: Hanseong (735, KOR) is given to a Japanese army."""
    rows = [
        msgspec.structs.replace(row, controller="JAP") if row.id == 735 else row
        for row in korea.provinces
    ]
    occupied = msgspec.structs.replace(korea, provinces=rows)
    result = corpus_map(corpus_bundle, occupied)
    kor, jap = (
        next(c.color for c in result.countries if c.tag == tag) for tag in ("KOR", "JAP")
    )
    got = packed(render(result, corpus_image))
    ys, xs = np.nonzero(interior_mask(corpus_image.ids) & (corpus_image.ids == 735))
    assert len(ys) > 100
    stripe = ((xs + ys) >> 3) & 1 == 1
    assert (got[ys[stripe], xs[stripe]] == jap).all()
    assert (got[ys[~stripe], xs[~stripe]] == kor).all()
    assert stripe.any() and (~stripe).any()


def test_a_day_in_the_past_draws_the_replayed_owners(
    corpus_bundle: Imported, modded: Eu4Analysis, corpus_image: IndexImage
) -> None:
    result = corpus_map(corpus_bundle, modded)
    timeline = result.timeline
    when = (timeline.start + timeline.end) // 2
    primary, _, _ = state_at(result, "political", when)
    now, _, _ = state_at(result, "political", None)
    got = packed(render(result, corpus_image, day=when, borders=False))
    ids = corpus_image.ids
    inside = interior_mask(ids)
    expected_then = np.array(primary, dtype=np.int64)[ids]
    plain = inside & (np.array([s == -1 for s in state_at(result, "political", when)[1]])[ids])
    assert (got[plain] == expected_then[plain]).all()
    changed = plain & (expected_then != np.array(now, dtype=np.int64)[ids])
    assert changed.sum() > 10_000  # the past is not the present


def test_og_image_around_the_player(
    corpus_bundle: Imported, korea: Eu4Analysis, corpus_image: IndexImage
) -> None:
    result = corpus_map(corpus_bundle, korea)
    with Image.open(io.BytesIO(og_image(result, corpus_image))) as drawn:
        assert drawn.format == "PNG" and drawn.size == (1200, 630)
        got = packed(drawn)
    kor = next(c.color for c in result.countries if c.tag == "KOR")
    middle = (got[100:500, 300:900] == kor).mean()
    edges = (got[:, :300] == kor).mean() + (got[:, 900:] == kor).mean()
    assert middle > 0.05 and edges == 0  # Korea, in the middle of the picture
