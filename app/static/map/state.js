// What the map shows, from MapLayers (kernel/src/kernel/eu4/map/types.py): a mode at the
// save's date, a mode replayed from the timeline to a day (kernel.eu4.map.state_at), the
// battles of a period, and countries greyed by the filter or the focus
// (kernel.eu4.map.highlight; greyed stripes as the server's render.colors_for).

import { NONE, UNKNOWN, baseColor, clampTop, gradient, grey, numberLabel } from "./colors.js";

export const BATTLE_WINDOW = 365; // days of battles a timelapse frame shows
export const HISTORIC = new Set(["political", "religion", "battles"]);

// EU4's calendar: 365-day years, no leap days; days as kernel.Date.days().
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
export function toDays(year, month = 1, day = 1) {
  return year * 365 + DAYS_BEFORE[month - 1] + day - 1;
}
export function fromDays(days) {
  const year = Math.floor(days / 365);
  let rest = days - year * 365;
  let month = 11;
  while (DAYS_BEFORE[month] > rest) month--;
  rest -= DAYS_BEFORE[month];
  return { year, month: month + 1, day: rest + 1 };
}
export function dateLabel(days) {
  const { year, month, day } = fromDays(days);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
// One step of the timelapse: a year, a month (same day of the next month) or a day.
export function stepDays(days, unit, direction) {
  if (unit === "day") return days + direction;
  if (unit === "year") return days + 365 * direction;
  const { year, month, day } = fromDays(days);
  const index = year * 12 + (month - 1) + direction;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  const length = (m === 12 ? 365 : DAYS_BEFORE[m]) - DAYS_BEFORE[m - 1];
  return toDays(y, m, Math.min(day, length));
}

export function modeOf(layers, key) {
  return layers.modes.find((mode) => mode.key === key) ?? null;
}

// The countries the focus on ``tag`` highlights: it, its subjects and its allies.
export function focusTags(layers, tag) {
  const country = layers.countries.find((c) => c.tag === tag);
  if (!country) return [tag];
  return [tag, ...[...country.subjects, ...country.allies].map((i) => layers.countries[i].tag)];
}

// ``primary`` and ``secondary`` with every country not in ``tags`` greyed.
export function highlight(layers, state, tags) {
  const keep = new Set();
  layers.countries.forEach((country, index) => {
    if (tags.has(country.tag)) keep.add(index);
  });
  const primary = Array.from(state.primary);
  const secondary = Array.from(state.secondary);
  for (let id = 0; id < state.owner.length; id++) {
    const who = state.owner[id];
    if (who >= 0 && !keep.has(who)) {
      primary[id] = grey(primary[id]);
      if (secondary[id] !== NONE) secondary[id] = grey(secondary[id]);
    }
  }
  return { ...state, primary, secondary };
}

const FOUGHT_ON = new Set(["land", "sea", "lake"]);

// Losses per province of the battles with from < day <= to, coloured on the battles
// legend's stops (its gradient), clamped as the kernel clamps; with the legend to show.
export function battlesBetween(layers, from, to, owner = layers.owner) {
  const mode = modeOf(layers, "battles");
  const stops = mode.legend.map((entry) => entry[0]);
  const totals = new Map();
  for (const [when, id, losses] of layers.timeline.battles) {
    // On provinces where armies or fleets fight, as the kernel counts them (_battle_totals).
    if (when > from && when <= to && id > 0 && id < layers.size && FOUGHT_ON.has(layers.kinds[id])) {
      totals.set(id, (totals.get(id) ?? 0) + losses);
    }
  }
  const top = clampTop([...totals.values()]);
  const primary = layers.kinds.map(baseColor);
  const values = new Array(layers.size).fill("");
  for (const [id, value] of totals) {
    primary[id] = gradient(stops, value / top);
    values[id] = `${value.toFixed(0)} lost in battle`;
  }
  const last = stops.length - 1;
  const legend = stops.map((color, index) => [color, numberLabel((top * index) / last), 0]);
  return { primary, secondary: new Array(layers.size).fill(NONE), owner, values, legend };
}

// The timeline replayed forward: the political and religion state at ``day``. Seeking
// backwards replays from the start (a few thousand events: milliseconds).
export class Replay {
  constructor(layers) {
    this.layers = layers;
    this.reset();
  }

  reset() {
    const size = this.layers.size;
    this.day = -Infinity;
    this.owner = new Int32Array(size).fill(-1);
    this.primary = new Int32Array(size).fill(UNKNOWN);
    this.secondary = new Int32Array(size).fill(NONE);
    this.religion = new Int32Array(size).fill(UNKNOWN);
    this.religionStripes = new Int32Array(size).fill(NONE);
    this.at = 0;
    this.religionAt = 0;
  }

  seek(day) {
    if (day < this.day) this.reset();
    const { political, religion } = this.layers.timeline;
    while (this.at < political.length && political[this.at][0] <= day) {
      const [, id, who, color, stripes] = political[this.at++];
      this.owner[id] = who;
      this.primary[id] = color;
      this.secondary[id] = stripes;
    }
    while (this.religionAt < religion.length && religion[this.religionAt][0] <= day) {
      const [, id, color, stripes] = religion[this.religionAt++];
      this.religion[id] = color;
      this.religionStripes[id] = stripes;
    }
    this.day = day;
    return this;
  }

  // (primary, secondary, owner) of ``mode`` (political, religion, battles) at this day.
  state(mode) {
    if (mode === "religion") {
      return { primary: this.religion, secondary: this.religionStripes, owner: this.owner };
    }
    if (mode === "battles") {
      return battlesBetween(this.layers, this.day - BATTLE_WINDOW, this.day, this.owner);
    }
    return { primary: this.primary, secondary: this.secondary, owner: this.owner };
  }
}
