/**
 * Playback processor (runs on the audio thread): a FIFO of agent audio in the agent's format,
 * decoded here and resampled to the context rate as it plays. Gapless across chunks, a short
 * fade on flush (no click, and no agent talking on after an interruption), bounded in length.
 * It reports when sound starts and when the queue has drained: the session's `agentSpeaking`
 * state follows these reports, not guesses from the server's messages.
 */
import { Resampler } from '../dsp/resampler';
import { decodeBase64, pcm16LEToInt16, pcm16ToFloat, ulawToPcm16 } from '../dsp/pcm';

/** `processorOptions` of the playback node. */
export interface PlaybackOptions {
  /** Agent audio sample rate. */
  rate: number;
  /** μ-law bytes (ulaw_8000) rather than PCM16 LE. */
  ulaw: boolean;
  /** Bound of the queue in seconds of agent audio. */
  maxSeconds: number;
}

/** Relay → playback processor (on the port the page hands over). */
export type PlaybackCommand = { type: 'audio'; audio: string } | { type: 'flush'; generation: number };

/** Playback processor → main thread. `generation` tells reports from before a flush apart. */
export type PlaybackReport =
  | { type: 'started' | 'drained' | 'overflow'; generation: number }
  | { type: 'stats'; generation: number; underruns: number; underrunMs: number; longestUnderrunMs: number; targetMs: number };

/** Fade-out on flush: long enough to avoid a click, short enough to sound instant. */
const FADE_SECONDS = 0.004;
/** Agent-rate samples handed to the resampler at a time. */
const STEP = 64;

export class PlaybackProcessor extends AudioWorkletProcessor {
  readonly #ulaw: boolean;
  readonly #limit: number;
  readonly #resampler: Resampler;
  readonly #step = new Float32Array(STEP);
  readonly #staged: Float32Array;
  readonly #faded = new Float32Array(Math.ceil(sampleRate * FADE_SECONDS));
  #chunks: Int16Array[] = [];
  #head = 0;
  #queued = 0;
  #stagedAt = 0;
  #stagedEnd = 0;
  #fadedAt = 0;
  #fadedEnd = 0;
  #generation = 0;
  #playing = false;
  #overflowing = false;

  constructor({ processorOptions }: { processorOptions: PlaybackOptions }) {
    super();
    const { rate, ulaw, maxSeconds } = processorOptions;
    this.#ulaw = ulaw;
    this.#limit = maxSeconds * rate;
    this.#resampler = new Resampler(rate, sampleRate);
    this.#staged = new Float32Array(this.#resampler.maxOutput(STEP));
    // The page sends one thing: the port on which the relay sends audio and flushes.
    this.port.onmessage = ({ data: port }: MessageEvent<MessagePort>) => {
      port.onmessage = ({ data }: MessageEvent<PlaybackCommand>) => {
        if (data.type === 'audio') this.#enqueue(data.audio);
        else this.#flush(data.generation);
      };
    };
  }

  #report(report: PlaybackReport): void {
    this.port.postMessage(report);
  }

  #enqueue(audio: string): void {
    const bytes = decodeBase64(audio);
    if (!bytes || !bytes.length) return;
    const samples = this.#ulaw ? Int16Array.from(bytes, ulawToPcm16) : pcm16LEToInt16(bytes);
    this.#chunks.push(samples);
    this.#queued += samples.length;
    let dropped = false;
    while (this.#queued > this.#limit) {
      const chunk = this.#chunks[0];
      const drop = Math.min(chunk.length - this.#head, this.#queued - this.#limit);
      this.#head += drop;
      this.#queued -= drop;
      dropped = true;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    // One report per overflow episode: a flood must not turn into a flood of error events.
    if (dropped && !this.#overflowing) {
      this.#overflowing = true;
      this.#report({ type: 'overflow', generation: this.#generation });
    }
  }

  /** Resamples the next step of queued audio into `staged`; false when the queue is empty. */
  #refill(): boolean {
    if (!this.#queued) return false;
    const chunk = this.#chunks[0];
    const count = Math.min(STEP, chunk.length - this.#head);
    for (let i = 0; i < count; i++) this.#step[i] = pcm16ToFloat(chunk[this.#head + i]);
    this.#head += count;
    this.#queued -= count;
    if (this.#head === chunk.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
    this.#stagedAt = 0;
    this.#stagedEnd = this.#resampler.process(this.#step.subarray(0, count), this.#staged);
    return true;
  }

  /** Copies up to `length` samples of upcoming audio into `out`; returns how many. */
  #render(out: Float32Array, length: number): number {
    let written = 0;
    while (written < length) {
      if (this.#stagedAt === this.#stagedEnd && !this.#refill()) break;
      const count = Math.min(length - written, this.#stagedEnd - this.#stagedAt);
      out.set(this.#staged.subarray(this.#stagedAt, this.#stagedAt + count), written);
      this.#stagedAt += count;
      written += count;
    }
    return written;
  }

  #flush(generation: number): void {
    this.#generation = generation;
    // The next few ms of audio, faded to zero, replace everything queued.
    const faded = this.#faded;
    const length = this.#playing ? this.#render(faded, faded.length) : 0;
    for (let i = 0; i < length; i++) faded[i] *= 1 - (i + 1) / faded.length;
    this.#fadedAt = 0;
    this.#fadedEnd = length;
    this.#chunks = [];
    this.#head = this.#queued = this.#stagedAt = this.#stagedEnd = 0;
    this.#playing = this.#overflowing = false;
    this.#resampler.reset();
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0][0];
    // The fade tail of a flushed response plays first but does not count as the agent speaking.
    const fading = Math.min(out.length, this.#fadedEnd - this.#fadedAt);
    out.set(this.#faded.subarray(this.#fadedAt, this.#fadedAt + fading));
    this.#fadedAt += fading;
    const fresh = this.#render(out.subarray(fading), out.length - fading);
    if (fresh && !this.#playing) {
      this.#playing = true;
      this.#report({ type: 'started', generation: this.#generation });
    } else if (!fresh && this.#playing) {
      this.#playing = this.#overflowing = false;
      this.#report({ type: 'drained', generation: this.#generation });
    }
    return true;
  }
}
