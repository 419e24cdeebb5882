// Prints the script-tag bundle's size, gzip -9, against its budget; exits 1 over budget.
// Also prints perfvoice/inspector's sizes: a separate entry, never part of the script-tag file.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 20000;
const INSPECTOR_BUDGET = 16000;
const size = (name) => {
  const bytes = readFileSync(new URL(`../dist/${name}`, import.meta.url));
  return { bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
};

let over = false;
const core = size('perfvoice.global.js');
console.log(`dist/perfvoice.global.js: ${core.bytes} bytes, ${core.gzipped} bytes gzip -9 (budget ${BUDGET})`);
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
