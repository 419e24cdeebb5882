/**
 * The echo guard: keeps the agent's own voice, played on speakers and picked up again by the
 * microphone, from reaching the server as if the user spoke (its voice detection would then make
 * the agent interrupt itself). Browsers' echo cancellers miss Web Audio playback on some
 * platforms, so this does not rely on them.
 *
 * Both worklets run in one AudioWorkletGlobalScope per AudioContext, so the playback processor
 * leaves the loudness of each 128-frame block it rendered in {@link played}, and the capture
 * processor reads it there: no messages, no copies. The capture side correlates its own block
 * loudness with what was played at every delay up to ~340 ms (48 kHz), which finds the echo
 * path's delay, and takes how loud the echo comes back from the regression slope at that delay:
 * the user's speech is not correlated with what was played, so talking over the agent does not
 * raise it. A block passes when it is clearly louder than the echo could be (the user speaking
 * over the agent), or when the agent has been silent all along the echo path.
 */

/** Delays tried, in 128-frame blocks (a power of two: indexes wrap with a mask). */
const LAGS = 128;
/** Weight of history in the running statistics: a time constant of ~200 blocks (0.5 s at 48 kHz). */
const KEEP = 0.995;
/** Correlation above which a delay is taken as the echo path's, and its slope learnt. */
const SURE = 0.7;
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
  /** The echo path's delay in blocks (-1: not found yet) and its loudness over the played loudness. */
  let lag = -1;
  /** Cautious until the path is found: an echo as loud as what was played. */
  let slope = 1;
  let open = 0;
  let loud = 0;
  // Loudness over the last few blocks, heard and expected: an echo path that is not a whole number
  // of blocks long spreads a played block over two heard ones, and one block alone misleads.
  let sx = 0;
  let sy = 0;
  return (block, at) => {
    const x = rms(block);
    mx = KEEP * mx + (1 - KEEP) * x;
    sxx = KEEP * sxx + (1 - KEEP) * x * x;
    let sure = SURE;
    let loudest = 0;
    for (let d = 0; d < LAGS; d++) {
      const y = played[(at - d) & (LAGS - 1)];
      loudest = Math.max(loudest, y);
      my[d] = KEEP * my[d] + (1 - KEEP) * y;
      syy[d] = KEEP * syy[d] + (1 - KEEP) * y * y;
      sxy[d] = KEEP * sxy[d] + (1 - KEEP) * x * y;
      const vy = syy[d] - my[d] * my[d];
      const rho = (sxy[d] - mx * my[d]) / Math.sqrt((sxx - mx * mx) * vy + 1e-12);
      if (rho > sure) (sure = rho), (lag = d), (slope = (sxy[d] - mx * my[d]) / vy);
    }
    // The oldest slot is the playback's next: cleared, so a playback that ended leaves no echo behind.
    played[(at + 1) & (LAGS - 1)] = 0;
    // What the echo can be now: the played blocks around the path's delay (or any, before it is known).
    const y = lag < 0 ? loudest : Math.max(played[(at - lag) & (LAGS - 1)], played[(at - lag - 1) & (LAGS - 1)]);
    sx += 0.3 * (x - sx);
    sy += 0.3 * (y - sy);
    if (loudest < QUIET) return (open = 0), 1;
    if (sx > MARGIN * slope * sy + QUIET ? ++loud >= ONSET : (loud = 0)) open = HOLD;
    else if (open) open--;
    return open ? 1 : 0;
  };
}
