#!/usr/bin/env node
// Time the npm package jomini (Rust compiled to Wasm: pdx.tools' parser) on one file.
//   node scripts/bench/bench_jomini.mjs FILE ENCODING REPEATS
// Prints {"parse": [seconds…], "json": [seconds…]}: "parse" is parseText with a query
// that reads one value (the document is built, nothing is converted), "json" is
// parseText(…, q => q.json()) (bytes -> JSON text, duplicate keys grouped).
import { readFileSync } from "node:fs";
import { Jomini } from "jomini";

const [file, encoding, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? "3");
const data = readFileSync(file);
const parser = await Jomini.initialize();
const time = (fn) => {
  const out = [];
  for (let i = 0; i < repeats; i += 1) {
    const start = performance.now();
    fn();
    out.push((performance.now() - start) / 1000);
  }
  return out;
};
const parse = time(() => parser.parseText(data, { encoding }, (q) => q.at("/__none__")));
const json = time(() => parser.parseText(data, { encoding }, (q) => q.json({ duplicateKeyMode: "group" })));
process.stdout.write(`${JSON.stringify({ parse, json })}\n`);
