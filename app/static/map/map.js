// The interactive map: a script island on every [data-map] section (the markup is
// templates/analysis/_map.html.jinja2; docs/map.md "Browser"). It replaces the section's
// server-drawn image ([data-map-static]) with a canvas in [data-map-app]: every mode with
// its legend, borders, the country filter and focus, pan and zoom, hover and click, the
// timelapse and exports.
//
// Where the data comes from: data-index (the bundle's province-index image) and
// data-layers (a URL of MapLayers JSON, or "local": the local-analysis worker, through
// the ``mapSource`` that app/static/local/local.js puts on its [data-local-analysis]
// element); province details from data-province + id (an htmx fragment), or locally
// from the worker. No inline scripts (CSP), no framework.

import { css } from "./colors.js";
import { Raster, Tables, fetchIndex } from "./raster.js";
import { battlesBetween, focusTags, fromDays, highlight, modeOf } from "./state.js";
import { Timelapse } from "./timelapse.js";
import { MapView } from "./view.js";
import { downloadPng } from "./export.js";

const FOCUS = "focus"; // the mode menu's entry for the focus view (political, highlighted)
const FILTERS = [
  ["all", "All countries"],
  ["players", "Players"],
  ["great_powers", "Great powers"],
  ["chosen", "Chosen countries"],
];

// A DOM element: el("label", {className: "x"}, "text", child, …).
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "for") {
      node.setAttribute(key, value);
    } else {
      node[key] = value;
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function option(value, label, selected = false) {
  return el("option", { value, selected }, label);
}

class MapIsland {
  constructor(section, source) {
    this.section = section;
    this.source = source;
    this.app = section.querySelector("[data-map-app]");
    this.details = section.querySelector("[data-province-details]");
    this.provinceUrl = section.dataset.province ?? ""; // + id: the details fragment
    this.width = Number(section.dataset.width);
    this.height = Number(section.dataset.height);
    this.mode = "political";
    this.overlord = false;
    this.filter = "all";
    this.chosen = new Set();
    // The page's country filter (app/analysis/countries.py): the map starts on its countries.
    if (section.dataset.shown !== undefined) {
      this.filter = "chosen";
      this.chosen = new Set(section.dataset.shown.split(",").filter(Boolean));
    }
    this.focus = "";
    this.period = null; // battles: [from, to] in days, null for all of them
    this.state = null; // what is drawn: {primary, secondary, owner, values, legend, gradient}
  }

  async start() {
    const status = el("p", { className: "map-status", role: "status" }, "Loading the map…");
    this.app.replaceChildren(status);
    const started = performance.now();
    const layersText = this.source.layers();
    const bundle = this.section.dataset.bundle;
    const given = this.section.dataset.index;
    const indexUrl = given && given !== "local" ? given : this.source.index?.(bundle);
    if (!indexUrl) throw new Error("this page does not say where the map image is");
    const [layers, ids] = await Promise.all([layersText, fetchIndex(indexUrl, this.width, this.height)]);
    if (layers.width !== this.width || layers.height !== this.height) {
      throw new Error(`the map data is for a ${layers.width}×${layers.height} map, not this one`);
    }
    this.layers = layers;
    let top = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] > top) top = ids[i];
    this.size = Math.max(layers.size, top + 1);
    this.full = new Raster(ids, this.width, this.height, this.size);
    this.tables = new Tables(this.size, layers.kinds);
    this.build();
    this.render();
    this.section.querySelector("[data-map-static]")?.setAttribute("hidden", "");
    this.section.dataset.mapReady = "1";
    this.section.dataset.mapMs = (performance.now() - started).toFixed(1);
    this.section.map = this; // for scripts and tests: section.map.render(), .layers, …
  }

  // --- the controls -----------------------------------------------------------------------

  build() {
    const layers = this.layers;
    const modes = layers.modes.filter((mode) => mode.key !== "political_overlord");
    this.modeMenu = el(
      "select",
      { "data-map-mode": "" },
      ...modes.map((mode) => option(mode.key, mode.label, mode.key === this.mode)),
      option(FOCUS, "Focus on a country"),
    );
    const hasOverlord = Boolean(modeOf(layers, "political_overlord"));
    this.overlordBox = el("input", { type: "checkbox", "data-map-overlord": "" });
    const byName = layers.countries
      .map((country, index) => ({ ...country, index }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const label = (c) => (c.name && c.name !== c.tag ? `${c.name} (${c.tag})` : c.tag);
    const player = layers.countries.find((c) => c.player);
    this.focus = player?.tag ?? byName[0]?.tag ?? "";
    this.focusMenu = el(
      "select",
      { "data-map-focus": "" },
      ...byName.map((c) => option(c.tag, label(c), c.tag === this.focus)),
    );
    this.filterMenu = el(
      "select",
      { "data-map-filter": "" },
      ...FILTERS.map(([value, text]) => option(value, text, value === this.filter)),
    );
    const listId = `map-countries-${Math.random().toString(36).slice(2)}`;
    this.chosenInput = el("input", {
      type: "text",
      placeholder: "Country name or tag",
      "aria-label": "Add a country to the chosen ones",
      "data-map-choose": "",
    });
    this.chosenInput.setAttribute("list", listId);
    const datalist = el("datalist", { id: listId }, ...byName.map((c) => option(label(c), "")));
    this.chosenList = el("ul", { className: "map-chips", "aria-label": "Chosen countries" });
    const firstYear = fromDays(layers.timeline.start).year;
    const lastYear = fromDays(layers.timeline.end).year;
    const year = (name, value) =>
      el("input", { type: "number", min: firstYear, max: lastYear, value, "data-map-period": name, className: "map-year" });
    this.fromYear = year("from", firstYear);
    this.toYear = year("to", lastYear);

    const when = (key, ...children) => el("span", { className: "map-when", "data-when": key }, ...children);
    const check = (input, text) => el("label", { className: "map-check" }, input, ` ${text}`);
    this.countryBorders = el("input", { type: "checkbox", checked: true, "data-map-country-borders": "" });
    this.provinceBorders = el("input", { type: "checkbox", checked: true, "data-map-province-borders": "" });
    const button = (text, props = {}) => el("button", { type: "button", ...props }, text);
    const zoomIn = button("+", { "aria-label": "Zoom in", "data-map-zoom-in": "" });
    const zoomOut = button("−", { "aria-label": "Zoom out", "data-map-zoom-out": "" });
    const reset = button("Reset view", { "data-map-reset": "" });
    this.timelapseButton = button("Timelapse", { "data-map-timelapse": "", "aria-expanded": "false" });
    this.pngMenu = el(
      "select",
      { "data-map-png-size": "", "aria-label": "PNG size" },
      option("view", "This view"),
      option("1", "World 1:1"),
      option("2", "World 1:2"),
    );
    const png = button("Download PNG", { "data-map-png": "" });
    this.legend = el("div", { className: "map-legend", "data-map-legend": "", "aria-live": "polite" });
    this.tooltip = el("div", { className: "map-tooltip", role: "tooltip", hidden: true, "data-map-tooltip": "" });
    const stage = el("div", { className: "map-stage" });

    const toolbar = el(
      "div",
      { className: "map-toolbar", role: "toolbar", "aria-label": "Map mode" },
      el("label", {}, "Mode ", this.modeMenu),
      hasOverlord ? when("political", check(this.overlordBox, "Subjects in overlord colours")) : null,
      when("battles", el("label", {}, "From ", this.fromYear), el("label", {}, " to ", this.toYear)),
      when(FOCUS, el("label", {}, "Country ", this.focusMenu)),
      when("political", el("label", {}, "Show ", this.filterMenu)),
      el(
        "span",
        { className: "map-when", "data-when": "chosen" },
        this.chosenInput,
        datalist,
        button("Add", { "data-map-add": "" }),
        this.chosenList,
      ),
    );
    const view = el(
      "div",
      { className: "map-toolbar", role: "toolbar", "aria-label": "Map view" },
      check(this.countryBorders, "Country borders"),
      check(this.provinceBorders, "Province borders"),
      el("span", { className: "map-group" }, zoomIn, zoomOut, reset),
      this.timelapseButton,
      el("span", { className: "map-group" }, this.pngMenu, png),
    );
    const notes = (layers.notes ?? []).map((note) => el("p", { className: "note" }, note));
    this.timelapseBox = el("div", { className: "map-timelapse", hidden: true, "data-map-timelapse-panel": "" });
    this.app.replaceChildren(toolbar, view, stage, this.timelapseBox, this.legend, ...notes);
    stage.append(this.tooltip);
    this.view = new MapView(stage, this.width, this.height, (x, y) => this.full.ids[y * this.width + x], {
      onHover: (id, x, y) => this.hover(id, x, y),
      onClick: (id) => this.details_(id),
    });
    stage.prepend(this.view.canvas);
    this.timelapse = new Timelapse(this, this.timelapseBox);

    this.modeMenu.addEventListener("change", () => this.setMode(this.modeMenu.value));
    this.overlordBox.addEventListener("change", () => {
      this.overlord = this.overlordBox.checked;
      this.redraw();
    });
    this.focusMenu.addEventListener("change", () => this.focusOn(this.focusMenu.value, false));
    this.filterMenu.addEventListener("change", () => {
      this.filter = this.filterMenu.value;
      this.showControls();
      this.redraw();
    });
    const addChosen = () => {
      const text = this.chosenInput.value.trim();
      const tag = text.match(/\(([A-Z0-9]{3})\)$/)?.[1] ?? text.toUpperCase();
      const found =
        layers.countries.find((c) => c.tag === tag) ??
        layers.countries.find((c) => c.name.toLowerCase() === text.toLowerCase());
      if (!found) return;
      this.chosen.add(found.tag);
      this.chosenInput.value = "";
      this.showChosen();
      this.redraw();
    };
    this.app.querySelector("[data-map-add]").addEventListener("click", addChosen);
    this.chosenInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        addChosen();
      }
    });
    for (const input of [this.fromYear, this.toYear]) {
      input.addEventListener("change", () => {
        const from = Number(this.fromYear.value) || firstYear;
        const to = Number(this.toYear.value) || lastYear;
        // A period of whole years: from the first day of ``from`` to the end of ``to``.
        this.period = [from * 365 - 1, (to + 1) * 365 - 1];
        this.redraw();
      });
    }
    this.countryBorders.addEventListener("change", () => this.redraw());
    this.provinceBorders.addEventListener("change", () => this.redraw());
    zoomIn.addEventListener("click", () => this.view.zoom(1.5));
    zoomOut.addEventListener("click", () => this.view.zoom(1 / 1.5));
    reset.addEventListener("click", () => this.view.reset());
    this.timelapseButton.addEventListener("click", () => {
      const open = this.timelapseBox.hidden;
      this.timelapseBox.hidden = !open;
      this.timelapseButton.setAttribute("aria-expanded", String(open));
      if (open) this.timelapse.open();
      else this.timelapse.close();
    });
    png.addEventListener("click", () => downloadPng(this, this.pngMenu.value));
    this.showControls();
    this.showChosen();
  }

  showControls() {
    const political = this.mode === "political";
    for (const span of this.app.querySelectorAll("[data-when]")) {
      const key = span.dataset.when;
      span.hidden = key === "chosen" ? !(political && this.filter === "chosen") : key !== this.mode;
    }
  }

  showChosen() {
    this.chosenList.replaceChildren(
      ...[...this.chosen].map((tag) => {
        const country = this.layers.countries.find((c) => c.tag === tag);
        const remove = el("button", { type: "button", "aria-label": `Remove ${country?.name ?? tag}` }, "×");
        remove.addEventListener("click", () => {
          this.chosen.delete(tag);
          this.showChosen();
          this.redraw();
        });
        return el("li", {}, country?.name ?? tag, " ", remove);
      }),
    );
  }

  setMode(key) {
    this.mode = key;
    this.modeMenu.value = key;
    this.showControls();
    this.redraw();
  }

  // Focus on ``tag`` (its subjects and allies highlighted); ``zoom``: show its provinces.
  focusOn(tag, zoom = true) {
    if (!this.layers.countries.some((c) => c.tag === tag)) return false;
    this.focus = tag;
    this.focusMenu.value = tag;
    this.setMode(FOCUS);
    if (zoom) {
      const box = this.countryBox(tag);
      if (box) this.view.show(...box);
    }
    return true;
  }

  // The box of a country's provinces on the index image, the short way round the
  // wrapping x axis (after the widest gap between its provinces).
  countryBox(tag) {
    const index = this.layers.countries.findIndex((c) => c.tag === tag);
    const boxes = this.full.boxes();
    const owned = [];
    this.layers.owner.forEach((who, id) => {
      if (who === index && id < this.size && boxes[id * 4] >= 0) owned.push(id);
    });
    if (owned.length === 0) return null;
    const width = this.width;
    const centre = (id) => (boxes[id * 4] + boxes[id * 4 + 2]) >> 1;
    const centres = [...new Set(owned.map(centre))].sort((a, b) => a - b);
    let start = centres[0];
    if (centres.length > 1) {
      let widest = 0;
      let gapAt = 0;
      centres.forEach((c, i) => {
        const gap = (centres[(i + 1) % centres.length] - c + width) % width;
        if (gap > widest) [widest, gapAt] = [gap, i];
      });
      start = centres[(gapAt + 1) % centres.length];
    }
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const id of owned) {
      let left = boxes[id * 4];
      let right = boxes[id * 4 + 2];
      if (right - left > width / 2) left = right = centre(id); // across the seam
      const shift = centre(id) < start ? width : 0;
      x0 = Math.min(x0, left + shift);
      x1 = Math.max(x1, right + shift);
      y0 = Math.min(y0, boxes[id * 4 + 1]);
      y1 = Math.max(y1, boxes[id * 4 + 3]);
    }
    return [x0, y0, x1, y1];
  }

  // --- what is drawn ---------------------------------------------------------------------

  // The mode key of MapLayers behind the menu's choice.
  baseKey() {
    const key = this.mode === FOCUS ? "political" : this.mode;
    return key === "political" && this.overlord && modeOf(this.layers, "political_overlord")
      ? "political_overlord"
      : key;
  }

  // The countries that keep their colours (the focus, or the filter), or null for all.
  highlighted() {
    const layers = this.layers;
    if (this.mode === FOCUS) return this.focus ? new Set(focusTags(layers, this.focus)) : null;
    if (this.mode !== "political" || this.filter === "all") return null;
    if (this.filter === "chosen") return this.chosen.size ? this.chosen : null;
    const wanted = this.filter === "players" ? "player" : "great_power";
    return new Set(layers.countries.filter((c) => c[wanted]).map((c) => c.tag));
  }

  // The state at the save's date (the timelapse has its own).
  current() {
    const layers = this.layers;
    const key = this.baseKey();
    let state;
    if (key === "battles" && this.period) {
      state = battlesBetween(layers, this.period[0], this.period[1]);
      state.gradient = true;
    } else {
      const mode = modeOf(layers, key);
      state = {
        primary: mode.primary,
        secondary: mode.secondary,
        owner: layers.owner,
        values: mode.values,
        legend: mode.legend,
        gradient: mode.gradient,
      };
    }
    const tags = this.highlighted();
    return tags ? highlight(layers, state, tags) : state;
  }

  // Paint ``state`` on ``raster`` with the borders chosen.
  paint(raster, state) {
    const tables = this.tables.set(state.primary, state.secondary, state.owner);
    tables.countryBorders = this.countryBorders.checked;
    tables.provinceBorders = this.provinceBorders.checked;
    raster.paint(tables);
  }

  // The map at the save's date, full size (or the timelapse's frame while it is open).
  redraw() {
    if (this.timelapse?.active) {
      this.timelapse.draw();
      return;
    }
    this.render();
  }

  render() {
    const started = performance.now();
    this.state = this.current();
    this.paint(this.full, this.state);
    this.view.label = "";
    this.view.setSource(this.full.canvas);
    this.view.draw();
    this.showLegend(this.state);
    this.section.dataset.mode = this.mode;
    this.section.dataset.renderMs = (performance.now() - started).toFixed(1);
  }

  showLegend(state) {
    const entries = state.legend ?? [];
    const title = this.mode === FOCUS ? "Focus" : modeOf(this.layers, this.baseKey())?.label ?? "";
    const children = [el("strong", {}, title)];
    if (state.gradient && entries.length > 1) {
      const bar = el("canvas", { className: "map-gradient", width: 240, height: 12 });
      const ctx = bar.getContext("2d");
      const fill = ctx.createLinearGradient(0, 0, bar.width, 0);
      entries.forEach(([color], i) => fill.addColorStop(i / (entries.length - 1), css(color)));
      ctx.fillStyle = fill;
      ctx.fillRect(0, 0, bar.width, bar.height);
      const labels = el("span", { className: "map-gradient-labels" }, ...entries.map(([, text]) => el("span", {}, text)));
      children.push(el("div", { className: "map-gradient-box" }, bar, labels));
    } else {
      const items = entries.map(([color, text, count]) => {
        const swatch = el("span", { className: "map-swatch" });
        swatch.style.backgroundColor = css(color); // CSSOM: allowed by the CSP
        return el("li", {}, swatch, ` ${text}`, count ? el("small", {}, ` ${count}`) : null);
      });
      children.push(el("ul", {}, ...items));
    }
    if (this.mode === FOCUS || this.highlighted()) {
      children.push(el("p", { className: "note" }, "Other countries are greyed."));
    }
    this.legend.replaceChildren(...children);
  }

  // --- hover and click -------------------------------------------------------------------

  hover(id, clientX, clientY) {
    const tip = this.tooltip;
    if (!id || id >= this.layers.size) {
      tip.hidden = true;
      this.hovered = 0;
      return;
    }
    const layers = this.layers;
    const state = this.timelapse?.active ? this.timelapse.state : this.state;
    if (id !== this.hovered) {
      this.hovered = id;
      const name = (index) => (index >= 0 ? layers.countries[index]?.name ?? "" : "");
      const owner = state?.owner?.[id] ?? layers.owner[id];
      const lines = [el("strong", {}, layers.names[id] || `Province ${id}`)];
      if (owner >= 0) lines.push(el("span", {}, `Owner: ${name(owner)}`));
      const controller = this.timelapse?.active ? -1 : layers.controller[id];
      if (controller >= 0 && controller !== owner) lines.push(el("span", {}, `Controller: ${name(controller)}`));
      const key = this.baseKey();
      const value = state?.values?.[id];
      if (value && !key.startsWith("political")) {
        lines.push(el("span", {}, `${modeOf(layers, key)?.label ?? key}: ${value}`));
      }
      tip.replaceChildren(...lines);
      tip.dataset.province = String(id);
    }
    tip.hidden = false;
    const stage = tip.parentElement.getBoundingClientRect();
    const x = clientX - stage.left + 14;
    const y = clientY - stage.top + 14;
    tip.style.left = `${Math.min(x, stage.width - tip.offsetWidth - 4)}px`;
    tip.style.top = `${y + tip.offsetHeight > stage.height ? y - tip.offsetHeight - 20 : y}px`;
  }

  // Province details: the server's fragment (htmx), or the worker's HTML locally.
  async details_(id) {
    const target = this.details;
    if (!target) return;
    this.section.dataset.provinceShown = String(id);
    try {
      if (this.source.province) {
        target.innerHTML = await this.source.province(id);
        window.htmx?.process(target);
      } else if (window.htmx) {
        await window.htmx.ajax("GET", this.provinceUrl + id, { target, swap: "innerHTML" });
      } else {
        const response = await fetch(this.provinceUrl + id);
        target.innerHTML = await response.text();
      }
      target.dataset.loaded = String(id);
    } catch (error) {
      target.replaceChildren(el("p", { className: "error" }, `The province could not be shown: ${error.message}`));
    }
  }
}

// --- islands on the page ---------------------------------------------------------------

// Where a section's layers and province details come from.
function sourceFor(section) {
  if (section.dataset.layers === "local") {
    const holder = section.closest("[data-local-analysis]") ?? document.querySelector("[data-local-analysis]");
    return holder?.mapSource ?? null;
  }
  const url = new URL(section.dataset.layers, location.href).href;
  return {
    layers: async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the map data could not be loaded (${response.status})`);
      return response.json();
    },
    province: null,
  };
}

async function setup(section) {
  const app = section.querySelector("[data-map-app]");
  if (!app || !section.dataset.layers || !section.dataset.width) return;
  const source = sourceFor(section);
  if (!source) return; // no worker to ask: the static image stays
  const island = new MapIsland(section, source);
  try {
    await island.start();
  } catch (error) {
    console.error(error);
    app.replaceChildren(el("p", { className: "note map-status" }, `The interactive map is not available: ${error.message}`));
    section.dataset.mapFailed = "1";
  }
}

function scan(root) {
  const sections = root.matches?.("[data-map]") ? [root] : root.querySelectorAll?.("[data-map]") ?? [];
  for (const section of sections) {
    if (section.dataset.mapStarted) continue;
    section.dataset.mapStarted = "1";
    setup(section);
  }
}

// Sections arrive with the page, with htmx swaps and with local analysis's results (set
// as innerHTML by local.js): watch the document for them.
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) if (node.nodeType === 1) scan(node);
  }
}).observe(document.documentElement, { childList: true, subtree: true });
scan(document);

// Any [data-focus-country="TAG"] (country names in the tables, chart lines and legends)
// focuses the map on it.
document.addEventListener("click", (event) => {
  const target = event.target.closest?.("[data-focus-country]");
  if (!target || event.target.closest("a[href]")) return;
  const section = document.querySelector("[data-map][data-map-ready]");
  if (section?.map?.focusOn(target.dataset.focusCountry)) {
    section.scrollIntoView({ block: "start" });
  }
});
