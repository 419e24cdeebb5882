// An AudioContext that does not run is a state, not a silent session: `audioBlocked`, one
// `audio_blocked` error, and resumeAudio() from a real click, after which audio flows both ways
// with no restart. Produced for real: Firefox with no sound server, Firefox's block-webaudio
// autoplay policy, and (every engine) a page whose AudioContext refuses to resume without a gesture.
import { afterEach, describe, expect, it } from 'vitest';
import { requireTrustedClick } from './support/autoplay';
import { ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL } from './support/engines/driver';
import { events, expectReleased, sockets, start, tone, until } from './support/scenario';
import { browserSuite, report, sleep } from './support/suite';

type Outcome = Awaited<ReturnType<typeof start>>;

/** Adds a button that calls resumeAudio() and records its outcome; click it with page.click(). */
function addResumeButton() {
  const button = document.createElement('button');
  button.id = 'resume';
  button.textContent = 'Enable audio';
  button.onclick = () => {
    const w = window as unknown as { resumed?: unknown; resumedAt?: number };
    w.resumedAt = performance.now();
    window.harness.voice.resumeAudio().then(
      () => (w.resumed = { ok: true }),
      (e: Error & { code?: string }) => (w.resumed = { ok: false, code: e.code, message: e.message }),
    );
  };
  document.body.append(button);
  return true;
}

const audioErrors = async (page: Parameters<typeof events>[0]) =>
  (await events(page)).filter((e) => e.name === 'error' && (e.args[0] as { code?: string }).code === 'audio_blocked');

describe.skipIf(!ENGINE_AVAILABLE)(`audio that does not start, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite();
  afterEach(() => t.agent.setScript(undefined));

  it('a context that refuses to resume without a gesture: blocked, then a real click resumes it and audio flows both ways', async () => {
    await t.open();
    // The page's own autoplay policy, strict and engine-neutral (see support/autoplay.ts).
    await t.page.evaluate(requireTrustedClick);
    await t.page.evaluate(addResumeButton);
    const outcome = await start(t.page);
    expect(outcome).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    expect(await until(t.page, () => window.harness.voice.getSnapshot().audioBlocked, 5000)).toBe(true);
    const blocked = await audioErrors(t.page);
    expect(blocked).toHaveLength(1);
    expect(await t.page.evaluate(() => [window.harness.voice.status, window.harness.voice.mode])).toEqual(['connected', 'listening']);
    // Nothing is captured while the context is suspended.
    const before = session.audioChunks.length;
    await sleep(500);
    expect(session.audioChunks.length).toBe(before);
    await t.page.click('#resume');
    const resumed = await until(t.page, () => (window as unknown as { resumed?: unknown }).resumed, 5000);
    expect(resumed).toEqual({ ok: true });
    expect(await t.page.evaluate(() => window.harness.voice.getSnapshot().audioBlocked)).toBe(false);
    // Both ways, same conversation, same socket: the greeting plays and the microphone streams.
    await session.waitForAudio(before * 2048 + 16000, 10000);
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    expect(await sockets(t.page)).toEqual([{ thread: 'worker', readyState: 1 }]);
    report(`blocked after ${(blocked[0].at - (await events(t.page))[0].at).toFixed(0)} ms; after the click: audio both ways, same socket`);
  });
});

describe.skipIf(!ENGINE_AVAILABLE || ENGINE !== 'firefox')('no audio output device at all (Firefox only: launched with no sound server, its contexts never run; the other engines here render audio without one)', () => {
  const t = browserSuite({}, { pulse: false });

  it('says so: connected but audioBlocked, one audio_blocked error, resumeAudio() from a click rejects clearly, stop() releases everything', async () => {
    await t.open();
    await t.page.evaluate(addResumeButton);
    expect(await start(t.page)).toEqual({ ok: true });
    expect(await until(t.page, () => window.harness.voice.getSnapshot().audioBlocked, 5000)).toBe(true);
    expect(await audioErrors(t.page)).toHaveLength(1);
    expect(await t.page.evaluate(() => window.harness.voice.status)).toBe('connected');
    await t.page.click('#resume');
    const resumed = (await until(t.page, () => (window as unknown as { resumed?: unknown }).resumed, 8000)) as Outcome;
    report(`no sound server: resumeAudio() → ${resumed.code}: ${resumed.message}`);
    expect(resumed).toMatchObject({ ok: false, code: 'audio_blocked', message: expect.stringMatching(/output device/) });
    await t.page.evaluate(() => window.harness.voice.stop());
    await expectReleased(t.page);
  });
});

describe.skipIf(!ENGINE_AVAILABLE || ENGINE !== 'firefox')('an autoplay policy that blocks Web Audio (Firefox only: its media.autoplay.block-webaudio pref)', () => {
  const t = browserSuite({}, { firefoxPrefs: { 'media.autoplay.default': 1, 'media.autoplay.block-webaudio': true } });

  // Firefox lets a page that captures the microphone play without a gesture (its autoplay rule for
  // pages with camera or microphone access): the context it blocked at load then starts on its
  // own, about a second or two after the microphone opens, in some runs and not others. Both are
  // the session's business: audio_blocked said at once, and audioBlocked cleared whichever way
  // the audio starts. The click path itself is proven by the first test of this file.
  it('a session started on page load, with no gesture: audio_blocked at once, then audio both ways once a real click (or Firefox itself, as the page captures the microphone) starts it', async () => {
    // The page starts the session itself as it loads: nothing the driver runs comes first (a
    // driver's script counts as a user gesture, which would lift the policy).
    t.page = await t.rig.visit(`${t.rig.origin}/test/browser/pages/autostart.html?ws=${encodeURIComponent(t.agent.url)}`);
    t.lines = t.page.lines;
    const session = await t.agent.nextSession();
    // Until the click the test reads the page through its console only: this driver's page scripts
    // count as a user gesture (Puppeteer's WebDriver BiDi evaluate sets userActivation).
    // Firefox says at once that audio needs a gesture (getAutoplayPolicy); the 2 s check would too.
    const states = () => t.lines.filter((line) => line.startsWith('log: state '));
    await session.waitFor(() => states().some((line) => line.endsWith(' connected') || line.endsWith(' connected audioBlocked')), 8000, 'connected').catch(() => {});
    const log = t.lines.join('\n');
    expect(states()[0], log).toBe('log: state connecting');
    expect(states()[1], log).toBe('log: state connecting audioBlocked');
    expect(t.lines.filter((line) => line === 'log: error audio_blocked'), log).toHaveLength(1);
    const byItself = !states().at(-1)!.endsWith('audioBlocked');
    const before = session.audioChunks.length;
    await t.page.click('#resume');
    expect(await until(t.page, () => (window as unknown as { resumed?: unknown }).resumed, 5000)).toEqual({ ok: true });
    expect(await t.page.evaluate(() => window.harness.voice.getSnapshot().audioBlocked)).toBe(false);
    await session.waitForAudio(before * 2048 + 16000, 10000);
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    report(`block-webaudio: blocked on load; started by ${byItself ? 'Firefox itself once the page captured the microphone' : 'a real click'}: audio both ways, same socket`);
    expect(await sockets(t.page)).toEqual([{ thread: 'worker', readyState: 1 }]);
  });
});

describe.skipIf(!ENGINE_AVAILABLE)(`audio suspended mid-session, in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  it('the context suspended while the agent speaks (a phone call, the OS): not speaking at once, audioBlocked after 2 s, resumeAudio() from a click plays the rest', async () => {
    const session = await t.connected();
    await t.page.evaluate(addResumeButton);
    session.sendAudio(tone(4), { sampleRate: 16000 });
    await until(t.page, () => window.harness.voice.mode === 'speaking', 5000);
    const suspendedAt = await t.page.evaluate(async () => {
      const at = performance.now();
      await (window.harness.contexts.at(-1) as AudioContext).suspend();
      return at;
    });
    const listeningAt = (await until(t.page, () => window.harness.voice.mode === 'listening' && performance.now(), 2000)) as number;
    expect(await until(t.page, () => window.harness.voice.getSnapshot().audioBlocked, 5000)).toBe(true);
    expect(await audioErrors(t.page)).toHaveLength(1);
    expect(await t.page.evaluate(() => [window.harness.voice.status, window.harness.voice.mode])).toEqual(['connected', 'listening']);
    await t.page.click('#resume');
    expect(await until(t.page, () => (window as unknown as { resumed?: unknown }).resumed, 5000)).toEqual({ ok: true });
    // The agent audio held while suspended plays on.
    await until(t.page, () => window.harness.voice.mode === 'speaking' && window.harness.outputPeak() > 0.05, 5000);
    report(`suspended mid-response: mode listening after ${(listeningAt - suspendedAt).toFixed(0)} ms, audioBlocked after 2 s, the rest played after resumeAudio()`);
    await t.page.evaluate(() => window.harness.voice.stop());
    await expectReleased(t.page);
  });

  it('a context suspended while the page was hidden (a background tab) resumes on its own when the page is shown again', async () => {
    const session = await t.connected();
    session.sendAudio(tone(4), { sampleRate: 16000 });
    await until(t.page, () => window.harness.voice.mode === 'speaking', 5000);
    await t.page.evaluate(() => (window.harness.contexts.at(-1) as AudioContext).suspend());
    await until(t.page, () => window.harness.voice.mode === 'listening', 2000);
    // The tab coming back to the front: the event the engine fires, on a page that is visible.
    const shownAt = await t.page.evaluate(() => {
      if (document.visibilityState !== 'visible') throw new Error(`the page is ${document.visibilityState}`);
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      return performance.now();
    });
    const speakingAt = (await until(t.page, () => window.harness.voice.mode === 'speaking' && window.harness.outputPeak() > 0.05 && performance.now(), 5000)) as number;
    report(`page shown again → the held agent audio plays in ${(speakingAt - shownAt).toFixed(0)} ms, with no call to resumeAudio()`);
    expect(await t.page.evaluate(() => window.harness.voice.getSnapshot().audioBlocked)).toBe(false);
    expect(await audioErrors(t.page)).toHaveLength(0);
  });
});
