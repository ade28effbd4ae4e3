// Local analysis, the Web Worker: Pyodide, the pure kernel and the analysis partials.
//
// Started by local.js as a module worker. It loads the bundle that scripts/build_wasm.py
// wrote (manifest.json: the Pyodide runtime, the wheels and the app's modules and
// templates), then answers messages from the page:
//
//   {type: "load"}                      start the runtime now (the page is about to need
//                                       it); answers {type: "ready"} once it runs
//   {type: "analyze", id, file}         read the File, run app.local.worker.analyze and
//                                       render; fetches the site's token table for a
//                                       binary save when the page gave its URL. The answer
//                                       (done or failed) carries "melt": what melting the
//                                       file takes (melt_plan: binary, game, table,
//                                       meltable), null for a file that is no save
//   {type: "melt", id, file, game}      melt the File (app.local.worker.melt, the kernel's
//                                       melt) with the site's table for ``game`` (the
//                                       "tables" parameter: game -> URL): done carries the
//                                       melted bytes as "data" (a transferred Uint8Array)
//   {type: "render", id, view}          re-render the current analysis with another view
//   {type: "csv", id, chart}            one chart's CSV
//   {type: "payload", id, url, names}   hold a stored analysis (a pre-rendered page's JSON,
//                                       and its names' JSON when it has one) instead, for
//                                       "render" and "csv"
//   {type: "map", id}                   the analysis's map: MapLayers JSON text as "layers"
//                                       (null without game data that has a map)
//   {type: "province", id, pid}         one province's details (HTML) as "html"
//
// and posts back {type: "progress", id, step, state: "start"|"done", ms},
// {type: "done", id, ...} or {type: "failed", id, message}. Every request it makes is a GET
// for a file of the bundle or the token table: the save itself never leaves this worker
// but for its helpers, below.
//
// Helpers: on a machine with more than one core this worker starts up to two more of
// itself (role=part in the URL) as it starts its runtime. A large EU4 text save is split
// (app.local.worker.split: its largest sections) and each helper that is running by then
// works on one part ({type: "part", id, key, data} -> {type: "done", id, tape}: for the
// provinces their rows and map history, else the parsed tape; kernel.eu4.parse_part)
// while this worker parses the rest; the analysis takes what they send back
// (analyze_split). A helper that is not running, or fails, just means this worker parses
// that part itself.

const params = new URL(self.location.href).searchParams;
const HELPER = params.get("role") === "part";
const HELPERS = HELPER ? 0 : Math.min(2, Math.max(0, (self.navigator.hardwareConcurrency || 1) - 1));
const MANIFEST_URL = new URL(params.get("manifest"), self.location.href);
const TOKENS_URL = params.get("tokens") ? new URL(params.get("tokens"), self.location.href) : null;
// The site's game-data bundles (names for the keys of the analysis), and the reader's
// choice of language (else the browser's languages decide).
const GAMEDATA_URL = params.get("gamedata")
  ? new URL(params.get("gamedata"), self.location.href)
  : null;
const LANGUAGE = params.get("lang");
// The token tables the site publishes, by game ({"eu4": URL, "ck3": URL, …}), for melting.
const TABLES = Object.fromEntries(
  Object.entries(JSON.parse(params.get("tables") || "{}")).map(([game, url]) => [
    game,
    new URL(url, self.location.href),
  ]),
);

// Glue between JavaScript values and app.local.worker (plain Python): bytes from
// Uint8Arrays, a view from JSON, and results back as JSON text.
const GLUE = `
import json
import app.local.worker as local

def analyze(data, tokens):
    return json.dumps(local.analyze(data.to_bytes(), None if tokens is None else tokens.to_bytes()))

def render(view_json):
    return local.render(json.loads(view_json))

def csv(chart):
    return local.csv(chart)

def use_payload(text, names):
    local.use_payload(text, names)
def gamedata_for(data, tokens, index, cookie, accept):
    raw = None if tokens is None else tokens.to_bytes()
    return json.dumps(local.gamedata_for(data.to_bytes(), raw, index, cookie, accept))
def put_gamedata(bundle, name, data):
    local.put_gamedata(bundle, name, data.to_bytes())
def map_layers():
    return local.map_layers()
def province(pid):
    return local.province(int(pid))
def melt_plan(data):
    return json.dumps(local.melt_plan(data.to_bytes()))
def melt(data, tokens, game):
    return local.melt(data.to_bytes(), tokens.to_bytes(), game)
def split(data, count):
    return local.split(data.to_bytes(), int(count))
def parse_rest():
    local.parse_rest()
def analyze_split(data, tapes):
    return json.dumps(local.analyze_split(data.to_bytes(), [t.to_bytes() for t in tapes]))
`;

let runtime = null; // Promise of {pyodide, glue}

function load() {
  if (runtime === null) {
    startHelpers();
    runtime = start();
    runtime.catch(() => {
      runtime = null; // a failed start (network, missing bundle) may be retried
    });
  }
  return runtime;
}

async function fetchBytes(url, what) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not download ${what}: ${error.message}`);
  }
  if (!response.ok) {
    throw new Error(`could not download ${what}: the server answered ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function checked(entry) {
  const url = new URL(entry.url, MANIFEST_URL);
  const data = await fetchBytes(url, entry.url);
  // crypto.subtle exists in secure contexts only (https, localhost): elsewhere the hashed
  // file names alone keep builds apart.
  if (self.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== entry.sha256) {
      throw new Error(`${entry.url} does not match the bundle's manifest (a stale cache?)`);
    }
  }
  return data;
}

async function start() {
  let manifest;
  try {
    const response = await fetch(MANIFEST_URL);
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    manifest = await response.json();
  } catch (error) {
    throw new Error(
      `the local-analysis bundle is not available (${error.message}); ` +
        "its operator builds it with scripts/setup",
    );
  }
  const indexURL = new URL(manifest.pyodide.index, MANIFEST_URL).href;
  const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
  // A helper needs the kernel (and msgspec), not the app's modules and templates.
  const wanted = HELPER ? manifest.site_packages : [...manifest.site_packages, manifest.app];
  const archives = Promise.all(wanted.map(checked));
  // The standard library byte-compiled by scripts/build_wasm.py (Pyodide's own zip holds
  // sources only, which every start would compile again).
  const stdLibURL = new URL(manifest.pyodide.stdlib.url, MANIFEST_URL).href;
  const pyodide = await loadPyodide({ indexURL, stdLibURL, checkAPIVersion: true });
  const sitePackages = await archives;
  const app = HELPER ? null : sitePackages.pop();
  const site = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const data of sitePackages) {
    pyodide.unpackArchive(data, "zip", { extractDir: site });
  }
  if (HELPER) {
    const part = pyodide.runPython(
      "from kernel.eu4 import parse_part\n" +
        "def part(data, key):\n    return parse_part(data.to_bytes(), key)\npart",
    );
    return { pyodide, part };
  }
  pyodide.FS.mkdirTree(manifest.app_path);
  pyodide.unpackArchive(app, "zip", { extractDir: manifest.app_path });
  pyodide.runPython(
    `import sys, importlib; sys.path.insert(0, ${JSON.stringify(manifest.app_path)}); ` +
      "importlib.invalidate_caches()",
  );
  const glue = pyodide.runPython(
    `${GLUE}\n{"analyze": analyze, "render": render, "csv": csv, "use_payload": use_payload, ` +
      `"gamedata_for": gamedata_for, "put_gamedata": put_gamedata, "map_layers": map_layers, ` +
      `"province": province, "melt_plan": melt_plan, "melt": melt, "split": split, ` +
      `"parse_rest": parse_rest, "analyze_split": analyze_split}`,
  );
  return {
    pyodide,
    analyze: glue.get("analyze"),
    render: glue.get("render"),
    csv: glue.get("csv"),
    use_payload: glue.get("use_payload"),
    gamedata_for: glue.get("gamedata_for"),
    put_gamedata: glue.get("put_gamedata"),
    map_layers: glue.get("map_layers"),
    province: glue.get("province"),
    melt_plan: glue.get("melt_plan"),
    melt: glue.get("melt"),
    split: glue.get("split"),
    parse_rest: glue.get("parse_rest"),
    analyze_split: glue.get("analyze_split"),
  };
}

// The helpers (see the top): started with the runtime, used once they say they run.
const helpers = [];
let nextPart = 0;

function startHelpers() {
  for (let i = helpers.length; i < HELPERS; i += 1) {
    const url = new URL(self.location.href);
    url.searchParams.set("role", "part");
    let worker;
    try {
      worker = new Worker(url, { type: "module" });
    } catch (error) {
      // A browser without workers in workers: this worker parses everything itself.
      console.warn(`no helper workers: ${error.message}`);
      return;
    }
    const helper = { worker, ready: false, waiting: new Map() };
    const settle = (id, tape) => {
      const resolve = helper.waiting.get(id);
      helper.waiting.delete(id);
      resolve?.(tape);
    };
    helper.worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === "ready") {
        helper.ready = true;
        announceHelpers();
      } else if (message.type === "done") settle(message.id, message.tape);
      else if (message.type === "failed") settle(message.id, null);
    };
    helper.worker.onerror = () => {
      helper.ready = false;
      announceHelpers();
      for (const id of [...helper.waiting.keys()]) settle(id, null);
    };
    helper.worker.postMessage({ type: "load" });
    helpers.push(helper);
  }
}

// How many helpers run (the page shows it as data-helpers).
function announceHelpers() {
  self.postMessage({ type: "helpers", ready: helpers.filter((helper) => helper.ready).length });
}

// A part worked on by a helper: what it sent back, or null (the analysis then parses the
// part itself).
function parsePart(helper, key, data) {
  const id = (nextPart += 1);
  return new Promise((resolve) => {
    helper.waiting.set(id, resolve);
    helper.worker.postMessage({ type: "part", id, key, data }, [data.buffer]);
  });
}

// The analysis (its JSON answer), split among the running helpers when the save is large
// enough; "parts": how many parts they parsed.
async function analysed(py, data) {
  const ready = helpers.filter((helper) => helper.ready);
  if (ready.length > 0) {
    const proxy = py.split(data, ready.length);
    const parts = proxy.toJs();
    proxy.destroy();
    if (parts.length > 0) {
      const tapes = parts.map(([key, part], i) => parsePart(ready[i], key, part));
      py.parse_rest();
      const got = (await Promise.all(tapes)).map((tape) => tape ?? new Uint8Array(0));
      const answer = JSON.parse(py.analyze_split(data, got));
      return { ...answer, parts: got.filter((tape) => tape.length > 0).length };
    }
  }
  return { ...JSON.parse(py.analyze(data, undefined)), parts: 0 };
}

// Runs one step, telling the page when it starts and how long it took.
async function step(id, name, work) {
  self.postMessage({ type: "progress", id, step: name, state: "start" });
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  self.postMessage({ type: "progress", id, step: name, state: "done", ms });
  return result;
}

// A failure inside Python reaches us as a PythonError whose message is the traceback:
// people get its last line (the exception), the console gets all of it.
function readable(error) {
  const text = String(error?.message ?? error);
  if (error?.type) {
    console.error(text);
    const lines = text.trim().split("\n");
    return `the analysis failed: ${lines[lines.length - 1]}`;
  }
  return text;
}

// The site's game data for this save, before it is analysed (the achievements that need
// geography are decided with it, and its names shown): the bundle list once, then the
// files of the bundle the save wants (both HTTP-cached, kept here too). Without game data,
// or when it cannot be had, the analysis goes on with keys: never a failure.
let bundleIndex = null;
const gamedataFiles = new Map();
async function gamedata(py, data, tokens) {
  try {
    if (bundleIndex === null) {
      const response = await fetch(GAMEDATA_URL);
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      bundleIndex = await response.text();
    }
    const accept = (self.navigator.languages || [self.navigator.language]).join(",");
    const wanted = JSON.parse(py.gamedata_for(data, tokens, bundleIndex, LANGUAGE, accept));
    if (wanted === null) return;
    for (const name of wanted.files) {
      const url = new URL(`${wanted.bundle}/${name}`, GAMEDATA_URL).href;
      if (!gamedataFiles.has(url)) gamedataFiles.set(url, await fetchBytes(url, "game data"));
      py.put_gamedata(wanted.bundle, name, gamedataFiles.get(url));
    }
  } catch (error) {
    console.warn(`game data: ${readable(error)}`);
  }
}
// Token tables fetched once per worker (HTTP revalidates them between page loads).
const tables = new Map();
async function tokenTable(url) {
  const key = url.href;
  if (!tables.has(key)) tables.set(key, await fetchBytes(url, "the token table"));
  return tables.get(key);
}

async function analyze(id, file) {
  const py = await step(id, "runtime", load);
  // The bytes, and whether the file can be melted (the page's Melt button), whatever the
  // analysis says of it.
  const [data, melt] = await step(id, "read", async () => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return [bytes, JSON.parse(py.melt_plan(bytes))];
  });
  if (GAMEDATA_URL !== null) await step(id, "names", () => gamedata(py, data, undefined));
  let result = await step(id, "parse", () => analysed(py, data));
  if (!result.ok && result.needs_tokens && TOKENS_URL !== null) {
    const tokens = await step(id, "tokens", () => tokenTable(TOKENS_URL));
    // A binary save says its version only with the table: choose its game data again.
    if (GAMEDATA_URL !== null) await step(id, "names", () => gamedata(py, data, tokens));
    result = await step(id, "parse", async () => JSON.parse(py.analyze(data, tokens)));
  }
  if (!result.ok) {
    // needsTokens: a binary save this page cannot read (no table published to it).
    const needsTokens = Boolean(result.needs_tokens);
    self.postMessage({ type: "failed", id, message: result.message, needsTokens, melt });
    return;
  }
  const html = await step(id, "render", async () => py.render("{}"));
  self.postMessage({ type: "done", id, html, summary: result.summary, melt, parts: result.parts });
}

// Melting: the text save the game would write, made here (the file is not sent anywhere;
// only the token table is fetched). Fails with the kernel's message, in words.
async function melt(id, file, game) {
  const url = TABLES[game];
  if (!url) throw new Error(`melting a ${game} save needs the ${game}.txt token table`);
  const py = await step(id, "runtime", load);
  const tokens = await step(id, "tokens", () => tokenTable(url));
  const data = await step(id, "read", async () => new Uint8Array(await file.arrayBuffer()));
  const melted = await step(id, "melt", async () => {
    const result = py.melt(data, tokens, game);
    if (typeof result === "string") throw new Error(result);
    try {
      return result.toJs();
    } finally {
      result.destroy();
    }
  });
  self.postMessage({ type: "done", id, data: melted }, [melted.buffer]);
}

self.onmessage = async (event) => {
  const { type, id } = event.data;
  try {
    if (type === "load") {
      await load();
      self.postMessage({ type: "ready" });
    } else if (type === "part") {
      const py = await load();
      const proxy = py.part(event.data.data, event.data.key);
      const tape = proxy.toJs();
      proxy.destroy();
      self.postMessage({ type: "done", id, tape }, [tape.buffer]);
    } else if (type === "analyze") {
      await analyze(id, event.data.file);
    } else if (type === "melt") {
      await melt(id, event.data.file, event.data.game);
    } else if (type === "payload") {
      const py = await load();
      const decoder = new TextDecoder();
      const text = decoder.decode(await fetchBytes(event.data.url, "the analysis"));
      const names = event.data.names
        ? decoder.decode(await fetchBytes(event.data.names, "the names"))
        : undefined;
      py.use_payload(text, names);
      self.postMessage({ type: "done", id });
    } else if (type === "render") {
      const py = await load();
      self.postMessage({ type: "done", id, html: py.render(JSON.stringify(event.data.view)) });
    } else if (type === "csv") {
      const py = await load();
      self.postMessage({ type: "done", id, csv: py.csv(event.data.chart) ?? null });
    } else if (type === "map") {
      const py = await load();
      self.postMessage({ type: "done", id, layers: py.map_layers() ?? null });
    } else if (type === "province") {
      const py = await load();
      self.postMessage({ type: "done", id, html: py.province(event.data.pid) });
    }
  } catch (error) {
    self.postMessage({ type: "failed", id, message: readable(error) });
  }
};
