// Local analysis, the page side: the drop zone, progress, the result and Share.
//
// The markup is templates/local/_dropzone.html.jinja2: an element [data-local-analysis]
// with data-manifest (the bundle's manifest URL), data-worker, optional data-tokens (the
// site's EU4 token table), data-tables (JSON: the token tables the site publishes, by
// game, for melting) and data-preload ("1": start the runtime when the page opens).
// The file is read and analysed by worker.js; nothing about it is sent anywhere unless the
// user presses Share, which uploads it like the upload form does. A binary (ironman) save
// gets a Melt button: worker.js turns it into the text save the game would write, here,
// and the page downloads it as <name>_melted.<ext>.

const STEPS = {
  runtime: "Loading the runtime",
  read: "Reading the file",
  tokens: "Fetching the token table",
  parse: "Parsing and analysing",
  names: "Fetching game data",
  render: "Rendering",
  melt: "Melting",
};

function setup(root) {
  if (!root.dataset.manifest) return; // the server has no bundle: the markup says so
  const input = root.querySelector("input[type=file]");
  const zone = root.querySelector("[data-drop]");
  const steps = root.querySelector("[data-steps]");
  const status = root.querySelector("[data-status]");
  const result = root.querySelector("[data-result]");
  const share = root.querySelector("[data-share]");
  const meltBox = root.querySelector("[data-melt]");
  const meltButton = meltBox?.querySelector("button");
  const meltSteps = root.querySelector("[data-melt-steps]");
  const meltStatus = root.querySelector("[data-melt-status]");
  const tables = JSON.parse(root.dataset.tables || "{}");
  const workerUrl = new URL(root.dataset.worker, location.href);
  // Absolute URLs: the page's may be relative (the static site, scripts/build_static.py),
  // and the worker resolves against its own location.
  const absolute = (url) => new URL(url, location.href).href;
  workerUrl.searchParams.set("manifest", absolute(root.dataset.manifest));
  if (root.dataset.tokens) workerUrl.searchParams.set("tokens", absolute(root.dataset.tokens));
  const tableUrls = Object.fromEntries(Object.entries(tables).map(([g, url]) => [g, absolute(url)]));
  workerUrl.searchParams.set("tables", JSON.stringify(tableUrls));
  if (root.dataset.gamedata) {
    workerUrl.searchParams.set("gamedata", absolute(root.dataset.gamedata));
    // The reader's choice of language for names (a cookie the worker cannot read).
    const chosen = document.cookie.match(/(?:^|; )lang=([a-z_]+)/);
    if (chosen) workerUrl.searchParams.set("lang", chosen[1]);
  }

  let worker = null;
  let nextId = 0;
  const pending = new Map(); // id -> {resolve, reject, onProgress}
  let current = null; // the File shown in the result (what Share uploads)

  function ensureWorker() {
    if (worker === null) {
      worker = new Worker(workerUrl, { type: "module" });
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "ready") {
          root.dataset.runtime = "ready"; // the next analysis starts parsing at once
          return;
        }
        if (message.type === "helpers") {
          root.dataset.helpers = String(message.ready); // workers parsing parts of a save
          return;
        }
        const waiting = pending.get(message.id);
        if (message.type === "progress") {
          waiting?.onProgress?.(message);
          return;
        }
        if (!waiting) return;
        pending.delete(message.id);
        if (message.type === "done") waiting.resolve(message);
        else {
          const error = new Error(message.message);
          error.needsTokens = Boolean(message.needsTokens); // a binary save it cannot read
          error.melt = message.melt ?? null; // what melting the file takes
          waiting.reject(error);
        }
      };
      worker.onerror = (event) => {
        const error = new Error(event.message || "the analysis worker failed to start");
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
        worker.terminate();
        worker = null;
        warming = false;
      };
    }
    return worker;
  }

  function ask(message, onProgress) {
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, onProgress });
      ensureWorker().postMessage({ ...message, id });
    });
  }

  function showStatus(text, kind) {
    status.textContent = text;
    status.className = kind ? `local-status ${kind}` : "local-status";
    status.hidden = !text;
  }

  // One <li> per step, updated in place: "Parsing and analysing… 2.1 s".
  function progress(message, list = steps) {
    let item = list.querySelector(`[data-step="${message.step}"]`);
    if (item === null) {
      item = document.createElement("li");
      item.dataset.step = message.step;
      list.append(item);
    }
    const label = STEPS[message.step] ?? message.step;
    if (message.state === "start") {
      item.className = "running";
      item.textContent = `${label}…`;
    } else {
      item.className = "done";
      item.textContent = `${label}: ${(message.ms / 1000).toFixed(2)} s`;
      item.dataset.ms = message.ms.toFixed(1);
    }
  }

  function show(html, target = result) {
    target.innerHTML = html;
    window.htmx?.process(target);
  }

  // Melting ------------------------------------------------------------------------------
  let meltable = null; // {file, game, extension}: what the Melt button melts

  function showMelt(text, kind) {
    meltStatus.textContent = text;
    meltStatus.className = kind ? `local-status ${kind}` : "local-status";
    meltStatus.hidden = !text;
  }

  // After an analysis (done or failed): the Melt button for a binary save whose game's
  // table the site publishes; for other binary saves, which table is missing. A text save
  // (or a file that is no save) offers nothing to melt.
  function offerMelt(file, plan) {
    meltable = null;
    if (!meltBox) return;
    meltBox.hidden = true;
    meltSteps.replaceChildren();
    showMelt("");
    if (!plan || !plan.binary) {
      root.dataset.melt = "none";
      return;
    }
    if (!plan.meltable) {
      root.dataset.melt = "unavailable";
      showMelt(`${file.name} is a binary file this site cannot melt (game: ${plan.game}).`, "note");
    } else if (!tables[plan.game]) {
      root.dataset.melt = "unavailable";
      showMelt(
        `${file.name} is a binary (ironman) ${plan.game} save: melting it needs the ` +
          `${plan.table} token table, which this site does not publish.`,
        "note",
      );
    } else {
      meltable = { file, game: plan.game, extension: plan.extension };
      root.dataset.melt = "offered";
      meltBox.hidden = false;
    }
  }

  // <name>_melted.<ext> (app.analysis.melting.melted_name): the name without its extension.
  function meltedName(name, extension) {
    const dot = name.lastIndexOf(".");
    const stem = dot > 0 ? name.slice(0, dot) : name;
    return `${stem || "save"}_melted${extension}`;
  }

  async function melt() {
    if (!meltable) return;
    const { file, game, extension } = meltable;
    meltButton.disabled = true;
    root.dataset.melt = "running";
    meltSteps.replaceChildren();
    showMelt(`Melting ${file.name} in this browser…`);
    const started = performance.now();
    try {
      const answer = await ask({ type: "melt", file, game }, (m) => progress(m, meltSteps));
      const name = meltedName(file.name, extension);
      const blob = new Blob([answer.data], { type: "application/octet-stream" });
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      showMelt(`${name}: ${megabytes(blob.size)}, made in ${seconds} s`, "ok");
      root.dataset.melt = "done";
      root.dataset.meltMs = (performance.now() - started).toFixed(1);
    } catch (error) {
      for (const item of meltSteps.querySelectorAll(".running")) item.className = "failed";
      showMelt(`${file.name} could not be melted: ${error.message}`, "error");
      root.dataset.melt = "failed";
    } finally {
      meltButton.disabled = false;
    }
  }
  meltButton?.addEventListener("click", melt);

  async function analyze(file) {
    if (!file) return;
    current = null;
    offerMelt(file, null);
    if (share) share.hidden = true;
    steps.replaceChildren();
    result.replaceChildren();
    root.dataset.state = "running";
    showStatus(`Analysing ${file.name} in this browser…`);
    const started = performance.now();
    try {
      source = null;
      const answer = await ask({ type: "analyze", file }, progress);
      source = "dropped";
      offerMelt(file, answer.melt);
      show(answer.html);
      current = file;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const who = answer.summary.player_name || answer.summary.player || "";
      showStatus(`${file.name}${who ? `: ${who}` : ""}, ${answer.summary.date} (${seconds} s)`, "ok");
      root.dataset.state = "done";
      root.dataset.ms = (performance.now() - started).toFixed(1);
      root.dataset.parts = String(answer.parts ?? 0); // parsed by the worker's helpers
      if (share) share.hidden = false;
    } catch (error) {
      offerMelt(file, error.melt);
      root.dataset.state = "failed";
      if (error.needsTokens && root.dataset.serverTokens === "1" && share) {
        // The server has the token table but keeps it to itself (PUBLISH_TOKENS=false):
        // uploading is how this save gets read, so Share stays the way in.
        current = file;
        showStatus(
          `${file.name} is an ironman (binary) save: this site reads those on its server ` +
            "only. Press Share to upload it and see its analysis there.",
          "note",
        );
        share.hidden = false;
        return;
      }
      showStatus(`${file.name} could not be analysed: ${error.message}`, "error");
    }
  }

  // The worker keeps one analysis: the file dropped last, or a pre-rendered page's payload
  // (the static site's demo pages: [data-prerendered] with data-payload, its JSON).
  const prerendered = document.querySelector("[data-prerendered][data-payload]");
  let source = null; // what the worker holds: "dropped", "prerendered" or null

  async function hold(wanted) {
    if (wanted === "prerendered" && source !== "prerendered") {
      const names = prerendered.dataset.names ? absolute(prerendered.dataset.names) : undefined;
      await ask({ type: "payload", url: absolute(prerendered.dataset.payload), names });
      source = "prerendered";
    }
  }

  async function rerender(target, wanted, query, hash) {
    const view = Object.fromEntries(new URLSearchParams(query));
    try {
      await hold(wanted);
      const answer = await ask({ type: "render", view });
      show(answer.html, target);
      const anchor = hash && document.getElementById(hash.slice(1));
      if (anchor) anchor.scrollIntoView();
      else if (view.country) target.scrollIntoView(); // a country's page opens at its top
    } catch (error) {
      showStatus(`Could not show that: ${error.message}`, "error");
    }
  }

  async function download(chart) {
    try {
      const answer = await ask({ type: "csv", chart });
      if (answer.csv === null) throw new Error(`no chart named ${chart}`);
      const url = URL.createObjectURL(new Blob([answer.csv], { type: "text/csv" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `${chart.split("?")[0]}.csv`; // "income?cf=players": the filtered CSV
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      showStatus(`Could not export the CSV: ${error.message}`, "error");
    }
  }

  // The "#section" part of a link or a form's action ("" without one).
  const hashOf = (url) => {
    const at = url.indexOf("#");
    return at < 0 ? "" : url.slice(at);
  };

  // Links of the rendered partials: sorting, paging and a country's page (data-view: the
  // view's query) and "#csv/<chart>" (downloads) are answered here, from the analysis the
  // worker keeps.
  function answerLinks(container, wanted) {
    container.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || !container.contains(link)) return;
      const href = link.getAttribute("href");
      if (href.startsWith("#csv/")) {
        event.preventDefault();
        hold(wanted).then(() => download(href.slice("#csv/".length)));
      } else if (link.dataset.view !== undefined) {
        event.preventDefault();
        rerender(container, wanted, link.dataset.view, hashOf(href));
      }
    });
  }
  // The country filter's form (data-view-form): its fields are the view's query.
  function answerForms(container, wanted) {
    container.addEventListener("submit", (event) => {
      const form = event.target.closest("form[data-view-form]");
      if (!form || !container.contains(form)) return;
      event.preventDefault();
      const query = new URLSearchParams();
      for (const [key, value] of new FormData(form)) if (value) query.append(key, value);
      rerender(container, wanted, `?${query}`, hashOf(form.getAttribute("action")));
    });
  }
  answerLinks(result, "dropped");
  answerForms(result, "dropped");
  if (prerendered) {
    answerLinks(prerendered, "prerendered");
    answerForms(prerendered, "prerendered");
  }

  input.addEventListener("change", () => {
    const file = input.files[0];
    input.value = ""; // choosing the same file again is a new analysis
    analyze(file);
  });
  // Starting the runtime takes seconds: begin as soon as the user shows intent (a file
  // dragged into the window, the pointer on the drop zone, the file picker opened), or
  // when the page opens on /local (data-preload).
  let warming = false;
  const warmUp = () => {
    if (warming) return;
    warming = true;
    ensureWorker().postMessage({ type: "load" });
  };
  window.addEventListener("dragenter", warmUp);
  // Boosted navigation replaces the page's body: a drop zone no longer shown lets its
  // worker (and the runtime's memory) go.
  const release = () => {
    if (root.isConnected) return;
    worker?.terminate();
    worker = null;
    window.removeEventListener("dragenter", warmUp);
    document.removeEventListener("htmx:afterSettle", release);
  };
  document.addEventListener("htmx:afterSettle", release);
  zone.addEventListener("pointerenter", warmUp);
  input.addEventListener("click", warmUp);
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    analyze(event.dataTransfer.files[0]);
  });

  // Share: progress while the body goes out (bytes sent, then "reading the save") and a
  // Cancel that aborts the request while it is still sending (the server then has no
  // whole file, so nothing is stored). Each step is also a "share-progress" event on the
  // root (detail: phase "packing" | "sending" | "reading", sent, total, size).
  const sending = root.querySelector("[data-share-progress]");
  const bar = sending?.querySelector("progress");
  const sendingText = sending?.querySelector("[data-share-text]");
  const cancel = sending?.querySelector("[data-cancel]");
  let inFlight = null; // the AbortController of the upload being sent

  function shareProgress(detail) {
    root.dispatchEvent(new CustomEvent("share-progress", { detail }));
    if (!sending) return;
    sending.hidden = false;
    if (detail.phase === "packing") {
      bar.removeAttribute("value");
      sendingText.textContent = `Compressing ${megabytes(detail.size)}…`;
    } else if (detail.phase === "sending") {
      bar.max = detail.total;
      bar.value = detail.sent;
      const packed = detail.total < detail.size ? ` (compressed from ${megabytes(detail.size)})` : "";
      sendingText.textContent = `Sending ${megabytes(detail.sent)} of ${megabytes(detail.total)}${packed}…`;
    } else {
      bar.removeAttribute("value"); // the server's part: no measure of it
      sendingText.textContent = "Reading the save…";
      cancel.hidden = true; // it has the whole file now
    }
  }

  cancel?.addEventListener("click", () => inFlight?.abort());

  if (share) {
    share.addEventListener("click", async () => {
      if (!current) return;
      share.disabled = true;
      showStatus(`Uploading ${current.name} to share it…`);
      inFlight = new AbortController();
      if (cancel) cancel.hidden = false;
      try {
        await upload(current, shareProgress, inFlight.signal);
      } catch (error) {
        if (error.name === "AbortError") showStatus("Sharing cancelled: nothing was stored.");
        else showStatus(`Sharing failed: ${error.message}`, "error");
      } finally {
        inFlight = null;
        share.disabled = false;
        if (sending) sending.hidden = true;
      }
    });
  }

  // What the map island (app/static/map/map.js) of a result asks for: the map's layers
  // and a province's details from the worker, the index image from the site's game data.
  root.mapSource = {
    layers: async () => {
      const answer = await ask({ type: "map" });
      if (answer.layers === null) throw new Error("this save's game data has no map");
      return JSON.parse(answer.layers);
    },
    province: async (pid) => (await ask({ type: "province", pid })).html,
    index: (bundle) =>
      root.dataset.gamedata
        ? new URL(`${bundle}/provinces.bin.gz`, absolute(root.dataset.gamedata)).href
        : null,
  };

  // The analysis rendered with any view (the partials' ``view``: base, htmx, csv, sorts):
  // for scripts and the tests that compare it with the server's own page.
  root.renderView = async (view) => (await ask({ type: "render", view })).html;

  if (root.dataset.preload === "1") warmUp();
}

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// Text saves shrink to a tenth or less; below this the compressing is not worth its time.
const COMPRESS_FROM = 1 << 20;

// The upload form's body for ``file``, gzip-compressed when that makes it smaller (a large
// text save; a zip is compressed already), with its Content-Type (the multipart boundary).
// The server decompresses it as it arrives and stores the file as it was.
async function packForm(file, onProgress) {
  const form = new FormData();
  form.append("file", file, file.name);
  const request = new Request(location.href, { method: "POST", body: form });
  const type = request.headers.get("content-type");
  const body = await request.blob();
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const zipped = head[0] === 0x50 && head[1] === 0x4b; // "PK": a zip
  if (file.size < COMPRESS_FROM || zipped || typeof CompressionStream === "undefined") {
    return { body, type, encoding: null };
  }
  onProgress({ phase: "packing", sent: 0, total: body.size, size: file.size });
  const stream = body.stream().pipeThrough(new CompressionStream("gzip"));
  const packed = await new Response(stream).blob();
  return packed.size < body.size
    ? { body: packed, type, encoding: "gzip" }
    : { body, type, encoding: null };
}

// POST ``packed`` with XMLHttpRequest (fetch reports no upload progress); resolves with the
// finished request, rejects with an AbortError when ``signal`` aborts it.
function send(url, packed, headers, size, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    const total = packed.body.size;
    xhr.upload.onprogress = (event) =>
      onProgress({ phase: "sending", sent: event.loaded, total, size });
    xhr.upload.onload = () => onProgress({ phase: "reading", sent: total, total, size });
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new Error("the connection to the site failed; try again"));
    xhr.onabort = () => reject(new DOMException("the upload was cancelled", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort());
    xhr.send(packed.body);
  });
}

// Share: the same POST as the upload form (multipart, CSRF header), compressed when that
// helps, then go to the page the server made. Errors come back as the form's fragment:
// its alert is the message.
async function upload(file, onProgress, signal) {
  const packed = await packForm(file, onProgress);
  if (signal.aborted) throw new DOMException("the upload was cancelled", "AbortError");
  const headers = { "HX-Request": "true", "Content-Type": packed.type };
  if (packed.encoding) headers["Content-Encoding"] = packed.encoding;
  try {
    Object.assign(headers, JSON.parse(document.body.getAttribute("hx-headers") || "{}"));
  } catch {
    // no CSRF header: the server will say so
  }
  const xhr = await send("/saves", packed, headers, file.size, onProgress, signal);
  const target = xhr.getResponseHeader("HX-Redirect");
  if (target) {
    location.assign(target);
    return;
  }
  const alert = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("[role=alert]");
  throw new Error(alert?.textContent.trim() || `the server answered ${xhr.status}`);
}

// On the first page and on every page htmx swaps in (boosted navigation keeps this script).
function scan(element) {
  for (const root of element.querySelectorAll("[data-local-analysis]")) {
    if (root.dataset.ready) continue;
    root.dataset.ready = "1";
    setup(root);
  }
}
window.htmx?.onLoad(scan);
scan(document);
