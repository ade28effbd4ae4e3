#!/usr/bin/env node
// Reference output for differential tests: the npm package `jomini` (the parser pdx.tools
// uses, Rust compiled to Wasm) turns a Clausewitz text file into JSON.
//
// One file:
//   node scripts/jomini_json.mjs FILE [group|preserve|key-value-pairs] [utf8|windows1252]
//   prints parser.parseText(bytes, {encoding}, q => q.json({duplicateKeyMode})) to stdout;
//   when jomini rejects the input: the message on stderr, exit 1. Usage errors: exit 2.
//   Defaults: group, utf8.
//
// Many jobs with one Node start:
//   node scripts/jomini_json.mjs --batch
//   reads JSON lines on stdin, one job each, and answers each with one JSON line on stdout,
//   in order, as soon as it is done (so a caller may keep the process open and ask one job
//   at a time):
//     {"id": any, "file": PATH | "data": BASE64, "mode": MODE?, "encoding": ENCODING?}
//     -> {"id": any, "ok": true, "json": "<jomini's JSON text>"}
//     -> {"id": any, "ok": false, "error": "<message>"}
//   The JSON text is passed as a string so that duplicate keys ("preserve") and key order
//   survive untouched. Exit 0 at end of input.

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Jomini } from "jomini";

const MODES = ["group", "preserve", "key-value-pairs"];
const ENCODINGS = ["utf8", "windows1252"];
const USAGE =
  "usage: node scripts/jomini_json.mjs FILE [group|preserve|key-value-pairs] [utf8|windows1252]\n" +
  "       node scripts/jomini_json.mjs --batch   (JSON lines on stdin, see the header of this file)";

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

// jomini throws Error objects (e.g. "unexpected end of file"); keep only the message.
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

function toJson(parser, bytes, mode, encoding) {
  return parser.parseText(bytes, { encoding }, (q) => q.json({ duplicateKeyMode: mode }));
}

async function single(args) {
  const [file, mode = "group", encoding = "utf8", ...rest] = args;
  if (!file || rest.length > 0) usage("expected FILE [MODE] [ENCODING]");
  if (!MODES.includes(mode)) usage(`unknown duplicate-key mode: ${mode}`);
  if (!ENCODINGS.includes(encoding)) usage(`unknown encoding: ${encoding}`);
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    usage(messageOf(err));
  }
  const parser = await Jomini.initialize();
  let out;
  try {
    out = toJson(parser, bytes, mode, encoding);
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n`);
    process.exit(1);
  }
  process.stdout.write(`${out}\n`);
}

function runJob(parser, line) {
  let job;
  try {
    job = JSON.parse(line);
  } catch (err) {
    return { id: null, ok: false, error: `bad job line: ${messageOf(err)}` };
  }
  const id = job.id ?? null;
  const mode = job.mode ?? "group";
  const encoding = job.encoding ?? "utf8";
  if (!MODES.includes(mode)) return { id, ok: false, error: `unknown duplicate-key mode: ${mode}` };
  if (!ENCODINGS.includes(encoding)) return { id, ok: false, error: `unknown encoding: ${encoding}` };
  let bytes;
  try {
    if (typeof job.file === "string") bytes = readFileSync(job.file);
    else if (typeof job.data === "string") bytes = Buffer.from(job.data, "base64");
    else return { id, ok: false, error: 'job needs "file" or "data"' };
  } catch (err) {
    return { id, ok: false, error: messageOf(err) };
  }
  try {
    return { id, ok: true, json: toJson(parser, bytes, mode, encoding) };
  } catch (err) {
    return { id, ok: false, error: messageOf(err) };
  }
}

async function batch() {
  const parser = await Jomini.initialize();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    process.stdout.write(`${JSON.stringify(runJob(parser, line))}\n`);
  }
}

const args = process.argv.slice(2);
if (args[0] === "--batch") {
  if (args.length > 1) usage("--batch takes no other arguments");
  await batch();
} else if (args[0] === "-h" || args[0] === "--help") {
  process.stdout.write(`${USAGE}\n`);
} else {
  await single(args);
}
