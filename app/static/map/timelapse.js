// The timelapse (docs/map.md "Timeline"): political, religion and battles replayed from
// MapLayers.timeline, drawn at half size (2816×1024 for EU4) with the date in a corner;
// play and pause, step by a year, a month or a day, a date slider, speed, and the WebM
// export of the whole replay (export.js).

import { Raster } from "./raster.js";
import { Replay, dateLabel, highlight, modeOf, stepDays } from "./state.js";
import { exportVideo } from "./export.js";

const MODES = ["political", "religion", "battles"];
const SPEEDS = [1, 2, 5, 10, 20, 30, 60];
const MAX = "max"; // a step every frame the browser paints

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("data-") || key.startsWith("aria-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

export class Timelapse {
  constructor(island, box) {
    this.island = island;
    this.box = box;
    this.active = false;
    this.playing = false;
    this.built = false;
    this.state = null;
    this.stats = { frames: 0, ms: 0 }; // frames drawn while playing, and the time it took
  }

  get layers() {
    return this.island.layers;
  }

  build() {
    const { start, end } = this.layers.timeline;
    const modes = MODES.filter((key) => modeOf(this.layers, key));
    this.mode = modes[0];
    this.day = start;
    this.unit = end - start > 365 * 60 ? "year" : "month";
    this.speed = 10;
    const button = (text, props = {}) => el("button", { type: "button", ...props }, text);
    this.modeMenu = el(
      "select",
      { "data-map-tl-mode": "" },
      ...modes.map((key) => el("option", { value: key }, modeOf(this.layers, key).label)),
    );
    this.playButton = button("Play", { "data-map-play": "" });
    this.unitMenu = el(
      "select",
      { "data-map-unit": "" },
      ...["year", "month", "day"].map((unit) => el("option", { value: unit, selected: unit === this.unit }, unit)),
    );
    const back = button("◀", { "aria-label": "Step back", "data-map-back": "" });
    const forward = button("▶", { "aria-label": "Step forward", "data-map-forward": "" });
    this.slider = el("input", {
      type: "range",
      min: start,
      max: Math.max(end, start),
      step: 1,
      value: start,
      "aria-label": "Date",
      "data-map-slider": "",
    });
    this.dateOut = el("output", { className: "map-date", "data-map-date": "" }, dateLabel(start));
    this.speedMenu = el(
      "select",
      { "data-map-speed": "", "aria-label": "Steps per second" },
      ...SPEEDS.map((n) => el("option", { value: n, selected: n === this.speed }, `${n} steps/s`)),
      el("option", { value: MAX }, "as fast as drawn"),
    );
    this.videoSize = el(
      "select",
      { "data-map-video-size": "", "aria-label": "Video size" },
      el("option", { value: "2" }, "Video 1:2"),
      el("option", { value: "4" }, "Video 1:4"),
    );
    const video = button("Export video", { "data-map-video": "" });
    this.progress = el("progress", { hidden: true, max: 1, value: 0, "data-map-progress": "" });
    this.videoStatus = el("span", { className: "map-video-status", role: "status", "data-map-video-status": "" });
    const cancel = button("Cancel", { hidden: true, "data-map-cancel": "" });
    this.box.append(
      el(
        "div",
        { className: "map-toolbar", role: "toolbar", "aria-label": "Timelapse" },
        el("label", {}, "Show ", this.modeMenu),
        this.playButton,
        el("span", { className: "map-group" }, back, forward),
        el("label", {}, "Step ", this.unitMenu),
        el("label", {}, this.speedMenu),
      ),
      el("div", { className: "map-slider" }, this.slider, this.dateOut),
      el(
        "div",
        { className: "map-toolbar" },
        this.videoSize,
        video,
        cancel,
        this.progress,
        this.videoStatus,
      ),
    );
    this.modeMenu.addEventListener("change", () => {
      this.mode = this.modeMenu.value;
      this.draw();
    });
    this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.unitMenu.addEventListener("change", () => (this.unit = this.unitMenu.value));
    this.speedMenu.addEventListener("change", () => {
      this.speed = this.speedMenu.value === MAX ? MAX : Number(this.speedMenu.value);
    });
    back.addEventListener("click", () => this.step(-1));
    forward.addEventListener("click", () => this.step(1));
    this.slider.addEventListener("input", () => {
      this.day = Number(this.slider.value);
      this.draw();
    });
    video.addEventListener("click", async () => {
      this.pause();
      this.exporting = new AbortController();
      video.disabled = true;
      cancel.hidden = false;
      this.progress.hidden = false;
      try {
        await exportVideo(this, Number(this.videoSize.value), {
          signal: this.exporting.signal,
          progress: (done, total) => {
            this.progress.max = total;
            this.progress.value = done;
            this.videoStatus.textContent = `Encoding frame ${done} of ${total}…`;
          },
        });
        this.videoStatus.textContent = "Video saved.";
      } catch (error) {
        this.videoStatus.textContent =
          error.name === "AbortError" ? "Export cancelled." : `The video could not be made: ${error.message}`;
      } finally {
        video.disabled = false;
        cancel.hidden = true;
        this.progress.hidden = true;
        this.exporting = null;
        this.draw();
      }
    });
    cancel.addEventListener("click", () => this.exporting?.abort());
    this.built = true;
  }

  open() {
    if (!this.built) this.build();
    // Half size: a quarter of the pixels to redraw per frame.
    this.island.half ??= Raster.sampled(this.island.full, 2);
    this.replay ??= new Replay(this.layers);
    this.active = true;
    this.draw();
  }

  close() {
    this.pause();
    this.active = false;
    this.island.render();
  }

  // The state of the timelapse's mode at ``day`` (filter and focus applied).
  stateAt(day) {
    this.replay.seek(day);
    let state = this.replay.state(this.mode);
    const tags = this.mode === "political" ? this.island.highlighted() : null;
    if (tags) state = highlight(this.layers, state, tags);
    return state;
  }

  // Paint the frame at ``day`` on ``raster`` (the export paints its own rasters).
  paint(raster, day) {
    this.state = this.stateAt(day);
    this.island.paint(raster, this.state);
  }

  draw(legend = !this.playing) {
    if (!this.active) return;
    const view = this.island.view;
    this.paint(this.island.half, this.day);
    view.label = dateLabel(this.day);
    view.setSource(this.island.half.canvas);
    view.draw();
    this.slider.value = this.day;
    this.dateOut.textContent = dateLabel(this.day);
    this.island.section.dataset.timelapseDay = String(this.day);
    if (legend) {
      const mode = modeOf(this.layers, this.mode);
      const entries = this.state.legend ?? mode.legend;
      this.island.showLegend({ legend: entries, gradient: mode.gradient });
    }
  }

  step(direction) {
    const { start, end } = this.layers.timeline;
    this.day = Math.min(Math.max(stepDays(this.day, this.unit, direction), start), end);
    this.draw();
  }

  play() {
    const { start, end } = this.layers.timeline;
    if (this.day >= end) this.day = start; // from the beginning again
    this.playing = true;
    this.playButton.textContent = "Pause";
    this.stats = { frames: 0, ms: 0 };
    const began = performance.now();
    let last = began;
    const tick = (now) => {
      if (!this.playing) return;
      if (this.speed === MAX || now - last >= 1000 / this.speed - 2) {
        last = now;
        const next = stepDays(this.day, this.unit, 1);
        this.day = Math.min(next, end);
        this.draw(this.stats.frames % 15 === 0);
        this.stats.frames++;
        this.stats.ms = performance.now() - began;
        if (this.day >= end) {
          this.pause();
          return;
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.playButton.textContent = "Play";
    this.draw();
  }
}
