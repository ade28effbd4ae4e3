// The province-index image and drawing on it, by docs/map.md "Drawing" (the server's
// kernel/eu4/map/render.py follows the same rules, so both draw the same pixels).
//
// A Raster is the index image at one scale (the full image, or sampled at every
// ``step``-th pixel for the timelapse) with what every redraw needs precomputed once:
// per pixel a key into a colour table (province id, plus ``size`` on the stripes'
// diagonals: ``((x + y) >> 3) & 1`` in this raster's own pixels), and the pixels that
// differ from their right (x wraps around) or lower neighbour, where borders may go.
// Drawing a state is then one table lookup per pixel plus a pass over the edge pixels.

import { BORDER, UNKNOWN, darken, pixel } from "./colors.js";

// The index image: gzip of width*height little-endian u16 province ids, rows top-down.
export async function fetchIndex(url, width, height) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the map image could not be loaded (${response.status})`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Served as stored (gzip bytes); a server that sent Content-Encoding already inflated it.
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  if (bytes.length !== width * height * 2) {
    throw new Error(`the map image holds ${bytes.length} bytes, not ${width}×${height} ids`);
  }
  return new Uint16Array(bytes.buffer, bytes.byteOffset, width * height);
}

export class Raster {
  // ``ids``: the image's province ids (Uint16Array, width*height); ``size``: the colour
  // tables' length (every id of the image and of the layers is below it).
  constructor(ids, width, height, size) {
    this.ids = ids;
    this.width = width;
    this.height = height;
    this.size = size;
    const n = width * height;
    // Keys: id, or id + size on a stripe diagonal (tables are 2*size long).
    const keys = 2 * size <= 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) keys[i] = ((x + y) & 8) ? ids[i] + size : ids[i];
    }
    this.keys = keys;
    // Edge pixels and their right and lower neighbours' ids.
    let count = 0;
    for (let y = 0, i = 0; y < height; y++) {
      const row = y * width;
      const below = y < height - 1 ? width : 0;
      for (let x = 0; x < width; x++, i++) {
        const p = ids[i];
        const right = x < width - 1 ? ids[i + 1] : ids[row];
        if (p !== right || p !== ids[i + below]) count++;
      }
    }
    const edges = new Uint32Array(count);
    const edgeRight = new Uint16Array(count);
    const edgeDown = new Uint16Array(count);
    for (let y = 0, i = 0, k = 0; y < height; y++) {
      const row = y * width;
      const below = y < height - 1 ? width : 0;
      for (let x = 0; x < width; x++, i++) {
        const p = ids[i];
        const right = x < width - 1 ? ids[i + 1] : ids[row];
        const down = ids[i + below];
        if (p !== right || p !== down) {
          edges[k] = i;
          edgeRight[k] = right;
          edgeDown[k] = down;
          k++;
        }
      }
    }
    this.edges = edges;
    this.edgeRight = edgeRight;
    this.edgeDown = edgeDown;
    this.image = new ImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.canvas = document.createElement("canvas");
    this.canvas.width = width;
    this.canvas.height = height;
    this.context = this.canvas.getContext("2d", { alpha: false });
  }

  // The image sampled at nearest pixels every ``step`` pixels (docs/map.md: scale 1/step).
  static sampled(full, step) {
    const width = Math.round(full.width / step);
    const height = Math.round(full.height / step);
    const ids = new Uint16Array(width * height);
    for (let y = 0, i = 0; y < height; y++) {
      const row = Math.min(Math.floor(y * step), full.height - 1) * full.width;
      for (let x = 0; x < width; x++, i++) ids[i] = full.ids[row + (Math.floor(x * step) % full.width)];
    }
    return new Raster(ids, width, height, full.size);
  }

  // Draw ``tables`` (see Tables) into this raster's canvas.
  paint(tables) {
    const { keys, pixels, edges, edgeRight, edgeDown, ids } = this;
    const { colors, dark, owner, water, countryBorders, provinceBorders } = tables;
    const n = keys.length;
    for (let i = 0; i < n; i++) pixels[i] = colors[keys[i]];
    const border = BORDER_PIXEL;
    for (let k = 0; k < edges.length; k++) {
      const i = edges[k];
      const p = ids[i];
      let kind = 0; // 1: province border, 2: country border
      for (let side = 0; side < 2 && kind < 2; side++) {
        const q = side === 0 ? edgeRight[k] : edgeDown[k];
        if (q === p) continue;
        const wet = water[p];
        if (wet !== water[q]) kind = 2;
        else if (!wet) kind = owner[p] === owner[q] ? Math.max(kind, 1) : 2;
      }
      if (kind === 2) {
        if (countryBorders) pixels[i] = border;
      } else if (kind === 1 && provinceBorders) {
        pixels[i] = dark[keys[i]];
      }
    }
    this.context.putImageData(this.image, 0, 0);
  }

  // Per province id: the box [x0, y0, x1, y1] of its pixels (null: not on the map).
  boxes() {
    if (this._boxes) return this._boxes;
    const { ids, width, height, size } = this;
    const box = new Int32Array(size * 4).fill(-1);
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        const at = ids[i] * 4;
        if (box[at] < 0 || x < box[at]) box[at] = x;
        if (box[at + 1] < 0) box[at + 1] = y;
        if (x > box[at + 2]) box[at + 2] = x;
        box[at + 3] = y;
      }
    }
    this._boxes = box;
    return box;
  }
}

const BORDER_PIXEL = pixel(BORDER);

// The colour tables of one drawing: per key (see Raster) the pixel's colour and its
// province-border shade, per province id its owner and whether it is water.
export class Tables {
  constructor(size, kinds) {
    this.size = size;
    this.colors = new Uint32Array(2 * size);
    this.dark = new Uint32Array(2 * size);
    this.owner = new Int32Array(size).fill(-1);
    // Water: sea and lake, and id 0 (outside every province); ids the layers lack are land.
    this.water = new Uint8Array(size);
    this.water[0] = 1;
    kinds.forEach((kind, id) => {
      if (kind === "sea" || kind === "lake") this.water[id] = 1;
    });
    this.countryBorders = true;
    this.provinceBorders = true;
  }

  // ``primary``, ``secondary`` (-1: no stripes) and ``owner`` per province id (arrays or
  // typed arrays, possibly shorter than size: the rest is UNKNOWN and unowned).
  set(primary, secondary, owner) {
    const { size, colors, dark } = this;
    for (let id = 0; id < size; id++) {
      const main = id < primary.length && primary[id] >= 0 ? primary[id] : UNKNOWN;
      const stripe = id < secondary.length && secondary[id] >= 0 ? secondary[id] : main;
      colors[id] = pixel(main);
      colors[id + size] = pixel(stripe);
      dark[id] = pixel(darken(main));
      dark[id + size] = pixel(darken(stripe));
      this.owner[id] = id < owner.length ? owner[id] : -1;
    }
    return this;
  }
}
