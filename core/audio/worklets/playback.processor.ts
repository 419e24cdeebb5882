/**
 * Playback processor (runs on the audio thread): a FIFO of agent audio in the agent's format,
 * decoded here and resampled to the context rate as it plays. Gapless across chunks, a short
 * fade on flush (no click, and no agent talking on after an interruption), bounded in length.
 * An adaptive jitter buffer (dsp/jitter.ts) holds back the start until enough audio is queued
 * to ride out the network's lateness seen so far; a dry-out fades out and a resume fades in.
 * It reports when sound starts and when the queue has drained: the session's `agentSpeaking`
 * state follows these reports, not guesses from the server's messages. Jitter statistics are
 * reported as they change.
 */
import { Resampler } from '../dsp/resampler';
import { decodeBase64, pcm16LEToInt16, pcm16ToFloat, ulawToPcm16 } from '../dsp/pcm';
import { Jitter, type JitterStats } from '../dsp/jitter';

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

/** Jitter-buffer statistics, sent when an underrun is counted or the target moves by 1 ms or more. */
export type PlaybackStats = { type: 'stats'; generation: number } & JitterStats;

/** Playback processor → main thread. `generation` tells reports from before a flush apart. */
export type PlaybackReport = { type: 'started' | 'drained' | 'overflow'; generation: number } | PlaybackStats;

/** Fade on flush, dry-out and resume: long enough to avoid a click, short enough to sound instant. */
const FADE_SECONDS = 0.004;
/** Agent-rate samples handed to the resampler at a time. */
const STEP = 64;

export class PlaybackProcessor extends AudioWorkletProcessor {
  readonly #ulaw: boolean;
  readonly #rate: number;
  readonly #limit: number;
  readonly #resampler: Resampler;
  readonly #step = new Float32Array(STEP);
  readonly #staged: Float32Array;
  /** Samples of a fade. */
  readonly #fade = Math.ceil(sampleRate * FADE_SECONDS);
  readonly #jitter = new Jitter();
  /**
   * Output delayed by one fade: the first `fade` samples are rendered but not yet heard, so a
   * dry-out or flush can always fade them out, even when the queue ran dry at a block's edge.
   */
  #line?: Float32Array;
  #chunks: Int16Array[] = [];
  #head = 0;
  #queued = 0;
  #stagedAt = 0;
  #stagedEnd = 0;
  #generation = 0;
  /** Samples of fade-in rendered since sound (re)started. */
  #ramp = 0;
  #overflowing = false;

  constructor({ processorOptions }: { processorOptions: PlaybackOptions }) {
    super();
    const { rate, ulaw, maxSeconds } = processorOptions;
    this.#ulaw = ulaw;
    this.#rate = rate;
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
    this.#jitter.arrive(currentTime * 1e3);
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

  /** Copies upcoming audio into `out`, fading in after a start; returns how many samples. */
  #render(out: Float32Array): number {
    let written = 0;
    while (written < out.length) {
      if (this.#stagedAt === this.#stagedEnd && !this.#refill()) break;
      const count = Math.min(out.length - written, this.#stagedEnd - this.#stagedAt);
      out.set(this.#staged.subarray(this.#stagedAt, this.#stagedAt + count), written);
      this.#stagedAt += count;
      written += count;
    }
    for (let i = 0; i < written && this.#ramp < this.#fade; i++) out[i] *= ++this.#ramp / this.#fade;
    return written;
  }

  #flush(generation: number): void {
    this.#generation = generation;
    // The next few ms of audio (rendered, not yet heard), faded to zero, replace everything queued.
    // Not playing, they are silence or faded already; audio waiting for the jitter buffer is dropped.
    if (this.#jitter.playing) fadeOut(this.#line!.subarray(0, this.#fade));
    this.#chunks = [];
    this.#head = this.#queued = this.#stagedAt = this.#stagedEnd = 0;
    this.#overflowing = false;
    this.#jitter.flush();
    this.#resampler.reset();
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0][0];
    const fade = this.#fade;
    const line = (this.#line ??= new Float32Array(fade + out.length));
    const jitter = this.#jitter;
    const now = currentTime * 1e3;
    const generation = this.#generation;
    line.fill(0, fade);
    if (!jitter.playing && this.#queued && jitter.ready((this.#queued * 1e3) / this.#rate, now)) {
      jitter.start(now);
      this.#ramp = 0;
      this.#report({ type: 'started', generation });
    }
    if (jitter.playing) {
      const written = this.#render(line.subarray(fade));
      jitter.play((out.length * 1e3) / sampleRate);
      if (written < out.length) {
        // Dry: the last samples rendered fade out (the line still holds them), no click.
        fadeOut(line.subarray(written, written + fade));
        jitter.dry(now + (written * 1e3) / sampleRate);
        this.#overflowing = false;
        this.#report({ type: 'drained', generation });
      }
    }
    if (jitter.changed()) this.#report({ type: 'stats', generation, ...jitter.stats });
    out.set(line.subarray(0, out.length));
    line.copyWithin(0, out.length);
    return true;
  }
}

/** Fades `samples` linearly down to zero. */
function fadeOut(samples: Float32Array): void {
  for (let i = 0; i < samples.length; i++) samples[i] *= 1 - (i + 1) / samples.length;
}
