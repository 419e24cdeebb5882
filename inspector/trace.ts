/**
 * The session trace: what the inspector exports for a bug report, and what `replayTrace` feeds
 * back through the machine. Plain JSON, versioned, with the API key redacted. See
 * docs/trace-format.md for the documented format.
 */
import { jsonSafe, type Redact } from './redact';
import type { InspectorMetrics } from './metrics';

/** The `format` field of every trace. */
export const TRACE_FORMAT = 'perfvoice-trace';
/** The version of the trace format this module writes and reads. */
export const TRACE_VERSION = 1;

/** A machine event or command as stored in a trace: JSON-safe and redacted. */
export interface TraceEvent {
  /** The event type, e.g. `START`, `server.ping`, `playback.started`. */
  type: string;
  [field: string]: unknown;
}

/**
 * Who sent an event to the session machine: `app` (the PerfVoice class: START, STOP, SET_MUTED,
 * SET_VOLUME), `machine` (its own delayed events, e.g. the connect timeout), or the id of the
 * child actor that sent it (`socket`, `microphone`, `playback`).
 */
export type TraceSource = 'app' | 'machine' | 'socket' | 'microphone' | 'playback' | (string & {});

/** One event the session machine processed, and the state it left the machine in. */
export interface TraceEventEntry {
  /** Milliseconds since the recording began. */
  t: number;
  kind: 'event';
  source: TraceSource;
  /**
   * The event. `server.*` events are wire messages as parsed by the SDK (`server.audio` keeps
   * `eventId` and `byteLength`, never the audio itself); the parsed message's `raw` copy is kept
   * only for `server.unknown` and `server.error`.
   */
  event: TraceEvent;
  /** The machine's state after the event, as a dotted path (see {@link stateKey}). */
  state: string;
}

/** A text frame the client sent through the socket actor (e.g. a pong), parsed. */
export interface TraceSendEntry {
  t: number;
  kind: 'send';
  message: unknown;
}

/**
 * Microphone audio sent since the previous `uplink` entry. Chunks bypass the machine (they go
 * straight from the capture worklet to the socket), so they are counted, never recorded.
 */
export interface TraceUplinkEntry {
  t: number;
  kind: 'uplink';
  /** `user_audio_chunk` frames sent. */
  chunks: number;
  /** Bytes of PCM16 audio in them (before base64). */
  bytes: number;
  /** Bytes of the text frames on the wire. */
  wireBytes: number;
  /** When the last of these chunks was counted. */
  until: number;
}

/** A command the machine sent to one of its actors (other than playing audio). */
export interface TraceCommandEntry {
  t: number;
  kind: 'command';
  /** The actor: `socket`, `microphone` or `playback`. */
  target: string;
  command: TraceEvent;
}

/** An error the session reported through its `error` event. */
export interface TraceErrorEntry {
  t: number;
  kind: 'error';
  error: { name: string; message: string; code?: string };
}

/** One line of a trace. */
export type TraceEntry = TraceEventEntry | TraceSendEntry | TraceUplinkEntry | TraceCommandEntry | TraceErrorEntry;

/** The session options a trace keeps: everything but the API key. */
export interface TraceOptions {
  agentId: string;
  /** The endpoint, redacted (the key is added to the URL only when connecting). */
  wsUrl: string;
  chunkSize: number;
  connectTimeoutMs: number;
}

/** A recorded session, as exported by the inspector (version 1). */
export interface SessionTrace {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  /** The machine's id (`perfvoice`). */
  machine: string;
  /** Wall-clock time (ISO 8601) of t = 0. */
  recordedAt: string;
  /** The browser's user agent, when there is one. */
  userAgent: string | null;
  options: TraceOptions;
  /** The machine's state when the recording began: `disconnected` unless mounted mid-session. */
  initialState: string;
  /** Everything recorded, oldest first. */
  entries: TraceEntry[];
  /** Entries left out because the trace reached its size limit (the newest are kept out). */
  dropped: number;
  /** The state at export time. */
  final: { t: number; state: string; status: string; conversationId: string | null };
  /** The live metrics at export time. */
  metrics: InspectorMetrics;
}

type StateValue = string | { [key: string]: StateValue };

/**
 * A machine state value as one string: the dotted path of each active leaf, e.g.
 * `session.connection.online.connected.listening, session.audio.running` (one path per parallel region).
 */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .flatMap(([key, child]) => {
      const rest = stateKey(child);
      return rest ? rest.split(', ').map((leaf) => `${key}.${leaf}`) : [key];
    })
    .join(', ');
}

/** Fields of parsed server messages that repeat the wire message in full. */
const KEEP_RAW = new Set(['server.unknown', 'server.error']);

/**
 * A machine event as a trace keeps it: redacted, JSON-safe, and small. Agent audio keeps its
 * `eventId` and `byteLength` only; `raw` message copies are dropped where the parsed fields say
 * it all.
 */
export function traceEvent(event: { type: string; [field: string]: unknown }, redact: Redact): TraceEvent {
  if (event.type === 'server.audio') {
    return { type: event.type, eventId: event.eventId, byteLength: event.byteLength };
  }
  const out: TraceEvent = { type: event.type };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || (key === 'raw' && !KEEP_RAW.has(event.type))) continue;
    const safe = jsonSafe(value, redact);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

/**
 * Reads a trace from JSON text or a parsed object, checking its format and version.
 * @throws TypeError when it is not a perfvoice trace this version can read.
 */
export function parseTrace(input: string | unknown): SessionTrace {
  const trace = (typeof input === 'string' ? JSON.parse(input) : input) as Partial<SessionTrace> | null;
  if (!trace || trace.format !== TRACE_FORMAT) throw new TypeError('Not a perfvoice trace (format is not "perfvoice-trace").');
  if (trace.version !== TRACE_VERSION) throw new TypeError(`Unsupported perfvoice trace version ${String(trace.version)} (this reads ${TRACE_VERSION}).`);
  if (!Array.isArray(trace.entries)) throw new TypeError('A perfvoice trace needs an entries array.');
  return trace as SessionTrace;
}
