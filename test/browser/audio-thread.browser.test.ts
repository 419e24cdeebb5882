// Where the socket and the real-time flows run (`audioThread`): one whole conversation on each
// path, in the relay's Worker and on the page's main thread. The same conversation either way:
// agent audio heard, a barge-in silencing it at once, the microphone reaching the agent, and
// nothing left behind by stop() (no Worker, no open socket, no live track, no running context).
// The harness sees the socket on both threads (see support/harness.js).
import { describe, expect, it } from 'vitest';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/browser';
import { events, outputPeak, tone, until } from './support/scenario';
import { browserSuite, report, sleep } from './support/suite';

type SocketRecord = { thread: string; readyState: number; sent: number; frames: { type: string }[] };

const sockets = (page: Parameters<typeof events>[0]) =>
  page.evaluate(() =>
    window.harness.sockets.map((s: SocketRecord) => ({ thread: s.thread, readyState: s.readyState, sent: s.sent, frames: s.frames.length })),
  );

describe.skipIf(!ENGINE_AVAILABLE)(`the audio thread in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  const paths = [
    // The self-hosted relay script (workerUrl), as a page under a strict policy would serve it.
    { thread: 'worker', options: { audioThread: 'worker', workerUrl: '/dist/worklets/relay.js' }, workers: 1 },
    { thread: 'main', options: { audioThread: 'main' }, workers: 0 },
  ] as const;

  for (const path of paths) {
    it(`audioThread '${path.thread}': agent audio heard, barge-in silences it, the microphone reaches the agent, stop() leaves nothing`, async () => {
      const session = await t.connected(path.options);
      expect(await t.page.evaluate(() => window.harness.voice.getStats().audioThread)).toBe(path.thread);
      const workers = await t.page.evaluate(() => window.harness.workers.map((w: { url: string; observed: boolean }) => ({ url: w.url, observed: w.observed })));
      expect(workers).toEqual(path.workers ? [{ url: '/dist/worklets/relay.js', observed: true }] : []);

      // Upstream: the microphone's speech reaches the agent, over the one socket, on this thread.
      await session.waitForAudio(16000, 10000);
      const upstream = await sockets(t.page);
      expect(upstream).toMatchObject([{ thread: path.thread, readyState: 1 }]);
      expect(upstream[0].sent).toBeGreaterThan(0);

      // Agent audio: heard, timed from its frame's arrival (the page's clock on both threads).
      const audible = t.page.evaluate(() => window.harness.timeToAudible());
      await sleep(50);
      const { eventIds } = session.sendAudio(tone(3), { sampleRate: 16000 });
      const ms = (await audible) as number | null;
      expect(ms).not.toBeNull();
      expect(ms).toBeGreaterThanOrEqual(0);
      await until(t.page, () => window.harness.outputPeak() > 0.3, 5000);

      // Barge-in: the agent interrupts its own speech; the output is silent within milliseconds.
      await sleep(150);
      session.interrupt();
      const cut = await until(t.page, () => window.harness.interruptions[0], 5000);
      expect(cut.audibleBefore).toBeGreaterThan(0.3);
      expect(cut.ms).not.toBeNull();
      expect(cut.ms).toBeGreaterThanOrEqual(0);
      expect(cut.ms).toBeLessThan(500);
      await sleep(100);
      expect(await outputPeak(t.page)).toBeLessThan(1e-3);
      expect(eventIds.length).toBeGreaterThan(0);
      report(`audioThread '${path.thread}': frame → audible ${ms!.toFixed(1)} ms; interruption → silence ${cut.ms.toFixed(1)} ms`);

      // stop(): the agent sees a normal close, and nothing is left in the page.
      await t.page.evaluate(() => window.harness.voice.stop());
      expect((await session.closed).code).toBe(1000);
      const left = await until(
        t.page,
        () => {
          const h = window.harness;
          const state = {
            status: h.voice.status,
            workers: h.liveWorkers(),
            open: h.sockets.filter((s: SocketRecord) => s.readyState !== 3).length,
            tracks: h.liveTracks(),
            contexts: h.runningContexts(),
          };
          return state.status === 'disconnected' && state.workers + state.open + state.tracks + state.contexts === 0 && state;
        },
        5000,
      );
      expect(left).toEqual({ status: 'disconnected', workers: 0, open: 0, tracks: 0, contexts: 0 });
      expect((await events(t.page)).filter((e) => e.name === 'error')).toEqual([]);
    });
  }
});
