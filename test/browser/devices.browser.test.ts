// A microphone that cannot be had: the browser's own error, with a message that says what to do
// even where the engine gives none (Chromium's OverconstrainedError has an empty message).
import { describe, expect, it } from 'vitest';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/engines/driver';
import type { AgentSession } from '../../testing/index';
import { events, expectReleased, start, until } from './support/scenario';
import { browserSuite, report } from './support/suite';

describe.skipIf(!ENGINE_AVAILABLE)(`microphone errors in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite();

  it('an inputDeviceId that matches no microphone: the browser error, a readable message, nothing held', async () => {
    await t.open({ inputDeviceId: 'no-such-microphone' });
    const outcome = await start(t.page);
    report(`bad inputDeviceId: ${outcome.name}: ${outcome.message}`);
    expect(outcome.ok).toBe(false);
    // The engine's own error class is kept (err.name checks keep working)...
    expect(['OverconstrainedError', 'NotFoundError', 'NotReadableError']).toContain(outcome.name);
    // ...and its message says what to do (the engines' own say "Invalid constraint", or nothing).
    if (outcome.name === 'OverconstrainedError') expect(outcome.message).toMatch(/^No microphone matches inputDeviceId: pick a deviceId/);
    else expect(outcome.message?.length).toBeGreaterThan(20);
    expect(t.agent.sessions.size).toBe(0);
    await expectReleased(t.page);
  });
});

describe.skipIf(!ENGINE_AVAILABLE)(`microphones that come and go, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  /** The longest wait between two upstream chunks from chunk `from` on, and the audio it should have carried. */
  const longestGap = (session: AgentSession, from: number) => {
    const chunks = session.audioChunks.slice(Math.max(0, from - 1));
    let gap = 0;
    for (let i = 1; i < chunks.length; i++) gap = Math.max(gap, chunks[i].at - chunks[i - 1].at);
    // A 2048-sample chunk is 128 ms of audio: beyond that, audio is missing.
    return { gapMs: gap, missingMs: Math.max(0, gap - 128) };
  };
  const peakSince = (session: AgentSession, from: number) =>
    session.audioChunks.slice(from).reduce((peak, chunk) => chunk.samples.reduce((max, s) => Math.max(max, Math.abs(s) / 32768), peak), 0);
  /** The `code` of each error event (the name, for a browser error). */
  const errorCodes = async () =>
    (await events(t.page)).filter((e) => e.name === 'error').map((e) => {
      const { code, name } = e.args[0] as { code?: unknown; name: string };
      return typeof code === 'string' ? code : name;
    });

  it('the microphone ends mid-session (unplugged): another is streaming before the old one is let go, and the session goes on', async () => {
    const session = await t.connected();
    await session.waitForAudio(16000);
    const mark = session.audioChunks.length;
    // What an unplugged device does: the track ends and fires `ended`. Timed until the next one is open.
    await t.page.evaluate(() => {
      const track = window.harness.tracks[0];
      const endedAt = performance.now();
      const timer = setInterval(() => {
        if (window.harness.tracks.length < 2) return;
        clearInterval(timer);
        window.harness.swapMs = performance.now() - endedAt;
      }, 1);
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await until(t.page, () => window.harness.tracks.length === 2 && window.harness.liveTracks() === 1, 5000);
    const swapMs: number = await until(t.page, () => window.harness.swapMs, 5000);
    const before = session.audioChunks.reduce((sum, chunk) => sum + chunk.samples.length, 0);
    await session.waitForAudio(before + 16000, 5000);
    const { gapMs, missingMs } = longestGap(session, mark);
    const peak = peakSince(session, mark);
    report(
      `microphone ended → another open in ${swapMs.toFixed(0)} ms (upstream silent or missing meanwhile); ` +
        `longest wait between chunks ${gapMs.toFixed(0)} ms (${missingMs.toFixed(0)} ms of upstream audio missing); peak after ${peak.toFixed(2)}`,
    );
    expect(await t.page.evaluate(() => window.harness.voice.status)).toBe('connected');
    expect(await errorCodes()).toEqual([]);
    expect(peak).toBeGreaterThan(0.05);
    await t.page.evaluate(() => window.harness.voice.stop());
    await expectReleased(t.page);
  });

  it('setInputDevice mid-session: the chosen microphone streams, make before break; one that does not exist is reported and the old one kept', async () => {
    const session = await t.connected();
    await session.waitForAudio(8000);
    const devices: { id: string; label: string; kind: string }[] = await t.page.evaluate(async () => (await window.harness.voice.getInputDevices()).map((d: MediaDeviceInfo) => ({ id: d.deviceId, label: d.label, kind: d.kind })));
    const outputs = await t.page.evaluate(async () => (await window.harness.voice.getOutputDevices()).length);
    report(`inputs: ${devices.map((d) => d.label || d.id).join(', ')}; ${outputs} outputs`);
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.kind === 'audioinput')).toBe(true);
    const chosen = devices.find((d) => d.id && d.id !== 'default') ?? devices[0];
    const mark = session.audioChunks.length;
    await t.page.evaluate((id) => window.harness.voice.setInputDevice(id), chosen.id);
    await until(t.page, () => window.harness.tracks.length === 2 && window.harness.liveTracks() === 1, 5000);
    const before = session.audioChunks.reduce((sum, chunk) => sum + chunk.samples.length, 0);
    await session.waitForAudio(before + 8000, 5000);
    const { gapMs } = longestGap(session, mark);
    report(`setInputDevice: longest wait between chunks ${gapMs.toFixed(0)} ms`);
    // Make before break: the stream never stops (a chunk every 128 ms, give or take a loaded machine).
    expect(gapMs).toBeLessThan(400);

    await t.page.evaluate(() => window.harness.voice.setInputDevice('no-such-microphone'));
    await until(t.page, () => window.harness.events.some((e: { name: string }) => e.name === 'error'), 5000);
    expect(['OverconstrainedError', 'NotFoundError', 'NotReadableError']).toContain((await errorCodes())[0]);
    expect(await t.page.evaluate(() => [window.harness.voice.status, window.harness.liveTracks()])).toEqual(['connected', 1]);
  });

  it('on the system default, a devicechange that brings a new default is followed; one that does not is ignored', async () => {
    const session = await t.connected();
    await session.waitForAudio(4096);
    // The engine's own device list, then one whose default is another device (a headset plugged
    // in): the device change itself cannot be produced here, the SDK's answer to it can.
    const change = (newDefault: boolean) =>
      t.page.evaluate(async (other) => {
        const list = await navigator.mediaDevices.enumerateDevices();
        const headset = { deviceId: 'default', kind: 'audioinput', label: 'Headset', groupId: 'a-new-headset', toJSON() {} } as MediaDeviceInfo;
        if (other) MediaDevices.prototype.enumerateDevices = async () => [headset, ...list.filter((d) => d.deviceId !== 'default')];
        navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      }, newDefault);
    await change(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await t.page.evaluate(() => window.harness.tracks.length)).toBe(1);
    await change(true);
    await until(t.page, () => window.harness.tracks.length === 2 && window.harness.liveTracks() === 1, 5000);
    const before = session.audioChunks.reduce((sum, chunk) => sum + chunk.samples.length, 0);
    await session.waitForAudio(before + 4096, 5000);
    expect(await errorCodes()).toEqual([]);
    report('devicechange to a new default: followed (a new microphone streams); to the same default: ignored');
  });
});
