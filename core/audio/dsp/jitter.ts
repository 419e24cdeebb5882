// Adaptive jitter buffer policy for agent audio, pure (no audio, no clock of its own) so it can be
// driven by the playback processor and by tests alike. Times are ms on the audio clock.

/** Start target, and the floor it shrinks back to: a steady stream starts (almost) at once. */
const MIN_MS = 20;
/** A buffer beyond this is latency no conversation survives; better to let gaps be heard. */
const MAX_MS = 1000;
/**
 * Audio after a dry-out within this is a late continuation (an underrun); later, a new turn or a
 * pause of the server's own. Network stalls worth riding out are shorter; growing the buffer for a
 * pause would add its length to every later start, so a pause teaches nothing.
 */
const HOLD_MS = 500;
/** Slack on top of growth, two 40 ms frames' worth: a little more lateness is not yet another gap. */
const MARGIN_MS = 80;
/** Shrink per ms of gapless playback (2 % per second): a delay spike is forgotten in a minute or so. */
const SHRINK = 2e-5;

/** Jitter-buffer statistics, measured on the audio thread with the audio clock. */
export interface JitterStats {
  /** Times the queue ran dry while playing and audio came again within the hold window. */
  underruns: number;
  /** Total silence of those underruns, from dry-out to sound again, in ms. */
  underrunMs: number;
  /** The longest of them, in ms. */
  longestUnderrunMs: number;
  /** Agent audio (ms) a turn, or a resume after an underrun, waits for before sound starts. */
  targetMs: number;
}

/**
 * When to start sound, and what the target is. The caller reports each arrival, asks `ready` while
 * audio waits, and reports when sound starts, when the queue ran dry, and flushes. Shrinking the
 * target never shortens the buffer of audio already playing (that would need time-stretching):
 * it sets how long the next start waits.
 */
export class Jitter {
  /** Current figures; `changed` tells when they are worth reporting. */
  readonly stats: JitterStats = { underruns: 0, underrunMs: 0, longestUnderrunMs: 0, targetMs: MIN_MS };
  /** Sound is playing (started and not dry or flushed since). */
  playing = false;
  /** Audio arrived at `now`. */
  declare readonly arrive: (now: number) => void;
  /** Whether waiting audio should start: enough is queued, or its first sample waited long enough (a short last chunk). */
  declare readonly ready: (queuedMs: number, now: number) => boolean;
  /** Sound started at `now`. */
  declare readonly start: (now: number) => void;
  /** `ms` more of sound played without a gap. */
  declare readonly play: (ms: number) => void;
  /** The queue ran dry at `now` while playing. */
  declare readonly dry: (now: number) => void;
  /** Everything queued was dropped: what comes next is a new turn. The target learned stays. */
  declare readonly flush: () => void;
  /** True once per change worth reporting: an underrun counted, or the target moved by 1 ms or more. */
  declare readonly changed: () => boolean;

  // Methods are closures over the constructor's locals, not private fields: smaller minified
  // (this code ships inside the worklet source).
  constructor() {
    const stats = this.stats;
    /** When the queue ran dry while playing; -Infinity when what comes next cannot be an underrun. */
    let dried = -Infinity;
    /** When the first sample now waiting to play arrived; -1 when none waits. */
    let wait = -1;
    /** Underruns and target as last reported. */
    let sent = [0, MIN_MS];
    this.arrive = (now) => {
      if (this.playing || wait >= 0) return;
      wait = now;
      const late = now - dried;
      // The buffer fell `late` ms short. Lateness seen so far is rarely the worst to come (a new
      // record is seldom the last), so grow by twice it: one or two underruns learn most jitter.
      if (late <= HOLD_MS) stats.targetMs = Math.min(MAX_MS, stats.targetMs + 2 * late + MARGIN_MS);
      else dried = -Infinity;
    };
    this.ready = (queuedMs, now) => queuedMs >= stats.targetMs || now - wait >= stats.targetMs;
    this.start = (now) => {
      const silence = now - dried;
      this.playing = true;
      wait = -1;
      if (silence < Infinity) {
        stats.underruns++;
        stats.underrunMs += silence;
        stats.longestUnderrunMs = Math.max(stats.longestUnderrunMs, silence);
      }
      dried = -Infinity;
    };
    this.play = (ms) => {
      stats.targetMs = Math.max(MIN_MS, stats.targetMs * (1 - SHRINK * ms));
    };
    this.dry = (now) => {
      this.playing = false;
      dried = now;
    };
    this.flush = () => {
      this.dry(-Infinity);
      wait = -1;
    };
    this.changed = () => {
      const { underruns, targetMs } = stats;
      if (underruns === sent[0] && Math.abs(targetMs - sent[1]) < 1) return false;
      sent = [underruns, targetMs];
      return true;
    };
  }
}
