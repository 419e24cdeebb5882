// What ships in dist/ (run after `npm run build`; `npm test` builds first): nothing from this
// machine, self-contained source maps, and the worklets as a file of their own.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Script, runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR } from '../../core/audio/worklets/names.ts';

const root = join(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const files = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The worklet text dist/index.js inlines: the string literal the worklet plugin emitted. */
function inlinedWorklet(): string {
  const literal = /\/\/ worklet:core\/audio\/worklets\/processors\.ts\nvar \w+ = ('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*");/.exec(read('dist/index.js'));
  if (!literal) throw new Error('no inlined worklet found in dist/index.js');
  return runInNewContext(literal[1]) as string;
}

describe('dist/', () => {
  it('holds no absolute path of the machine that built it', () => {
    const paths = [...new Set([root, realpathSync(root)])];
    expect(files.some((file) => file.endsWith('.map'))).toBe(true);
    expect(files.some((file) => file.endsWith('.d.ts'))).toBe(true);
    const leaks = files.filter((file) => paths.some((path) => readFileSync(file).includes(path)));
    expect(leaks.map((file) => relative(root, file))).toEqual([]);
  });

  it('ships source maps that need nothing outside the package (sourcesContent for every source)', () => {
    for (const file of files.filter((name) => name.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(file, 'utf8'));
      expect(map.sourcesContent?.length, relative(root, file)).toBe(map.sources.length);
      expect(map.sourcesContent.every((text: unknown) => typeof text === 'string'), relative(root, file)).toBe(true);
    }
  });
});

describe('dist/worklets/processors.js', () => {
  it('is the very text the bundles inline', () => {
    const file = read('dist/worklets/processors.js');
    expect(file.length).toBeGreaterThan(1000);
    expect(file).toBe(inlinedWorklet());
    // The other bundles quote it their own way; the text itself needs no escaping.
    for (const bundle of ['dist/index.cjs', 'dist/perfvoice.global.js']) expect(read(bundle)).toContain(file);
  });

  it('is a plain script that registers both processors (no module syntax)', () => {
    const registered: string[] = [];
    new Script(read('dist/worklets/processors.js')).runInNewContext({
      AudioWorkletProcessor: class {},
      registerProcessor: (name: string) => registered.push(name),
      sampleRate: 48000,
      currentTime: 0,
    });
    expect(registered.sort()).toEqual([CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR].sort());
  });

  it('is exported as perfvoice/worklets/processors.js', () => {
    const { exports } = JSON.parse(read('package.json'));
    expect(exports['./worklets/processors.js']).toBe('./dist/worklets/processors.js');
    expect(exports['./worklets/*']).toBe('./dist/worklets/*');
  });
});
