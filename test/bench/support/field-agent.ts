/**
 * The agent's side of the field-conditions bench (test/bench/field.bench.test.ts), on top of the
 * local agent's session (testing/): agent speech as 40 ms PCM frames on a real-time schedule,
 * optionally each held back by a seeded random delay (a jittery network, frames still in order as
 * on one TCP connection), pings at random intervals with their pong delays, and interruptions
 * whose sending time is recorded.
 *
 * Clocks. Everything here that is compared with the page is a time on the machine's one real-time
 * clock (CLOCK_REALTIME, what `Date.now()` reads in Node, in the page and in its AudioWorklet
 * alike), in ms since the epoch: {@link wall}. Node's `Date.now()` only has whole milliseconds, so
 * `wall()` is `performance.now()` (monotonic, sub-ms) anchored once at an edge of `Date.now()`'s
 * millisecond: sub-ms exact, and over a run of minutes the two clocks do not drift apart
 * measurably. The page's tap worklet stamps each render call with `Date.now() + 0.5` (its ms
 * floored, centred), see field-page.ts. Pong delays never leave the agent: both ends on its
 * `performance.now()`.
 */
import type { AgentSession } from '../../../testing/index';

const anchor = (() => {
  const first = Date.now();
  let now = first;
  while (now === first) now = Date.now();
  return now - performance.now();
})();

/** The real-time clock in ms since the epoch, sub-ms (see the module comment). */
export const wall = (): number => performance.now() + anchor;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A seeded uniform generator in [0, 1) (mulberry32): the same "network" in every run and engine. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Agent frames: 40 ms each, base rate 16 kHz (the session's pcm_16000). */
export const FRAME_MS = 40;
const RATE = 16000;

/** A sine tone at 16 kHz: no natural silences, so every silent stretch of the output is a gap. */
export function tone(seconds: number, frequency = 440, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE);
  return out;
}

export interface StreamOptions {
  /** Seconds of tone. */
  seconds: number;
  /** How far ahead of real time the schedule runs: frame i is due at start + 40 i − leadMs. */
  leadMs: number;
  /** Extra delay of each frame (ms), e.g. a seeded 0–250 ms; frames still leave in order. */
  delay?: () => number;
}

export interface Stream {
  /** Wall time each frame was actually sent. */
  sent: number[];
  /** Resolves when the last frame is sent. */
  done: Promise<void>;
}

/**
 * Streams a tone as 40 ms `audio` frames on a real-time schedule: frame i leaves at
 * max(previous frame, start + 40 i − leadMs + delay_i), like a streaming TTS a little ahead of
 * playout behind a network that holds frames back but keeps their order (one TCP stream).
 */
export function stream(session: AgentSession, { seconds, leadMs, delay }: StreamOptions): Stream {
  const samples = tone(seconds);
  const size = (RATE * FRAME_MS) / 1000;
  const frames: Float32Array[] = [];
  for (let at = 0; at < samples.length; at += size) frames.push(samples.subarray(at, at + size));
  const start = wall();
  const due = frames.map((_, i) => start + i * FRAME_MS - leadMs + (delay ? delay() : 0));
  for (let i = 1; i < due.length; i++) due[i] = Math.max(due[i], due[i - 1]);
  const sent: number[] = [];
  const done = (async () => {
    for (let i = 0; i < frames.length; i++) {
      const wait = due[i] - wall();
      if (wait > 1) await sleep(wait);
      sent.push(wall());
      session.sendAudio(frames[i], { sampleRate: RATE, chunkMs: Infinity });
    }
  })();
  return { sent, done };
}

/** Sends `seconds` of tone at once (a whole reply already synthesised), in 40 ms frames. */
export function sendAtOnce(session: AgentSession, seconds: number): number[] {
  return session.sendAudio(tone(seconds), { sampleRate: RATE, chunkMs: FRAME_MS }).eventIds;
}

/** Pings at random intervals (100–200 ms) until `stop()`; `delays` are the agent-measured pong delays. */
export function pinger(session: AgentSession, random: () => number): { delays: number[]; lost: () => number; stop: () => Promise<void> } {
  const delays: number[] = [];
  const pending = new Set<Promise<void>>();
  let running = true;
  let lost = 0;
  const loop = (async () => {
    while (running) {
      await sleep(100 + random() * 100);
      if (!running) break;
      const answer: Promise<void> = session.ping().then(
        (ms) => void delays.push(ms),
        () => void lost++,
      );
      pending.add(answer);
      void answer.then(() => pending.delete(answer));
    }
  })();
  return {
    delays,
    lost: () => lost + pending.size,
    async stop() {
      running = false;
      await loop;
      // Pongs still on their way (a blocked page answers late): wait for them, a while.
      await Promise.race([Promise.all(pending), sleep(2000)]);
    },
  };
}

/** One interruption round: a reply sent at once, interrupted while it plays. */
export interface Round {
  /** Wall time the interruption left the agent. */
  sentAt: number;
}

/**
 * `count` rounds: each sends 1.5 s of tone at once (the whole reply queued at the client, so no
 * underrun can be mistaken for the flush), waits at least 400 ms, until `when(k, earliest)` (a
 * wall time: the test spreads the rounds evenly over the phases of the page's jank cycle), sends
 * the interruption (id above the reply's), then lets the silence settle.
 */
export async function interruptionRounds(session: AgentSession, count: number, when: (round: number, earliest: number) => number): Promise<Round[]> {
  const rounds: Round[] = [];
  for (let k = 0; k < count; k++) {
    const ids = sendAtOnce(session, 1.5);
    await sleep(when(k, wall() + 400) - wall());
    const sentAt = wall();
    session.sendInterruption(Math.max(...ids) + 1);
    rounds.push({ sentAt });
    await sleep(500);
  }
  return rounds;
}

/** The first time at or after `earliest` that is `phase` ms into a cycle of `period` ms begun at `origin`. */
export function atPhase(origin: number, period: number, phase: number, earliest: number): number {
  return origin + phase + Math.ceil((earliest - origin - phase) / period) * period;
}
