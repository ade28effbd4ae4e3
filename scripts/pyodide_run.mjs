#!/usr/bin/env node
// Smoke-run Python under Pyodide in Node, offline: the browser build's runtime, here.
//
//   node scripts/pyodide_run.mjs [--wheel WHL]... [--file PATH]... (-c CODE | SCRIPT.py) [ARG]...
//
// - Pyodide is loaded from node_modules/pyodide (no CDN).
// - Each --wheel is unpacked into site-packages (micropip would need the network). Without
//   any --wheel, the defaults are what scripts/setup prepares: every wheel in
//   build/pyodide-wheels/ (msgspec's pyemscripten wheel) and the kernel's pure wheel
//   build/wheels/chronicle_kernel-*-py3-none-any.whl.
// - Each --file is copied into the Pyodide file system as /data/<basename>.
// - The Python code runs as __main__ with sys.argv = [SCRIPT or "-c", ARG...]; the ARGs are
//   passed as given, and /data/<basename> is how the code finds a --file.
// - Python's stdout/stderr go to ours. Exit status: 0, the code's SystemExit status, or 1
//   with the traceback on stderr for an uncaught exception. Usage errors: 2.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { loadPyodide } from "pyodide";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE =
  "usage: node scripts/pyodide_run.mjs [--wheel WHL]... [--file PATH]... (-c CODE | SCRIPT.py) [ARG]...";

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { wheels: [], files: [], code: null, name: null, args: [] };
  let i = 0;
  const value = (flag) => {
    if (i + 1 >= argv.length) usage(`${flag} needs a value`);
    i += 1;
    return argv[i];
  };
  for (; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--wheel") opts.wheels.push(resolve(value(arg)));
    else if (arg === "--file") opts.files.push(resolve(value(arg)));
    else if (arg === "-c") {
      opts.code = value(arg);
      opts.name = "-c";
      i += 1;
      break;
    } else if (arg === "-h" || arg === "--help") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith("-")) usage(`unknown option: ${arg}`);
    else {
      opts.name = arg;
      opts.code = readFileSync(arg, "utf8");
      i += 1;
      break;
    }
  }
  if (opts.code === null) usage("give -c CODE or a SCRIPT.py");
  opts.args = argv.slice(i);
  return opts;
}

// Pyodide wants a plain Uint8Array, not Node's Buffer subclass.
const readBytes = (path) => new Uint8Array(readFileSync(path));

function defaultWheels() {
  const wheels = [];
  const pyodideDir = join(ROOT, "build", "pyodide-wheels");
  if (existsSync(pyodideDir)) {
    for (const f of readdirSync(pyodideDir).sort()) {
      if (f.endsWith(".whl")) wheels.push(join(pyodideDir, f));
    }
  }
  const wheelDir = join(ROOT, "build", "wheels");
  if (existsSync(wheelDir)) {
    for (const f of readdirSync(wheelDir).sort()) {
      if (f.startsWith("chronicle_kernel-") && f.endsWith("-py3-none-any.whl")) {
        wheels.push(join(wheelDir, f));
      }
    }
  }
  if (wheels.length === 0) usage("no wheels given and none in build/: run scripts/setup first");
  return wheels;
}

// Runs the code like `python -c`/`python SCRIPT`: returns the exit status.
const RUNNER = `
def _chronicle_run(src, name, argv):
    import sys, traceback
    sys.argv = list(argv)
    try:
        exec(compile(src, name, "exec"), {"__name__": "__main__", "__file__": name})
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException as exc:
        # Drop this function's own frame from the traceback.
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0
_chronicle_run
`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wheels = opts.wheels.length > 0 ? opts.wheels : defaultWheels();

  // indexURL: the directory of the installed npm package, so nothing is fetched.
  const require = createRequire(import.meta.url);
  const indexURL = dirname(require.resolve("pyodide/package.json"));
  const toStderr = (msg) => process.stderr.write(`${msg}\n`);
  const pyodide = await loadPyodide({ indexURL, stdout: toStderr, stderr: toStderr });

  // Raw byte streams: no line buffering or re-encoding between Python and us.
  const writer = (stream) => ({
    write: (buf) => {
      stream.write(Buffer.from(buf));
      return buf.length;
    },
  });
  pyodide.setStdout(writer(process.stdout));
  pyodide.setStderr(writer(process.stderr));

  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const whl of wheels) {
    pyodide.unpackArchive(readBytes(whl), "wheel", { extractDir: sitePackages });
  }
  pyodide.runPython("import importlib; importlib.invalidate_caches()");

  pyodide.FS.mkdirTree("/data");
  for (const file of opts.files) {
    pyodide.FS.writeFile(`/data/${basename(file)}`, readBytes(file));
  }

  const run = pyodide.runPython(RUNNER);
  const status = run(opts.code, opts.name, pyodide.toPy([opts.name, ...opts.args]));
  run.destroy();
  process.exitCode = status;
}

// A failure of the runner itself (not of the Python code): one message, no minified dump.
main().catch((err) => {
  process.stderr.write(`pyodide_run: ${err?.stack ?? err}\n`);
  process.exit(1);
});
