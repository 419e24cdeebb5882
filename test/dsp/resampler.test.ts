import { describe, expect, it } from 'vitest';
import { Resampler } from '../../core/audio/dsp/resampler';

const RATES = [8000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000];
const PAIRS = RATES.flatMap((a) => RATES.filter((b) => b !== a).map((b) => [a, b] as const));
/** Coprime pair: L = 48001 > 4096 forces the quantised-phase path. */
const ODD = [44100, 48001] as const;

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
const db = (x: number) => 20 * Math.log10(x);
const fmt = (x: number) => (x >= 0 ? ' ' : '') + x.toFixed(2).padStart(7);

/** Exact output count after `inputs` samples: outputs sit at input times n·in/out, n = 0, 1, … */
function expectedCount(inRate: number, outRate: number, inputs: number): number {
  const g = gcd(inRate, outRate);
  const L = BigInt(outRate / g);
  const M = BigInt(inRate / g);
  return Number((BigInt(inputs) * L + M - 1n) / M);
}

function sine(n: number, f: number, fs: number, amp = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / fs);
  return x;
}

/** Runs `input` through `r` in blocks (fixed size, or random sizes from `rand`). */
function run(r: Resampler, input: Float32Array, block = input.length, rand?: () => number): Float32Array {
  const out = new Float32Array(r.maxOutput(input.length) + 1);
  const tmp = new Float32Array(r.maxOutput(Math.max(block, 1024)));
  let n = 0;
  for (let i = 0; i < input.length; ) {
    const len = Math.min(rand ? 1 + Math.floor(rand() * 1024) : block, input.length - i);
    const got = r.process(input.subarray(i, i + len), tmp);
    expect(got).toBeLessThanOrEqual(r.maxOutput(len));
    out.set(tmp.subarray(0, got), n);
    n += got;
    i += len;
  }
  return out.subarray(0, n);
}

/** Least-squares fit of a·cos + b·sin at frequency f over y[start..]: amplitude, phase and residual RMS. */
function fitSine(y: Float32Array, f: number, fs: number, start: number) {
  const w = (2 * Math.PI * f) / fs;
  let cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
  for (let n = start; n < y.length; n++) {
    const c = Math.cos(w * n), s = Math.sin(w * n);
    cc += c * c; ss += s * s; cs += c * s; yc += y[n] * c; ys += y[n] * s;
  }
  const det = cc * ss - cs * cs;
  const a = (yc * ss - ys * cs) / det;
  const b = (ys * cc - yc * cs) / det;
  let e = 0;
  for (let n = start; n < y.length; n++) e += (y[n] - a * Math.cos(w * n) - b * Math.sin(w * n)) ** 2;
  return { amp: Math.hypot(a, b), a, b, resid: Math.sqrt(e / (y.length - start)) };
}

function rms(y: Float32Array, start: number): number {
  let e = 0;
  for (let n = start; n < y.length; n++) e += y[n] * y[n];
  return Math.sqrt(e / (y.length - start));
}

/** Seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** Output samples to skip: the filter is fully primed after ~2× its group delay. */
const settle = (r: Resampler) => Math.ceil(2 * r.delay) + 8;

/** Gain (dB) of a full-scale sine at f, measured by a sine fit at the output rate. */
function passGain(inRate: number, outRate: number, f: number, seconds = 0.5) {
  const r = new Resampler(inRate, outRate);
  const y = run(r, sine(Math.round(inRate * seconds), f, inRate), 128);
  const fit = fitSine(y, f, outRate, settle(r));
  return { r, y, fit, gain: db(fit.amp) };
}

/** Total output RMS for a full-scale sine at f, relative to the input RMS (dB): everything there is alias. */
function stopLevel(inRate: number, outRate: number, f: number, seconds = 0.5): number {
  const r = new Resampler(inRate, outRate);
  const y = run(r, sine(Math.round(inRate * seconds), f, inRate), 128);
  return db(rms(y, settle(r)) / Math.SQRT1_2);
}

/** Everything but the tone (images / aliases / noise) relative to the input RMS (dB). */
function spurLevel(inRate: number, outRate: number, f: number, seconds = 0.5): number {
  const { r, y } = passGain(inRate, outRate, f, seconds);
  return db(fitSine(y, f, outRate, settle(r)).resid / Math.SQRT1_2);
}

/** Bitwise equality (stricter than toEqual, and fast on long arrays). */
const same = (x: Float32Array, y: Float32Array) =>
  x.length === y.length && Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));

const label = (a: number, b: number) => `resampler ${a}→${b}`.padEnd(24);

describe('Resampler: sample counts and streaming', () => {
  it('produces exactly ceil(inputs·out/in) samples for every rate pair, with random block sizes', () => {
    const rand = rng(1);
    for (const [a, b] of [...PAIRS, ODD, [ODD[1], ODD[0]] as const]) {
      const r = new Resampler(a, b);
      const inputs = 2 * a + 37;
      const y = run(r, new Float32Array(inputs), 0, rand);
      expect(y.length, `${a}→${b}`).toBe(expectedCount(a, b, inputs));
      expect(Math.abs(y.length - (inputs * b) / a)).toBeLessThan(1);
    }
  }, 30_000);

  it('never drifts over a long run (5 min, 128-sample blocks)', () => {
    for (const [a, b] of [[44100, 16000], ODD] as const) {
      const r = new Resampler(a, b);
      const block = new Float32Array(128);
      const out = new Float32Array(r.maxOutput(128));
      let inputs = 0;
      let outputs = 0;
      for (; inputs < a * 300; inputs += 128) outputs += r.process(block, out);
      expect(outputs).toBe(expectedCount(a, b, inputs));
      expect(Math.abs(outputs - (inputs * b) / a)).toBeLessThan(1);
    }
  }, 30_000);

  it('gives identical output block-wise (128, random sizes) and one-shot', () => {
    const rand = rng(7);
    for (const [a, b] of [[48000, 16000], [44100, 16000], [16000, 48000], [22050, 44100], [8000, 44100], ODD] as const) {
      const x = new Float32Array(a);
      for (let i = 0; i < x.length; i++) x[i] = rand() * 2 - 1;
      const whole = run(new Resampler(a, b), x);
      expect(whole.length).toBe(expectedCount(a, b, x.length));
      expect(same(run(new Resampler(a, b), x, 128), whole), `${a}→${b} 128`).toBe(true);
      expect(same(run(new Resampler(a, b), x, 0, rand), whole), `${a}→${b} random`).toBe(true);
      expect(same(run(new Resampler(a, b), x, 1), whole), `${a}→${b} 1`).toBe(true);
    }
  }, 30_000);

  it('reset() restores the initial state', () => {
    const x = sine(5000, 440, 48000);
    const r = new Resampler(48000, 22050);
    const first = Float32Array.from(run(r, x, 128));
    run(r, x.subarray(0, 333), 128);
    r.reset();
    expect(same(run(r, x, 128), first)).toBe(true);
  });

  it('maxOutput is a tight upper bound', () => {
    const r = new Resampler(16000, 44100);
    expect(r.maxOutput(0)).toBe(0);
    expect(r.maxOutput(160)).toBe(441);
    expect(r.maxOutput(1)).toBe(3);
    expect(new Resampler(48000, 16000).maxOutput(128)).toBe(43);
  });

  it('equal rates are a pass-through copy with zero delay', () => {
    const r = new Resampler(16000, 16000);
    const x = sine(300, 1000, 16000);
    const out = new Float32Array(300);
    expect(r.process(x, out)).toBe(300);
    expect(same(out, x)).toBe(true);
    expect(r.delay).toBe(0);
  });

  it('rejects non-integer or non-positive rates', () => {
    expect(() => new Resampler(0, 16000)).toThrow(RangeError);
    expect(() => new Resampler(44100.5, 16000)).toThrow(RangeError);
    expect(() => new Resampler(16000, NaN)).toThrow(RangeError);
  });
});

describe('Resampler: quality', () => {
  for (const [a, b] of [[48000, 16000], [44100, 16000]] as const) {
    it(`${a}→${b}: pass band flat, stop band ≥ 60 dB down`, () => {
      const lines: string[] = [];
      for (const f of [100, 1000, 3000, 5000, 6000, 6500, 7000]) {
        const g = passGain(a, b, f).gain;
        lines.push(`${label(a, b)} ${String(f).padStart(5)} Hz: ${fmt(g)} dB`);
        if (f === 1000) expect(Math.abs(g)).toBeLessThanOrEqual(0.5);
        if (f <= 6500) expect(Math.abs(g)).toBeLessThanOrEqual(0.1);
      }
      for (const f of [8500, 9000, 10000, 12000, 14000, 16000, 18000, 20000]) {
        const s = stopLevel(a, b, f);
        lines.push(`${label(a, b)} ${String(f).padStart(5)} Hz: ${fmt(s)} dB  (alias)`);
        expect(s).toBeLessThanOrEqual(-60);
      }
      console.log(lines.join('\n'));
    });
  }

  it('16000→48000: pass band flat, images ≥ 60 dB down', () => {
    const lines: string[] = [];
    for (const f of [1000, 3000, 5000, 7000]) {
      const g = passGain(16000, 48000, f).gain;
      const img = spurLevel(16000, 48000, f);
      lines.push(`${label(16000, 48000)} ${String(f).padStart(5)} Hz: ${fmt(g)} dB   images: ${fmt(img)} dB`);
      if (f === 1000) expect(Math.abs(g)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(g)).toBeLessThanOrEqual(0.1);
      expect(img).toBeLessThanOrEqual(-60);
    }
    console.log(lines.join('\n'));
  });

  it('every rate pair (and a > 4096-phase pair): 1 kHz gain, delay, worst alias/image', () => {
    const lines = ['pair                       1 kHz gain  delay err (out samples)  worst alias/image'];
    for (const [a, b] of [...PAIRS, ODD, [ODD[1], ODD[0]] as const]) {
      const { r, fit, gain } = passGain(a, b, 1000, 0.25);
      // `delay` check: the fitted output must match sin(2πf(n − delay)/out).
      // a·cos + b·sin = A·sin(wn + φ) with φ = atan2(a, b); expected φ = −w·delay.
      const w = (2 * Math.PI * 1000) / b;
      const dphi = Math.atan2(fit.a, fit.b) + w * r.delay;
      const lag = Math.atan2(Math.sin(dphi), Math.cos(dphi)) / w; // wrapped, in output samples
      // Downsampling: tones across the stop band alias; upsampling: pass-band tones leave images.
      let worst = -Infinity;
      if (a > b) {
        for (const k of [0.532, 0.6, 0.75, 1, 1.5, 2, 3, 4, 6]) {
          const f = k * b;
          if (f < 0.49 * a) worst = Math.max(worst, stopLevel(a, b, f, 0.25));
        }
      } else {
        for (const k of [0.05, 0.2, 0.35, 0.43]) worst = Math.max(worst, spurLevel(a, b, k * a, 0.25));
      }
      lines.push(`${label(a, b)}   ${fmt(gain)} dB  ${lag.toFixed(4).padStart(8)}                ${fmt(worst)} dB`);
      expect(Math.abs(gain), `${a}→${b}`).toBeLessThanOrEqual(0.5);
      expect(Math.abs(lag), `${a}→${b}`).toBeLessThan(0.01);
      expect(worst, `${a}→${b}`).toBeLessThanOrEqual(-60);
    }
    console.log(lines.join('\n'));
  }, 30_000);
});

describe('Resampler: throughput', () => {
  it('10 s of 48 kHz → 16 kHz in 128-sample blocks', () => {
    const x = sine(480000, 1000, 48000);
    const out = new Float32Array(64);
    const go = () => {
      const r = new Resampler(48000, 16000);
      const t0 = performance.now();
      for (let i = 0; i < x.length; i += 128) r.process(x.subarray(i, i + 128), out);
      return performance.now() - t0;
    };
    go(); // warm-up (JIT)
    const ms = go();
    console.log(`resampler 48000→16000: 10 s of audio in ${ms.toFixed(1)} ms (${(10000 / ms).toFixed(0)}× real time)`);
    expect(ms).toBeLessThan(10000);
  });
});
