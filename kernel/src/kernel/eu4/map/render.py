"""The server's map: ``MapLayers`` drawn on a bundle's province-index image as a PNG
(numpy and Pillow), by the rules of docs/map.md "Drawing", which the browser's canvas
(app/static/map/) follows too:

- a pixel of province ``p`` is ``secondary[p]`` where ``secondary[p] != -1`` and
  ``((x + y) >> 3) & 1`` (diagonal stripes 8 px wide, in the drawn image's pixels), else
  ``primary[p]``;
- borders compare each pixel with its right (x wrapping around) and lower neighbours, and
  are drawn on the pixel itself: another owner (both land), or land against water (sea,
  lake, or outside every province), makes it ``BORDER``; another province of the same owner
  darkens it by a quarter (``c * 3 >> 2`` per channel; ``borders=False``: not drawn);
  water against water: none. A pixel whose neighbours are all its own province keeps its
  colour, so tests read province colours back from such pixels;
- at scale ``s`` pixel ``(x, y)`` samples the index image at ``(floor(x / s), floor(y / s))``.

Every step is a numpy operation over the whole image (no per-pixel Python): colours become
codes into the image's small colour table, so most of the work is on 8- or 16-bit arrays,
and images with at most 256 colours (most maps) are written as palette PNGs. Not compiled
by mypyc (numpy and Pillow do the pixel work); imported only where numpy and Pillow are
installed (the server and the CLI, never the browser).
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from kernel._errors import KernelError
from kernel._scalars import Date
from kernel.eu4.map._colors import BORDER, SEA, UNKNOWN
from kernel.eu4.map._layers import focus_tags, state_at
from kernel.eu4.map._layers import highlight as highlighted
from kernel.eu4.map.types import MapLayers
from kernel.gamedata import MapInfo, read_index_image

__all__ = [
    "MAX_SCALE",
    "MIN_SCALE",
    "OG_SIZE",
    "Colors",
    "IndexImage",
    "check",
    "colors_for",
    "draw",
    "encode",
    "focus",
    "og_image",
    "png",
    "read_image",
    "render",
]

Ids = npt.NDArray[np.uint16]
Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.unsignedinteger]  # codes into a drawing's colour table

# zlib level of the map PNG: 1, the fastest (the full 5632x2048 map: 0.04 s for a palette
# image, 0.26 s for 3 bytes a pixel, where 6 takes 0.1 and 0.35 s for files a quarter to a
# third smaller: docs/benchmarks.md). The server keeps each picture once drawn.
PNG_LEVEL: Final = 1
OG_SIZE: Final = (1200, 630)  # the OpenGraph image (og:image)
OG_PNG_LEVEL: Final = 6  # small: worth compressing harder
OG_MARGIN: Final = 0.25  # around the player's country, of its box's size on each side
OG_MIN_HEIGHT: Final = 360  # index-image pixels: a small country is shown with its region
MIN_SCALE: Final = 0.01
MAX_SCALE: Final = 1.0
_WATER: Final = frozenset(("sea", "lake"))


class IndexImage:
    """A province-index image: ``ids[y, x]`` province ids, rows top-down (0: none), with
    the bundle's ``MapInfo`` (province boxes) when it came from a bundle."""

    def __init__(self, ids: Ids, info: MapInfo | None = None) -> None:
        self.ids = ids
        self.height, self.width = (int(n) for n in ids.shape)
        self.info = info
        self.top = int(ids.max()) if ids.size else 0  # the largest id drawn

    @classmethod
    def from_bytes(cls, info: MapInfo, data: bytes) -> IndexImage:
        """From ``kernel.gamedata.read_index_image``'s ``(info, bytes)``."""
        ids = np.frombuffer(data, dtype="<u2").reshape(info.height, info.width)
        return cls(ids.astype(np.uint16, copy=False), info)


def read_image(root: str, bundle_id: str) -> IndexImage:
    """The bundle's province-index image (KernelError: no map, or unreadable)."""
    info, data = read_index_image(root, bundle_id)
    return IndexImage.from_bytes(info, data)


class Colors(NamedTuple):
    """What drawing reads per province id: the mode's colours (``0xRRGGBB``; ``secondary``
    -1 for no stripes), the owner (a country index, -1 for none: country borders) and
    whether it is water (sea or lake: no borders between water)."""

    primary: Sequence[int]
    secondary: Sequence[int]
    owner: Sequence[int]
    water: Sequence[bool]


def colors_for(
    layers: MapLayers, mode: str = "political", day: int | None = None, tags: Collection[str] = ()
) -> Colors:
    """The colours of ``mode`` at ``day`` (None: the save's date); with ``tags``, every
    other country's provinces greyed (``kernel.eu4.map.highlight``; their stripes stay:
    an occupation is still news). KernelError for a mode the layers do not have or a day
    outside the save."""
    check(layers, mode, day)
    primary, secondary, owner = state_at(layers, mode, day)
    if tags:
        primary = highlighted(layers, primary, owner, tags)
    water = [kind in _WATER for kind in layers.kinds]
    return Colors(primary, secondary, owner, water)


def check(layers: MapLayers, mode: str, day: int | None = None) -> None:
    """KernelError, saying what is wrong, for a mode the layers do not have or a day
    outside the save (cheap: nothing is computed)."""
    keys = [m.key for m in layers.modes]
    if mode not in keys:
        raise KernelError(f"no map mode {mode!r} for this save: {', '.join(keys)}")
    if day is not None and not layers.timeline.start <= day <= layers.timeline.end:
        first, last = Date.from_days(layers.timeline.start), Date.from_days(layers.timeline.end)
        raise KernelError(
            f"{Date.from_days(day)} is outside the save, which runs from {first} to {last}"
        )


def focus(layers: MapLayers, tag: str) -> list[str]:
    """The countries the focus on ``tag`` highlights (``kernel.eu4.map.focus_tags``: it,
    its subjects and its allies); KernelError for a tag the map does not know."""
    if not any(country.tag == tag for country in layers.countries):
        raise KernelError(f"no country {tag!r} on this map")
    return focus_tags(layers, tag)


def render(
    layers: MapLayers,
    image: IndexImage,
    *,
    mode: str = "political",
    day: int | None = None,
    scale: float = 1.0,
    borders: bool = True,
    highlight: Collection[str] = (),
) -> Image.Image:
    """The map of ``mode`` at ``day`` (None: the save's date), the whole image at
    ``scale`` (1: the index image's size), ``highlight``: the countries that keep their
    colours (all when empty). KernelError for a bad mode, day or scale."""
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise KernelError(f"scale {scale:g} is not between {MIN_SCALE:g} and {MAX_SCALE:g}")
    colors = colors_for(layers, mode, day, highlight)
    width = max(1, round(image.width * scale))
    height = max(1, round(image.height * scale))
    return draw(image, colors, size=(width, height), step=1 / scale, borders=borders)


def png(
    layers: MapLayers,
    image: IndexImage,
    *,
    mode: str = "political",
    day: int | None = None,
    scale: float = 1.0,
    borders: bool = True,
    highlight: Collection[str] = (),
) -> bytes:
    """``render`` as PNG bytes."""
    drawn = render(
        layers, image, mode=mode, day=day, scale=scale, borders=borders, highlight=highlight
    )
    return encode(drawn, PNG_LEVEL)


def encode(drawn: Image.Image, level: int = PNG_LEVEL) -> bytes:
    out = io.BytesIO()
    drawn.save(out, format="PNG", compress_level=level)
    return out.getvalue()


# --- drawing -------------------------------------------------------------------------------


def draw(
    image: IndexImage,
    colors: Colors,
    *,
    size: tuple[int, int],
    step: float = 1.0,
    origin: tuple[int, int] = (0, 0),
    borders: bool = True,
) -> Image.Image:
    """``size`` pixels of the map whose pixel (x, y) samples the index image at
    ``(origin + floor(x * step)) mod width`` and ``origin + floor(y * step)``: the whole
    map (``origin`` 0, ``step`` 1/scale) or a window of it (the OpenGraph image)."""
    width, height = size
    tables = _tables(image, colors)
    grid = _grid(image, origin, step, width, height)
    ids = grid[:height, :width]
    codes = tables.codes[ids]
    # Striped provinces have codes past the colour table: their pixels get either colour.
    ys, xs = np.nonzero(codes >= len(tables.table))
    if len(ys):
        striped = codes[ys, xs] - len(tables.table)
        on = ((xs + ys) & 8) != 0
        codes[ys, xs] = np.where(on, tables.stripes[striped], tables.plain[striped])
    # Borders: on the pixels that differ from their right or lower neighbour.
    right, down = grid[:height, 1 : width + 1], grid[1 : height + 1, :width]
    edge_right, edge_down = ids != right, ids != down
    ys, xs = np.nonzero(edge_right | edge_down)
    here = ids[ys, xs]
    country_r, province_r = _pair(here, right[ys, xs], edge_right[ys, xs], tables)
    country_d, province_d = _pair(here, down[ys, xs], edge_down[ys, xs], tables)
    country = country_r | country_d
    if borders:
        province = (province_r | province_d) & ~country
        py, px = ys[province], xs[province]
        codes[py, px] = tables.dark[codes[py, px]]
    codes[ys[country], xs[country]] = tables.border
    table = tables.table
    if len(table) <= 256:
        drawn = Image.fromarray(codes.astype(np.uint8), "P")
        drawn.putpalette(np.stack(_channels(table), axis=1).astype(np.uint8).tobytes())
        return drawn
    # More colours: 4 bytes a pixel (r, g, b, unused), which Pillow takes as they are.
    r, g, b = _channels(table)
    rgbx = (r | g << 8 | b << 16).astype("<u4")
    return Image.frombytes("RGB", size, rgbx[codes].tobytes(), "raw", "RGBX")


def _pair(
    here: Ids, there: Ids, differs: npt.NDArray[np.bool_], tables: _Tables
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(country border, province border) of each pixel against one neighbour."""
    water, owner = tables.water, tables.owner
    wet_here, wet_there = water[here], water[there]
    both_land = ~wet_here & ~wet_there
    same_owner = owner[here] == owner[there]
    country = differs & ((wet_here != wet_there) | (both_land & ~same_owner))
    province = differs & both_land & same_owner
    return country, province


def _grid(image: IndexImage, origin: tuple[int, int], step: float, width: int, height: int) -> Ids:
    """The ids sampled for the drawing, one column and one row more (the last pixels'
    neighbours): x wraps around, y stops at the last row (no border along it)."""
    x0, y0 = origin
    if (x0, y0, step, width, height) == (0, 0, 1, image.width, image.height):
        grid = np.empty((height + 1, width + 1), dtype=np.uint16)  # full size: no gather
        grid[:height, :width] = image.ids
        grid[:height, width] = image.ids[:, 0]
        grid[height] = grid[height - 1]
        return grid
    xs = (x0 + np.floor(np.arange(width + 1) * step).astype(np.int64)) % image.width
    if x0 == 0 and width * step >= image.width:
        xs[width] = xs[0]  # the whole width: the last column's neighbour is the first
    ys = np.clip(y0 + np.floor(np.arange(height + 1) * step).astype(np.int64), 0, image.height - 1)
    sampled: Ids = image.ids[np.ix_(ys, xs)]
    return sampled


class _Tables(NamedTuple):
    """The drawing's colour table and what each province id draws with it."""

    table: Ints  # the colours (0xRRGGBB) of the image, sorted; a pixel's code indexes it
    codes: Codes  # per province id: its colour's code; striped: len(table) + its stripe index
    plain: Codes  # per stripe index: the code of the province's own colour
    stripes: Codes  # per stripe index: the code of its stripes' colour
    dark: Codes  # per code: the code of that colour darkened (province borders)
    border: int  # the code of BORDER
    owner: Ints  # per province id: its owner (-1 none)
    water: npt.NDArray[np.bool_]  # per province id: sea or lake (id 0, outside the map, too)


def _tables(image: IndexImage, colors: Colors) -> _Tables:
    """Every id of the image gets colours: ids the layers lack are ``UNKNOWN`` land."""
    size = max(len(colors.primary), image.top + 1)
    primary = _padded(colors.primary, size, UNKNOWN)
    primary[primary < 0] = UNKNOWN
    secondary = _padded(colors.secondary, size, -1)
    owner = _padded(colors.owner, size, -1)
    water = _padded([int(w) for w in colors.water], size, 0).astype(bool)
    water[0] = True
    striped = np.nonzero(secondary >= 0)[0]
    base = np.unique(np.concatenate([primary, secondary[striped]]))
    table = np.unique(np.concatenate([base, _darken(base), [BORDER]]))
    kind: type[np.unsignedinteger[Any]] = (
        np.uint16 if len(table) + len(striped) <= 1 << 16 else np.uint32
    )
    codes = np.searchsorted(table, primary).astype(kind)
    codes[striped] = len(table) + np.arange(len(striped))
    return _Tables(
        table=table,
        codes=codes,
        plain=np.searchsorted(table, primary[striped]).astype(kind),
        stripes=np.searchsorted(table, secondary[striped]).astype(kind),
        dark=np.minimum(np.searchsorted(table, _darken(table)), len(table) - 1).astype(kind),
        border=int(np.searchsorted(table, BORDER)),
        owner=owner,
        water=water,
    )


def _padded(values: Sequence[int], size: int, fill: int) -> Ints:
    out = np.full(size, fill, dtype=np.int64)
    out[: len(values)] = np.asarray(values, dtype=np.int64)[:size]
    return out


def _channels(colors: Ints) -> tuple[Ints, Ints, Ints]:
    return (colors >> 16) & 255, (colors >> 8) & 255, colors & 255


def _darken(colors: Ints) -> Ints:
    """A province border's colour: each channel times 3/4, rounded down."""
    r, g, b = _channels(colors)
    return (r * 3 >> 2) << 16 | (g * 3 >> 2) << 8 | b * 3 >> 2


# --- the OpenGraph image -------------------------------------------------------------------


def og_image(layers: MapLayers, image: IndexImage) -> bytes:
    """A 1200x630 PNG for link previews: the political map around the player's country
    (the first player country that owns a province), else the whole world, with the
    country's name and the save's date along the bottom."""
    out_w, out_h = OG_SIZE
    colors = colors_for(layers)
    player = _player(layers)
    window = _window(layers, image, player) if player is not None else None
    if window is not None:
        origin, step = window
        drawn = draw(image, colors, size=OG_SIZE, step=step, origin=origin).convert("RGB")
    else:  # the whole world, as wide as the image, on sea above and below
        step = image.width / out_w
        height = min(out_h, max(1, round(image.height / step)))
        world = draw(image, colors, size=(out_w, height), step=step, borders=False)
        drawn = Image.new("RGB", OG_SIZE, _hex(SEA))
        drawn.paste(world.convert("RGB"), (0, (out_h - height) // 2))
    name = layers.countries[player].name if player is not None else ""
    _caption(drawn, " · ".join(part for part in (name, layers.date) if part))
    return encode(drawn, OG_PNG_LEVEL)


def _player(layers: MapLayers) -> int | None:
    owning = set(layers.owner)
    for index, country in enumerate(layers.countries):
        if country.player and index in owning:
            return index
    return None


def _window(
    layers: MapLayers, image: IndexImage, country: int
) -> tuple[tuple[int, int], float] | None:
    """(origin, step) of the OpenGraph window around the country's provinces (their
    boxes in MapInfo, the shortest way round the wrapping x axis); None when they do not
    fit in one window (the whole world is shown then)."""
    info = image.info
    if info is None:
        return None
    boxes = [
        box
        for province, who in enumerate(layers.owner)
        if who == country and (box := info.provinces.get(str(province))) is not None
    ]
    if not boxes:
        return None
    full = image.width
    centres = sorted({box[4] for box in boxes})
    # Start after the widest gap between neighbouring centres (going round).
    gaps = [(centres[(i + 1) % len(centres)] - c) % full for i, c in enumerate(centres)]
    widest = max(range(len(gaps)), key=gaps.__getitem__) if len(centres) > 1 else -1
    start = centres[(widest + 1) % len(centres)]
    lefts, rights = [], []
    for x0, _, x1, _, cx, _ in boxes:
        shift = full if cx < start else 0
        if x1 - x0 > full // 2:  # a province across the seam: its centre only
            x0 = x1 = cx
        lefts.append(x0 + shift)
        rights.append(x1 + shift)
    left, right = min(lefts), max(rights) + 1
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes) + 1
    out_w, out_h = OG_SIZE
    box_w, box_h = (right - left) * (1 + 2 * OG_MARGIN), (bottom - top) * (1 + 2 * OG_MARGIN)
    win_h = max(box_h, box_w * out_h / out_w, OG_MIN_HEIGHT)
    win_w = win_h * out_w / out_h
    if win_w > full or win_h > image.height:
        return None
    x = round((left + right - win_w) / 2) % full
    y = min(max(round((top + bottom - win_h) / 2), 0), image.height - round(win_h))
    return (x, y), win_h / out_h


def _hex(color: int) -> tuple[int, int, int]:
    return (color >> 16) & 255, (color >> 8) & 255, color & 255


def _caption(drawn: Image.Image, text: str) -> None:
    if not text:
        return
    font = ImageFont.load_default(size=30)
    canvas = ImageDraw.Draw(drawn, "RGBA")
    left, top, _, bottom = canvas.textbbox((0, 0), text, font=font)
    pad = 14
    height = bottom - top + 2 * pad
    canvas.rectangle((0, drawn.height - height, drawn.width, drawn.height), fill=(0, 0, 0, 150))
    canvas.text((pad - left, drawn.height - height + pad - top), text, font=font, fill="white")
