// A page under a strict Content-Security-Policy (`script-src 'self'`: no blob:, no data:), served
// with the real header: a session starts when the worklet file is self-hosted (workletUrl), and
// fails with one sentence that names the fix when it is not. No blob: Worker either: the relay
// runs on the main thread, or in its self-hosted Worker (workerUrl).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/serve.mjs';
import { ROOT } from './support/browser';
import { ENGINE_AVAILABLE, ENGINE_LABEL } from './support/engines/driver';
import { events, expectReleased, outputPeak, start, until } from './support/scenario';
import { browserSuite, report } from './support/suite';

const CSP = "script-src 'self'";

describe.skipIf(!ENGINE_AVAILABLE)(`strict Content-Security-Policy in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite();
  let strict: Awaited<ReturnType<typeof serveStatic>>;
  beforeAll(async () => {
    strict = await serveStatic({ root: ROOT, headers: { 'content-security-policy': CSP } });
  });
  afterAll(() => strict?.close());
  // The browser's own reports of what the policy blocked (Firefox passes them on as page errors):
  // expected here, so they are taken out of the page's lines before the page check.
  afterEach(() => {
    const lines = t.page?.lines ?? [];
    for (let i = lines.length - 1; i >= 0; i--) if (/Content-Security-Policy/.test(lines[i])) lines.splice(i, 1);
  });

  /** Opens the CSP page (no inline script runs there) and creates the voice in it. */
  async function openStrict(options: Record<string, unknown>) {
    t.page = await t.rig.visit(`${strict.url}/test/browser/pages/csp.html`);
    t.lines = t.page.lines;
    await until(t.page, () => typeof (window as { PerfVoice?: unknown }).PerfVoice === 'function');
    // The policy is really in force: a Blob URL script is refused.
    const refused = await t.page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const script = document.createElement('script');
          script.src = URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
          script.onload = () => resolve(false);
          script.onerror = () => resolve(true);
          document.head.append(script);
        }),
    );
    expect(refused).toBe(true);
    await t.page.evaluate(
      ([url, extra]) => window.harness.create({ apiKey: 'pk_live_E2E_SECRET_9f3b', agentId: 'agent_e2e', wsUrl: url, ...extra }),
      [t.agent.url, options] as [string, Record<string, unknown>],
    );
  }

  it('starts with the self-hosted worklet (workletUrl): connected, the greeting audible, the microphone streaming', async () => {
    await openStrict({ workletUrl: '/dist/worklets/processors.js' });
    const outcome = await start(t.page);
    expect(outcome).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    await session.waitForAudio(16000);
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    report(`strict CSP with workletUrl: connected, output peak ${(await outputPeak(t.page)).toFixed(2)}`);
    expect((await events(t.page)).filter((e) => e.name === 'error')).toEqual([]);
  });

  it('without workletUrl, start() rejects with audio_blocked_by_csp: one short sentence, nothing held', async () => {
    await openStrict({});
    const outcome = await start(t.page);
    report(`strict CSP without workletUrl: ${outcome.code}: ${outcome.message}`);
    expect(outcome).toMatchObject({ ok: false, name: 'PerfVoiceError', code: 'audio_blocked_by_csp' });
    expect(outcome.message).toBe(
      "The page's Content-Security-Policy blocks the audio worklet: self-host perfvoice/worklets/processors.js and pass its URL as the workletUrl option.",
    );
    const errors = (await events(t.page)).filter((e) => e.name === 'error');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors)).not.toContain('data:');
    // PerfVoiceError is reachable from the script-tag build, for instanceof checks.
    expect(await t.page.evaluate(() => typeof (window as { PerfVoiceError?: unknown }).PerfVoiceError)).toBe('function');
    await expectReleased(t.page);
  });

  /** Where the relay runs, and the Workers the page started (the harness's records of them). */
  const threads = () =>
    t.page.evaluate(() => ({
      audioThread: window.harness.voice.getStats().audioThread,
      workers: window.harness.workers.map((w: { url: string; observed: boolean }) => ({ url: w.url.startsWith('blob:') ? 'blob:' : w.url, observed: w.observed })),
      live: window.harness.liveWorkers(),
      sockets: window.harness.sockets.map((s: { thread: string }) => s.thread),
    }));

  it("the relay's Worker refused (no worker-src blob:): the default falls back to the main thread, and the conversation works", async () => {
    await openStrict({ workletUrl: '/dist/worklets/processors.js' });
    expect(await start(t.page)).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    await session.waitForAudio(16000);
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    const state = await threads();
    report(`strict CSP, default audio thread: ${state.audioThread}`);
    // The refused blob: Worker (where the engine lets one be constructed) is over; the socket is the page's own.
    expect(state).toMatchObject({ audioThread: 'main', live: 0, sockets: ['main'] });
    expect(state.workers.every((w: { url: string }) => w.url === 'blob:')).toBe(true);
    expect((await events(t.page)).filter((e) => e.name === 'error')).toEqual([]);
  });

  it("the self-hosted relay (workerUrl), allowed by the policy: the relay runs in its Worker", async () => {
    await openStrict({ workletUrl: '/dist/worklets/processors.js', workerUrl: '/dist/worklets/relay.js' });
    expect(await start(t.page)).toEqual({ ok: true });
    const session = await t.agent.nextSession();
    await session.waitForAudio(16000);
    await until(t.page, () => window.harness.outputPeak() > 0.05, 10000);
    const state = await threads();
    report(`strict CSP with workerUrl: ${state.audioThread}`);
    // The harness does not wrap it here (its wrapper would be a blob: worker, which this policy
    // refuses), so the socket inside is not recorded: the agent's side shows it works.
    expect(state).toEqual({ audioThread: 'worker', workers: [{ url: '/dist/worklets/relay.js', observed: false }], live: 1, sockets: [] });
    expect((await events(t.page)).filter((e) => e.name === 'error')).toEqual([]);
    await t.page.evaluate(() => window.harness.voice.stop());
    expect((await session.closed).code).toBe(1000);
    await expectReleased(t.page);
    await until(t.page, () => window.harness.liveWorkers() === 0, 5000);
  });

  it("audioThread 'worker' where no Worker can start: start() rejects with worker_unavailable, nothing held", async () => {
    await openStrict({ workletUrl: '/dist/worklets/processors.js', audioThread: 'worker' });
    const outcome = await start(t.page);
    report(`strict CSP, audioThread 'worker': ${outcome.code}: ${outcome.message}`);
    expect(outcome).toMatchObject({ ok: false, name: 'PerfVoiceError', code: 'worker_unavailable' });
    expect(outcome.message).toMatch(/worker-src blob:/);
    await expectReleased(t.page);
    expect(await threads()).toMatchObject({ live: 0, sockets: [] });
  });

  it('a workletUrl that does not load, under the strict policy, names the URL to fix', async () => {
    await openStrict({ workletUrl: '/dist/worklets/missing.js' });
    const outcome = await start(t.page);
    expect(outcome).toMatchObject({ ok: false, code: 'audio_blocked_by_csp' });
    expect(outcome.message).toMatch(/^The audio worklet could not be loaded from workletUrl \(\/dist\/worklets\/missing\.js\)/);
    await expectReleased(t.page);
  });
});
