// The visible canvas: a drawn map (a Raster's canvas, at any scale) blitted with a
// transform. Pan (drag), zoom (wheel around the pointer, pinch, buttons, keys), the world
// repeating east-west, hover and click reported as province ids of the index image.

const MAX_SCALE = 16; // screen pixels per map pixel
const CLICK_SLOP = 5; // pixels a press may move and still be a click
const KEY_PAN = 60;

export class MapView {
  // ``width``/``height``: the map's size in index-image pixels; ``idAt(x, y)``: the
  // province id of an index-image pixel.
  constructor(container, width, height, idAt, { onHover, onClick }) {
    this.width = width;
    this.height = height;
    this.idAt = idAt;
    this.onHover = onHover;
    this.onClick = onClick;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "map-canvas";
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute(
      "aria-label",
      "Map. Drag or use the arrow keys to pan, the wheel or + and - to zoom, 0 to reset.",
    );
    container.append(this.canvas);
    this.context = this.canvas.getContext("2d", { alpha: false });
    this.source = null; // the drawn map: a canvas covering the whole world
    this.label = ""; // drawn in a corner (the timelapse's date)
    this.scale = 1;
    this.x = 0; // index-image coordinates of the canvas's top-left corner
    this.y = 0;
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.fitted = false;
    this.pointers = new Map();
    this.frame = 0;
    new ResizeObserver(() => this.resize()).observe(this.canvas);
    this.resize();
    this.listen();
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (!w || !h) return;
    this.cssWidth = w;
    this.cssHeight = h;
    this.canvas.width = Math.round(w * ratio);
    this.canvas.height = Math.round(h * ratio);
    if (!this.fitted) this.reset();
    else this.clamp();
    this.draw();
  }

  minScale() {
    return this.cssHeight / this.height;
  }

  // The whole world's height in view, as wide as the canvas allows.
  reset() {
    if (!this.cssWidth) return;
    this.fitted = true;
    this.scale = Math.max(this.cssWidth / this.width, this.minScale());
    this.x = 0;
    this.y = 0;
    this.clamp();
    this.request();
  }

  clamp() {
    this.scale = Math.min(Math.max(this.scale, this.minScale()), MAX_SCALE);
    const visible = this.cssHeight / this.scale;
    if (visible >= this.height) this.y = (this.height - visible) / 2;
    else this.y = Math.min(Math.max(this.y, 0), this.height - visible);
    this.x = ((this.x % this.width) + this.width) % this.width;
  }

  // Zoom by ``factor`` keeping the map point under canvas point (px, py) in place.
  zoomAt(px, py, factor) {
    const wx = this.x + px / this.scale;
    const wy = this.y + py / this.scale;
    this.scale = Math.min(Math.max(this.scale * factor, this.minScale()), MAX_SCALE);
    this.x = wx - px / this.scale;
    this.y = wy - py / this.scale;
    this.clamp();
    this.request();
  }

  zoom(factor) {
    this.zoomAt(this.cssWidth / 2, this.cssHeight / 2, factor);
  }

  pan(dx, dy) {
    this.x -= dx / this.scale;
    this.y -= dy / this.scale;
    this.clamp();
    this.request();
  }

  // Show the box [x0, y0, x1, y1] (x1 may pass the width: wrapped) with a margin.
  show(x0, y0, x1, y1) {
    const w = Math.max(x1 - x0 + 1, 8) * 1.4;
    const h = Math.max(y1 - y0 + 1, 8) * 1.4;
    this.scale = Math.min(this.cssWidth / w, this.cssHeight / h, MAX_SCALE);
    this.x = (x0 + x1) / 2 - this.cssWidth / this.scale / 2;
    this.y = (y0 + y1) / 2 - this.cssHeight / this.scale / 2;
    this.clamp();
    this.request();
  }

  // The index-image pixel under canvas point (px, py), or null above or below the map.
  pointAt(px, py) {
    const x = Math.floor(this.x + px / this.scale);
    const y = Math.floor(this.y + py / this.scale);
    if (y < 0 || y >= this.height) return null;
    return { x: ((x % this.width) + this.width) % this.width, y };
  }

  idAtCanvas(px, py) {
    const at = this.pointAt(px, py);
    return at === null ? 0 : this.idAt(at.x, at.y);
  }

  setSource(canvas) {
    this.source = canvas;
    this.request();
  }

  request() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  // Draw now (the timelapse draws every frame itself).
  draw() {
    const { context: ctx, source, scale } = this;
    if (!this.cssWidth) return;
    const ratio = this.canvas.width / this.cssWidth;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#1b2633";
    ctx.fillRect(0, 0, this.cssWidth, this.cssHeight);
    if (source) {
      ctx.imageSmoothingEnabled = scale * ratio < 1;
      const per = source.width / this.width; // source pixels per index-image pixel
      const top = Math.max(this.y, 0);
      const bottom = Math.min(this.y + this.cssHeight / scale, this.height);
      // Each copy of the world that the view crosses, only its visible part.
      const first = Math.floor(this.x / this.width) * this.width;
      for (let copy = first; copy < this.x + this.cssWidth / scale; copy += this.width) {
        const left = Math.max(this.x, copy) - copy;
        const right = Math.min(this.x + this.cssWidth / scale, copy + this.width) - copy;
        if (right <= left || bottom <= top) continue;
        ctx.drawImage(
          source,
          left * per,
          top * per,
          (right - left) * per,
          (bottom - top) * per,
          (copy + left - this.x) * scale,
          (top - this.y) * scale,
          (right - left) * scale,
          (bottom - top) * scale,
        );
      }
    }
    if (this.label) drawLabel(ctx, this.label, this.cssWidth, this.cssHeight);
  }

  listen() {
    const canvas = this.canvas;
    const local = (event) => {
      const box = canvas.getBoundingClientRect();
      return { px: event.clientX - box.left, py: event.clientY - box.top };
    };
    let press = null; // {px, py, x, y, moved}
    let pinch = null; // {distance, scale}
    const pair = () => [...this.pointers.values()];
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.pointers.set(event.pointerId, local(event));
      if (this.pointers.size === 1) {
        const { px, py } = local(event);
        press = { px, py, x: this.x, y: this.y, moved: false };
        pinch = null;
      } else if (this.pointers.size === 2) {
        const [a, b] = pair();
        pinch = { distance: Math.hypot(a.px - b.px, a.py - b.py) || 1, scale: this.scale };
        if (press) press.moved = true; // two fingers: never a click
      }
    });
    canvas.addEventListener("pointermove", (event) => {
      const at = local(event);
      if (this.pointers.has(event.pointerId)) this.pointers.set(event.pointerId, at);
      if (pinch && this.pointers.size >= 2) {
        const [a, b] = pair();
        const distance = Math.hypot(a.px - b.px, a.py - b.py) || 1;
        const wanted = (pinch.scale * distance) / pinch.distance;
        this.zoomAt((a.px + b.px) / 2, (a.py + b.py) / 2, wanted / this.scale);
        return;
      }
      if (press && this.pointers.size === 1) {
        const dx = at.px - press.px;
        const dy = at.py - press.py;
        if (Math.abs(dx) + Math.abs(dy) > CLICK_SLOP) press.moved = true;
        if (press.moved) {
          this.x = press.x - dx / this.scale;
          this.y = press.y - dy / this.scale;
          this.clamp();
          this.request();
        }
        return;
      }
      this.onHover(this.idAtCanvas(at.px, at.py), event.clientX, event.clientY);
    });
    const release = (event) => {
      this.pointers.delete(event.pointerId);
      if (this.pointers.size < 2) pinch = null;
      if (this.pointers.size === 0) {
        if (press && !press.moved && event.type === "pointerup") {
          const { px, py } = local(event);
          const id = this.idAtCanvas(px, py);
          if (id) this.onClick(id);
        }
        press = null;
      }
    };
    canvas.addEventListener("pointerup", release);
    canvas.addEventListener("pointercancel", release);
    canvas.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse") this.onHover(0, 0, 0);
    });
    canvas.addEventListener(
      "wheel",
      (event) => {
        event.preventDefault();
        const { px, py } = local(event);
        const delta = event.deltaMode === 1 ? event.deltaY * 40 : event.deltaY;
        this.zoomAt(px, py, Math.exp(-delta * 0.002));
      },
      { passive: false },
    );
    canvas.addEventListener("keydown", (event) => {
      const moves = {
        ArrowLeft: [KEY_PAN, 0],
        ArrowRight: [-KEY_PAN, 0],
        ArrowUp: [0, KEY_PAN],
        ArrowDown: [0, -KEY_PAN],
      };
      if (moves[event.key]) this.pan(...moves[event.key]);
      else if (event.key === "+" || event.key === "=") this.zoom(1.5);
      else if (event.key === "-") this.zoom(1 / 1.5);
      else if (event.key === "0") this.reset();
      else if (event.key === "Enter") {
        const id = this.idAtCanvas(this.cssWidth / 2, this.cssHeight / 2);
        if (id) this.onClick(id);
        return;
      } else return;
      event.preventDefault();
    });
  }
}

// A label on a dark band in the bottom-left corner (the timelapse's date).
export function drawLabel(ctx, text, width, height) {
  const size = Math.max(14, Math.min(40, Math.round(height / 14)));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  const pad = Math.round(size / 2.5);
  const w = ctx.measureText(text).width + 2 * pad;
  ctx.fillStyle = "rgba(0, 0, 0, 0.6)";
  ctx.fillRect(pad, height - size - 3 * pad, w, size + 2 * pad);
  ctx.fillStyle = "#fff";
  ctx.textBaseline = "middle";
  ctx.fillText(text, 2 * pad, height - size / 2 - 2 * pad);
}
