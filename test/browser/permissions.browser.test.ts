// The browser itself refusing the microphone (no page-level stand-in), where an engine can be told
// to: Firefox's permission pref, set for the whole browser, so this file launches its own.
import { describe, expect, it } from 'vitest';
import { ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL } from './support/browser';
import { events, expectReleased, start, until } from './support/scenario';
import { browserSuite } from './support/suite';

describe.skipIf(!ENGINE_AVAILABLE || ENGINE !== 'firefox')(`a microphone blocked by ${ENGINE_LABEL} itself`, () => {
  const t = browserSuite({ script: () => {} }, {
    // With the permission prompt disabled (the suite's default) Firefox ignores the blocking pref
    // and getUserMedia never settles; with the prompt on, the pref answers it at once.
    firefoxPrefs: { 'permissions.default.microphone': 2, 'media.navigator.permission.disabled': false },
  });

  it(
    'native NotAllowedError from the browser, no socket opened (Firefox only: a browser-wide pref blocks it; the other engines are covered by the page-level denial in failures)',
    async () => {
      await t.open();
      const result = await start(t.page);
      expect(result).toMatchObject({ ok: false, name: 'NotAllowedError' });
      await expectReleased(t.page);
      expect(await t.page.evaluate(() => window.harness.sockets.length)).toBe(0);
      // Nor any Worker left running (the socket would live in the relay's Worker by default).
      await until(t.page, () => window.harness.liveWorkers() === 0, 5000);
      expect((await events(t.page)).map((e) => e.name)).toEqual(['status', 'error', 'status', 'disconnected']);
    },
  );
});
