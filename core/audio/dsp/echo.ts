/**
 * The echo guard: keeps the agent's own voice, played on speakers and picked up again by the
 * microphone, from reaching the server as if the user spoke (its voice detection would then make
 * the agent interrupt itself). Browsers' echo cancellers miss Web Audio playback on some
 * platforms, so this does not rely on them.
 *
 * Both worklets run in one AudioWorkletGlobalScope per AudioContext, so the playback processor
 * leaves the loudness of each 128-frame block it rendered in {@link played}, and the capture
 * processor reads it there: no messages, no copies. The capture side correlates its own block
 * loudness with what was played at every delay up to ~680 ms (48 kHz: a Bluetooth speaker alone
 * can take 300, and WebKit's loop from playback to capture ~380), which finds the echo path's
 * delay, and takes how loud the echo comes back from the regression slope at that delay, learnt
 * while only the echo is heard. A block passes when it is clearly louder than the echo could be
 * (the user speaking over the agent), or when the agent has been silent all along the echo path.
 */

/** Delays tried, in 128-frame blocks (a power of two: indexes wrap with a mask). */
const LAGS = 256;
/** Weight of history in the running statistics: a time constant of ~200 blocks (0.5 s at 48 kHz). */
const KEEP = 0.995;
/** Correlation above which a delay is taken as the echo path's, and its slope learnt. */
const SURE = 0.8;
/** How much a path's echo level is kept each block of echo alone that finds another (a time constant of ~9 s of it). */
const FORGET = 0.9997;
/** How much louder than the expected echo (amplitude) a block must be to count as the user. */
const MARGIN = 2.5;
/** Quieter than this (RMS) is nothing: the agent silent, or a microphone's own noise. */
const QUIET = 1e-3;
/** Blocks in a row that must be that loud: an echo's brief excess (a smeared onset) is not a word. */
const ONSET = 3;
/** Blocks the guard stays open after the user was heard: the quiet parts of their words pass too. */
const HOLD = 64;

/** Loudness (RMS) of the playback's blocks, by block number modulo LAGS. */
export const played = new Float32Array(LAGS);

/** RMS of a block. */
export const rms = (block: Float32Array): number => {
  let sum = 0;
  for (let i = 0; i < block.length; i++) sum += block[i] * block[i];
  return Math.sqrt(sum / block.length);
};

/**
 * A guard for one capture stream: given a block of microphone audio and the block's number
 * (`currentFrame / 128`), returns the gain the block should be sent with, 0 (echo) or 1.
 */
export function echoGuard(): (block: Float32Array, at: number) => number {
  // Running means and moments of the mic loudness (x), and per delay of the played loudness (y).
  let mx = 0;
  let sxx = 0;
  const my = new Float32Array(LAGS);
  const syy = new Float32Array(LAGS);
  const sxy = new Float32Array(LAGS);
  /**
   * Per delay, how loud the echo came back (over what was played) when that delay was last the echo
   * path's: kept while the user talks over the echo (which hides the correlation), and until some
   * seconds of echo find the path elsewhere, since an engine's path can move (WebKit's between ~250
   * and ~370 ms from turn to turn).
   */
  const paths = new Float32Array(LAGS);
  /** No path found yet: cautious, an echo as loud as the loudest block played. */
  let found = false;
  let open = 0;
  let loud = 0;
  // Loudness over the last few blocks, heard and expected: an echo path that is not a whole number
  // of blocks long spreads a played block over two heard ones, and one block alone misleads.
  let sx = 0;
  let se = 0;
  return (block, at) => {
    const x = rms(block);
    mx = KEEP * mx + (1 - KEEP) * x;
    sxx = KEEP * sxx + (1 - KEEP) * x * x;
    let loudest = 0;
    let echo = 0;
    let sure = SURE;
    let best = -1;
    let slope = 0;
    for (let d = 0; d < LAGS; d++) {
      const y = played[(at - d) & (LAGS - 1)];
      loudest = Math.max(loudest, y);
      my[d] = KEEP * my[d] + (1 - KEEP) * y;
      syy[d] = KEEP * syy[d] + (1 - KEEP) * y * y;
      sxy[d] = KEEP * sxy[d] + (1 - KEEP) * x * y;
      const vy = syy[d] - my[d] * my[d];
      const cov = sxy[d] - mx * my[d];
      const rho = cov / Math.sqrt((sxx - mx * mx) * vy + 1e-12);
      // The regression slope there: the user's voice, not correlated with what was played, leaves it be.
      if (rho > sure) (sure = rho), (best = d), (slope = cov / vy);
    }
    // Learnt while only the echo is heard (nothing louder than the echo expected): over a short
    // window, the user's speech can happen to correlate with what was played.
    const learn = best >= 0 && !open && !loud && sx <= se;
    found ||= learn;
    for (let d = 0; d < LAGS; d++) {
      // The best delay's slope; the others forgotten slowly, as evidence comes that they are gone.
      if (learn) paths[d] = d === best ? slope : paths[d] * FORGET;
      if (paths[d] < 1e-3) continue;
      // What the echo can be now: along each path, the loudest played block around its delay (the
      // delay is not a whole number of blocks, drifts, and rooms reverberate). Past the ends of the
      // ring this reads a block too old or too new: an echo overestimated, never missed.
      let y = 0;
      for (let k = d - 2; k <= d + 4; k++) y = Math.max(y, played[(at - k) & (LAGS - 1)]);
      echo = Math.max(echo, paths[d] * y);
    }
    // The oldest slot is the playback's next: cleared, so a playback that ended leaves no echo behind.
    played[(at + 1) & (LAGS - 1)] = 0;
    sx += 0.3 * (x - sx);
    se += 0.3 * ((found ? echo : loudest) - se);
    if (loudest < QUIET) return (open = loud = 0), 1;
    if (sx > MARGIN * se + QUIET ? ++loud >= ONSET : (loud = 0)) open = HOLD;
    else if (open) open--;
    return open ? 1 : 0;
  };
}
