#!/usr/bin/env node
// Parse throughput of tree-sitter's Nix grammar (npm tree-sitter-nix, through
// the native Node binding) on the given files and directories, for issue #7's
// comparison with `microvm-lsp parse --stats`.
//
// Usage: node bench.js [-n PASSES] [-rounds R] FILE|DIR...
//
// Directories are walked for *.nix files (skipping .git and node_modules), as
// microvm-lsp parse does. All files are read first; reading is not timed. One
// warm-up pass parses every file once (its time is printed as the cold pass).
// Then each of R rounds (default 5) parses every file PASSES times, each a
// fresh parse with no old tree (no incremental reuse); the seconds reported
// are those of one pass over all files, from the best round. PASSES defaults
// to as many as make a round last about 0.25 s. MB/s is 10^6 bytes (UTF-8, as
// on disk) per second, as microvm-lsp parse --stats counts them.
//
// tree-sitter's grammar is not Nix's own: it accepts some things Nix rejects
// and rejects some things Nix accepts. Files whose tree has an ERROR or
// MISSING node are counted and, with -v, listed; they are still timed.
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write(`bench.js: ${msg}\n`);
  process.stderr.write('usage: node bench.js [-n PASSES] [-rounds R] [-v] FILE|DIR...\n');
  process.exit(2);
}

let passes = 0;
let rounds = 5;
let verbose = false;
const paths = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-n' || a === '-rounds') {
    const v = Number(argv[++i]);
    if (!Number.isInteger(v) || v < 1) usage(`${a} needs a positive integer`);
    if (a === '-n') passes = v; else rounds = v;
  } else if (a === '-v') {
    verbose = true;
  } else if (a === '-h' || a === '--help') {
    usage();
  } else if (a.startsWith('-')) {
    usage(`unknown flag ${a}`);
  } else {
    paths.push(a);
  }
}
if (paths.length === 0) usage('no FILE or DIR given');

let Parser, Nix;
try {
  Parser = require('tree-sitter');
  Nix = require('tree-sitter-nix');
} catch (e) {
  process.stderr.write(`bench.js: cannot load tree-sitter (run npm ci in ${__dirname}): ${e.message}\n`);
  process.exit(3);
}

function collect(p, out) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) {
    out.push(p);
    return;
  }
  const walk = (dir) => {
    const ents = fs.readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of ents) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules') walk(full);
      } else if (e.isFile() && e.name.endsWith('.nix')) {
        out.push(full);
      }
    }
  };
  walk(p);
}

const files = [];
for (const p of paths) {
  try {
    collect(p, files);
  } catch (e) {
    process.stderr.write(`bench.js: ${e.message}\n`);
    process.exit(2);
  }
}
if (files.length === 0) usage('no .nix files found');

const srcs = files.map((f) => fs.readFileSync(f, 'utf8'));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);

const parser = new Parser();
parser.setLanguage(Nix);
// Large chunks so that the binding copies each file in few calls.
const opts = { bufferSize: 1 << 20 };

// One pass: a fresh parse of every file (no old tree, so no reuse). The tree
// is complete when parse returns; it is dropped for the GC to free.
function pass() {
  for (const s of srcs) parser.parse(s, null, opts);
}

function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

// Warm-up: one pass, timed as the cold pass; also checks every file.
let t = now();
pass();
const cold = now() - t;

// Errors, outside the timed passes.
let errorFiles = 0;
let errorNodes = 0;
let missingFiles = 0;
const bad = [];
for (let i = 0; i < srcs.length; i++) {
  const root = parser.parse(srcs[i], null, opts).rootNode;
  if (!root.hasError()) continue;
  const errs = root.descendantsOfType('ERROR');
  errorNodes += errs.length + (root.type === 'ERROR' ? 1 : 0);
  if (errs.length > 0 || root.type === 'ERROR') errorFiles++;
  else missingFiles++;
  const at = errs.length > 0 ? errs[0].startPosition : root.startPosition;
  bad.push(`${files[i]}:${at.row + 1}:${at.column + 1}`);
}

if (passes === 0) passes = Math.max(1, Math.ceil(0.25 / Math.max(cold, 1e-6)));
// A second warm-up at the chosen count settles the JIT and the allocator.
pass();

let best = Infinity;
for (let r = 0; r < rounds; r++) {
  if (global.gc) global.gc();
  t = now();
  for (let k = 0; k < passes; k++) pass();
  const s = (now() - t) / passes;
  if (s < best) best = s;
}

const mbps = bytes / 1e6 / best;
const out = [
  `parser: tree-sitter ${require('tree-sitter/package.json').version} (node ${process.version}), tree-sitter-nix ${require('tree-sitter-nix/package.json').version}`,
  `files: ${files.length}`,
  `bytes: ${bytes}`,
  `passes: ${passes} per round, best of ${rounds} rounds`,
  `cold seconds: ${cold.toFixed(4)}`,
  `seconds: ${best.toFixed(4)}`,
  `MB/s: ${mbps.toFixed(1)}`,
  `error files: ${errorFiles}`,
  `error nodes: ${errorNodes}`,
  `missing-only files: ${missingFiles}`,
];
process.stdout.write(out.join('\n') + '\n');
if (verbose) for (const b of bad) process.stdout.write(`has error: ${b}\n`);
