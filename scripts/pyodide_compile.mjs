#!/usr/bin/env node
// Byte-compile the Python inside zip archives with Pyodide's own CPython (3.14 on Wasm), so
// that the browser imports .pyc files instead of compiling source at every start.
// scripts/build_wasm.py runs it; nothing here is served.
//
//   node scripts/pyodide_compile.mjs JOBS.json
//
// JOBS.json: [{"input": PATH, "output": PATH, "prefix": DIR, "layout": LAYOUT}, ...]
//   prefix  where the archive's files live in Pyodide's file system (the code objects'
//           file names, so that tracebacks name real paths); "{stdlib_zip}" and
//           "{purelib}" stand for the standard library's zip and site-packages
//   layout  "sourceless": each module.py becomes module.pyc beside it, the source dropped
//           (for the standard library, imported from a zip by zipimport, as Pyodide's own
//           distribution ships it);
//           "pycache": sources kept, __pycache__/module.cpython-314.pyc added (archives
//           unpacked into the file system: tracebacks show our code's lines)
// The .pyc files are "unchecked hash" ones (PEP 552): the importer trusts them without
// comparing a source timestamp, which an unpacked archive would not preserve.
// A file that does not compile (test data in the standard library) is kept as source.
// Output archives have fixed timestamps; every input entry appears in the same order.

import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "pyodide";

const COMPILE = `
import importlib._bootstrap_external as external
import importlib.util
import io
import sys
import sysconfig
import zipfile

PLACES = {
    "{stdlib_zip}": f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip",
    "{purelib}": sysconfig.get_paths()["purelib"],
}

EPOCH = (1980, 1, 1, 0, 0, 0)


def _entry(zout, name, data):
    info = zipfile.ZipInfo(name, EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zout.writestr(info, data)


def compile_zip(data, prefix, layout):
    data = data.to_py() if hasattr(data, "to_py") else data
    for place, path in PLACES.items():
        prefix = prefix.replace(place, path)
    out = io.BytesIO()
    compiled = kept = 0
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zin, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as zout:
        for info in zin.infolist():
            if info.is_dir():
                continue
            name = info.filename
            body = zin.read(info)
            if not name.endswith(".py"):
                _entry(zout, name, body)
                continue
            try:
                code = compile(body, f"{prefix}/{name}", "exec", dont_inherit=True)
            except SyntaxError:
                _entry(zout, name, body)
                kept += 1
                continue
            pyc = external._code_to_hash_pyc(code, importlib.util.source_hash(body), False)
            compiled += 1
            if layout == "sourceless":
                _entry(zout, name + "c", bytes(pyc))
            else:
                _entry(zout, name, body)
                _entry(zout, importlib.util.cache_from_source(name), bytes(pyc))
    return out.getvalue(), compiled, kept
`;

const [jobsPath] = process.argv.slice(2);
if (!jobsPath) {
  process.stderr.write("usage: node scripts/pyodide_compile.mjs JOBS.json\n");
  process.exit(2);
}
const jobs = JSON.parse(readFileSync(jobsPath, "utf8"));
const pyodide = await loadPyodide();
pyodide.runPython(COMPILE);
const compileZip = pyodide.globals.get("compile_zip");
for (const job of jobs) {
  if (!["sourceless", "pycache"].includes(job.layout)) {
    process.stderr.write(`pyodide_compile: unknown layout ${job.layout}\n`);
    process.exit(2);
  }
  const result = compileZip(new Uint8Array(readFileSync(job.input)), job.prefix, job.layout);
  const [data, compiled, kept] = result.toJs();
  result.destroy();
  writeFileSync(job.output, data);
  const tag = `${compiled} modules compiled${kept ? `, ${kept} kept as source` : ""}`;
  process.stdout.write(`pyodide_compile: ${job.output}: ${tag}\n`);
}
