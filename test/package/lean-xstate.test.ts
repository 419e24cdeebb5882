// The script-tag build's lean copy of xstate: every member it means to drop is found in the
// installed xstate (a release that renames one fails here instead of silently keeping it), and
// the built file no longer carries them. That the file still runs sessions is the browser suites'
// job: they load dist/perfvoice.global.js.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DROPPED, leanXstate } from '../../build/lean-xstate.mjs';

const dist = new URL('../../node_modules/xstate/dist/', import.meta.url);
const files = readdirSync(dist).filter((name) => /^(StateMachine|raise)-[0-9a-f]+\.esm\.js$/.test(name));

describe('leanXstate', () => {
  it('finds every dropped member and statement in the installed xstate', () => {
    let removed = 0;
    for (const name of files) {
      const path = new URL(name, dist).pathname;
      const source = readFileSync(path, 'utf8');
      const lean = leanXstate(source, path);
      removed += lean.removed;
      for (const [, header] of DROPPED) expect(lean.code).not.toContain(`\n${header}\n`);
      // What is left still parses as a module.
      expect(() => new Function(lean.code.replace(/^(import|export) .*$/gm, ''))).not.toThrow();
    }
    // 14 headers, two of them (`toJSON`, `get definition`) on both StateNode and StateMachine, and 4 statements.
    expect(removed).toBe(DROPPED.length + 2 + 4);
  });

  it('removes only whole members: the code around them is untouched', () => {
    const path = '/x/StateMachine-0a.esm.js';
    const code = 'class A {\n  keep() {\n    return 1;\n  }\n  toJSON() {\n    return {\n      a: 1\n    };\n  }\n  also() {}\n}\n';
    expect(leanXstate(code, path).code).toBe('class A {\n  keep() {\n    return 1;\n  }\n  also() {}\n}\n');
    expect(leanXstate(code, '/x/other-0a.esm.js').removed).toBe(0);
  });

  it('leaves the dropped members out of the script-tag file (it is built: npm run build)', () => {
    const bundle = readFileSync(new URL('../../dist/perfvoice.global.js', import.meta.url), 'utf8');
    for (const name of ['get definition', 'resolveState', 'provide(', 'select(', '@@observable']) expect(bundle).not.toContain(name);
    expect(bundle).toContain('getSnapshot');
  });
});
