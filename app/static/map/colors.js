// The map's colour arithmetic, as kernel/src/kernel/eu4/map/_colors.py does it: the few
// formulas the browser needs itself (battles recoloured over a chosen period, countries
// greyed by the filter and the focus). docs/map.md states them; keep the two equal.
// Colours are 0xRRGGBB numbers, as in MapLayers.

export const NONE = -1;
export const SEA = 0x36577a;
export const LAKE = 0x4f7ea6;
export const WASTELAND = 0x6e655a;
export const UNCOLONISED = 0xd8ccae;
export const UNKNOWN = 0x2b2b2b;
export const BORDER = 0x1c1c1c;

const clampByte = (v) => Math.min(Math.max(Math.trunc(v + 0.5), 0), 255);
const pack = (r, g, b) => (clampByte(r) << 16) | (clampByte(g) << 8) | clampByte(b);

// ``color`` moved ``share`` (0..1) of the way towards ``other``.
export function mix(color, other, share) {
  const r1 = (color >> 16) & 255, g1 = (color >> 8) & 255, b1 = color & 255;
  const r2 = (other >> 16) & 255, g2 = (other >> 8) & 255, b2 = other & 255;
  return pack(r1 + (r2 - r1) * share, g1 + (g2 - g1) * share, b1 + (b2 - b1) * share);
}

// Linear interpolation between evenly spaced ``stops`` at ``t`` (clamped to 0..1).
export function gradient(stops, t) {
  if (t <= 0) return stops[0];
  const last = stops.length - 1;
  if (t >= 1) return stops[last];
  const at = t * last;
  const index = Math.trunc(at);
  return mix(stops[index], stops[index + 1], at - index);
}

// An unfocused country's colour: its luminance, lightened (150 + 0.35 * Y).
export function grey(color) {
  const r = (color >> 16) & 255, g = (color >> 8) & 255, b = color & 255;
  const level = 150 + 0.35 * (0.299 * r + 0.587 * g + 0.114 * b);
  return pack(level, level, level);
}

// The value at the 95th percentile of the positive values: the top of a gradient.
export function clampTop(values, share = 0.95) {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (positive.length === 0) return 1;
  return positive[Math.min(positive.length - 1, Math.trunc(share * positive.length))];
}

// A province nobody owns, by its kind (_timeline.base_color).
export function baseColor(kind) {
  if (kind === "sea") return SEA;
  if (kind === "lake") return LAKE;
  if (kind === "wasteland") return WASTELAND;
  if (kind === "land") return UNCOLONISED;
  return UNKNOWN;
}

// A legend number as the kernel writes it (_layers._number).
export function numberLabel(value) {
  return Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
}

// Province borders: each channel times 3/4, rounded down.
export const darken = (c) =>
  ((((c >> 16) & 255) * 3) >> 2) << 16 | ((((c >> 8) & 255) * 3) >> 2) << 8 | (((c & 255) * 3) >> 2);

// 0xRRGGBB -> a pixel of a little-endian Uint32Array view of ImageData (0xAABBGGRR).
export const pixel = (c) =>
  (0xff000000 | ((c & 255) << 16) | (c & 0xff00) | ((c >> 16) & 255)) >>> 0;

export const css = (c) => `#${(c & 0xffffff).toString(16).padStart(6, "0")}`;
