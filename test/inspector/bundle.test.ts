// perfvoice/inspector costs nothing unless imported: the core bundles never contain it, and an
// app that imports it without using it bundles none of it. Runs on the built package (`npm test`
// builds first).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Strings only the inspector's code contains. */
const MARKERS = ['perfvoice-trace', 'data-perfvoice-inspector', 'mountInspector', 'pv-chart', 'replayTrace', 'Export trace'];

/** Bundles `code` (an app's entry) for the browser, minified, xstate left out; returns the output. */
async function bundle(code: string): Promise<string> {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    platform: 'browser',
    external: ['xstate'],
    // As an app's bundler resolves the package (package.json's sideEffects: false applies).
    alias: { 'perfvoice/inspector': './dist/inspector.js', perfvoice: './dist/index.js' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('perfvoice/inspector in the bundles', () => {
  it('is in none of the core bundles', () => {
    for (const file of ['dist/perfvoice.global.js', 'dist/index.js', 'dist/index.cjs']) {
      const code = read(file);
      for (const marker of MARKERS) expect(code.includes(marker), `${file} contains "${marker}"`).toBe(false);
    }
  });

  it('is never imported by the core sources', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(`${dir}/${entry.name}`) : entry.name.endsWith('.ts') ? [`${dir}/${entry.name}`] : [],
      );
    const importers = files('core').filter((file) => /from ['"][^'"]*inspector/.test(read(file)));
    expect(importers).toEqual([]);
  });

  it('is tree-shaken away: an app importing it but using nothing of it bundles none of it', async () => {
    const app = await bundle(`import { PerfVoice } from 'perfvoice'; import * as inspector from 'perfvoice/inspector'; export const voice = PerfVoice;`);
    for (const marker of MARKERS) expect(app.includes(marker), marker).toBe(false);
    const unused = await bundle(`import { mountInspector } from 'perfvoice/inspector'; export const nothing = 1;`);
    expect(unused.trim()).toMatch(/^(var \w+=1;)?export ?\{[^}]*\};?$/);
  });

  it('splits by use: recording alone leaves the panel and its styles out', async () => {
    const recorder = await bundle(`import { recordSession } from 'perfvoice/inspector'; export { recordSession };`);
    expect(recorder).toContain('perfvoice-trace');
    expect(recorder).not.toContain('data-perfvoice-inspector');
    expect(recorder).not.toContain('box-shadow');
    const panel = await bundle(`import { mountInspector } from 'perfvoice/inspector'; export { mountInspector };`);
    expect(panel).toContain('data-perfvoice-inspector');
    expect(panel).not.toContain('replayTrace');
  });

  it('imports on Node with no DOM (no import-time side effects)', () => {
    const script = `import('${join(root, 'dist/inspector.js')}').then((m) => console.log(typeof window, typeof m.mountInspector, typeof m.replayTrace, typeof m.statechartSvg));`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim()).toBe('undefined function function function');
  });

  it('the script-tag inspector brings no xstate of its own, and defines only window.PerfVoiceInspector', () => {
    const code = read('dist/inspector.global.js');
    expect(code).not.toContain('xstate.done.actor');
    expect(code).not.toContain('Actor with system ID');
    expect(code).toMatch(/\.PerfVoiceInspector=/);
  });
});
