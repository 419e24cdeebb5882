// Prints the script-tag bundle's size, gzip -9, against its budget; exits 1 over budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 20000;
const file = new URL('../dist/perfvoice.global.js', import.meta.url);
const bytes = readFileSync(file);
const gzipped = gzipSync(bytes, { level: 9 }).length;
console.log(`dist/perfvoice.global.js: ${bytes.length} bytes, ${gzipped} bytes gzip -9 (budget ${BUDGET})`);
if (gzipped > BUDGET) {
  console.error(`over budget by ${gzipped - BUDGET} bytes`);
  process.exit(1);
}
