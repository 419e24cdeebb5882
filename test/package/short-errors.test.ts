// The script-tag build's cut of xstate's error messages: only the argument of `new Error(…)`
// changes, to its static opening words, whatever the message is made of.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { shortenErrors } from '../../build/short-errors.mjs';

describe('shortenErrors', () => {
  it('keeps the opening words of plain, template and commented messages, and nothing else changes', () => {
    const code = [
      "if (a) throw new Error('A non-root actor cannot be stopped directly.');",
      'throw new Error(`Guard \'${typeof g === "string" ? g : `${g.type})`}\' is not implemented.`); f(1);',
      'throw new Error(\n  // lint: ignore (this)\n  `Unable to send event to actor \'${t}\' from machine \'${id}\'.`);',
      'const e = new Error(`Infinite loop detected: the machine has processed more than ${n} microsteps`), x = (1);',
    ].join('\n');
    expect(shortenErrors(code)).toBe(
      [
        'if (a) throw new Error("xstate: A non-root actor cannot be stopped");',
        'throw new Error("xstate: Guard"); f(1);',
        'throw new Error("xstate: Unable to send event to actor");',
        'const e = new Error("xstate: Infinite loop detected"), x = (1);',
      ].join('\n'),
    );
  });

  it('leaves no long xstate message in the script-tag file (it is built: npm run build)', () => {
    const bundle = readFileSync(new URL('../../dist/perfvoice.global.js', import.meta.url), 'utf8');
    expect(bundle).not.toContain('Try adding');
    expect(bundle).toContain('xstate: Unable to send event to actor');
  });
});
