// Draws docs/statechart.svg from the session machine's definition (the built package's
// `sessionMachine`, drawn by perfvoice/inspector's `statechartSvg`): the README's picture.
// `--check` only compares, and exits 1 when the committed picture no longer matches the machine.
// Run after `npm run build` (`npm run statechart` does both).
import { readFileSync, writeFileSync } from 'node:fs';
import { sessionMachine } from '../dist/index.js';
import { statechartSvg } from '../dist/inspector.js';

const file = new URL('../docs/statechart.svg', import.meta.url);
const svg = statechartSvg(sessionMachine, { title: 'The perfvoice session machine' });
let committed = '';
try {
  committed = readFileSync(file, 'utf8');
} catch {
  // not drawn yet
}
if (process.argv.includes('--check')) {
  if (committed !== svg) {
    console.error('docs/statechart.svg does not match the session machine: run `npm run statechart` and commit it.');
    process.exit(1);
  }
  console.log('docs/statechart.svg matches the session machine.');
} else {
  writeFileSync(file, svg);
  console.log(committed === svg ? 'docs/statechart.svg is up to date.' : 'docs/statechart.svg redrawn from the session machine.');
}
