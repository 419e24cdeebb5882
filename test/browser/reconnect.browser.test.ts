// The `reconnect` option in a real browser, against the local agent: a connection dropped without
// a close (1006) is replaced by a new conversation with the same microphone and AudioContext, an
// agent that is down for a while is waited for with backoff, and attempts that run out end the
// session as a loss does, with everything released.
import { describe, expect, it } from 'vitest';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/browser';
import { events, expectReleased, until } from './support/scenario';
import { browserSuite, report } from './support/suite';

declare global {
  interface Window {
    /** The highest `state.reconnecting` seen, and every status, in order (recorded in the page). */
    seen: { attempts: number; statuses: string[] };
  }
}

describe.skipIf(!ENGINE_AVAILABLE)(`reconnect, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  /** A connected session with the option, its upstream audio flowing and one agent turn said. */
  async function connected(reconnect: unknown) {
    const session = await t.connected({ reconnect });
    await t.page.evaluate(() => {
      window.seen = { attempts: 0, statuses: [] };
      window.harness.voice.subscribe((state: { reconnecting: number; status: string }) => {
        window.seen.attempts = Math.max(window.seen.attempts, state.reconnecting);
        if (window.seen.statuses.at(-1) !== state.status) window.seen.statuses.push(state.status);
      });
    });
    await session.waitForAudio(2048);
    session.sendAgentResponse('Before the drop.');
    await until(t.page, () => window.harness.voice.getSnapshot().transcript.length === 1);
    return session;
  }

  /** Drops the TCP connection (no close frame); returns the page's clock when it did. */
  async function drop(session: { terminate(): void }) {
    const at = await t.page.evaluate(() => performance.now());
    session.terminate();
    return at;
  }

  it('a dropped connection (1006) becomes a new conversation: same microphone and AudioContext, audio flowing, transcript marked', async () => {
    const first = await connected(true);
    const droppedAt = await drop(first);
    const second = await t.agent.nextSession(10000);
    second.sendMetadata();
    await until(t.page, () => window.harness.voice.status === 'connected', 10000);
    // Upstream audio flows on the new connection, from the microphone opened by start().
    await second.waitForAudio(2048);
    const all = await events(t.page);
    const connectedEvents = all.filter((e) => e.name === 'connected');
    report(`1006 drop → connected again in ${(connectedEvents[1].at - droppedAt).toFixed(0)} ms (reconnect: true, first wait 250–500 ms)`);
    expect(connectedEvents.map((e) => e.args[0])).toEqual([first.conversationId, second.conversationId]);
    expect(all.filter((e) => e.name === 'error' || e.name === 'disconnected')).toEqual([]);
    const page = await t.page.evaluate(() => ({
      seen: window.seen,
      tracks: window.harness.tracks.length,
      liveTracks: window.harness.liveTracks(),
      contexts: window.harness.contexts.length,
      running: window.harness.runningContexts(),
      transcript: window.harness.voice.getSnapshot().transcript,
    }));
    expect(page.seen).toEqual({ attempts: 1, statuses: ['connected', 'connecting', 'connected'] });
    expect(page).toMatchObject({ tracks: 1, liveTracks: 1, contexts: 1, running: 1 });
    expect(page.transcript).toEqual([expect.objectContaining({ role: 'agent', text: 'Before the drop.', connectionLost: true })]);
    // One relay Worker at most: the lost connection's ended.
    await until(t.page, () => window.harness.liveWorkers() <= 1, 5000);
    await t.page.evaluate(() => window.harness.voice.stop());
    await expectReleased(t.page);
  }, 30000);

  it('an agent down for two attempts is waited for with backoff, and the session goes on when it is back', async () => {
    const first = await connected({ attempts: 5, backoffMs: 200 });
    t.agent.refuseConnections(2);
    const droppedAt = await drop(first);
    const second = await t.agent.nextSession(15000);
    const backAt = await t.page.evaluate(() => performance.now());
    second.sendMetadata();
    await until(t.page, () => window.harness.voice.status === 'connected', 10000);
    await second.waitForAudio(2048);
    const connectedAt = (await events(t.page)).filter((e) => e.name === 'connected')[1].at;
    report(
      `agent down for 2 attempts: drop → connected in ${(connectedAt - droppedAt).toFixed(0)} ms; ` +
        `agent accepting → connected in ${(connectedAt - backAt).toFixed(0)} ms (backoffMs 200)`,
    );
    expect(await t.page.evaluate(() => window.seen)).toEqual({ attempts: 3, statuses: ['connected', 'connecting', 'connected'] });
    // Waits of 100–200, 200–400 and 400–800 ms came before the three attempts.
    expect(connectedAt - droppedAt).toBeGreaterThanOrEqual(700);
  }, 30000);

  it('attempts that run out end the session with connection_lost, everything released', async () => {
    const first = await connected({ attempts: 2, backoffMs: 100 });
    t.agent.refuseConnections(10);
    try {
      await drop(first);
      await until(t.page, () => window.harness.voice.status === 'disconnected', 15000);
      await expectReleased(t.page);
      await until(t.page, () => window.harness.liveWorkers() === 0, 5000);
      const all = await events(t.page);
      expect(all.filter((e) => e.name === 'error').map((e) => (e.args[0] as { code: string }).code)).toEqual(['connection_lost']);
      expect(all.filter((e) => e.name === 'disconnected').map((e) => e.args)).toEqual([[1006, '', 'error']]);
      expect(await t.page.evaluate(() => window.seen)).toEqual({ attempts: 2, statuses: ['connected', 'connecting', 'disconnected'] });
    } finally {
      t.agent.refuseConnections(0);
    }
  }, 30000);
});
