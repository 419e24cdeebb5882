/** Small helpers shared by the browser tests: signals, page state, waiting, analysis. */
import { createServer, type AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { playwrightOf } from './engines/chromium';
import type { EnginePage as Page } from './engines/driver';

/** The key used in every browser test; it must never surface in the page. */
export const API_KEY = 'pk_live_E2E_SECRET_9f3b';

/** A local TCP port nothing listens on (a refused connection; not a browser-blocked port like 9). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A sine tone, as float samples. */
export function tone(seconds: number, frequency = 440, rate = 16000, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
  return out;
}

/**
 * Polls `fn(arg)` in the page until it returns a truthy value, and returns that value. A timeout
 * names the condition: engines' own messages do not, and a CI log shows only the message.
 */
export function until<T, A = undefined>(page: Page, fn: (arg: A) => T, timeout = 10000, arg?: A): Promise<T> {
  return page.waitFor(fn, arg as A, timeout).catch((error: Error) => {
    error.message = `until ${String(fn).replace(/\s+/g, ' ').slice(0, 200)}: ${error.message}`;
    throw error;
  });
}

/**
 * JavaScript heaps after a full garbage collection, in MiB (Chromium only: CDP): the page's main
 * thread and each of its dedicated Workers (the relay's, where the socket and its frames live).
 * The Workers are reached through the page's own CDP session (Target.setAutoAttach, messages
 * relayed with Target.sendMessageToTarget).
 */
export async function heapsMiB(enginePage: Page): Promise<{ page: number; workers: number[] }> {
  const page = playwrightOf(enginePage);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const main = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
    const sessions: string[] = [];
    cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => targetInfo.type === 'worker' && sessions.push(sessionId));
    const waiting = new Map<string, (result: Record<string, number>) => void>();
    cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
      const { id, result } = JSON.parse(message) as { id?: number; result?: Record<string, number> };
      if (id !== undefined) waiting.get(`${sessionId}:${id}`)?.(result ?? {});
    });
    let next = 0;
    const inWorker = (sessionId: string, method: string) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const id = ++next;
        const timer = setTimeout(() => reject(new Error(`no answer from the Worker to ${method}`)), 10000);
        waiting.set(`${sessionId}:${id}`, (result) => (clearTimeout(timer), resolve(result)));
        void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(reject);
      });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    const workers: number[] = [];
    for (const sessionId of sessions) {
      await inWorker(sessionId, 'HeapProfiler.collectGarbage');
      workers.push((await inWorker(sessionId, 'Runtime.getHeapUsage')).usedSize / 2 ** 20);
    }
    await cdp.send('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false, flatten: false });
    return { page: main, workers };
  } finally {
    await cdp.detach();
  }
}

/** The page's JavaScript heaps after a full garbage collection, its Workers' included, in MiB (Chromium only). */
export async function heapMiB(enginePage: Page): Promise<number> {
  const { page, workers } = await heapsMiB(enginePage);
  return workers.reduce((sum, heap) => sum + heap, page);
}

/** Creates the voice in the page (script-tag or module build, whichever the page loaded). */
export async function createVoice(page: Page, wsUrl: string, options: Record<string, unknown> = {}): Promise<void> {
  await page.evaluate(
    ([url, extra]) => window.harness.create({ apiKey: 'pk_live_E2E_SECRET_9f3b', agentId: 'agent_e2e', wsUrl: url, ...extra }),
    [wsUrl, options] as [string, Record<string, unknown>],
  );
}

/** Calls voice.start() in the page; resolves with its outcome (never rejects). */
export function start(page: Page): Promise<{ ok: boolean; name?: string; message?: string; code?: string }> {
  return page.evaluate(() => window.harness.startVoice());
}

/** Names (and arguments) of the events the voice fired so far. */
export function events(page: Page): Promise<{ name: string; at: number; args: unknown[] }[]> {
  return page.evaluate(() => window.harness.events);
}

/** Waits until the microphone is released and every AudioContext is closed. */
export async function expectReleased(page: Page): Promise<void> {
  const state = (await until(
    page,
    () => window.harness.liveTracks() === 0 && window.harness.runningContexts() === 0 && {
      tracks: window.harness.tracks.length,
      contexts: window.harness.contexts.length,
      status: window.harness.voice.status,
    },
    5000,
  )) as { status: string };
  expect(state.status).toBe('disconnected');
}

/** Every socket the page opened (in the relay's Worker by default), still open or not. */
export const sockets = (page: Page): Promise<{ thread: string; readyState: number }[]> =>
  page.evaluate(() => window.harness.sockets.map((s: { thread: string; readyState: number }) => ({ thread: s.thread, readyState: s.readyState })));

/** Peak level of what the page is sending to its speakers right now. */
export const outputPeak = (page: Page): Promise<number> => page.evaluate(() => window.harness.outputPeak());

/**
 * The microphone's rate as the agent's wall clock sees it, robust to a loaded machine. Each chunk's
 * lateness is its arrival minus the time its samples took to capture; a delayed chunk only adds
 * lateness, so the earliest arrival of each second traces the capture clock. The drift is the
 * median slope between those per-second minima (Theil-Sen: a backlog a browser builds and then
 * catches up on, for a few seconds, does not move it). The first 2 s are left out: WebKit hands
 * over ~250 ms of audio it buffered while starting in a burst (its steady clock is exact).
 */
export function captureRate(chunks: { at: number; samples: Int16Array }[]): { rate: number; seconds: number } {
  const from = chunks.findIndex((c) => c.at - chunks[0].at >= 2000);
  const start = chunks[from].at;
  let captured = 0;
  const perSecond = new Map<number, { t: number; lateness: number }>();
  for (const chunk of chunks.slice(from)) {
    captured += chunk.samples.length;
    const t = (chunk.at - start) / 1000;
    const lateness = chunk.at - start - (captured / 16000) * 1000;
    const bin = Math.floor(t);
    if (!perSecond.has(bin) || lateness < perSecond.get(bin)!.lateness) perSecond.set(bin, { t, lateness });
  }
  const points = [...perSecond.values()];
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) slopes.push((points[j].lateness - points[i].lateness) / (points[j].t - points[i].t));
  }
  // Lateness growing by d ms per second means each second of audio took 1 + d/1000 s to arrive.
  return { rate: 16000 / (1 + median(slopes) / 1000), seconds: (chunks[chunks.length - 1].at - start) / 1000 };
}

/** Median of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Best normalised cross-correlation of `signal` against a looping `source`, searching every
 * alignment: coarse on 10 ms energy envelopes, then sample-exact around the best few.
 */
export function correlateLooped(signal: Float32Array, source: Float32Array, rate: number): { r: number; lag: number } {
  const frame = Math.round(rate / 100);
  const envelope = (x: Float32Array, circular: boolean, frames: number) => {
    const out = new Float32Array(frames);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let i = 0; i < frame; i++) {
        const v = x[circular ? (f * frame + i) % x.length : f * frame + i] ?? 0;
        sum += v * v;
      }
      out[f] = Math.sqrt(sum / frame);
    }
    return out;
  };
  const sourceFrames = Math.floor(source.length / frame);
  const signalEnv = envelope(signal, false, Math.floor(signal.length / frame));
  const sourceEnv = envelope(source, true, sourceFrames);
  const ncc = (a: ArrayLike<number>, b: (i: number) => number, n: number) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < n; i++) {
      const y = b(i);
      ab += a[i] * y;
      aa += a[i] * a[i];
      bb += y * y;
    }
    return ab / Math.sqrt(aa * bb || 1);
  };
  const coarse: { lag: number; r: number }[] = [];
  for (let lag = 0; lag < sourceFrames; lag++) {
    coarse.push({ lag, r: ncc(signalEnv, (i) => sourceEnv[(i + lag) % sourceFrames], signalEnv.length) });
  }
  coarse.sort((a, b) => b.r - a.r);
  let best = { r: -1, lag: 0 };
  for (const candidate of coarse.slice(0, 3)) {
    for (let d = -2 * frame; d <= 2 * frame; d++) {
      const lag = (((candidate.lag * frame + d) % source.length) + source.length) % source.length;
      const r = ncc(signal, (i) => source[(i + lag) % source.length], signal.length);
      if (r > best.r) best = { r, lag };
    }
  }
  return best;
}

/**
 * After each browser test: no page errors, and the API key in no event, error or console call
 * made by page scripts (the SDK included). The one line allowed to show it is the browser's own
 * network log of a failed WebSocket (Chromium's "WebSocket connection to '...' failed", Firefox's
 * "can't establish a connection to the server at ..."), which prints the URL the protocol puts
 * the key in; it does not come from page code and no page code can silence it.
 */
export async function checkPage(page: Page, lines: string[] = page.lines): Promise<void> {
  const pageSide = await page.evaluate(() => ({ events: window.harness.events, console: window.harness.console, errors: window.harness.errors })).catch(() => null);
  // Firefox reports its network log line as a page error (over BiDi), though no page code threw.
  const browserNetworkLog = /^(error|pageerror): (WebSocket connection to '[^']*' failed|Firefox can.t establish a connection to the server at )/;
  const own = lines.filter((line) => !browserNetworkLog.test(line));
  expect(own.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  expect(pageSide?.errors ?? []).toEqual([]);
  expect(JSON.stringify(pageSide)).not.toContain(API_KEY);
  expect(own.filter((line) => line.includes(API_KEY))).toEqual([]);
  await page.close();
}
