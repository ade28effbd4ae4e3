"""The province map: definition.csv, provinces.bmp and the province-index image.

The bitmap is read with numpy straight from its bytes (an uncompressed 24-bit BMP, rows
bottom-up unless its height is negative); every pixel's colour becomes a province id
through a 2^24-entry lookup table built from definition.csv.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt

from kernel._errors import KernelError

Warn = Callable[[str], None]

_MAX_ID: Final = 0xFFFF  # ids are u16 in the index image
_BAND: Final = 256  # rows per step of ``boxes``


class Definition:
    """definition.csv: province id -> (r, g, b) and its (Windows-1252) name column."""

    def __init__(self) -> None:
        self.colors: dict[int, tuple[int, int, int]] = {}
        self.names: dict[int, str] = {}


def parse_definition(path: str, data: bytes, warn: Warn) -> Definition:
    """``province;red;green;blue;name;x`` rows after a header row. A malformed row is
    skipped with a warning ``path:line``; a colour given twice keeps its first province
    (the later one warned about)."""
    text = data.decode("cp1252", errors="replace")
    out = Definition()
    owner: dict[tuple[int, int, int], int] = {}
    shared: list[tuple[int, int, int]] = []  # (line, province, province of the colour)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split(";")
        if number == 1 and not cells[0].strip().isdigit():
            continue  # the header row
        try:
            province = int(cells[0])
            rgb = (int(cells[1]), int(cells[2]), int(cells[3]))
        except (ValueError, IndexError):
            warn(f"{path}:{number}: not a 'province;red;green;blue;name' row; line skipped")
            continue
        if not 0 < province <= _MAX_ID or not all(0 <= c <= 255 for c in rgb):
            warn(f"{path}:{number}: province id or colour out of range; line skipped")
            continue
        if province in out.colors:
            warn(f"{path}:{number}: province {province} defined again; line skipped")
            continue
        first = owner.get(rgb)
        if first is not None:
            shared.append((number, province, first))
        else:
            owner[rgb] = province
        out.colors[province] = rgb
        out.names[province] = cells[4].strip() if len(cells) > 4 else ""
    if shared:  # real files have a few: one warning, not one per row
        pairs = ", ".join(f"{p} as {f}" for _, p, f in shared[:5])
        more = f" and {len(shared) - 5} more" if len(shared) > 5 else ""
        warn(
            f"{path}:{shared[0][0]}: {len(shared)} province(s) with the colour of an earlier "
            f"one, their pixels counted as the earlier: {pairs}{more}"
        )
    return out


class Bitmap:
    """A 24-bit bitmap as an (height, width, 3) RGB array, rows top to bottom."""

    def __init__(self, rgb: npt.NDArray[np.uint8]) -> None:
        self.rgb = rgb

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])


def _pixels(
    path: str, data: bytes, size: tuple[int, int] | None, bits_wanted: int, what: str
) -> npt.NDArray[np.uint8]:
    """The pixel bytes of an uncompressed BMP of ``bits_wanted`` bits per pixel as a
    (height, width * bytes per pixel) array, rows top to bottom."""
    if len(data) < 54 or data[:2] != b"BM":
        raise KernelError(f"{path}: not a BMP file")
    (offset,) = struct.unpack_from("<I", data, 10)
    (header,) = struct.unpack_from("<I", data, 14)
    if header < 40:
        raise KernelError(f"{path}: an old-style (OS/2) BMP header; save it as a Windows BMP")
    width, height, _planes, bits, compression = struct.unpack_from("<iiHHI", data, 18)
    if bits != bits_wanted:
        raise KernelError(f"{path}: {bits}-bit colour; {what} must be {bits_wanted}-bit")
    if compression != 0:
        raise KernelError(
            f"{path}: compressed BMP (compression {compression}); must be uncompressed"
        )
    top_down = height < 0
    height = abs(height)
    if width <= 0 or height <= 0:
        raise KernelError(f"{path}: empty bitmap ({width}x{height})")
    if size is not None and (width, height) != size:
        raise KernelError(
            f"{path}: {width}x{height} pixels, but default.map says {size[0]}x{size[1]}"
        )
    row = width * bits_wanted // 8
    stride = (row + 3) & ~3
    if offset + stride * height > len(data):
        raise KernelError(f"{path}: truncated ({len(data)} bytes for {width}x{height} pixels)")
    rows = np.frombuffer(data, dtype=np.uint8, count=stride * height, offset=offset)
    pixels = rows.reshape(height, stride)[:, :row]
    return pixels if top_down else pixels[::-1]


def read_bmp(path: str, data: bytes, size: tuple[int, int] | None) -> Bitmap:
    """The uncompressed 24-bit BMP ``data``; ``size`` (width, height) is what
    default.map says it must be. KernelError naming ``path`` otherwise."""
    pixels = _pixels(path, data, size, 24, "the province map")
    height, row = pixels.shape
    return Bitmap(pixels.reshape(height, row // 3, 3)[:, :, ::-1])  # BGR -> RGB


def read_indexed_bmp(path: str, data: bytes, size: tuple[int, int] | None) -> npt.NDArray[np.uint8]:
    """The palette indices of an uncompressed 8-bit BMP (terrain.bmp), rows top down."""
    return _pixels(path, data, size, 8, "the terrain map")


def majority(
    ids: npt.NDArray[np.uint16], indices: npt.NDArray[np.uint8], category: dict[int, str]
) -> dict[int, str]:
    """Per province id: the category (of ``category``: palette index -> name) covering
    most of its pixels in ``indices``; pixels of unlisted indices do not count."""
    top = int(ids.max()) + 1 if ids.size else 1
    counts = np.bincount(
        ids.ravel().astype(np.int64) * 256 + indices.ravel(), minlength=top * 256
    ).reshape(top, 256)
    names = sorted(set(category.values()))
    per_name = np.zeros((top, len(names)), dtype=np.int64)
    for index, name in category.items():
        if 0 <= index < 256:
            per_name[:, names.index(name)] += counts[:, index]
    best = per_name.argmax(axis=1)
    covered = per_name.max(axis=1) > 0
    return {
        province: names[int(best[province])]
        for province in np.nonzero(covered)[0].tolist()
        if province != 0
    }


def index_image(
    path: str, bitmap: Bitmap, definition: Definition, warn: Warn
) -> npt.NDArray[np.uint16]:
    """The province id of every pixel (0 where the colour is not in definition.csv, with
    one warning giving how many pixels and a few of the colours)."""
    lut = np.zeros(1 << 24, dtype=np.uint16)
    # Reversed, so that the first province of a duplicated colour wins.
    for province, (r, g, b) in reversed(list(definition.colors.items())):
        lut[(r << 16) | (g << 8) | b] = province
    rgb = bitmap.rgb
    keys = rgb[:, :, 0].astype(np.uint32) << 16
    keys |= rgb[:, :, 1].astype(np.uint32) << 8
    keys |= rgb[:, :, 2]
    ids: npt.NDArray[np.uint16] = lut[keys]
    unknown = ids == 0
    count = int(np.count_nonzero(unknown))
    if count:
        colours = np.unique(keys[unknown])
        shown = ", ".join(
            f"({k >> 16} {(k >> 8) & 255} {k & 255})" for k in (int(c) for c in colours[:5])
        )
        more = f" and {len(colours) - 5} more" if len(colours) > 5 else ""
        warn(
            f"{path}: {count} pixels of {len(colours)} colours not in definition.csv "
            f"(no province): {shown}{more}"
        )
    return ids


def land_neighbours(ids: npt.NDArray[np.uint16], land: set[int]) -> set[int]:
    """The provinces of ``land`` that touch another province of ``land`` on the map (a
    side, not a corner; the map wraps around east-west, as the game's does)."""
    if not land or ids.size == 0:
        return set()
    top = int(ids.max()) + 1
    is_land = np.zeros(max(top, max(land) + 1), dtype=bool)
    is_land[list(land)] = True
    touching = np.zeros_like(is_land)
    wrapped = np.concatenate([ids, ids[:, :1]], axis=1)
    for a, b in ((wrapped[:, :-1], wrapped[:, 1:]), (ids[:-1, :], ids[1:, :])):
        differ = a != b
        left, right = a[differ], b[differ]
        both = is_land[left] & is_land[right]
        touching[left[both]] = True
        touching[right[both]] = True
    return {int(p) for p in np.nonzero(touching)[0].tolist()}


def boxes(ids: npt.NDArray[np.uint16]) -> dict[int, list[int]]:
    """Per province id present in ``ids``: ``[x0, y0, x1, y1, cx, cy]`` (inclusive box,
    centre of mass rounded; the centre is moved to the province's nearest pixel on its
    row when the centre of mass falls outside it, as it does for crescent shapes)."""
    height, width = ids.shape
    top = int(ids.max()) + 1 if ids.size else 1
    counts = np.zeros(top, dtype=np.int64)
    sum_x = np.zeros(top, dtype=np.float64)
    sum_y = np.zeros(top, dtype=np.float64)
    present_rows = np.zeros((height, top), dtype=bool)
    present_cols = np.zeros((width, top), dtype=bool)
    columns = np.arange(width, dtype=np.int32)
    # In bands of rows, so that the per-pixel temporaries stay small (a few MB).
    for start in range(0, height, _BAND):
        band = ids[start : start + _BAND]
        rows = band.shape[0]
        flat = band.ravel()
        xs = np.tile(columns, rows)
        ys = np.repeat(np.arange(start, start + rows, dtype=np.int32), width)
        counts += np.bincount(flat, minlength=top)
        sum_x += np.bincount(flat, weights=xs, minlength=top)
        sum_y += np.bincount(flat, weights=ys, minlength=top)
        present_rows[ys, flat] = True
        present_cols[xs, flat] = True
    y0 = present_rows.argmax(axis=0)
    y1 = height - 1 - present_rows[::-1].argmax(axis=0)
    x0 = present_cols.argmax(axis=0)
    x1 = width - 1 - present_cols[::-1].argmax(axis=0)
    out: dict[int, list[int]] = {}
    for province in np.nonzero(counts)[0].tolist():
        if province == 0:
            continue
        n = float(counts[province])
        cx = min(width - 1, round(float(sum_x[province]) / n))
        cy = min(height - 1, round(float(sum_y[province]) / n))
        if int(ids[cy, cx]) != province:
            row = np.nonzero(ids[cy] == province)[0]
            if row.size:
                cx = int(row[np.abs(row - cx).argmin()])
            else:
                column = np.nonzero(ids[:, cx] == province)[0]
                if column.size:
                    cy = int(column[np.abs(column - cy).argmin()])
        out[province] = [
            int(x0[province]),
            int(y0[province]),
            int(x1[province]),
            int(y1[province]),
            cx,
            cy,
        ]
    return out
