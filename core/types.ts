import type { InspectionEvent, Observer } from 'xstate';
import type { ServerMessage, SessionOverrides } from './protocol';

/** Connection status, as on the reference page. */
export type Status = 'disconnected' | 'connecting' | 'connected';

/** Who holds the floor: `speaking` while agent audio is actually playing, else `listening`. */
export type Mode = 'listening' | 'speaking';

/** Who said a transcript line. */
export type Role = 'agent' | 'user';

/** Why a session ended: `stop()` was called, the agent ended it (close 1000), or something failed. */
export type EndedBy = 'user' | 'agent' | 'error';

/**
 * A function the agent may call in the page. It receives the call's parameters and returns (or
 * resolves to) the result: a string is sent as is, anything else JSON-encoded. A throw or a
 * rejection is reported to the agent as an error with its message.
 */
export type ClientTool = (parameters: Record<string, unknown>) => unknown;

/** A client tool call, as the `toolCall` event reports it. */
export interface ToolCall {
  /** The tool's name (a key of `clientTools`). */
  readonly name: string;
  /** The server's id for this call. */
  readonly id: string;
  /** What the agent passed. */
  readonly parameters: Record<string, unknown>;
}

/** How a client tool call ended, as the `toolResult` event reports it (and the agent was told). */
export interface ToolResult extends ToolCall {
  /** The result sent to the agent (JSON text for non-string results, or the error message). */
  readonly result: string;
  /** True when the tool threw, rejected, does not exist, or did not settle in time. */
  readonly isError: boolean;
}

/** How a session connects: with the project key, or with a URL your server signed. */
export type PerfVoiceCredentials =
  | {
      /** Your project API key (`pk_live_...`). Sent only in the connection URL; never logged or echoed in errors. */
      apiKey: string;
      /** Voice agent ID from the dashboard. */
      agentId: string;
      signedUrl?: undefined;
    }
  | {
      /**
       * A connection URL minted by your server (a short-lived signature instead of the API key), or
       * a function that fetches one: called once per `start()`, so the page never holds a
       * long-lived key. Used as is, instead of `wsUrl` + `apiKey` + `agentId`.
       */
      signedUrl: string | (() => Promise<string>);
      apiKey?: undefined;
      agentId?: string;
    };

/** Options of `new PerfVoice(options)`: the credentials, and the settings below. */
export type PerfVoiceOptions = PerfVoiceCredentials & PerfVoiceSettings;

/** Everything but the credentials; all optional. */
export interface PerfVoiceSettings {
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
   * An audio output `deviceId` from `getOutputDevices()` to play the agent through, where
   * `canSelectOutput` is true (Chromium); elsewhere, and when it cannot be used (it is gone),
   * the system default plays and an `error` event with code `output_unavailable` says so.
   */
  outputDeviceId?: string;
  /**
   * Where the page serves a copy of `perfvoice/worklets/processors.js` (the package's
   * `dist/worklets/processors.js`), e.g. `'/assets/perfvoice-processors.js'`. Needed only under a
   * Content-Security-Policy that allows neither `blob:` nor `data:` scripts (`script-src 'self'`):
   * the worklet is loaded from this URL first, then from the bundled copy as a Blob URL, then as a
   * `data:` URL. The file must be the same version as the SDK.
   */
  workletUrl?: string;
  /**
   * Where the WebSocket and the real-time audio flows (microphone chunks out, agent audio in,
   * pings, interruptions) run. By default in a dedicated Worker, so a busy page never delays
   * them, and on the page's main thread where no Worker can be started (a Content-Security-Policy
   * without `worker-src blob:`). `'worker'` insists (no fallback: `start()` fails with
   * `worker_unavailable`); `'main'` never starts a Worker. `getStats().audioThread` says which runs.
   */
  audioThread?: AudioThread;
  /**
   * Where the page serves a copy of `perfvoice/worklets/relay.js` (the package's
   * `dist/worklets/relay.js`): tried before the built-in copy as a Blob URL, for a
   * Content-Security-Policy whose `worker-src` allows `'self'` but not `blob:`. Same version as the SDK.
   */
  workerUrl?: string;
  /** Per-conversation agent settings (prompt, first message, language, voice), sent first on connect. */
  overrides?: SessionOverrides;
  /** Values for the agent's `{{placeholders}}`, sent first on connect. */
  dynamicVariables?: Record<string, string | number | boolean>;
  /** Your identifier of the user, sent first on connect. */
  userId?: string;
  /**
   * Functions the agent may call in the page, by name. Every call is answered (an unknown name,
   * a throw, a rejection or a timeout as an error); results arriving after the session ended are dropped.
   */
  clientTools?: Record<string, ClientTool>;
  /** How long a client tool may take before the agent is told it failed. Default 30 000 ms. */
  clientToolTimeoutMs?: number;
  /**
   * How long the server may send nothing, once it has sent its first ping, before the session
   * ends with a `connection_lost` error (close code 1006): a connection that died without a close
   * (Wi-Fi gone, a laptop asleep, a half-open TCP) shows only as silence. Checked once a second.
   * Default 10 000 ms: several ping periods of a server that pings every few seconds, so a slow
   * network does not end a healthy session, yet the user hears of it while still waiting for an
   * answer. 0 for no limit. The browser's `offline` event ends the session at once, whatever this is.
   */
  inactivityTimeoutMs?: number;
  /**
   * Opt-in: after a lost connection (a drop, a 1006, a close other than 1000 or 1008, silence past
   * `inactivityTimeoutMs`, the browser going offline) the session keeps its microphone and audio
   * and opens a new connection, up to `attempts` times (default 5), waiting `backoffMs` (default
   * 500) before the first, doubling before each next one (at most 30 s), each wait shortened by a
   * random part of up to half (so that many clients do not return at once). The protocol cannot
   * resume a conversation: each success is a new one (a new `conversationId`, `connected` fires
   * again, the agent starts afresh), while the transcript is kept, its last turn before the loss
   * marked `connectionLost`. Meanwhile `status` is `connecting` and `state.reconnecting` counts the
   * attempts; when they are used up the session ends with `connection_lost` as without this option.
   * `true` takes the defaults; `stop()`, a 1000 or a 1008 close never reconnects.
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * Holds back the agent's own voice when the microphone hears it again from the speakers (which
   * the browser's echo canceller does not always remove): while the agent plays, microphone audio
   * that is only that echo is sent as silence, so the agent does not interrupt itself; the user
   * speaking over it is louder than any echo, and passes. Default false (the microphone as the
   * browser's echo canceller leaves it): turn it on for users on speakers; with no echo at all
   * (headphones) it can now and then learn an echo path from the user's own voice and hold back
   * their barge-in.
   */
  echoGuard?: boolean;
  /**
   * Turns the state's `transcript` keeps; older ones are dropped, oldest first. Default 1000: with
   * `maxTurnChars`, at most 10 M characters (20 MB in the worst case of UTF-16 text), however long
   * the session or whatever the server sends. The `transcript` event still reports every turn.
   * Any number from 1; `Infinity` keeps every turn.
   */
  maxTranscriptTurns?: number;
  /**
   * Characters a transcript turn (and the `tentative` text) keeps: a longer one keeps its first
   * `maxTurnChars - 1` characters and ends in '…' (the start is what a reader follows; the
   * `transcript` events still carry every word). Default 10 000, some ten minutes of speech. Any
   * number from 1; `Infinity` keeps every character.
   */
  maxTurnChars?: number;
  /**
   * An XState inspector, handed to `createActor`: receives every snapshot, event and actor of the
   * session machine (e.g. `createBrowserInspector().inspect` from `@statelyai/inspect`).
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** How `reconnect` retries (see the option). */
export interface ReconnectOptions {
  /** New connections tried after a loss before the session ends. Default 5. */
  attempts?: number;
  /** The wait before the first attempt, in ms, doubled before each next one. Default 500. */
  backoffMs?: number;
}

/** Where the socket and the real-time audio flows run: a dedicated Worker, or the page's main thread. */
export type AudioThread = 'worker' | 'main';

/** Live figures of the session's audio, from `voice.getStats()` (cheap: read them as often as you like). */
export interface PerfVoiceStats {
  /** Where this session's socket and real-time audio run; null before its socket starts. */
  readonly audioThread: AudioThread | null;
  /** Times agent audio ran dry in the middle of a response (late frames); the buffer then grows. */
  readonly underruns: number;
  /** The silence those underruns caused in all, in ms (measured on the audio thread). */
  readonly underrunMs: number;
  /** The longest such silence, in ms. */
  readonly longestUnderrunMs: number;
  /** How much agent audio the jitter buffer now gathers before it starts playing, in ms. */
  readonly bufferTargetMs: number;
  /** Microphone chunks sent this session, and their size on the wire in bytes (updated once a second). */
  readonly sentChunks: number;
  readonly sentBytes: number;
}

/** One turn of the conversation. */
export interface TranscriptTurn {
  /** Who spoke. */
  readonly role: Role;
  /**
   * What was said (agent turns are corrected to what was heard after an interruption), at most
   * `maxTurnChars` characters: a longer turn is cut, and ends in '…'.
   */
  readonly text: string;
  /** True on an agent turn cut short by the user: `text` is then only what was heard. */
  readonly interrupted?: boolean;
  /** True on the last turn before a lost connection that `reconnect` replaced with a new conversation. */
  readonly connectionLost?: boolean;
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
  /**
   * The error that ended (or prevented) the current or last session, or null. Errors that do not
   * end a session (a malformed frame, a server warning) go to the `error` event only.
   */
  readonly error: Error | null;
  /** Why the last session ended, or null while one runs (or before the first). */
  readonly endedBy: EndedBy | null;
  /** The user's words so far in the current turn (the server's tentative transcript, at most `maxTurnChars`), or ''. */
  readonly tentative: string;
  /** Whether `sendFeedback()` may be called now: an agent response arrived and has no feedback yet. */
  readonly canSendFeedback: boolean;
  /**
   * True while the browser keeps the session's audio from running (autoplay policy, `start()`
   * outside a user gesture, no output device): nothing is heard or captured until a click calls
   * `resumeAudio()`. The session stays connected meanwhile.
   */
  readonly audioBlocked: boolean;
  /** Whether the microphone is muted (silence is still streamed, as servers expect). */
  readonly isMuted: boolean;
  /**
   * While the `reconnect` option replaces a lost connection: the attempt under way (1, 2…), with
   * `status` `connecting`; 0 otherwise.
   */
  readonly reconnecting: number;
  /** The conversation so far, oldest first: its latest `maxTranscriptTurns` turns. */
  readonly transcript: readonly TranscriptTurn[];
}

/** Event names and listener signatures of `voice.on(event, callback)`. */
export interface PerfVoiceEventMap {
  /** A transcript is available for either the agent or the user. */
  transcript: (role: Role, text: string) => void;
  /** The session is established and the agent is ready. */
  connected: (conversationId: string) => void;
  /**
   * The session ended: the WebSocket closed (by `stop()`, the server, or a failure). `endedBy` says
   * who ended it (the reference page's two arguments come first).
   */
  disconnected: (code: number, reason: string, endedBy: EndedBy) => void;
  /** The connection status changed. */
  status: (status: Status) => void;
  /** An error occurred (microphone denied, WebSocket failure, server error, malformed message...). */
  error: (err: Error) => void;
  /** The user interrupted the agent; agent playback has already been stopped. */
  interruption: () => void;
  /** A server message the SDK does not act on (unknown or informational types). */
  message: (msg: ServerMessage) => void;
  /** The user's words so far (replaced by the final `transcript`). */
  tentativeTranscript: (text: string) => void;
  /**
   * An agent turn was cut short: the user heard only `corrected` of `original`. Replace the text
   * shown for that turn (the state's transcript is already corrected, and marked `interrupted`).
   */
  correction: (original: string, corrected: string) => void;
  /** The agent called a client tool (answered automatically; see `toolResult`). */
  toolCall: (call: ToolCall) => void;
  /** A client tool call ended and the agent was answered. */
  toolResult: (result: ToolResult) => void;
}

/** The name of a `PerfVoice` event. */
export type PerfVoiceEvent = keyof PerfVoiceEventMap;
