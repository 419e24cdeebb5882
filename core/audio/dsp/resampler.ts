// Streaming rational polyphase resampler for AudioWorklets: no DOM, no imports,
// no allocation after construction.

/** Stop-band attenuation the filter is designed for, in dB. */
const ATTEN = 75;
/** Cap on stored phases: beyond this, phase is quantised (timing error ≤ 1/4096 input sample). */
const MAX_PHASES = 4096;

/** Zeroth-order modified Bessel function of the first kind (Kaiser window). */
function i0(x: number): number {
  let s = 1;
  let t = 1;
  for (let k = 1; t > 1e-12 * s; k++) s += t *= (x / (2 * k)) ** 2;
  return s;
}

/**
 * Converts a mono Float32 stream from `inRate` to `outRate` (integer Hz).
 * Output sample n is taken at input time n·inRate/outRate exactly (integer
 * phase arithmetic), so long runs never drift; filter history carries across
 * `process` calls, so block size does not change the output.
 */
export class Resampler {
  /** Group delay of the filter, in output samples (0 for equal rates). */
  readonly delay: number;
  /** Up factor L: phase modulus, kept exact even when phases are quantised. */
  readonly #L: number;
  /** Down factor M. */
  readonly #M: number;
  /** Stored phases: L, or MAX_PHASES when L is larger. */
  readonly #P: number;
  /** Taps per phase; 0 means pass-through. */
  readonly #K: number;
  /** P phases × K taps, each phase time-reversed so it dots with the ring window oldest-first. */
  readonly #h: Float32Array;
  /**
   * Ring of the last K inputs, written twice (at w and w+K) so the K most
   * recent samples are always contiguous at b[w..w+K) — no wrap test in the
   * inner loop and any block size works.
   */
  readonly #b: Float32Array;
  #w = 0;
  /** Next output's position past the current input, in units of 1/L input sample. */
  #t = 0;

  constructor(inRate: number, outRate: number) {
    if (!(inRate > 0 && outRate > 0 && inRate % 1 === 0 && outRate % 1 === 0)) {
      throw new RangeError('Resampler: bad rate');
    }
    let a = inRate;
    for (let b = outRate, r; b; ) (r = a % b), (a = b), (b = r);
    const L = (this.#L = outRate / a);
    this.#M = inRate / a;
    const P = (this.#P = Math.min(L, MAX_PHASES));
    let K = 0;
    let N = 0;
    if (inRate !== outRate) {
      // Kaiser design (Oppenheim & Schafer formulas) at the prototype rate P·inRate.
      const fmin = Math.min(inRate, outRate);
      const fs = P * inRate;
      const dw = (2 * Math.PI * 0.094 * fmin) / fs;
      K = Math.ceil(((ATTEN - 7.95) / (2.285 * dw) + 1) / P);
      N = K * P;
    }
    this.#K = K;
    const h = (this.#h = new Float32Array(N));
    this.#b = new Float32Array(2 * K);
    this.delay = N ? ((N - 1) / (2 * P)) * (outRate / inRate) : 0;
    if (!N) return;

    const f = (2 * 0.484 * Math.min(inRate, outRate)) / (P * inRate); // cutoff ×2, cycles/sample
    const beta = 0.1102 * (ATTEN - 8.7);
    const c = (N - 1) / 2;
    const proto = new Float64Array(N);
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const x = n - c;
      const r = x / c;
      const s = x ? Math.sin(Math.PI * f * x) / (Math.PI * x) : f;
      sum += proto[n] = s * i0(beta * Math.sqrt(Math.max(0, 1 - r * r)));
    }
    // Gain P (not 1): zero-stuffing by P divides the level by P.
    // Phase p tap k = proto[p + kP] applies to input q-k; store reversed.
    for (let p = 0; p < P; p++) {
      for (let k = 0; k < K; k++) h[p * K + K - 1 - k] = (proto[p + k * P] * P) / sum;
    }
  }

  /**
   * Resamples all of `input` into `output` (from index 0) and returns the
   * number of samples written. `output.length` must be ≥ `maxOutput(input.length)`.
   */
  process(input: Float32Array, output: Float32Array): number {
    const L = this.#L;
    const M = this.#M;
    const P = this.#P;
    const K = this.#K;
    const h = this.#h;
    const b = this.#b;
    if (!K) {
      output.set(input);
      return input.length;
    }
    let w = this.#w;
    let t = this.#t;
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      b[w] = b[w + K] = input[i];
      if (++w === K) w = 0;
      // Emit every output whose time falls in [i, i+1).
      for (; t < L; t += M) {
        const o = (P < L ? Math.floor((t * P) / L) : t) * K;
        let acc = 0;
        for (let j = 0; j < K; j++) acc += h[o + j] * b[w + j];
        output[n++] = acc;
      }
      t -= L;
    }
    this.#w = w;
    this.#t = t;
    return n;
  }

  /** Upper bound on the samples `process` writes for `inputLength` inputs, in any state. */
  maxOutput(inputLength: number): number {
    return Math.floor((inputLength * this.#L + this.#M - 1) / this.#M);
  }

  /** Clears history and phase, as if newly constructed. */
  reset(): void {
    this.#b.fill(0);
    this.#w = this.#t = 0;
  }
}
