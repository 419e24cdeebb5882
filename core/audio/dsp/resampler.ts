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
  declare readonly delay: number;
  /**
   * Resamples all of `input` into `output` (from index 0) and returns the
   * number of samples written. `output.length` must be ≥ `maxOutput(input.length)`.
   */
  declare readonly process: (input: Float32Array, output: Float32Array) => number;
  /** Upper bound on the samples `process` writes for `inputLength` inputs, in any state. */
  declare readonly maxOutput: (inputLength: number) => number;
  /** Clears history and phase, as if newly constructed. */
  declare readonly reset: () => void;

  // Methods are closures over the constructor's locals, not private fields: smaller minified
  // (this code ships inside the worklet source).
  constructor(inRate: number, outRate: number) {
    if (!(inRate > 0 && outRate > 0 && inRate % 1 === 0 && outRate % 1 === 0)) {
      throw new RangeError('Resampler: bad rate');
    }
    let a = inRate;
    for (let b = outRate, r; b; ) (r = a % b), (a = b), (b = r);
    /** Up factor L: phase modulus, kept exact even when phases are quantised. */
    const L = outRate / a;
    /** Down factor M. */
    const M = inRate / a;
    /** Stored phases: L, or MAX_PHASES when L is larger. */
    const P = Math.min(L, MAX_PHASES);
    const fmin = Math.min(inRate, outRate);
    /** Taps per phase; 0 means pass-through. */
    let K = 0;
    if (inRate !== outRate) {
      // Kaiser design (Oppenheim & Schafer formulas) at the prototype rate P·inRate.
      const dw = (2 * Math.PI * 0.094 * fmin) / (P * inRate);
      K = Math.ceil(((ATTEN - 7.95) / (2.285 * dw) + 1) / P);
    }
    const N = K * P;
    /** P phases × K taps, each phase time-reversed so it dots with the ring window oldest-first. */
    const h = new Float32Array(N);
    /**
     * Ring of the last K inputs, written twice (at w and w+K) so the K most
     * recent samples are always contiguous at b[w..w+K) — no wrap test in the
     * inner loop and any block size works.
     */
    const b = new Float32Array(2 * K);
    let w = 0;
    /** Next output's position past the current input, in units of 1/L input sample. */
    let t = 0;
    this.delay = N ? ((N - 1) / (2 * P)) * (outRate / inRate) : 0;
    this.maxOutput = (inputLength) => Math.floor((inputLength * L + M - 1) / M);
    this.reset = () => {
      b.fill(0);
      w = t = 0;
    };
    this.process = (input, output) => {
      if (!K) {
        output.set(input);
        return input.length;
      }
      // Everything the loops touch in locals: closure variables there cost up to half the speed.
      const [taps, ring, k, l, m, p] = [h, b, K, L, M, P];
      let at = w;
      let time = t;
      let n = 0;
      for (let i = 0; i < input.length; i++) {
        ring[at] = ring[at + k] = input[i];
        if (++at === k) at = 0;
        // Emit every output whose time falls in [i, i+1).
        for (; time < l; time += m) {
          const o = (p < l ? Math.floor((time * p) / l) : time) * k;
          let acc = 0;
          for (let j = 0; j < k; j++) acc += taps[o + j] * ring[at + j];
          output[n++] = acc;
        }
        time -= l;
      }
      w = at;
      t = time;
      return n;
    };
    if (!N) return;

    const f = (2 * 0.484 * fmin) / (P * inRate); // cutoff ×2, cycles/sample
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
}
