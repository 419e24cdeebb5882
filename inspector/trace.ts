/**
 * The session trace: what the inspector exports for a bug report, and what `replayTrace` feeds
 * back through the machine. Plain JSON, versioned, with the API key redacted. See
 * docs/trace-format.md for the documented format.
 */
import { jsonSafe, MAX_SIZE, type Budget, type Redact } from './redact';
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
  /**
   * The oldest entries dropped to keep the trace within its limits (`maxEntries`, and 4 million
   * characters): a long session's trace holds its latest stretch.
   */
  dropped: number;
  /** The state at export time. */
  final: { t: number; state: string; status: string; conversationId: string | null };
  /** The live metrics at export time. */
  metrics: InspectorMetrics;
}

/**
 * What a trace's entries hold at most, in characters, each value counting 16 more (`MAX_SIZE` is
 * the most one entry's payload holds): some 20 MB at the very worst, whatever the server sends.
 */
export const MAX_TRACE_SIZE = 4_000_000;
/** What an entry costs beyond its payload: its own fields. */
export const ENTRY_COST = 64;

/** A trace's entries as they are recorded: see {@link createTraceLog}. */
export interface TraceLog {
  /** Records an entry that costs `cost` (see {@link MAX_TRACE_SIZE}). */
  add(entry: TraceEntry, cost?: number): void;
  /** The latest entry added, or undefined. */
  readonly last: TraceEntry | undefined;
  /** Entries dropped so far. */
  readonly dropped: number;
  /** The entries kept, oldest first (a new array). */
  entries(): TraceEntry[];
}

/**
 * The entries of a trace, bounded however long the session: at most `maxEntries`, costing at most
 * {@link MAX_TRACE_SIZE}, the oldest dropped first. Dropped entries are let go at once and their
 * slots removed in batches, so adding stays O(1).
 */
export function createTraceLog(maxEntries: number): TraceLog {
  const entries: (TraceEntry | null)[] = [];
  const costs: number[] = [];
  let head = 0;
  let size = 0;
  let dropped = 0;
  return {
    add(entry, cost = ENTRY_COST) {
      entries.push(entry);
      costs.push(cost);
      size += cost;
      while (entries.length - head > maxEntries || size > MAX_TRACE_SIZE) {
        size -= costs[head];
        entries[head++] = null;
        dropped++;
      }
      if (head >= 1024) {
        entries.splice(0, head);
        costs.splice(0, head);
        head = 0;
      }
    },
    get last() {
      return entries[entries.length - 1] ?? undefined;
    },
    get dropped() {
      return dropped;
    },
    entries: () => entries.slice(head) as TraceEntry[],
  };
}

type StateValue = string | { [key: string]: StateValue };

/**
 * A machine state value as one string: the dotted path of each active leaf, e.g.
 * `session.connection.online.connected.playing.listening, session.audio.context.running` (one path per parallel region).
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
 * A machine event as a trace keeps it: redacted, JSON-safe, and small (all its fields share one
 * `budget`, see `MAX_SIZE`). Agent audio keeps its `eventId` and `byteLength` only; `raw` message
 * copies are dropped where the parsed fields say it all.
 */
export function traceEvent(event: { type: string; [field: string]: unknown }, redact: Redact, budget: Budget = { left: MAX_SIZE }): TraceEvent {
  if (event.type === 'server.audio') {
    return { type: event.type, eventId: event.eventId, byteLength: event.byteLength };
  }
  const out: TraceEvent = { type: event.type };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || (key === 'raw' && !KEEP_RAW.has(event.type))) continue;
    const safe = jsonSafe(value, redact, 0, budget);
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
