// Every way a session can end, in a real browser: each ends `disconnected` with the microphone
// track ended and the AudioContext closed. And malformed server input, and many cycles.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL, ROOT } from './support/browser';
import { closedPort, events, expectReleased, start, tone, until } from './support/scenario';
import { browserSuite, report, sleep } from './support/suite';

describe.skipIf(!ENGINE_AVAILABLE)(`session endings in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  /** A connected session whose microphone is streaming. */
  async function connected() {
    const session = await t.connected();
    await session.waitForAudio(2048);
    return session;
  }

  const lastDisconnect = async () => (await events(t.page)).filter((e) => e.name === 'disconnected').at(-1)?.args;

  for (const code of [1000, 1002, 1008, 1011]) {
    it(`server closes with ${code}`, async () => {
      const session = await connected();
      session.close(code, `closing with ${code}`);
      await until(t.page, () => window.harness.voice.status === 'disconnected');
      await expectReleased(t.page);
      expect(await lastDisconnect()).toEqual([code, `closing with ${code}`, code === 1000 ? 'agent' : 'error']);
      const errors = (await events(t.page)).filter((e) => e.name === 'error').map((e) => (e.args[0] as { code: string }).code);
      expect(errors).toEqual(code === 1000 ? [] : ['connection_lost']);
    });
  }

  it('the agent process is killed (1006)', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/testing/cli.js'), '--port', '0', '--no-greeting'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => {
          const match = /ws:\/\/\S+/.exec(String(data));
          if (match) resolve(match[0]);
        });
        child.once('exit', () => reject(new Error('agent exited early')));
      });
      await t.open({}, { url });
      expect(await start(t.page)).toEqual({ ok: true });
      child.kill('SIGKILL');
      await until(t.page, () => window.harness.voice.status === 'disconnected');
      await expectReleased(t.page);
      expect(await lastDisconnect()).toEqual([1006, '', 'error']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('the socket fails to open', async () => {
    // A refused connection. (Not port 9: it is on the browsers' blocked-port list, where WebKitGTK
    // fires neither error nor close, so start() only ends at its connect timeout.)
    await t.open({}, { url: `ws://127.0.0.1:${await closedPort()}/v1/voice/conversation` });
    const result = await start(t.page);
    expect(result).toMatchObject({ ok: false, code: 'connection_failed' });
    expect(result.message).toMatch(/^WebSocket connection failed/);
    await expectReleased(t.page);
  });

  it('the microphone is denied: NotAllowedError, and no socket is opened', async () => {
    await t.open({}, { deny: true });
    expect(await start(t.page)).toMatchObject({ ok: false, name: 'NotAllowedError' });
    await expectReleased(t.page);
    expect(await t.page.evaluate(() => window.harness.sockets.length)).toBe(0);
    // Nor any Worker left running (the socket would live in the relay's Worker by default).
    await until(t.page, () => window.harness.liveWorkers() === 0, 5000);
    expect((await events(t.page)).map((e) => e.name)).toEqual(['status', 'error', 'status', 'disconnected']);
  });

  it('no metadata in time', async () => {
    await t.open({ connectTimeoutMs: 1000 });
    const started = start(t.page);
    const session = await t.agent.nextSession();
    const result = await started;
    expect(result).toMatchObject({ ok: false, code: 'connect_timeout' });
    await expectReleased(t.page);
    expect((await session.closed).code).toBe(1000);
  });

  it('the microphone track ends mid-session and no other microphone can be had', async () => {
    await connected();
    // What an unplugged device does: the track ends and fires `ended`. (Another microphone would
    // take over: devices.browser.test.ts.)
    await t.page.evaluate(() => {
      MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('', 'NotFoundError'));
      const track = window.harness.tracks[0];
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await expectReleased(t.page);
    const error = (await events(t.page)).find((e) => e.name === 'error');
    expect(error?.args[0]).toMatchObject({ code: 'microphone_ended', message: expect.stringMatching(/^The microphone stopped and no other could be opened \(No microphone was found/) });
  });

  it('stop() during connecting', async () => {
    await t.open();
    const started = start(t.page);
    const session = await t.agent.nextSession();
    await t.page.evaluate(() => window.harness.voice.stop());
    expect(await started).toMatchObject({ ok: false, code: 'stopped' });
    await expectReleased(t.page);
    expect((await session.closed).code).toBe(1000);
  });

  it('survives malformed server input and stays connected', async () => {
    const session = await connected();
    session.sendRaw('this is not json');
    session.sendRaw('[1,2,3]');
    session.sendRaw('{"type":"surprise","surprise_event":{}}');
    session.send({ type: 'audio', audio_event: { audio_base_64: '%%%%', event_id: 1 } });
    session.send({ type: 'audio', audio_event: { audio_base_64: 'AAEC', event_id: 2 } });
    session.send({ type: 'audio', audio_event: { event_id: 3 } });
    session.sendRaw(Buffer.from([1, 2, 3, 4]));
    session.sendRaw('{"type":"ping"}');
    session.sendRaw('null');
    await until(t.page, () => window.harness.events.filter((e: { name: string }) => e.name === 'error').length >= 8);
    await sleep(200);
    const all = await events(t.page);
    expect(all.filter((e) => e.name === 'message').map((e) => e.args[0])).toEqual([{ type: 'surprise', surprise_event: {} }]);
    expect(all.filter((e) => e.name === 'error').every((e) => (e.args[0] as { code: string }).code === 'invalid_message')).toBe(true);
    expect(await t.page.evaluate(() => window.harness.voice.status)).toBe('connected');
    // Still fully working: audio plays, pings are answered.
    session.sendAudio(tone(0.3), { sampleRate: 16000 });
    await until(t.page, () => window.harness.outputPeak() > 0.3);
    expect(await session.ping(77)).toBeLessThan(100);
  });

  /**
   * Start/stop cycles on one page: 50 in Chromium; 20 in Firefox, where each start takes about a
   * second (getUserMedia and a new AudioContext). Not in WebKit: WebKitGTK 2.50's web process
   * crashed ("WebProcess CRASHED", an engine crash) within a few back-to-back sessions on one page
   * in about one run in three on this machine, whether the driver or the page itself started and
   * stopped them; every other test there stops its session and checks that all was released.
   */
  const CYCLES = ENGINE === 'firefox' ? 20 : 50;
  const cyclesTitle =
    ENGINE === 'webkit'
      ? 'leaks nothing over 50 start/stop cycles (not in WebKit: its web process crashes on back-to-back sessions in one page, an engine crash)'
      : `leaks nothing over ${CYCLES} start/stop cycles${ENGINE === 'firefox' ? ' (Firefox: 20, as each start takes about a second there)' : ''}`;
  it.skipIf(ENGINE === 'webkit')(cyclesTitle, async () => {
    t.agent.setScript((session) => session.sendMetadata());
    try {
      await t.open();
      const began = Date.now();
      // Driven from inside the page, as an app's Start/Stop buttons would: no driver call lands
      // in the middle of a teardown (in WebKitGTK that crashed the web process now and then).
      const cycles = t.page.evaluate(async (count) => {
        const h = window.harness;
        const released = async () => {
          while (h.liveTracks() > 0 || h.runningContexts() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
        };
        let listenersAfterFirst = 0;
        for (let cycle = 0; cycle < count; cycle++) {
          const started = await h.startVoice();
          if (!started.ok) return { failed: { cycle, ...started }, listenersAfterFirst };
          h.voice.stop();
          // Released before the next start, so each cycle is checked on its own.
          await released();
          if (h.voice.status !== 'disconnected') return { failed: { cycle, status: h.voice.status }, listenersAfterFirst };
          if (cycle === 0) listenersAfterFirst = h.listeners;
        }
        return { failed: null, listenersAfterFirst };
      }, CYCLES);
      // Its outcome is read first if the page fails (no unhandled rejection while sessions wait).
      const outcome = cycles.then(
        (result) => result,
        (error: Error) => ({ failed: { error: error.message }, listenersAfterFirst: 0 }),
      );
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const next = await Promise.race([t.agent.nextSession(15000), outcome.then((result) => (result.failed ? result : null))]);
        if (next && 'failed' in next) break;
      }
      const { failed, listenersAfterFirst } = await outcome;
      expect(failed).toBeNull();
      await expectReleased(t.page);
      // The last session's relay Worker ends itself once its socket has closed.
      await until(t.page, () => window.harness.liveWorkers() === 0, 5000).catch(() => {});
      const state = await t.page.evaluate(() => ({
        contexts: window.harness.contexts.length,
        tracks: window.harness.tracks.length,
        listeners: window.harness.listeners,
        open: window.harness.sockets.filter((s: { readyState: number }) => s.readyState < 2).length,
        workers: window.harness.liveWorkers(),
      }));
      report(`${CYCLES} cycles in ${Date.now() - began} ms: ${state.contexts} contexts and ${state.tracks} tracks created, all closed; ${state.workers} Workers and ${state.open} sockets left; listeners ${listenersAfterFirst} → ${state.listeners}`);
      expect(state).toMatchObject({ contexts: CYCLES, tracks: CYCLES, open: 0, workers: 0, listeners: listenersAfterFirst });
    } finally {
      t.agent.setScript(() => {});
    }
  }, 120000);
});
