// The echo guard's decisions on synthetic loudness: speech-like bursts played, heard again by the
// microphone later and quieter (echo only), with the user speaking over it (double talk), and
// with the agent silent. The block-level gains it returns are what the capture processor applies.
import { describe, expect, it } from 'vitest';
import { echoGuard, played } from '../../core/audio/dsp/echo';

/** Seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** A syllable-like loudness envelope: bursts of 20–60 blocks, quiet gaps of 5–25, per block. */
function syllables(blocks: number, seed: number, level = 0.3): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(blocks);
  for (let i = 0; i < blocks; ) {
    const burst = 20 + Math.floor(40 * rand());
    for (let j = 0; j < burst && i < blocks; j++, i++) out[i] = level * (0.4 + 0.6 * Math.sin((Math.PI * j) / burst)) * (0.8 + 0.4 * rand());
    i += 5 + Math.floor(20 * rand());
  }
  return out;
}

/** A 128-sample block of noise with RMS `level`. */
function block(level: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: 128 }, () => level * Math.sqrt(3) * (2 * rand() - 1));
}

/**
 * Runs the guard over `agent` played (loudness per block) and the microphone hearing it `delay`
 * blocks later at `echo` of its loudness, plus `user` (loudness per block); returns the gains.
 */
function run(agent: Float32Array, user: Float32Array, delay: number, echo: number): number[] {
  played.fill(0);
  const guard = echoGuard();
  const rand = rng(7);
  const gains: number[] = [];
  for (let at = 0; at < agent.length; at++) {
    played[at % played.length] = agent[at];
    const heard = (at >= delay ? agent[at - delay] * echo : 0) + user[at];
    gains.push(guard(block(heard, rand), at));
  }
  return gains;
}

describe('echo guard', () => {
  it('holds back the echo alone, from the first block it arrives, at any delay up to ~680 ms', () => {
    for (const delay of [4, 30, 90, 120, 200]) {
      const agent = syllables(1500, delay);
      const gains = run(agent, new Float32Array(1500), delay, 0.3);
      const leaked = gains.filter((gain, at) => gain > 0 && at >= delay && agent[at - delay] > 0.01).length;
      expect(leaked, `delay ${delay}`).toBe(0);
    }
  });

  it('lets the user through while the agent plays (double talk), within a few blocks of their first word', () => {
    const agent = syllables(1500, 3);
    const user = new Float32Array(1500);
    user.set(syllables(600, 11, 0.3), 800);
    const gains = run(agent, user, 60, 0.15);
    const firstOpen = gains.findIndex((gain, at) => at >= 800 && gain === 1);
    expect(firstOpen - 800).toBeLessThan(10);
    // Their loud blocks pass (the quiet tails of syllables may be held, then the hold carries them).
    const passed = [...user.subarray(800, 1400)].filter((level, i) => level > 0.15 && gains[800 + i] === 1).length;
    const loud = [...user.subarray(800, 1400)].filter((level) => level > 0.15).length;
    expect(passed / loud).toBeGreaterThan(0.95);
    // And before they spoke, the echo was held.
    expect(gains.slice(100, 780).filter((gain, i) => gain > 0 && agent[100 + i - 60] > 0.01)).toEqual([]);
  });

  it('keeps letting the user through after long echo-only stretches, however loud the echo is', () => {
    // The user talking over the agent again and again, as loud as its playback (2.5 times its echo): the
    // echo's level is learnt from what correlates with playback, which the user's voice does not.
    const agent = syllables(8000, 21, 0.3);
    const user = new Float32Array(8000);
    for (let start = 1000; start < 8000; start += 1000) user.set(syllables(300, start, 0.3), start);
    const gains = run(agent, user, 45, 0.4);
    for (let start = 1000; start < 8000; start += 1000) {
      expect(gains.slice(start, start + 40).includes(1), `talk at block ${start}`).toBe(true);
      const echoOnly = gains.slice(start + 500, start + 1000).filter((gain, i) => gain > 0 && agent[start + 500 + i - 45] > 0.01);
      expect(echoOnly, `echo after block ${start + 500}`).toEqual([]);
    }
  });

  it('passes everything while the agent is silent, and anything not correlated with what it played', () => {
    const silent = new Float32Array(600);
    const user = syllables(600, 5);
    expect(run(silent, user, 30, 0.3).every((gain) => gain === 1)).toBe(true);
  });
});
