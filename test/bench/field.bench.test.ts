// Field conditions, for the relay in its Worker and on the page's thread side by side, in the
// engine $PERFVOICE_ENGINE selects: a page that janks, a network that jitters, and what the SDK
// costs the page's thread. Writes test-results/bench-field-<engine>.md; scripts/bench.mjs runs it
// once per engine and prints one table. Goals are reported, not asserted: a test only checks that
// each of its figures was measured.
//
// Where each figure comes from: playback gaps, silence after an interruption and time to first
// sound are measured on the audio thread by a tap worklet in the SDK's context (support/field-page.ts);
// pong delays by the agent (support/field-agent.ts); sending times by the agent too. Audio-thread
// and agent times meet on the machine's real-time clock, see field-agent.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentSession } from '../../testing/index';
import { ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL, ROOT, type EnginePage as Page } from '../browser/support/browser';
import { playwrightOf } from '../browser/support/engines/chromium';
import { median, start, until } from '../browser/support/scenario';
import { browserSuite } from '../browser/support/suite';
import { atPhase, interruptionRounds, pinger, seeded, sendAtOnce, sleep, stream, wall } from './support/field-agent';
import { clearFloor, floorTransit, gaps, handlers, install, jank, onsets, startFloor, stats, stopFloor, tapReady, tapRecord } from './support/field-page';

type Path = 'worker' | 'main';
const PATHS: Path[] = ['worker', 'main'];
/** The agent's schedule runs this far ahead of real time (3 frames), like a streaming TTS. */
const LEAD_MS = 120;
const SEED = 0xf1e1d;
const JANK_BUSY_MS = 250;
const JANK_PERIOD_MS = 350;
/** Interruption rounds under jank, one per 25 ms of the jank cycle. */
const ROUNDS = 14;

const table = new Map<string, { goal: string } & Partial<Record<Path, string>>>();
const put = (metric: string, path: Path, value: string, goal = '') => {
  const entry = table.get(metric) ?? { goal };
  table.set(metric, { ...entry, [path]: value, goal: entry.goal || goal });
  console.log(`[field ${ENGINE} ${path}] ${metric}: ${value}`);
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const spread = (xs: number[]) => `${ms(median(xs))} (max ${Math.max(...xs).toFixed(1)}, n ${xs.length})`;
/** A figure must be a number (no NaN, no −Infinity from an empty max): all a test asserts. */
const measured = (...xs: number[]) => xs.forEach((x) => expect(Number.isFinite(x), `figure ${x}`).toBe(true));

afterAll(() => {
  if (!ENGINE_AVAILABLE || !table.size) return;
  const header = `perfvoice field bench, ${ENGINE_LABEL}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`;
  const rows = [...table].map(([metric, v]) => `| ${metric} | ${v.worker ?? '–'} | ${v.main ?? '–'} | ${v.goal} |`);
  const text = [`| metric | ${ENGINE} worker | ${ENGINE} main | goal (worker) |`, '|---|---|---|---|', ...rows].join('\n');
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, `test-results/bench-field-${ENGINE}.md`), `${header}\n\n${text}\n`);
  console.log(`\n${header}\n\n${text}\n`);
});

/** The top self-time functions of a CPU profile of `ms`, as text (a diagnostic for the log). */
async function profile(cdp: CDPSession, ms: number): Promise<string> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await sleep(ms);
  const { profile: p } = await cdp.send('Profiler.stop');
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  p.samples!.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (['(idle)', '(program)', '(root)'].includes(functionName)) return;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + p.timeDeltas![i] / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key, t]) => `${key} ${(t / (ms / 1000)).toFixed(2)} ms/s`).join('; ');
}

describe.skipIf(!ENGINE_AVAILABLE)(`field conditions in real ${ENGINE_LABEL}`, () => {
  const t = browserSuite({ script: () => {} });

  /** A connected session on `path`, the tap in place, and the output already warm. */
  async function connect(path: Path): Promise<{ page: Page; session: AgentSession }> {
    const page = await t.open({ audioThread: path });
    await install(page);
    const started = start(page);
    const session = await t.agent.nextSession();
    session.sendMetadata();
    expect(await started).toEqual({ ok: true });
    await tapReady(page);
    expect((await stats(page)).audioThread).toBe(path);
    // Warm-up: Firefox's output stream starts a second or more after its context runs, and
    // WebKit's first flush of a context is slow with no SDK at all. Then a pause longer than the
    // jitter buffer's hold (1 s), so what comes next is a new turn.
    for (let attempt = 1; ; attempt++) {
      sendAtOnce(session, 0.3);
      const heard = await until(page, () => window.harness.outputPeak() > 0.1, 8000).catch(() => false);
      if (heard) break;
      const state = await page.evaluate(() => window.harness.contexts.map((c: AudioContext) => `${c.state} at ${c.currentTime.toFixed(2)} s`).join(', '));
      console.warn(`[field ${ENGINE} ${path}] warm-up audio not heard within 8 s (attempt ${attempt}; contexts: ${state})`);
      if (attempt === 3) throw new Error(`${ENGINE_LABEL}: no audible output after 3 warm-ups (contexts: ${state})`);
    }
    await sleep(1600);
    return { page, session };
  }

  /**
   * A steady turn of `seconds` (real-time schedule): its start latency on the audio thread. It
   * begins 0–50 ms after a random wait: right after a tap record (which the worklet answers from a
   * render call) it would reach the worklet at the same phase of the engine's render cycle every
   * time, and measure one corner of it (in Firefox, whose cycle is ~30 ms, always ~28 ms).
   */
  async function steadyTurn(page: Page, session: AgentSession, seconds: number): Promise<number> {
    await sleep(Math.random() * 50);
    const turn = stream(session, { seconds, leadMs: LEAD_MS });
    await turn.done;
    await sleep(1600);
    const heard = onsets(await tapRecord(page)).find((o) => o.at >= turn.sent[0]);
    return heard ? heard.at - turn.sent[0] : NaN;
  }

  for (const path of PATHS) {
    it(`jank (page thread blocked 250 ms of every 350 ms): ${path}`, async () => {
      const { page, session } = await connect(path);
      const random = seeded(SEED);
      const origin = (await jank(page, JANK_BUSY_MS, JANK_PERIOD_MS)) as number;
      const pings = pinger(session, random);
      // The stream starts as a free 100 ms of the cycle begins: the phase that leaves the least
      // audio buffered when the next block comes (the worst case, fixed, for stable figures).
      await sleep(atPhase(origin, JANK_PERIOD_MS, JANK_BUSY_MS + 5, wall() + 700) - wall());
      const turn = stream(session, { seconds: 6, leadMs: LEAD_MS });
      await turn.done;
      // Longer than the jitter buffer's hold (1 s): the rounds' replies are new turns.
      await sleep(1600);
      const roundsFrom = wall();
      // The interruptions at evenly spread phases of the jank cycle.
      const phase = (k: number) => ((k + 0.5) * JANK_PERIOD_MS) / ROUNDS;
      const rounds = await interruptionRounds(session, ROUNDS, (k, earliest) => atPhase(origin, JANK_PERIOD_MS, phase(k), earliest));
      await pings.stop();
      await jank(page, 0);
      const record = await tapRecord(page);
      const sdk = await stats(page);
      // The stream's gaps: silences that began after its first frame left and ended before the rounds.
      const inStream = gaps(record).filter((g) => g.offWall >= turn.sent[0] && g.onWall < roundsFrom);
      const long = inStream.filter((g) => g.ms >= 20);
      const longest = Math.max(0, ...inStream.map((g) => g.ms));
      // Each round: the first silence after the interruption left the agent, if the reply was
      // audible then (the previous silence had ended before it).
      const silences = record.silences;
      const times: number[] = [];
      for (const { sentAt } of rounds) {
        const i = silences.findIndex((s) => s.offWall !== null && s.offWall >= sentAt);
        if (i > 0 && silences[i - 1].onWall !== null && silences[i - 1].onWall! <= sentAt) times.push(silences[i].offWall! - sentAt);
      }
      console.log(`[field ${ENGINE} ${path}] gaps in the stream: ${inStream.map((g) => g.ms.toFixed(1)).join(', ') || 'none'}; SDK stats ${JSON.stringify(sdk)}`);
      console.log(`[field ${ENGINE} ${path}] pong delays: ${pings.delays.map((x) => x.toFixed(1)).join(', ')}`);
      console.log(`[field ${ENGINE} ${path}] interruption → silence: ${times.map((x) => x.toFixed(1)).join(', ')}`);
      measured(long.length, longest, median(pings.delays), Math.max(...pings.delays), median(times), Math.max(...times));
      expect(times.length).toBeGreaterThanOrEqual(rounds.length - 2);
      put('jank: playback gaps ≥ 20 ms in 6 s of real-time speech (count)', path, `${long.length}`, '0');
      put('jank: longest playback gap', path, inStream.length ? `${ms(longest)} (${inStream.length} gap${inStream.length > 1 ? 's' : ''} ≥ 1 ms)` : 'none', '< 20 ms');
      put('jank: pong delay at the agent, median (max)', path, `${spread(pings.delays)}${pings.lost() ? `, ${pings.lost()} unanswered` : ''}`, 'median ≤ 5 ms');
      put('jank: interruption sent → output silent, median (max)', path, spread(times), 'max ≤ 20 ms');
    }, 120000);
  }

  it('engine floor under the same jank, no SDK: a bare Worker\'s WebSocket and MessageChannel', async () => {
    const page = await t.open({});
    await install(page);
    await page.evaluate(startFloor, `${t.agent.url}?api_key=pk_floor&agent_id=floor`);
    const session = await t.agent.nextSession();
    await jank(page, JANK_BUSY_MS, JANK_PERIOD_MS);
    await clearFloor(page);
    const pings = pinger(session, seeded(SEED));
    await sleep(6000);
    await pings.stop();
    await jank(page, 0);
    const transit = await floorTransit(page);
    await stopFloor(page);
    measured(median(pings.delays), median(transit), Math.max(...transit));
    console.log(`[field ${ENGINE} floor] pong delays: ${pings.delays.map((x) => x.toFixed(1)).join(', ')}`);
    put('jank, engine floor (bare Worker, no SDK): its WebSocket\'s pong delay, median (max)', 'worker', spread(pings.delays));
    put('jank, engine floor (bare Worker, no SDK): Worker → AudioWorklet message transit, median (max)', 'worker', `${spread(transit)} (whole ms)`);
  }, 60000);

  const steady: Partial<Record<Path, number[]>> = {};
  for (const path of PATHS) {
    it(`steady stream, start latency baseline: ${path}`, async () => {
      const { page, session } = await connect(path);
      const latencies: number[] = [];
      for (let i = 0; i < 7; i++) latencies.push(await steadyTurn(page, session, 0.8));
      measured(...latencies);
      steady[path] = latencies;
      put('steady stream: first frame sent → first audible sample, median of 7 turns', path, spread(latencies));
    }, 90000);
  }

  for (const path of PATHS) {
    it(`jitter (each 40 ms frame 0–250 ms late, seeded): ${path}`, async () => {
      const { page, session } = await connect(path);
      const random = seeded(SEED);
      await sleep(Math.random() * 50);
      const turn = stream(session, { seconds: 10, leadMs: LEAD_MS, delay: () => random() * 250 });
      await turn.done;
      const adapted = await stats(page);
      await sleep(adapted.bufferTargetMs + 1600);
      const nextTurnFrom = wall();
      const next = await steadyTurn(page, session, 1.2);
      const record = await tapRecord(page);
      const first = onsets(record).find((o) => o.at >= turn.sent[0]);
      const startLatency = first ? first.at - turn.sent[0] : NaN;
      const inStream = gaps(record).filter((g) => g.offWall >= turn.sent[0] && g.onWall < nextTurnFrom);
      const adapting = inStream.filter((g) => g.offWall < turn.sent[0] + 2000);
      const after = inStream.filter((g) => g.offWall >= turn.sent[0] + 2000);
      const longAfter = after.filter((g) => g.ms >= 20);
      const baseline = median(steady[path] ?? [NaN]);
      console.log(`[field ${ENGINE} ${path}] jitter gaps: ${inStream.map((g) => `${((g.offWall - turn.sent[0]) / 1000).toFixed(2)} s: ${g.ms.toFixed(1)}`).join(', ') || 'none'}; SDK stats after the stream ${JSON.stringify(adapted)}`);
      measured(startLatency, longAfter.length, next, baseline);
      const list = (xs: { ms: number }[]) => (xs.length ? ` (${xs.map((g) => g.ms.toFixed(0)).join(', ')} ms)` : '');
      put('jitter: playback gaps ≥ 20 ms after the first 2 s of a 10 s stream (count)', path, `${longAfter.length}${list(longAfter)}`, '0');
      put('jitter: gaps in the first 2 s, while the buffer adapts (count)', path, `${adapting.length}${list(adapting)}; buffer target then ${ms(adapted.bufferTargetMs)}`);
      put('jitter: first frame sent → first audible sample (one start), minus steady (median)', path, `${startLatency - baseline >= 0 ? '+' : ''}${ms(startLatency - baseline)} (${ms(startLatency)})`, '≤ +20 ms');
      put('jitter: next turn after adapting, start latency minus steady', path, `${next - baseline >= 0 ? '+' : ''}${ms(next - baseline)} (${ms(next)})`);
    }, 120000);
  }

  for (const path of PATHS) {
    it(`main-thread time per second of two-way audio (no jank): ${path}`, async () => {
      const { page, session } = await connect(path);
      const turn = stream(session, { seconds: 12, leadMs: LEAD_MS });
      await sleep(1500);
      const micBefore = session.audioChunks.length;
      const cdp = ENGINE === 'chromium' ? await playwrightOf(page).context().newCDPSession(playwrightOf(page)) : null;
      await cdp?.send('Performance.enable');
      const task = async () => (await cdp!.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
      const h0 = await handlers(page);
      const t0 = wall();
      const task0 = cdp ? await task() : 0;
      await sleep(8000);
      const task1 = cdp ? await task() : 0;
      const t1 = wall();
      const h1 = await handlers(page);
      // Chromium: where the page's thread spends it (self time by function, 3 s CPU profile).
      if (cdp) console.log(`[field ${ENGINE} ${path}] main-thread self time, top functions over 3 s: ${await profile(cdp, 3000)}`);
      await turn.done;
      await cdp?.detach();
      const upstream = session.audioChunks.length - micBefore;
      expect(upstream, 'the microphone streamed during the window').toBeGreaterThan(10);
      const inHandlers = (h1.port + h1.socket + h1.worker - (h0.port + h0.socket + h0.worker)) / ((h1.at - h0.at) / 1000);
      const calls = (h1.workerCalls - h0.workerCalls) / ((h1.at - h0.at) / 1000);
      const parts = `${calls ? `${calls.toFixed(1)} Worker messages/s, ` : ''}socket ${((h1.socket - h0.socket) / ((h1.at - h0.at) / 1000)).toFixed(2)}, ports ${((h1.port - h0.port) / ((h1.at - h0.at) / 1000)).toFixed(2)}, worker ${((h1.worker - h0.worker) / ((h1.at - h0.at) / 1000)).toFixed(2)}`;
      measured(inHandlers);
      if (cdp) {
        const perSecond = ((task1 - task0) * 1000) / ((t1 - t0) / 1000);
        measured(perSecond);
        put('main thread per second of two-way audio, all tasks (CDP TaskDuration)', path, `${perSecond.toFixed(2)} ms`, '≤ 0.5 ms');
      } else {
        put('main thread per second of two-way audio, all tasks (CDP TaskDuration)', path, `n/a: no task metric over its driver`, '≤ 0.5 ms');
      }
      put('main thread per second of two-way audio, in the SDK\'s handlers (wrapped onmessage)', path, `${inHandlers.toFixed(2)} ms (${parts})`);
    }, 90000);
  }
});
