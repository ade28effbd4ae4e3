"""The map's colours: fixed ones, colours derived from keys, gradients and greying.

Colours are ``0xRRGGBB`` ints. app/static/map/ re-implements ``gradient`` and ``grey``
(the browser recolours battles over a chosen period and greys unfocused countries);
docs/map.md states both formulas, keep them equal.
"""

from __future__ import annotations

import zlib
from typing import Final

NONE: Final = -1
SEA: Final = 0x36577A
LAKE: Final = 0x4F7EA6
WASTELAND: Final = 0x6E655A
UNCOLONISED: Final = 0xD8CCAE
UNKNOWN: Final = 0x2B2B2B  # on the bundle's map but not in the save (or no game data)
REBELS: Final = 0x141414
BORDER: Final = 0x1C1C1C

# Light to dark: development, technology, battles.
HEAT: Final = (0xFFF5C4, 0xFDC66E, 0xF3843D, 0xC8402A, 0x6E1224)
COOL: Final = (0xE7F1E0, 0xA6D3A0, 0x5AAE8A, 0x2A7C8E, 0x1B3F6E)

# Terrain categories of EU4's terrain.txt; others get a colour from their key.
TERRAIN: Final = {
    "grasslands": 0x9CC45A,
    "farmlands": 0xC9D46A,
    "drylands": 0xD2B46C,
    "savannah": 0xCFC062,
    "steppe": 0xB9B27A,
    "desert": 0xE7D49A,
    "coastal_desert": 0xE2C98C,
    "forest": 0x3E7A3A,
    "woods": 0x5E9A48,
    "jungle": 0x2D6B2F,
    "marsh": 0x6C8F6B,
    "hills": 0xA58D5E,
    "highlands": 0x8F7B58,
    "mountain": 0x7A6A5A,
    "impassable_mountains": 0x4B4038,
    "glacier": 0xE8F0F4,
    "coastline": 0xB7C7A0,
}


def rgb(parts: list[int]) -> int:
    """``[r, g, b]`` -> ``0xRRGGBB``."""
    if len(parts) != 3:
        return UNKNOWN
    return (parts[0] & 255) << 16 | (parts[1] & 255) << 8 | (parts[2] & 255)


def _channels(color: int) -> tuple[int, int, int]:
    return (color >> 16) & 255, (color >> 8) & 255, color & 255


def _pack(r: float, g: float, b: float) -> int:
    return (
        min(max(int(r + 0.5), 0), 255) << 16
        | min(max(int(g + 0.5), 0), 255) << 8
        | min(max(int(b + 0.5), 0), 255)
    )


def hashed(key: str, lightness: float = 0.55, saturation: float = 0.55) -> int:
    """A stable colour for a key the game gives none (CRC-32 of the key: the same in
    every runtime and process)."""
    return _hsl(zlib.crc32(key.encode("utf-8")) % 360, saturation, lightness)


def _hsl(hue: float, saturation: float, lightness: float) -> int:
    c = (1 - abs(2 * lightness - 1)) * saturation
    h = (hue % 360) / 60
    x = c * (1 - abs(h % 2 - 1))
    m = lightness - c / 2
    sector = int(h)
    if sector == 0:
        r, g, b = c, x, 0.0
    elif sector == 1:
        r, g, b = x, c, 0.0
    elif sector == 2:
        r, g, b = 0.0, c, x
    elif sector == 3:
        r, g, b = 0.0, x, c
    elif sector == 4:
        r, g, b = x, 0.0, c
    else:
        r, g, b = c, 0.0, x
    return _pack((r + m) * 255, (g + m) * 255, (b + m) * 255)


def culture_color(culture: str, group: str) -> int:
    """A shade of the group's hue (the game gives cultures no colours): the group picks the
    hue, the culture its lightness and saturation; without a group, the culture's own."""
    if not group:
        return hashed(culture)
    hue = zlib.crc32(group.encode("utf-8")) % 360
    step = zlib.crc32(culture.encode("utf-8"))
    return _hsl(
        hue + (step % 21) - 10, 0.45 + (step >> 8) % 30 / 100, 0.35 + (step >> 16) % 35 / 100
    )


def terrain_color(terrain: str) -> int:
    found = TERRAIN.get(terrain)
    return found if found is not None else hashed(terrain, 0.5, 0.35)


def mix(color: int, other: int, share: float) -> int:
    """``color`` moved ``share`` (0..1) of the way towards ``other``."""
    r1, g1, b1 = _channels(color)
    r2, g2, b2 = _channels(other)
    return _pack(r1 + (r2 - r1) * share, g1 + (g2 - g1) * share, b1 + (b2 - b1) * share)


def subject_shade(overlord: int) -> int:
    """A subject's provinces in its overlord's hue: the overlord's colour, lighter."""
    return mix(overlord, 0xFFFFFF, 0.35)


def gradient(stops: tuple[int, ...] | list[int], t: float) -> int:
    """Linear interpolation between evenly spaced ``stops`` at ``t`` (clamped to 0..1)."""
    if t <= 0:
        return stops[0]
    last = len(stops) - 1
    if t >= 1:
        return stops[last]
    at = t * last
    index = int(at)
    return mix(stops[index], stops[index + 1], at - index)


def grey(color: int) -> int:
    """An unfocused country's colour: its luminance, lightened (``150 + 0.35 * Y``)."""
    r, g, b = _channels(color)
    level = 150 + 0.35 * (0.299 * r + 0.587 * g + 0.114 * b)
    return _pack(level, level, level)


def clamp_top(values: list[float], share: float = 0.95) -> float:
    """The value at the ``share`` quantile of the positive ``values`` (the top of a
    gradient, so that a few outliers do not flatten it); 1 when there is none."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return 1.0
    return positive[min(len(positive) - 1, int(share * len(positive)))]
