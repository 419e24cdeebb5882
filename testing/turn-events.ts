/**
 * What a real service streams while the user speaks: `tentative_user_transcript` (partial text,
 * replaced by the final `user_transcript`) and `vad_score` (voice activity, 0..1). No speech
 * recognition runs offline, so the tentative text describes the speech heard so far, like the
 * final transcript does: `(0.6 s of speech…)`.
 *
 * Rates are limited by the audio's own time (samples), not the wall clock, like the VAD: a client
 * streaming in real time sees at most one tentative per 250 ms and one score per 100 ms, and a
 * test streaming faster than real time gets the same messages.
 */
import type { AgentSession } from './session.js';
import { levelDb, type EnergyVad, type VadEvent } from './vad.js';

/** Which messages {@link TurnEvents} sends, and how often. */
export interface TurnEventOptions {
  /** Send `tentative_user_transcript` during a turn. */
  tentative: boolean;
  /** Send `vad_score` during a turn and for `tailMs` after it. */
  vadScores: boolean;
  /** Least audio between two tentative transcripts. Default 250. */
  tentativeEveryMs?: number;
  /** Least audio between two scores. Default 100. */
  vadScoreEveryMs?: number;
  /** Scores go on this long after a turn ended, so the client sees them fall. Default 300. */
  tailMs?: number;
}

/** Levels this far below the VAD threshold score 0; as far above, 1. */
const SCORE_SPAN_DB = 10;

/** Sends the in-turn messages of one session, fed with the same audio as its VAD. */
export class TurnEvents {
  private position = 0;
  private lastTentativeAt = Number.NEGATIVE_INFINITY;
  private lastScoreAt = Number.NEGATIVE_INFINITY;
  private lastTentativeText = '';
  private tailUntil = Number.NEGATIVE_INFINITY;
  private turnEventId = 0;
  private readonly rate: number;

  /**
   * @param session where to send.
   * @param vad the VAD the audio is pushed to (read for its state, not fed here); its threshold
   *   is the middle of the score range.
   * @param options which messages to send.
   */
  constructor(
    private readonly session: AgentSession,
    private readonly vad: EnergyVad,
    private readonly options: TurnEventOptions,
  ) {
    this.rate = vad.sampleRate;
  }

  /** Call after pushing `chunk` to the VAD, with the events the push returned. */
  update(chunk: Int16Array, events: readonly VadEvent[]): void {
    this.position += chunk.length;
    for (const event of events) {
      if (event.type === 'speech-start') {
        // One id per turn, taken after any interruption the turn caused, so it is above it.
        this.turnEventId = this.session.nextEventId();
        this.lastTentativeText = '';
        this.lastTentativeAt = Number.NEGATIVE_INFINITY;
      } else {
        this.tailUntil = this.position + this.samples(this.options.tailMs ?? 300);
      }
    }
    const inTurn = this.vad.inSpeech;
    if (this.options.vadScores && (inTurn || this.position <= this.tailUntil)) this.sendScore(chunk);
    if (this.options.tentative && inTurn) this.sendTentative();
  }

  private sendScore(chunk: Int16Array): void {
    if (this.position - this.lastScoreAt < this.samples(this.options.vadScoreEveryMs ?? 100)) return;
    this.lastScoreAt = this.position;
    const above = levelDb(chunk) - (this.vad.thresholdDb - SCORE_SPAN_DB);
    const score = Math.min(1, Math.max(0, above / (2 * SCORE_SPAN_DB)));
    this.session.sendVadScore(Math.round(score * 100) / 100);
  }

  private sendTentative(): void {
    if (this.position - this.lastTentativeAt < this.samples(this.options.tentativeEveryMs ?? 250)) return;
    // During the pause that may end the turn the speech heard does not grow: nothing new to say.
    const text = `(${(this.vad.turnSpeechMs / 1000).toFixed(1)} s of speech…)`;
    if (text === this.lastTentativeText) return;
    this.lastTentativeAt = this.position;
    this.lastTentativeText = text;
    this.session.sendTentativeUserTranscript(text, this.turnEventId);
  }

  private samples(ms: number): number {
    return (ms / 1000) * this.rate;
  }
}
