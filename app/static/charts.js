// The analysis' charts made interactive with uPlot (app/static/vendor/uPlot.iife.min.js):
// hovering shows the year and every country's value in the legend, clicking (or Enter on)
// a legend entry hides or shows its line, dragging across the plot zooms the years and a
// double-click shows them all again; the development histogram likewise, by bucket. Each
// chart is a <figure data-chart> (templates/analysis/_macros.html.jinja2 line_chart_figure,
// _development.html.jinja2) whose attribute holds the data the server-rendered SVG was
// drawn from (app/analysis/render.py line_chart_data, bar_chart_data); the SVG and its
// legend stay for pages without JavaScript and are hidden once the chart is drawn.
// Figures arrive with the page, with htmx swaps and with local analysis's results (set as
// innerHTML by app/static/local/local.js): the document is watched for them.
(() => {
  "use strict";
  if (typeof window.uPlot !== "function") return; // no library: the SVG stays
  const DASH = "\u2013"; // what a missing value shows (render.py DASH)
  const live = new Map(); // figure -> uPlot instance

  // A CSS colour of the page's palette (app.css: light-dark() variables), resolved for the
  // theme in force: custom properties compute to their text, so a probe element reads it.
  function cssColor(within, variable) {
    const probe = document.createElement("span");
    probe.style.color = `var(${variable})`;
    within.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  }

  // As the data table shows numbers (render.py num): thousands separators, fixed digits.
  function formatter(digits) {
    const format = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    return (value) => (value == null ? DASH : format.format(value));
  }

  function lastIndex(values) {
    for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return i;
    return null;
  }

  // The plot follows its box's width (a phone's 390 px as a desktop's column).
  function size(box) {
    const width = Math.max(box.clientWidth, 200);
    return { width, height: Math.round(Math.min(Math.max(width * 0.5, 200), 320)) };
  }

  // The x axis: years (the ledgers: plain numbers, the games' calendars are not JavaScript
  // dates) or, for bars, the positions of named buckets ("10–15"), half a bar of margin
  // either side when showing them all (a zoom keeps the dragged range).
  function xScale(bars) {
    if (!bars) return { time: false };
    const whole = (min, max) => Number.isInteger(min) && Number.isInteger(max);
    return { time: false, range: (u, min, max) => (whole(min, max) ? [min - 0.5, max + 0.5] : [min, max]) };
  }

  function options(figure, data, box) {
    const muted = cssColor(figure, "--muted");
    const grid = cssColor(figure, "--grid");
    const accent = cssColor(figure, "--accent");
    const show = formatter(data.digits);
    const bars = data.kind === "bars";
    const xs = data.x;
    const names = data.x_names; // bars: the buckets' labels
    // Years are whole but for a playthrough's dated saves (fractional: two decimals).
    const year = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(2));
    const xText = (value) => (value == null ? DASH : names ? names[value] ?? "" : year(value));
    // Off the plot the legend shows the last year's values, as the SVG's legend does (bars:
    // none, until one is pointed at).
    const rest = bars ? null : xs.length - 1;
    const font = "11px system-ui, sans-serif";
    const axis = {
      stroke: muted,
      font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    return {
      ...size(box),
      scales: { x: xScale(bars), ...(bars ? { y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } } : {}) },
      cursor: { drag: { x: true, y: false, setScale: true } },
      // Filled swatches, as the SVG's legend has.
      legend: { live: true, markers: { fill: (u, i) => u.series[i].stroke(u, i) } },
      series: [
        {
          label: data.x_label,
          value: (u, value, _s, idx) => xText(idx == null ? (rest == null ? null : xs[rest]) : value),
        },
        ...data.series.map((s) => {
          const last = rest == null ? null : lastIndex(s.values);
          const line = {
            label: s.label,
            stroke: s.color ?? accent,
            width: s.width,
            spanGaps: true, // the SVG's polyline joins the years either side of a gap
            points: { show: false },
            value: (u, value, _s, idx) => show(idx == null ? (last == null ? null : s.values[last]) : value),
          };
          if (bars) Object.assign(line, { fill: accent, width: 0, paths: window.uPlot.paths.bars({ size: [0.8, Infinity] }) });
          return line;
        }),
      ],
      axes: [
        {
          ...axis,
          space: 50,
          incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000],
          values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? xText(v) : "")),
        },
        {
          ...axis,
          // Wide enough for the longest tick label ("12,345.5").
          size: (u, values) => (values ? Math.max(...values.map((v) => v.length)) * 7 + 14 : 40),
          values: (u, splits) => splits.map((v) => v.toLocaleString("en-US")),
        },
      ],
      hooks: {
        ready: [
          (u) => {
            // The legend's entries as buttons for the keyboard too (Enter or Space toggles).
            const rows = u.root.querySelectorAll(".u-legend tr.u-series");
            data.series.forEach((s, i) => rows[i + 1]?.classList.toggle("player", s.player));
            u.root.querySelectorAll(".u-legend tr.u-series:not(:first-child) th").forEach((th) => {
              th.tabIndex = 0;
              th.setAttribute("role", "button");
              th.addEventListener("keydown", (event) => {
                if (event.key === "Enter" || event.key === " ") {
                  event.preventDefault();
                  th.click();
                }
              });
            });
            const caption = figure.querySelector("figcaption")?.textContent ?? "";
            u.over.setAttribute("role", "img");
            u.over.setAttribute("aria-label", `${caption}: an interactive chart; the data table below has the values`);
          },
        ],
        setSeries: [
          (u, index) => {
            const row = index == null ? null : u.root.querySelectorAll(".u-legend tr.u-series")[index];
            row?.querySelector("th")?.setAttribute("aria-pressed", String(u.series[index].show));
          },
        ],
      },
    };
  }

  function draw(figure) {
    let data;
    try {
      data = JSON.parse(figure.dataset.chart);
    } catch {
      return; // unreadable: the SVG stays
    }
    if (!data.x?.length || !data.series?.length) return;
    let box = figure.querySelector(".chart-live");
    if (box === null) {
      box = document.createElement("div");
      box.className = "chart-live";
      figure.querySelector("svg.chart").after(box);
    }
    live.get(figure)?.destroy();
    box.replaceChildren();
    const columns = [data.x, ...data.series.map((s) => s.values)];
    const chart = new window.uPlot(options(figure, data, box), columns, box);
    chart.root.querySelectorAll(".u-legend tr.u-series:not(:first-child) th").forEach((th) => th.setAttribute("aria-pressed", "true"));
    live.set(figure, chart);
    figure.uplot = chart; // for the browser tests
    figure.classList.add("chart-drawn"); // app.css hides the SVG and its legend
  }

  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const figure = entry.target.closest("figure");
      const chart = live.get(figure);
      if (!chart) continue;
      const wanted = size(entry.target);
      if (wanted.width !== chart.width || wanted.height !== chart.height) chart.setSize(wanted);
    }
  });

  function scan(root) {
    const selector = "figure.chart[data-chart]";
    const figures = root.matches?.(selector) ? [root] : root.querySelectorAll?.(selector) ?? [];
    for (const figure of figures) {
      if (live.has(figure)) continue;
      draw(figure);
      const box = figure.querySelector(".chart-live");
      if (box && live.has(figure)) resized.observe(box);
    }
  }

  function forget() {
    for (const [figure, chart] of live) {
      if (figure.isConnected) continue;
      chart.destroy();
      live.delete(figure);
    }
  }

  new MutationObserver((records) => {
    let removed = false;
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1) scan(node);
      removed ||= record.removedNodes.length > 0;
    }
    if (removed) forget();
  }).observe(document.documentElement, { childList: true, subtree: true });

  // The theme can change under the page (the system's, followed when none is chosen): the
  // canvas has its colours baked in, so draw again.
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    for (const figure of live.keys()) draw(figure);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => scan(document));
  else scan(document);
})();
