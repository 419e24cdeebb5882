import type { InspectionEvent, Observer } from 'xstate';
import type { ServerMessage } from './protocol';

/** Connection status, as on the reference page. */
export type Status = 'disconnected' | 'connecting' | 'connected';

/** Who holds the floor: `speaking` while agent audio is actually playing, else `listening`. */
export type Mode = 'listening' | 'speaking';

/** Who said a transcript line. */
export type Role = 'agent' | 'user';

/** Options of `new PerfVoice(options)`. */
export interface PerfVoiceOptions {
  /** Your project API key (`pk_live_...`). Sent only in the connection URL; never logged or echoed in errors. */
  apiKey: string;
  /** Voice agent ID from the dashboard. */
  agentId: string;
  /** WebSocket endpoint URL (`ws:` or `wss:`). Default `wss://api.withperf.pro/v1/voice/conversation`. */
  wsUrl?: string;
  /**
   * Samples of 16 kHz audio per upstream chunk: 2048 (128 ms, Perf's recommendation) by default,
   * any whole number from 128 up. Smaller chunks lower latency at the cost of more messages.
   */
  chunkSize?: number;
  /** How long `start()` waits for the agent to be ready once the socket is opening. Default 15 000 ms. */
  connectTimeoutMs?: number;
  /** A microphone `deviceId` from `navigator.mediaDevices.enumerateDevices()`. Default: the system default. */
  inputDeviceId?: string;
  /**
   * Where the page serves a copy of `perfvoice/worklets/processors.js` (the package's
   * `dist/worklets/processors.js`), e.g. `'/assets/perfvoice-processors.js'`. Needed only under a
   * Content-Security-Policy that allows neither `blob:` nor `data:` scripts (`script-src 'self'`):
   * the worklet is loaded from this URL first, then from the bundled copy as a Blob URL, then as a
   * `data:` URL. The file must be the same version as the SDK.
   */
  workletUrl?: string;
  /**
   * An XState inspector, handed to `createActor`: receives every snapshot, event and actor of the
   * session machine (e.g. `createBrowserInspector().inspect` from `@statelyai/inspect`).
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** One turn of the conversation. */
export interface TranscriptTurn {
  /** Who spoke. */
  readonly role: Role;
  /** What was said (agent turns may be corrected after an interruption). */
  readonly text: string;
  /** When the turn started, in `Date.now()` milliseconds. */
  readonly at: number;
}

/**
 * The observable state of a session: an immutable object, replaced (never mutated) when anything
 * in it changes. Delivered by `subscribe()` and `getSnapshot()`.
 */
export interface PerfVoiceState {
  /** Connection status. */
  readonly status: Status;
  /** `speaking` while agent audio plays, else `listening`. */
  readonly mode: Mode;
  /** True from an interruption until the agent speaks again or the user's turn is transcribed. */
  readonly isInterrupted: boolean;
  /** Current session ID, null until connected. */
  readonly conversationId: string | null;
  /** The last error of the current (or last) session, or null. */
  readonly error: Error | null;
  /**
   * True while the browser keeps the session's audio from running (autoplay policy, `start()`
   * outside a user gesture, no output device): nothing is heard or captured until a click calls
   * `resumeAudio()`. The session stays connected meanwhile.
   */
  readonly audioBlocked: boolean;
  /** Whether the microphone is muted (silence is still streamed, as servers expect). */
  readonly isMuted: boolean;
  /** The conversation so far, oldest first. */
  readonly transcript: readonly TranscriptTurn[];
}

/** Event names and listener signatures of `voice.on(event, callback)`. */
export interface PerfVoiceEventMap {
  /** A transcript is available for either the agent or the user. */
  transcript: (role: Role, text: string) => void;
  /** The session is established and the agent is ready. */
  connected: (conversationId: string) => void;
  /** The session ended: the WebSocket closed (by `stop()`, the server, or a failure). */
  disconnected: (code: number, reason: string) => void;
  /** The connection status changed. */
  status: (status: Status) => void;
  /** An error occurred (microphone denied, WebSocket failure, server error, malformed message...). */
  error: (err: Error) => void;
  /** The user interrupted the agent; agent playback has already been stopped. */
  interruption: () => void;
  /** A server message the SDK does not act on (unknown or informational types). */
  message: (msg: ServerMessage) => void;
}

/** The name of a `PerfVoice` event. */
export type PerfVoiceEvent = keyof PerfVoiceEventMap;
