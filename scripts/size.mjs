// Prints the script-tag bundle's size, gzip -9, against its budget, and what it is made of;
// exits 1 over budget. Also prints perfvoice/inspector's sizes: a separate entry, never part of
// the script-tag file.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { breakdown } from './size-breakdown.mjs';

const BUDGET = 24000;
const INSPECTOR_BUDGET = 16000;
const size = (name) => {
  const bytes = readFileSync(new URL(`../dist/${name}`, import.meta.url));
  return { bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
};

let over = false;
const core = size('perfvoice.global.js');
console.log(`dist/perfvoice.global.js: ${core.bytes} bytes, ${core.gzipped} bytes gzip -9 (budget ${BUDGET})`);
const parts = await breakdown();
const row = (label, part) => console.log(`  ${label.padEnd(16)}${String(part.bytes).padStart(7)} bytes, ${String(part.gzipped).padStart(6)} bytes gzip -9 alone`);
row('xstate', parts.xstate);
row('SDK code', parts.sdk);
row('  of it: relay', parts.relay);
console.log('    (the Worker source: the relay function\'s own text, not a second copy)');
row('worklet source', parts.worklet);
console.log(`  (the whole compresses better than its parts alone: ${parts.xstate.gzipped + parts.sdk.gzipped + parts.worklet.gzipped} bytes summed)`);
if (core.gzipped > BUDGET) {
  console.error(`over budget by ${core.gzipped - BUDGET} bytes`);
  over = true;
}
const inspector = size('inspector.global.js');
console.log(`dist/inspector.global.js (perfvoice/inspector, separate): ${inspector.bytes} bytes, ${inspector.gzipped} bytes gzip -9 (budget ${INSPECTOR_BUDGET})`);
const module = size('inspector.js');
console.log(`dist/inspector.js (ESM, unminified, xstate external): ${module.bytes} bytes, ${module.gzipped} bytes gzip -9`);
if (inspector.gzipped > INSPECTOR_BUDGET) {
  console.error(`inspector over budget by ${inspector.gzipped - INSPECTOR_BUDGET} bytes`);
  over = true;
}
if (over) process.exit(1);
