/**
 * One agent utterance streamed like a TTS server does: chunks are sent a little ahead of the
 * client's playout (not all at once), so an interruption can still stop the rest of it.
 */
import { alignText } from './alignment.js';
import { durationMs, encodeAudio, floatToInt16, resample, sampleRateOf, type AudioFormat } from './audio-format.js';
import type { AgentClock } from './clock.js';
import type { PlayoutClock, PlayoutSpan } from './playout.js';
import type { AudioAlignment } from './protocol.js';

/** Life of an {@link AgentSpeech}. */
export type SpeechState = 'queued' | 'sending' | 'playing' | 'finished' | 'interrupted' | 'closed';

/** How an {@link AgentSpeech} ended. */
export type SpeechOutcome = 'finished' | 'interrupted' | 'closed';

/** One encoded chunk, ready to be sent as an `audio` message. */
export interface SpeechChunk {
  /** Base64 audio in the session's output format. */
  base64: string;
  /** Playback duration of the chunk. */
  durationMs: number;
  /** Timing of the characters spoken in the chunk, sent with it when present. */
  alignment?: AudioAlignment;
}

/**
 * Splits audio into chunks ready to send: resampled from `sampleRate` (default: the format's
 * rate) to `format`, `chunkMs` long (`Infinity`: one chunk), each with the alignment of
 * `alignedText` when one is given.
 */
export function encodeSpeechChunks(
  samples: Int16Array | Float32Array,
  format: AudioFormat,
  options: { sampleRate?: number; chunkMs: number; alignedText?: string },
): SpeechChunk[] {
  const outRate = sampleRateOf(format);
  const pcm = samples instanceof Float32Array ? floatToInt16(samples) : samples;
  const audio = resample(pcm, options.sampleRate ?? outRate, outRate);
  const ms = options.chunkMs;
  const size = Number.isFinite(ms) ? Math.max(1, Math.round((outRate * ms) / 1000)) : Math.max(1, audio.length);
  const chunks: SpeechChunk[] = [];
  for (let offset = 0; offset < audio.length; offset += size) {
    const part = audio.subarray(offset, offset + size);
    chunks.push({ base64: encodeAudio(part, format).toString('base64'), durationMs: durationMs(part.length, outRate) });
  }
  if (options.alignedText !== undefined) {
    const alignments = alignText(options.alignedText, chunks.map((chunk) => chunk.durationMs));
    chunks.forEach((chunk, index) => (chunk.alignment = alignments[index]));
  }
  return chunks;
}

/** What a speech needs from its session. */
export interface SpeechTransport {
  clock: AgentClock;
  playout: PlayoutClock;
  /** Sends one chunk with a fresh event id; `null` when the socket is no longer open. */
  sendChunk(chunk: SpeechChunk): (PlayoutSpan & { eventId: number }) | null;
  /** Called once, right before the first chunk is sent (the session sends the text then). */
  onStart(speech: AgentSpeech): void;
  /** Called once when no more chunks will be sent (all sent, or stopped): the next speech may start. */
  onSendingDone(speech: AgentSpeech): void;
}

/** A paced, interruptible agent utterance (see `AgentSession.speak`). */
export class AgentSpeech {
  /** Event ids of the chunks sent so far, increasing. */
  readonly eventIds: number[] = [];
  /** Resolves when the utterance has played out, was interrupted, or the session closed. */
  readonly done: Promise<SpeechOutcome>;
  /** Total duration of the utterance. */
  readonly durationMs: number;
  /** Clock time at which the client starts playing it (`null` until the first chunk is sent). */
  startsPlayingAt: number | null = null;
  /** Clock time at which the client finishes playing what was sent (`null` until then). */
  endsPlayingAt: number | null = null;
  private currentState: SpeechState = 'queued';
  private next = 0;
  private timer: unknown;
  private resolveDone!: (outcome: SpeechOutcome) => void;

  /**
   * @param text the transcript sent as `agent_response` when the speech starts, if any.
   * @param chunks the encoded audio.
   * @param bufferAheadMs how far ahead of the client's playout chunks are sent.
   */
  constructor(
    readonly text: string | undefined,
    private readonly chunks: readonly SpeechChunk[],
    private readonly bufferAheadMs: number,
    private readonly transport: SpeechTransport,
  ) {
    this.durationMs = chunks.reduce((sum, chunk) => sum + chunk.durationMs, 0);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Where the speech is in its life. */
  get state(): SpeechState {
    return this.currentState;
  }

  /** Whether it is queued, sending or still playing. */
  get active(): boolean {
    return this.currentState === 'queued' || this.currentState === 'sending' || this.currentState === 'playing';
  }

  /** Milliseconds of it the client has played by now (assuming it plays as scheduled). */
  get playedMs(): number {
    if (this.startsPlayingAt === null) return 0;
    return Math.min(this.durationMs, Math.max(0, this.transport.clock.now() - this.startsPlayingAt));
  }

  /** Starts sending (called by the session once earlier speeches have been sent). */
  start(): void {
    if (this.currentState !== 'queued') return;
    this.currentState = 'sending';
    this.transport.onStart(this);
    this.pump();
  }

  /** Stops sending and settles {@link AgentSpeech.done} with `outcome`; no-op once settled. */
  stop(outcome: Exclude<SpeechOutcome, 'finished'> = 'interrupted'): void {
    if (this.active) this.settle(outcome);
  }

  private pump(): void {
    this.timer = undefined;
    if (this.currentState !== 'sending') return;
    const { playout, clock } = this.transport;
    // A lead of at least 1 ms, so that a lead of 0 still sends a chunk when the queue runs dry.
    const lead = Math.max(1, this.bufferAheadMs);
    while (this.next < this.chunks.length) {
      if (playout.remainingMs >= lead) {
        this.timer = clock.setTimeout(() => this.pump(), playout.remainingMs - lead + 1);
        return;
      }
      const sent = this.transport.sendChunk(this.chunks[this.next++]);
      if (!sent) return this.settle('closed');
      this.eventIds.push(sent.eventId);
      this.startsPlayingAt ??= sent.startsAt;
      this.endsPlayingAt = sent.endsAt;
    }
    this.currentState = 'playing';
    this.transport.onSendingDone(this);
    const left = this.endsPlayingAt === null ? 0 : this.endsPlayingAt - clock.now();
    this.timer = clock.setTimeout(() => this.settle('finished'), Math.max(0, left));
  }

  private settle(outcome: SpeechOutcome): void {
    if (this.timer !== undefined) this.transport.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const wasSending = this.currentState === 'queued' || this.currentState === 'sending';
    this.currentState = outcome;
    if (wasSending) this.transport.onSendingDone(this);
    this.resolveDone(outcome);
  }
}

/** The start of `text` a listener heard after `fraction` of it was played, cut at a word. */
export function truncateText(text: string, fraction: number): string {
  const cut = Math.floor(text.length * Math.max(0, Math.min(1, fraction)));
  if (cut >= text.length) return text;
  const lastSpace = text.lastIndexOf(' ', cut);
  return lastSpace > 0 ? text.slice(0, lastSpace) : '';
}
