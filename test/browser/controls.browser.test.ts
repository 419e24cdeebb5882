// Every output format, mute and volume, measured on what reaches the agent and the speakers.
import { describe, expect, it } from 'vitest';
import { AUDIO_FORMATS, type AgentSession } from '../../testing/index';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/browser';
import { checkPage, expectReleased, start, tone, until } from './support/scenario';
import { browserSuite, report } from './support/suite';

/** Peak of int16 samples, 0..1. */
const peakOf = (samples: Int16Array) => samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0) / 32768;

/** Resolves with the first upstream chunk (from now on) that `test` accepts. */
function nextChunk(session: AgentSession, test: (samples: Int16Array) => boolean, timeoutMs = 5000): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no such upstream chunk in time'));
    }, timeoutMs);
    const off = session.onAudio((chunk) => {
      if (!test(chunk.samples)) return;
      clearTimeout(timer);
      off();
      resolve(chunk.samples);
    });
  });
}

describe.skipIf(!ENGINE_AVAILABLE)(`output formats, mute and volume in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  it(`plays every output format audibly for as long as it lasts (${AUDIO_FORMATS.join(', ')})`, async () => {
    const heard: string[] = [];
    for (const format of AUDIO_FORMATS) {
      // A page per format: one session per page (WebKitGTK's web process crashed now and then
      // when one page ran several sessions, see the start/stop cycles test).
      if (t.page) await checkPage(t.page);
      await t.open();
      const started = start(t.page);
      const session = await t.agent.nextSession();
      session.sendMetadata({ agent_output_audio_format: format });
      expect(await started).toEqual({ ok: true });
      const sentAt = Date.now();
      session.sendAudio(tone(0.6), { sampleRate: 16000 });
      const peak = await until(t.page, () => window.harness.outputPeak() > 0.3 && window.harness.outputPeak(), 3000);
      await until(t.page, () => window.harness.voice.mode === 'listening', 5000);
      const playedMs = Date.now() - sentAt;
      heard.push(`${format} peak ${peak.toFixed(2)} for ${playedMs} ms`);
      expect(peak, format).toBeLessThan(0.6);
      expect(playedMs, format).toBeGreaterThan(500);
      await t.page.evaluate(() => window.harness.voice.stop());
      await expectReleased(t.page);
    }
    report(`0.6 s tone at 0.5 in every format: ${heard.join('; ')}`);
  }, 90000);

  it('mute streams silence (still at the full rate), unmute streams the microphone again', async () => {
    const session = await t.connected();
    await session.waitForAudio(16000, 10000);
    // The microphone is speech, with pauses: wait for a chunk with sound in it first.
    await nextChunk(session, (samples) => peakOf(samples) > 0.02, 10000);
    await t.page.evaluate(() => window.harness.voice.setMuted(true));
    expect(await t.page.evaluate(() => window.harness.voice.getSnapshot().isMuted)).toBe(true);
    await nextChunk(session, (samples) => peakOf(samples) === 0);
    const silentFrom = session.audioChunks.length;
    await session.waitForAudio(session.receivedSamples().length + 16000, 5000);
    const muted = session.audioChunks.slice(silentFrom);
    report(`muted: ${muted.length} chunks of exact silence still sent`);
    expect(muted.length).toBeGreaterThanOrEqual(7);
    expect(muted.every((chunk) => peakOf(chunk.samples) === 0)).toBe(true);
    await t.page.evaluate(() => window.harness.voice.setMuted(false));
    await nextChunk(session, (samples) => peakOf(samples) > 0.02, 10000);
    expect(await t.page.evaluate(() => window.harness.voice.getSnapshot().isMuted)).toBe(false);
  }, 40000);

  it('volume scales what reaches the speakers: 0.5 halves it, 0 silences it, 1 restores it', async () => {
    const session = await t.connected();
    await t.page.evaluate(() => window.harness.voice.setVolume(0.5));
    session.sendAudio(tone(4), { sampleRate: 16000 });
    await until(t.page, () => window.harness.voice.mode === 'speaking');
    const half = await until(t.page, () => window.harness.outputPeak() > 0.15 && window.harness.outputPeak(), 3000);
    await t.page.evaluate(() => window.harness.voice.setVolume(0));
    await until(t.page, () => window.harness.outputPeak() < 1e-3, 1000);
    expect(await t.page.evaluate(() => window.harness.voice.mode)).toBe('speaking');
    await t.page.evaluate(() => window.harness.voice.setVolume(1));
    const full = await until(t.page, () => window.harness.outputPeak() > 0.4 && window.harness.outputPeak(), 1000);
    report(`tone sent at 0.5: peak ${half.toFixed(3)} at volume 0.5, silent at 0, ${full.toFixed(3)} at 1`);
    expect(half).toBeGreaterThan(0.2);
    expect(half).toBeLessThan(0.3);
    expect(full).toBeLessThan(0.6);
  });
});
