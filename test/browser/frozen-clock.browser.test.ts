// An AudioContext whose clock stands still while it says `running` (iOS after a phone call, an
// output device that stalled) plays and hears nothing and never recovers by itself: the session
// notices and replaces it under the microphone and the playback, on the same socket and
// conversation. No engine here freezes a clock on demand, so the page holds the context's
// `currentTime` still; everything after (closing it, opening another, the microphone opened again
// on it, the worklets and their ports to the relay's Worker) is the real thing.
import { describe, expect, it } from 'vitest';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/engines/driver';
import { expectReleased, sockets, tone, until } from './support/scenario';
import { browserSuite, report } from './support/suite';

describe.skipIf(!ENGINE_AVAILABLE)(`a frozen AudioContext clock, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  it('a clock held still while the context says running (made in the page): a new context within seconds, the microphone and the agent heard on it, same socket and conversation', async () => {
    const session = await t.connected();
    await session.waitForAudio(16000, 10000);
    const conversationId = await t.page.evaluate(() => window.harness.voice.conversationId);
    const frozenAt = Date.now();
    const chunksBefore = session.audioChunks.length;
    await t.page.evaluate(() => {
      const context = window.harness.contexts.at(-1) as AudioContext;
      const still = context.currentTime;
      Object.defineProperty(context, 'currentTime', { get: () => still });
    });
    // Two checks a second apart that see no progress: 2–3 s.
    await until(t.page, () => window.harness.contexts.length === 2 && window.harness.contexts[1].state === 'running', 8000);
    const replacedMs = Date.now() - frozenAt;
    // close() settles on the audio thread, which a loaded machine can make later than the new one's start.
    await until(t.page, () => window.harness.contexts[0].state === 'closed', 5000);
    // The microphone streams again, from the new context's capture worklet through the same relay.
    await session.waitForAudio((chunksBefore + 8) * 2048, 10000);
    // The held clock does not stop the old context's capture (a real freeze would): what the
    // replacement itself costs upstream is the longest wait between two chunks.
    const arrivals = session.audioChunks.slice(chunksBefore - 1).map((chunk) => chunk.at);
    const gapMs = Math.max(...arrivals.slice(1).map((at, i) => at - arrivals[i]));
    expect(await t.page.evaluate(() => window.harness.liveTracks()), 'live microphone tracks').toBe(1);
    // The agent is heard on the new context.
    session.sendAudio(tone(2), { sampleRate: 16000 });
    await until(t.page, () => window.harness.voice.mode === 'speaking' && window.harness.outputPeak() > 0.05, 5000);
    expect(await t.page.evaluate(() => [window.harness.voice.status, window.harness.voice.conversationId]), 'status, conversation').toEqual(['connected', conversationId]);
    expect(await sockets(t.page), 'sockets').toEqual([{ thread: 'worker', readyState: 1 }]);
    expect(await t.page.evaluate(() => window.harness.contexts.length), 'contexts made (one replacement only)').toBe(2);
    report(`frozen clock → a new context running after ${replacedMs} ms; longest wait between microphone chunks across it ${gapMs.toFixed(0)} ms; the agent heard on the new context, same socket`);
    await t.page.evaluate(() => window.harness.voice.stop());
    await expectReleased(t.page);
  });
});
