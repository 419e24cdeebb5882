/** Types of the session: what the client sent, how it ended, and the options of sending. */
import type { AgentClientMessage, ClientMessageKind } from './protocol.js';

/** One frame the client sent, as received. */
export interface ReceivedMessage {
  /** Clock time of arrival (`performance.now()` scale). */
  at: number;
  /** The frame: text as a string, binary as a Buffer. */
  data: string | Buffer;
  /** Whether it was a binary frame. */
  isBinary: boolean;
  /** The message kind when the frame was a valid client message. */
  kind?: ClientMessageKind;
  /** The parsed message when the frame was valid. */
  message?: AgentClientMessage;
}

/** One decoded `user_audio_chunk`. */
export interface ReceivedAudioChunk {
  /** Samples at the input format's rate. */
  samples: Int16Array;
  /** Clock time of arrival. */
  at: number;
  /** Length of the base64 text it came in. */
  base64Length: number;
}

/** One pong from the client. */
export interface ReceivedPong {
  /** Its `event_id`. */
  eventId: number;
  /** Clock time of arrival. */
  at: number;
  /** Time since the matching ping was sent; `null` when no ping had that id. */
  delayMs: number | null;
}

/** One frame the agent sent. */
export interface SentMessage {
  /** Clock time of sending. */
  at: number;
  /** The frame: JSON text, or what `sendRaw` was given. */
  data: string | Buffer;
}

/** How a session ended. */
export interface CloseInfo {
  /** Close code: 1005 when the close frame had none, 1006 when there was no close frame. */
  code: number;
  /** Close reason (may be empty). */
  reason: string;
  /** Whether the agent started the close (`close()`, `terminate()`, a protocol violation). */
  byAgent: boolean;
}

/** Options of {@link AgentSession.sendAudio}. */
export interface SendAudioOptions {
  /** Rate of the given samples; they are resampled to the output format. Default: the output rate. */
  sampleRate?: number;
  /** Duration per `audio` message; `Infinity` for one message. Default: the agent's `chunkMs`. */
  chunkMs?: number;
  /**
   * Event id carried by every chunk of this call (servers differ: some give a whole response
   * one id). Default: a fresh, increasing id per chunk. Later automatic ids stay above it.
   */
  eventId?: number;
}

/** Options of {@link AgentSession.speak}. */
export interface SpeakOptions {
  /** Transcript sent as `agent_response` when the speech starts. */
  text?: string;
  /** Rate of the given samples. Default: the output rate (or the rate of a `PcmAudio`). */
  sampleRate?: number;
  /** Duration per `audio` message. Default: the agent's `chunkMs`. */
  chunkMs?: number;
  /** How far ahead of the client's playout to send. Default: the agent's `bufferAheadMs`. */
  bufferAheadMs?: number;
  /**
   * Send the timing of `text`'s characters with the audio (`alignment`, spread uniformly over
   * the speech). Default: the agent's `alignment` option.
   */
  alignment?: boolean;
}

/**
 * The part of a `ws` server-side WebSocket a session uses (structural, so the published types
 * do not depend on `ws`'s).
 */
export interface AgentSocket {
  send(data: string | Buffer, options: { binary: boolean }): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** Stops reading from the connection (ws's `pause()`): what the client sends stays in TCP buffers. */
  pause(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
