// `npm run bench`: latency, rate and cost figures from a real Chromium session against the local
// agent. Prints a table (and writes test-results/bench.md); targets are reported, not asserted.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ROOT, type EnginePage as Page } from '../browser/support/browser';
import { playwrightOf } from '../browser/support/engines/chromium';
import { CHROMIUM_PATH as CHROMIUM } from '../browser/support/engines/driver';
import { median, tone, until } from '../browser/support/scenario';
import { browserSuite, sleep } from '../browser/support/suite';
const rows: [string, string, string][] = [];
const row = (metric: string, value: string, target = '') => rows.push([metric, value, target]);

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
async function session(options: Record<string, unknown> = {}) {
  const agentSession = await t.connected(options);
  return { page: t.page, session: agentSession };
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

it('interruption → silence', async () => {
  const { page, session: s } = await session();
  const timings: number[] = [];
  for (let i = 0; i < 12; i++) {
    const { eventIds } = s.sendAudio(tone(2), { sampleRate: 16000 });
    await until(page, () => window.harness.outputPeak() > 0.3);
    await sleep(120);
    s.sendInterruption(Math.max(...eventIds) + 1);
    timings.push((await until(page, (n) => window.harness.interruptions[n], 5000, i)).ms);
    await sleep(60);
  }
  row('interruption → silence (median of 12)', `${median(timings).toFixed(1)} ms (max ${Math.max(...timings).toFixed(1)})`, '≤ 10 ms');
}, 60000);

it('first agent audio → audible output, and pong delay', async () => {
  const { page, session: s } = await session();
  const timings: number[] = [];
  for (let i = 0; i < 10; i++) {
    const audible = page.evaluate(() => window.harness.timeToAudible());
    await sleep(50);
    s.sendAudio(tone(0.15), { sampleRate: 16000 });
    timings.push(await audible);
    await until(page, () => window.harness.voice.mode === 'listening', 3000);
    await sleep(100);
  }
  row('first agent audio frame → audible output (median of 10)', `${median(timings).toFixed(1)} ms`);
  const pongs: number[] = [];
  for (let i = 0; i < 20; i++) pongs.push(await s.ping());
  row('ping → pong at the agent, loopback (median of 20)', `${median(pongs).toFixed(2)} ms`);
}, 60000);

for (const chunkSize of [512, 2048]) {
  it(`mic → wire with ${chunkSize}-sample chunks`, async () => {
    const { page, session: s } = await session({ chunkSize });
    await s.waitForAudio(chunkSize * 20, 15000);
    const transit = await workletTransitMs(page);
    const handling = median(await page.evaluate(() => window.harness.chunkHandling as number[]));
    row(
      `mic → wire beyond the ${chunkSize}-sample chunk (${chunkSize / 16} ms)`,
      `${(transit + handling).toFixed(2)} ms (worklet → main ${transit.toFixed(2)} + main thread ${handling.toFixed(3)})`,
      '≤ 3 ms',
    );
    }, 60000);
}

it('capture rate and main-thread cost over 10 s of two-way audio', async () => {
  const { page, session: s } = await session();
  await s.waitForAudio(2048 * 2);
  await page.evaluate(() => {
    window.harness.handlerMs = { port: 0, socket: 0 };
    window.harness.longTasks = 0;
    new PerformanceObserver((list) => (window.harness.longTasks += list.getEntries().length)).observe({ type: 'longtask' });
  });
  const before = s.audioChunks.length;
  const sentBefore = s.sent.length;
  // The agent talks the whole time, paced like a real server, while the microphone streams.
  s.speak(tone(10, 220, 16000, 0.3), { bufferAheadMs: 400 });
  await sleep(10000);
  const cost = await page.evaluate(() => ({ ...window.harness.handlerMs, longTasks: window.harness.longTasks }));
  const agentAudio = s.sent.slice(sentBefore).filter((m) => String(m.data).includes('"audio_event"'));
  const downstream = agentAudio.length;
  const upstream = s.audioChunks.length - before;
  // Where that time goes: the SDK's own JavaScript versus the browser's send/postMessage calls.
  const chromium = playwrightOf(page);
  const cdp = await chromium.context().newCDPSession(chromium);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  s.speak(tone(5, 220, 16000, 0.3), { bufferAheadMs: 400 });
  await sleep(5000);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let sdk = 0;
  let native = 0;
  profile.samples!.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const dt = profile.timeDeltas![i] / 1000;
    if (frame.url.endsWith('perfvoice.global.js')) sdk += dt;
    else if (['send', 'postMessage'].includes(frame.functionName)) native += dt;
  });
  const chunks = s.audioChunks.slice(before);
  const delivered = chunks.slice(1).reduce((sum, c) => sum + c.samples.length, 0);
  const rate = (delivered / (chunks.at(-1)!.at - chunks[0].at)) * 1000;
  row('capture rate error (10 s)', `${((rate / 16000 - 1) * 100).toFixed(3)} %`, '≤ 0.1 %');
  row(
    'main-thread time per second of two-way audio',
    `${((cost.port + cost.socket) / 10).toFixed(3)} ms (mic ${(cost.port / 10).toFixed(3)}, socket ${(cost.socket / 10).toFixed(3)}; ${cost.longTasks} long tasks)`,
    '≤ 1 ms',
  );
  row(
    '… of which SDK JavaScript / browser send + postMessage (CPU profile, 5 s)',
    `${(sdk / 5).toFixed(3)} ms / ${(native / 5).toFixed(3)} ms per second`,
  );
  // The floor any main-thread design pays for this traffic: the two browser calls alone, timed
  // in isolation on the same page (a sink socket, a no-op worklet), times the messages per second.
  const sink = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => sink.once('listening', resolve));
  const frame = String(s.received.filter((m) => m.kind === 'user_audio_chunk').at(-1)!.data);
  const agentChunk: string = JSON.parse(String(agentAudio.at(-1)!.data)).audio_event.audio_base_64;
  const floor = await page.evaluate(
    async ({ url, frame, agentChunk }) => {
      const mean = async (call: () => void) => {
        let total = 0;
        for (let i = 0; i < 200; i++) {
          const begin = performance.now();
          call();
          total += performance.now() - begin;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        return total / 200;
      };
      const socket = new WebSocket(url);
      await new Promise((resolve) => (socket.onopen = resolve));
      const send = await mean(() => socket.send(frame));
      socket.close();
      const context = window.harness.contexts.at(-1) as AudioContext;
      const source = 'registerProcessor("bench-sink", class extends AudioWorkletProcessor { constructor() { super(); this.port.onmessage = () => {}; } process() { return true; } });';
      await context.audioWorklet.addModule(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      const node = new AudioWorkletNode(context, 'bench-sink', { numberOfInputs: 0 });
      const post = await mean(() => node.port.postMessage({ type: 'audio', audio: agentChunk }));
      node.port.close();
      return { send, post };
    },
    { url: `ws://127.0.0.1:${(sink.address() as AddressInfo).port}`, frame, agentChunk },
  );
  sink.close();
  const perSecond = ((upstream * floor.send + downstream * floor.post) / 10).toFixed(3);
  row(
    '… browser floor: WebSocket.send / MessagePort.postMessage per call, alone',
    `${floor.send.toFixed(3)} ms × ${(upstream / 10).toFixed(1)}/s + ${floor.post.toFixed(3)} ms × ${(downstream / 10).toFixed(1)}/s = ${perSecond} ms per second`,
  );
}, 60000);

it('script-tag bundle size', () => {
  const bytes = readFileSync(join(ROOT, 'dist/perfvoice.global.js'));
  row('dist/perfvoice.global.js (xstate included)', `${gzipSync(bytes, { level: 9 }).length} B gzip -9 (${bytes.length} B min)`, '≤ 24 000 B');
});
