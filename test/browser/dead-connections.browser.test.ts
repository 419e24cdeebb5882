// Connections that die without a close, in a real browser: a server that pinged and then went
// silent (its TCP connection still up, nothing read nor sent: half-open) and the browser going
// offline. Each ends the session with connection_lost and a 1006, the microphone, the
// AudioContext and the relay's Worker released.
import { describe, expect, it } from 'vitest';
import { caps, ENGINE_AVAILABLE, ENGINE_LABEL } from './support/browser';
import { playwrightOf } from './support/engines/chromium';
import { events, expectReleased, until } from './support/scenario';
import { browserSuite, report } from './support/suite';

describe.skipIf(!ENGINE_AVAILABLE)(`connections that die without a close, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  /** How the session ended: its errors, its `disconnected` arguments, and when the first error fired (page clock). */
  async function ending() {
    await until(t.page, () => window.harness.voice.status === 'disconnected', 20000);
    await expectReleased(t.page);
    await until(t.page, () => window.harness.liveWorkers() === 0, 5000);
    const all = await events(t.page);
    const errors = all.filter((e) => e.name === 'error');
    return {
      errors: errors.map((e) => e.args[0] as { code: string; message: string }),
      disconnected: all.filter((e) => e.name === 'disconnected').at(-1)?.args,
      errorAt: errors[0]?.at ?? NaN,
    };
  }

  it('a server that pinged, then went silent without closing: connection_lost within a second of inactivityTimeoutMs (default 10 s)', async () => {
    const session = await t.connected();
    await session.waitForAudio(2048);
    // Two pings a second apart, answered; the second is the last frame the server sends.
    await session.ping();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await session.ping();
    const silentAt = await t.page.evaluate(() => performance.now());
    session.goSilent();
    const { errors, disconnected, errorAt } = await ending();
    const noticedS = (errorAt - silentAt) / 1000;
    report(`server silent → connection_lost in ${noticedS.toFixed(2)} s (inactivityTimeoutMs 10 000, checked each second)`);
    expect(errors.map((e) => e.code)).toEqual(['connection_lost']);
    expect(errors[0].message).toBe('The connection to the agent was lost (closed with code 1006: no message from the agent for 10 s).');
    expect(disconnected).toEqual([1006, 'no message from the agent for 10 s', 'error']);
    expect(noticedS).toBeGreaterThanOrEqual(10);
    // The check runs once a second; the rest is a loaded machine's slack.
    expect(noticedS).toBeLessThan(12.5);
    session.terminate();
  }, 40000);

  it('a server that never pings is not timed out while it is quiet', async () => {
    const session = await t.connected({ inactivityTimeoutMs: 1000 });
    await session.waitForAudio(2048);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await t.page.evaluate(() => window.harness.voice.status)).toBe('connected');
    expect(session.isOpen).toBe(true);
  });

  it("the browser's offline event ends the session at once", async () => {
    const session = await t.connected();
    await session.waitForAudio(2048);
    const firedAt = await t.page.evaluate(() => {
      dispatchEvent(new Event('offline'));
      return performance.now();
    });
    const { errors, disconnected, errorAt } = await ending();
    report(`offline event → connection_lost in ${(errorAt - firedAt).toFixed(1)} ms`);
    expect(errors.map((e) => e.code)).toEqual(['connection_lost']);
    expect(disconnected).toEqual([1006, 'the browser went offline', 'error']);
    // Synchronous: the session had ended before the dispatch returned.
    expect(errorAt).toBeLessThanOrEqual(firedAt);
    await session.closed;
  });

  it.skipIf(!caps.playwright)('the network emulated offline (DevTools; Chromium only: the other engines have no such switch here) ends the session', async () => {
    const session = await t.connected();
    await session.waitForAudio(2048);
    const context = playwrightOf(t.page).context();
    try {
      await context.setOffline(true);
      const { errors, disconnected } = await ending();
      report(`emulated offline: ${errors[0]?.code}, closed ${disconnected?.[0]} (${disconnected?.[1]})`);
      expect(errors.map((e) => e.code)).toEqual(['connection_lost']);
      expect(disconnected?.[0]).toBe(1006);
    } finally {
      await context.setOffline(false);
      session.terminate();
    }
  });
});
