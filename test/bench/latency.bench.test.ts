// `npm run bench`: latency, rate and cost figures from a real Chromium session against the local
// agent, for both audio paths in the same run (the relay in a Worker, and on the page's thread).
// Prints a table (and writes test-results/bench.md); targets are reported, not asserted.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, it } from 'vitest';
import { ROOT, type EnginePage as Page } from '../browser/support/browser';
import { playwrightOf } from '../browser/support/engines/chromium';
import { CHROMIUM_PATH as CHROMIUM } from '../browser/support/engines/driver';
import { median, tone, until } from '../browser/support/scenario';
import { browserSuite, sleep } from '../browser/support/suite';
const rows: [string, string, string][] = [];
const row = (metric: string, value: string, target = '') => rows.push([metric, value, target]);
const PATHS = ['worker', 'main'] as const;
type Path = (typeof PATHS)[number];

beforeAll(() => {
  if (!CHROMIUM) throw new Error('The benchmark needs Chromium: apt-get install -y chromium, or set CHROME_PATH.');
});
const t = browserSuite({ script: () => {} });

afterAll(async () => {
  const chrome = CHROMIUM ? (await import('node:child_process')).execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim() : '';
  const header = `perfvoice benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${chrome}, Node ${process.version}`;
  const table = ['| metric | measured | target |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  writeFileSync(join(ROOT, 'test-results/bench.md'), `${header}\n\n${table}\n`);
  console.log(`\n${header}\n\n${table}\n`);
});

/** A connected session: the page and the agent's side of it. */
async function session(path: Path, options: Record<string, unknown> = {}) {
  const agentSession = await t.connected({ ...options, audioThread: path });
  // A path that fell back would make the side-by-side rows meaningless.
  const thread = await t.page.evaluate(() => window.harness.voice.getStats().audioThread);
  if (thread !== path) throw new Error(`asked for the ${path} path, got ${thread}`);
  return { page: t.page, session: agentSession };
}

/** Busy time of the page's thread (everything but idle), and the SDK's own JavaScript in it, per second. */
async function pageThreadCost(page: Page, seconds: number, during: () => void) {
  const chromium = playwrightOf(page);
  const cdp = await chromium.context().newCDPSession(chromium);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  // A first profile of a page carries the profiler's own start-up (several ms a second): discard one.
  await cdp.send('Profiler.start');
  await sleep(500);
  await cdp.send('Profiler.stop');
  await cdp.send('Profiler.start');
  during();
  await sleep(seconds * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let busy = 0;
  let sdk = 0;
  let native = 0;
  profile.samples!.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const dt = profile.timeDeltas![i] / 1000;
    if (frame.functionName !== '(idle)') busy += dt;
    if (frame.url.endsWith('perfvoice.global.js')) sdk += dt;
    else if (['send', 'postMessage'].includes(frame.functionName)) native += dt;
  });
  // PROFILE_TOP=1 npm run bench: also print where the page's time went, by function.
  if (process.env.PROFILE_TOP) {
    const by = new Map<string, number>();
    profile.samples!.forEach((id, i) => {
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName} ${f.url.split('/').pop()}:${f.lineNumber}`;
      by.set(key, (by.get(key) ?? 0) + profile.timeDeltas![i] / 1000);
    });
    console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / seconds).toFixed(3)} ${k}`).join('\n'));
  }
  return { busy: busy / seconds, sdk: sdk / seconds, native: native / seconds };
}

/** Audio-thread → main-thread message transit: half the round trip to a probe worklet. */
async function workletTransitMs(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const context = window.harness.contexts.at(-1) as AudioContext;
    const source = 'registerProcessor("bench-probe", class extends AudioWorkletProcessor { constructor() { super(); this.port.onmessage = () => this.port.postMessage(0); } process() { return true; } });';
    await context.audioWorklet.addModule(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    const node = new AudioWorkletNode(context, 'bench-probe', { numberOfInputs: 0 });
    const trips: number[] = [];
    node.port.start();
    for (let i = 0; i < 30; i++) {
      const reply = new Promise((resolve) => node.port.addEventListener('message', resolve, { once: true }));
      const begin = performance.now();
      node.port.postMessage(0);
      await reply;
      trips.push(performance.now() - begin);
    }
    trips.sort((a, b) => a - b);
    return trips[trips.length >> 1] / 2;
  });
}

for (const path of PATHS) {
  it(`interruption → silence (${path})`, async () => {
    const { page, session: s } = await session(path);
    const timings: number[] = [];
    for (let i = 0; i < 12; i++) {
      const { eventIds } = s.sendAudio(tone(2), { sampleRate: 16000 });
      await until(page, () => window.harness.outputPeak() > 0.3);
      await sleep(120);
      s.sendInterruption(Math.max(...eventIds) + 1);
      timings.push((await until(page, (n) => window.harness.interruptions[n], 5000, i)).ms);
      await sleep(60);
    }
    row(`interruption → silence, ${path} (median of 12)`, `${median(timings).toFixed(1)} ms (max ${Math.max(...timings).toFixed(1)})`, '≤ 10 ms');
  }, 60000);
}

for (const path of PATHS) {
  it(`first agent audio → audible output, and pong delay (${path})`, async () => {
    const { page, session: s } = await session(path);
    const timings: number[] = [];
    for (let i = 0; i < 10; i++) {
      const audible = page.evaluate(() => window.harness.timeToAudible());
      await sleep(50);
      s.sendAudio(tone(0.15), { sampleRate: 16000 });
      timings.push(await audible);
      await until(page, () => window.harness.voice.mode === 'listening', 3000);
      // Turns apart, as in a conversation: sooner than the jitter buffer's hold (0.5 s) the next
      // one would be taken for a late continuation, a network stall the buffer grows for.
      await sleep(700);
    }
    row(`first agent audio frame → audible output, ${path} (median of 10)`, `${median(timings).toFixed(1)} ms`);
    const pongs: number[] = [];
    for (let i = 0; i < 20; i++) pongs.push(await s.ping());
    row(`ping → pong at the agent, loopback, ${path} (median of 20)`, `${median(pongs).toFixed(2)} ms`);
  }, 60000);
}

// On the page's thread only: on the worker path chunks go from the capture worklet to the Worker
// without touching the page (its share is in the page-thread rows below).
for (const chunkSize of [512, 2048]) {
  it(`mic → wire with ${chunkSize}-sample chunks (main)`, async () => {
    const { page, session: s } = await session('main', { chunkSize });
    await s.waitForAudio(chunkSize * 20, 15000);
    const transit = await workletTransitMs(page);
    const handling = median(await page.evaluate(() => window.harness.chunkHandling as number[]));
    row(
      `mic → wire beyond the ${chunkSize}-sample chunk (${chunkSize / 16} ms), main`,
      `${(transit + handling).toFixed(2)} ms (worklet → page ${transit.toFixed(2)} + page thread ${handling.toFixed(3)})`,
      '≤ 3 ms',
    );
  }, 60000);
}

it('capture rate over 10 s of two-way audio', async () => {
  const { session: s } = await session('worker');
  await s.waitForAudio(2048 * 2);
  const before = s.audioChunks.length;
  s.speak(tone(10, 220, 16000, 0.3), { bufferAheadMs: 400 });
  await sleep(10000);
  const chunks = s.audioChunks.slice(before);
  const delivered = chunks.slice(1).reduce((sum, c) => sum + c.samples.length, 0);
  const rate = (delivered / (chunks.at(-1)!.at - chunks[0].at)) * 1000;
  row('capture rate error (10 s)', `${((rate / 16000 - 1) * 100).toFixed(3)} %`, '≤ 0.1 %');
}, 60000);

for (const path of PATHS) {
  it(`page-thread time per second of two-way audio (${path})`, async () => {
    const { page, session: s } = await session(path);
    await s.waitForAudio(2048 * 2);
    await page.evaluate(() => {
      window.harness.longTasks = 0;
      new PerformanceObserver((list) => (window.harness.longTasks += list.getEntries().length)).observe({ type: 'longtask' });
    });
    // The agent talks the whole time, paced like a real server, while the microphone streams.
    const cost = await pageThreadCost(page, 8, () => s.speak(tone(8, 220, 16000, 0.3), { bufferAheadMs: 400 }));
    const longTasks = await page.evaluate(() => window.harness.longTasks);
    // The same page with the session ended: what the page's thread costs with no SDK work at all.
    await page.evaluate(() => window.harness.voice.stop());
    const idle = await pageThreadCost(page, 4, () => {});
    row(
      `page-thread time per second of two-way audio, ${path} (CPU profile, 8 s)`,
      `${Math.max(0, cost.busy - idle.busy).toFixed(2)} ms over the idle page's ${idle.busy.toFixed(2)} (SDK JavaScript ${cost.sdk.toFixed(2)}, browser send + postMessage ${cost.native.toFixed(2)}; ${longTasks} long tasks)`,
      '≤ 0.5 ms',
    );
  }, 60000);
}

it('script-tag bundle size', () => {
  const bytes = readFileSync(join(ROOT, 'dist/perfvoice.global.js'));
  row('dist/perfvoice.global.js (xstate included)', `${gzipSync(bytes, { level: 9 }).length} B gzip -9 (${bytes.length} B min)`, '≤ 24 000 B');
});
