import { describe, expect, it } from 'vitest';
import { Jitter } from '../../core/audio/dsp/jitter';

/** Seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** Render block and samples per ms of a 48 kHz context, whose clock the simulation counts in samples. */
const BLOCK = 128;
const PER_MS = 48;
const FRAME_MS = 40;

/** Arrival times (ms) of `count` 40 ms frames sent in real time, each delayed by 0–`maxDelay` ms, order kept. */
function delayed(count: number, maxDelay: number, seed: number, from = 0): number[] {
  const rand = rng(seed);
  let last = 0;
  return Array.from({ length: count }, (_, i) => (last = Math.max(last, from + i * FRAME_MS + maxDelay * rand())));
}

/**
 * Plays 40 ms frames arriving at `arrivals` (ms) through `jitter` as the playback processor does,
 * block by block: arrivals are seen between blocks, a block that cannot be filled is a dry-out.
 * Runs until all has played and the queue ran dry.
 * Returns when sound (re)started after an underrun, and when each start was (ms).
 */
function play(jitter: Jitter, arrivals: number[], from = 0) {
  const underruns: number[] = [];
  const starts: number[] = [];
  let queued = 0;
  let next = 0;
  for (let t = from * PER_MS; next < arrivals.length || queued || jitter.playing; t += BLOCK) {
    const now = t / PER_MS;
    for (; next < arrivals.length && arrivals[next] <= now; next++) {
      queued += FRAME_MS * PER_MS;
      jitter.arrive(now);
    }
    if (!jitter.playing && queued && jitter.ready(queued / PER_MS, now)) {
      const before = jitter.stats.underruns;
      jitter.start(now);
      (jitter.stats.underruns > before ? underruns : starts).push(now);
    }
    if (jitter.playing) {
      const written = Math.min(BLOCK, queued);
      queued -= written;
      jitter.play(BLOCK / PER_MS);
      if (written < BLOCK) jitter.dry(now + written / PER_MS);
    }
  }
  return { underruns, starts };
}

const steady = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i * FRAME_MS);

describe('Jitter', () => {
  it('plays a steady stream at once, without underruns, at the minimum target', () => {
    const jitter = new Jitter();
    const { underruns, starts } = play(jitter, steady(500));
    expect(underruns).toEqual([]);
    expect(starts).toEqual([0]);
    expect(jitter.stats).toEqual({ underruns: 0, underrunMs: 0, longestUnderrunMs: 0, targetMs: 20 });
    expect(jitter.changed()).toBe(false);
  });

  it('learns 0–250 ms of random delay within about 2 s of a turn', () => {
    let late = 0;
    let count = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const jitter = new Jitter();
      const { underruns } = play(jitter, delayed(500, 250, seed));
      count += underruns.length;
      late += underruns.filter((at) => at > 2000).length;
      expect(jitter.stats.underruns).toBe(underruns.length);
      expect(jitter.stats.longestUnderrunMs).toBeLessThanOrEqual(jitter.stats.underrunMs);
      expect(jitter.stats.targetMs).toBeLessThanOrEqual(1000);
    }
    // A few turns start on a frame that was itself close to 250 ms late: then there is nothing to
    // learn until a later frame beats it, which can take longer than 2 s.
    expect(count / 100).toBeLessThan(1.5);
    expect(late).toBeLessThanOrEqual(10);
  });

  it('has no gap after 2 s of a jittery turn (seed 42)', () => {
    const jitter = new Jitter();
    const { underruns } = play(jitter, delayed(500, 250, 42));
    expect(underruns.length).toBeGreaterThan(0);
    expect(underruns.every((at) => at < 2000)).toBe(true);
    const { underrunMs, longestUnderrunMs } = jitter.stats;
    expect(underrunMs).toBeGreaterThan(0);
    expect(longestUnderrunMs).toBeGreaterThan(0);
  });

  it('counts the silence of an underrun, from dry-out to sound again', () => {
    const jitter = new Jitter();
    // Two frames, then the rest 100 ms late: dry at 80 ms, audio again at 180 ms.
    const { underruns } = play(jitter, [0, 40, ...steady(10, 180)]);
    expect(jitter.stats.underruns).toBe(1);
    // Target 20 + 2 × 100 + 80: 320 ms are queued at 460 ms, in the first block from then.
    expect(jitter.stats.targetMs).toBeCloseTo(300, 0);
    expect(underruns[0]).toBeCloseTo(461.3, 1);
    expect(jitter.stats.underrunMs).toBeCloseTo(461.3 - 80, 1);
    expect(jitter.stats.longestUnderrunMs).toBe(jitter.stats.underrunMs);
  });

  it('takes a dry-out with nothing for over the hold window as the end of the turn', () => {
    const jitter = new Jitter();
    play(jitter, steady(10));
    // 400 ms + 10 frames: the first turn ran dry at 400 ms; 600 ms later is past the 500 ms hold.
    const { underruns, starts } = play(jitter, steady(10, 1000), 1000);
    expect(underruns).toEqual([]);
    expect(starts).toEqual([1000]);
    expect(jitter.stats).toMatchObject({ underruns: 0, targetMs: 20 });
  });

  it('plays a short last chunk once its first sample has waited the target', () => {
    const jitter = new Jitter();
    play(jitter, delayed(100, 250, 7));
    const target = jitter.stats.targetMs;
    expect(target).toBeGreaterThan(2 * FRAME_MS);
    // A new turn of one frame: less than the target is ever queued.
    const { starts } = play(jitter, [10000], 10000);
    expect(starts[0] - 10000).toBeGreaterThanOrEqual(target - 3);
    expect(starts[0] - 10000).toBeLessThan(target + 3);
  });

  it('keeps the learned target across a flush, and starts afresh after it', () => {
    const jitter = new Jitter();
    play(jitter, delayed(50, 250, 3).slice(0, 40));
    jitter.dry(1700);
    const { targetMs, underruns } = jitter.stats;
    expect(underruns).toBeGreaterThan(0);
    jitter.flush();
    expect(jitter.playing).toBe(false);
    expect(jitter.stats.targetMs).toBe(targetMs);
    // Within the hold window of the dry-out, but after a flush: a new turn, not an underrun.
    jitter.arrive(1800);
    expect(jitter.ready(FRAME_MS, 1800)).toBe(targetMs <= FRAME_MS);
    expect(jitter.ready(targetMs, 1800)).toBe(true);
    jitter.start(1800);
    expect(jitter.stats.underruns).toBe(underruns);
    expect(jitter.stats.targetMs).toBe(targetMs);
  });

  it('shrinks the target slowly over steady audio, never below the minimum', () => {
    const jitter = new Jitter();
    play(jitter, delayed(100, 250, 11));
    const { targetMs: learned, underruns } = jitter.stats;
    expect(learned).toBeGreaterThan(150);
    // A turn of 10 s of steady audio (over a second after the last: not an underrun), 2 % per second off.
    play(jitter, steady(250, 6000), 6000);
    expect(jitter.stats.underruns).toBe(underruns);
    expect(jitter.stats.targetMs / learned).toBeGreaterThan(0.78);
    expect(jitter.stats.targetMs / learned).toBeLessThan(0.86);
    play(jitter, steady(5000, 20000), 20000);
    expect(jitter.stats.targetMs).toBe(20);
    expect(jitter.stats.underruns).toBe(underruns);
  });

  it('reports changes once: an underrun, or the target moved by 1 ms', () => {
    const jitter = new Jitter();
    expect(jitter.changed()).toBe(false);
    jitter.start(0);
    jitter.dry(10);
    jitter.arrive(60);
    expect(jitter.changed()).toBe(true);
    expect(jitter.changed()).toBe(false);
    jitter.start(300);
    expect(jitter.stats).toMatchObject({ underruns: 1, underrunMs: 290, longestUnderrunMs: 290 });
    expect(jitter.changed()).toBe(true);
    jitter.play(100);
    expect(jitter.changed()).toBe(false);
    jitter.play(1000);
    expect(jitter.changed()).toBe(true);
  });
});
