// The built package as users get it (run after `npm run build`; `npm test` builds first).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('the built package', () => {
  it('imports on Node with no window (SSR) and constructs without touching browser APIs', async () => {
    // A clean Node process: nothing from the test environment leaks in.
    const script = `
      import('${join(root, 'dist/index.js')}').then(({ PerfVoice, PerfVoiceError }) => {
        const voice = new PerfVoice({ apiKey: 'k', agentId: 'a' });
        console.log(typeof window, voice.status, voice.conversationId, typeof PerfVoiceError);
      });`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim()).toBe(
      'undefined disconnected null function',
    );
  });

  it('requires as CommonJS', () => {
    const { PerfVoice } = createRequire(import.meta.url)(join(root, 'dist/index.cjs'));
    expect(new PerfVoice({ apiKey: 'k', agentId: 'a' }).status).toBe('disconnected');
  });

  it('defines window.PerfVoice as the class itself from the script-tag file', () => {
    const dom = new JSDOM('<!doctype html><html></html>', { runScripts: 'outside-only' });
    dom.window.eval(readFileSync(join(root, 'dist/perfvoice.global.js'), 'utf8'));
    const voice = dom.window.eval("new PerfVoice({ apiKey: 'pk_live_x', agentId: 'agent' })") as { status: string };
    expect(voice.status).toBe('disconnected');
    expect(dom.window.eval('typeof PerfVoice')).toBe('function');
    expect((dom.window.eval('(voice) => voice instanceof PerfVoice') as (v: unknown) => boolean)(voice)).toBe(true);
    expect(() => dom.window.eval("new PerfVoice({ agentId: 'a' })")).toThrow(/apiKey is required/);
  });

  it('ships the worklets inside the bundles, loaded only on use', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/perfvoice.global.js']) {
      const code = readFileSync(join(root, file), 'utf8');
      expect(code).toContain('registerProcessor');
      expect(code).not.toMatch(/from ["'](svelte|vue|react)/);
    }
  });

  it('maps every typed subpath for TypeScript node10 resolution, which ignores exports', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const typed = Object.entries(pkg.exports as Record<string, { import?: { types: string } }>)
      .filter(([path, target]) => path !== '.' && target.import?.types)
      .map(([path, target]) => [path.slice(2), [target.import!.types]]);
    expect(pkg.typesVersions).toEqual({ '*': Object.fromEntries(typed) });
  });

  it('keeps xstate the only runtime dependency', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['xstate']);
    expect(pkg.sideEffects).toBe(false);
  });
});
