/**
 * Energy-based voice activity detection with hangover. It counts samples, not wall-clock time,
 * so it gives the same turns whether the client streams in real time or faster.
 */
import { concatSamples } from './audio-format.js';

/** Tuning of {@link EnergyVad}. All durations in milliseconds. */
export interface VadOptions {
  /** Analysis frame length. Default 20. */
  frameMs?: number;
  /** Frames louder than this (RMS, dBFS) can be speech. Default -45. */
  thresholdDb?: number;
  /**
   * Frames must also be this much louder than the noise floor (the quietest frame of the last
   * `noiseWindowMs`), so a steady noisy microphone does not read as endless speech. Default 10.
   */
  noiseMarginDb?: number;
  /** Window of the noise-floor estimate. Default 5000. */
  noiseWindowMs?: number;
  /** Loud frames in a row needed to start a turn: shorter clicks are ignored. Default 100. */
  minSpeechMs?: number;
  /** Quiet time that ends a turn (pauses between words are shorter). Default 700. */
  hangoverMs?: number;
  /** A turn longer than this is ended anyway. Default 30000. */
  maxSpeechMs?: number;
}

/** A user turn found by the VAD. */
export interface SpeechSegment {
  /** Index of the first sample of the turn in the whole input stream. */
  startSample: number;
  /** Index one past the last loud sample of the turn (trailing silence excluded). */
  endSample: number;
  /** `(endSample - startSample) / sampleRate * 1000`. */
  durationMs: number;
  /** The turn's audio, `endSample - startSample` samples. */
  samples: Int16Array;
}

/** What {@link EnergyVad.push} found in the pushed audio. */
export type VadEvent =
  | { type: 'speech-start'; startSample: number }
  | { type: 'speech-end'; segment: SpeechSegment };

const DEFAULTS: Required<VadOptions> = {
  frameMs: 20,
  thresholdDb: -45,
  noiseMarginDb: 10,
  noiseWindowMs: 5000,
  minSpeechMs: 100,
  hangoverMs: 700,
  maxSpeechMs: 30000,
};

/** Quieter than any real frame; digital silence is clamped to it. */
const SILENCE_DB = -100;

/** Frame-level energy VAD over a stream of int16 samples at a fixed rate. */
export class EnergyVad {
  private readonly frameSize: number;
  private readonly minSpeechFrames: number;
  private readonly hangoverFrames: number;
  private readonly maxSpeechSamples: number;
  private readonly options: Required<VadOptions>;
  /** Recent frame levels; starts as silence so the floor only rises after a full window of noise. */
  private readonly levels: Float64Array;
  private levelIndex = 0;
  private pending = new Int16Array(0);
  private position = 0; // samples consumed into frames so far
  private loudRun = 0;
  private quietRun = 0;
  private speaking = false;
  private turnStart = 0;
  private lastLoudEnd = 0;
  private turnFrames: Int16Array[] = [];

  /**
   * @param sampleRate rate of the pushed samples, Hz.
   * @param options tuning, see {@link VadOptions}.
   */
  constructor(
    readonly sampleRate: number,
    options: VadOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    const frames = (ms: number) => Math.max(1, Math.round(ms / this.options.frameMs));
    this.frameSize = Math.max(1, Math.round((sampleRate * this.options.frameMs) / 1000));
    this.minSpeechFrames = frames(this.options.minSpeechMs);
    this.hangoverFrames = frames(this.options.hangoverMs);
    this.maxSpeechSamples = Math.round((sampleRate * this.options.maxSpeechMs) / 1000);
    this.levels = new Float64Array(frames(this.options.noiseWindowMs)).fill(SILENCE_DB);
  }

  /** Whether a turn is in progress (started and not yet ended). */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** The level (dBFS) above which a frame can be speech. */
  get thresholdDb(): number {
    return this.options.thresholdDb;
  }

  /**
   * Milliseconds from the start of the turn in progress to the end of its last loud frame
   * (0 outside a turn): the speech heard so far, trailing quiet excluded.
   */
  get turnSpeechMs(): number {
    return this.speaking ? ((this.lastLoudEnd - this.turnStart) / this.sampleRate) * 1000 : 0;
  }

  /** Feeds audio; returns the turn starts and ends completed by it, in order. */
  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    const data = this.pending.length ? concatSamples([this.pending, samples]) : samples;
    let offset = 0;
    for (; offset + this.frameSize <= data.length; offset += this.frameSize) {
      this.frame(data.subarray(offset, offset + this.frameSize), events);
    }
    this.pending = data.slice(offset);
    return events;
  }

  /** Ends a turn in progress now (e.g. when the stream stops); returns its end event if any. */
  flush(): VadEvent[] {
    const events: VadEvent[] = [];
    if (this.speaking) this.endTurn(events);
    return events;
  }

  private frame(frame: Int16Array, events: VadEvent[]): void {
    const level = levelDb(frame);
    const loud = level > Math.max(this.options.thresholdDb, this.noiseFloor() + this.options.noiseMarginDb);
    this.levels[this.levelIndex] = level;
    this.levelIndex = (this.levelIndex + 1) % this.levels.length;
    const frameStart = this.position;
    this.position += frame.length;

    if (this.speaking) {
      this.turnFrames.push(frame.slice());
      if (loud) {
        this.quietRun = 0;
        this.lastLoudEnd = this.position;
      } else if (++this.quietRun >= this.hangoverFrames) {
        this.endTurn(events);
      }
      if (this.speaking && this.position - this.turnStart >= this.maxSpeechSamples) this.endTurn(events);
      return;
    }

    if (!loud) {
      this.loudRun = 0;
      this.turnFrames = [];
      return;
    }
    if (this.loudRun++ === 0) this.turnStart = frameStart;
    this.turnFrames.push(frame.slice());
    if (this.loudRun >= this.minSpeechFrames) {
      this.speaking = true;
      this.quietRun = 0;
      this.lastLoudEnd = this.position;
      events.push({ type: 'speech-start', startSample: this.turnStart });
    }
  }

  private endTurn(events: VadEvent[]): void {
    const length = this.lastLoudEnd - this.turnStart;
    const samples = concatSamples(this.turnFrames).slice(0, length);
    events.push({
      type: 'speech-end',
      segment: {
        startSample: this.turnStart,
        endSample: this.lastLoudEnd,
        durationMs: (length / this.sampleRate) * 1000,
        samples,
      },
    });
    this.speaking = false;
    this.loudRun = 0;
    this.quietRun = 0;
    this.turnFrames = [];
  }

  private noiseFloor(): number {
    let floor = 0;
    for (const level of this.levels) floor = Math.min(floor, level);
    return floor;
  }
}

/** RMS level of a frame in dBFS, clamped at {@link SILENCE_DB}. */
export function levelDb(frame: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
  const rms = Math.sqrt(sum / Math.max(1, frame.length)) / 32768;
  return rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
}
