// Choosing the audio output, in a real browser. Chromium chooses through AudioContext.setSinkId
// (its fake output devices stand in for a headset); Firefox and WebKit cannot choose, and say so.
// Interruption → silence is measured on the default output and on a chosen one, side by side:
// the choice changes the device, not the audio graph, so it must not change the figure.
import { describe, expect, it } from 'vitest';
import { ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL } from './support/browser';
import { createVoice, events, median, start, tone, until } from './support/scenario';
import { browserSuite, report, sleep } from './support/suite';

const CHOOSES = ENGINE === 'chromium';

describe.skipIf(!ENGINE_AVAILABLE)(`audio output choice in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  /** The page's second output device (Chromium's "Fake Audio Output 1"). */
  const otherOutput = () =>
    t.page.evaluate(async () => (await window.harness.voice.getOutputDevices()).find((d: MediaDeviceInfo) => d.deviceId !== 'default')!.deviceId as string);
  const sinkId = () => t.page.evaluate(() => (window.harness.contexts[0] as unknown as { sinkId: unknown }).sinkId);
  const errors = async () =>
    (await events(t.page)).filter((e) => e.name === 'error').map((e) => e.args[0] as { code: string; message: string });

  /** A new voice in the same page with `options`, started and connected. */
  async function restart(options: Record<string, unknown>) {
    await t.page.evaluate(() => window.harness.voice.stop());
    await createVoice(t.page, t.agent.url, options);
    const started = start(t.page);
    const session = await t.agent.nextSession();
    session.sendMetadata();
    expect(await started).toEqual({ ok: true });
    return session;
  }

  /** Interruption → silence, 5 times (ms from the frame's arrival to a silent output). */
  async function interruptions(session: Awaited<ReturnType<typeof t.connected>>) {
    const timings: number[] = [];
    for (let round = 0; round < 5; round++) {
      const { eventIds } = session.sendAudio(tone(3), { sampleRate: 16000 });
      await until(t.page, () => window.harness.outputPeak() > 0.3);
      await sleep(150);
      const already = await t.page.evaluate(() => window.harness.interruptions.length);
      session.sendInterruption(Math.max(...eventIds) + 1);
      const result = await until(t.page, (n) => window.harness.interruptions[n], 5000, already);
      expect(result.ms).not.toBeNull();
      timings.push(result.ms);
      await sleep(100);
    }
    return timings;
  }

  it(`canSelectOutput is ${CHOOSES} here`, async () => {
    await t.open();
    expect(await t.page.evaluate(() => window.harness.voice.canSelectOutput)).toBe(CHOOSES);
  });

  it.skipIf(CHOOSES)('where the engine cannot choose: setOutputDevice rejects with output_unavailable, outputDeviceId is reported, and the agent is heard on the default', async () => {
    const session = await t.connected({ outputDeviceId: 'headset' });
    const rejected = await t.page.evaluate(() => window.harness.voice.setOutputDevice('headset').then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message })));
    expect(rejected).toEqual({ code: 'output_unavailable', message: 'This browser cannot choose the audio output (canSelectOutput is false): the system default plays.' });
    expect(await errors()).toEqual([{ name: 'PerfVoiceError', code: 'output_unavailable', message: 'This browser cannot choose the audio output: the system default plays.' }]);
    session.sendAudio(tone(1), { sampleRate: 16000 });
    await until(t.page, () => window.harness.outputPeak() > 0.3);
    expect(await t.page.evaluate(() => window.harness.voice.status)).toBe('connected');
  });

  it.skipIf(!CHOOSES)('mid-session: plays through the chosen device, as promptly after an interruption as on the default', async () => {
    const session = await t.connected();
    const before = await interruptions(session);
    const device = await otherOutput();
    await t.page.evaluate((id) => window.harness.voice.setOutputDevice(id), device);
    expect(await sinkId()).toBe(device);
    // Chromium suspends the context while it moves it: it runs again on its own.
    await until(t.page, () => window.harness.runningContexts() === 1, 5000);
    const after = await interruptions(session);
    report(
      `interruption → silence: default output median ${median(before).toFixed(1)} ms (${before.map((ms) => ms.toFixed(1)).join(', ')}), ` +
        `chosen output median ${median(after).toFixed(1)} ms (${after.map((ms) => ms.toFixed(1)).join(', ')})`,
    );
    expect(median(after)).toBeLessThan(30);
    expect(await errors()).toEqual([]);
    // Back to the default, and the next session starts on the last choice.
    await t.page.evaluate(() => window.harness.voice.setOutputDevice());
    expect(await sinkId()).toBe('');
  }, 40000);

  it.skipIf(!CHOOSES)('outputDeviceId opens the session on that device; one that is not there is reported and the default plays', async () => {
    await t.connected();
    const device = await otherOutput();
    const session = await restart({ outputDeviceId: device });
    await until(t.page, (id) => (window.harness.contexts.at(-1) as unknown as { sinkId: unknown }).sinkId === id, 5000, device);
    await until(t.page, () => window.harness.runningContexts() === 1, 5000);
    session.sendAudio(tone(1), { sampleRate: 16000 });
    await until(t.page, () => window.harness.outputPeak() > 0.3, 5000);
    expect(await errors()).toEqual([]);

    const bad = await restart({ outputDeviceId: 'no-such-device' });
    await until(t.page, () => window.harness.events.some((e: { name: string }) => e.name === 'error'), 5000);
    expect(await errors()).toEqual([{ name: 'PerfVoiceError', code: 'output_unavailable', message: 'The audio output no-such-device cannot be used: the system default plays.' }]);
    bad.sendAudio(tone(1), { sampleRate: 16000 });
    await until(t.page, () => window.harness.outputPeak() > 0.3, 5000);
    expect(await t.page.evaluate(() => window.harness.voice.status)).toBe('connected');
  }, 30000);

  it.skipIf(!CHOOSES)('setOutputDevice with a device the browser does not have rejects with its NotFoundError and changes nothing', async () => {
    await t.connected();
    const rejected = await t.page.evaluate(() => window.harness.voice.setOutputDevice('no-such-device').then(() => null, (e: Error) => e.name));
    expect(rejected).toBe('NotFoundError');
    expect(await sinkId()).toBe('');
    expect(await errors()).toEqual([]);
  });

  it.skipIf(!CHOOSES)('a chosen device that goes away (the device list is edited in the page: no real unplugging here) falls back to the default, said by an error event', async () => {
    const session = await t.connected();
    const device = await otherOutput();
    await t.page.evaluate((id) => window.harness.voice.setOutputDevice(id), device);
    await t.page.evaluate((id) => {
      const real = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
      navigator.mediaDevices.enumerateDevices = async () => (await real()).filter((d) => d.deviceId !== id);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    }, device);
    await until(t.page, () => (window.harness.contexts[0] as unknown as { sinkId: unknown }).sinkId === '', 5000);
    expect(await errors()).toEqual([{ name: 'PerfVoiceError', code: 'output_unavailable', message: 'The audio output went away: the system default plays.' }]);
    await until(t.page, () => window.harness.runningContexts() === 1, 5000);
    session.sendAudio(tone(1), { sampleRate: 16000 });
    await until(t.page, () => window.harness.outputPeak() > 0.3, 5000);
  }, 30000);
});
