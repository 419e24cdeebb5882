/**
 * The recorder: watches a PerfVoice session through XState's inspection API and keeps the trace,
 * the timeline and the metrics. No DOM: the panel draws what it keeps, tests and apps can use it
 * alone (`recordSession(voice).trace()`).
 *
 * It must not slow the session down: each inspection event costs a few property reads and, for
 * events the machine processes, one small object. Drawing happens elsewhere, once per frame.
 */
import type { InspectionEvent } from 'xstate';
import { createQueueEstimate, emptyMetrics, audioMs, type InspectorMetrics, type TurnLatency } from './metrics';
import { errorJson, jsonSafe, MAX_SIZE, redactor } from './redact';
import { createTimeline, describeEvent, type Timeline } from './timeline';
import {
  ENTRY_COST,
  TRACE_FORMAT,
  createTraceLog,
  TRACE_VERSION,
  stateKey,
  traceEvent,
  type SessionTrace,
  type TraceEntry,
  type TraceEventEntry,
  type TraceOptions,
  type TraceUplinkEntry,
} from './trace';
import type { MachineLike } from './chart-model';

type StateValue = string | { [key: string]: StateValue };

/** The parts of a machine snapshot the inspector reads. */
export interface SnapshotLike {
  value: StateValue;
  context: unknown;
  hasTag?(tag: string): boolean;
}

/** The parts of an XState actor the inspector uses (an `Actor` of the session machine has them all). */
export interface InspectableActor {
  /** The machine, whose definition the statechart is drawn from. */
  readonly logic: MachineLike;
  readonly system: { inspect(observer: (event: InspectionEvent) => void): { unsubscribe(): void } };
  getSnapshot(): SnapshotLike;
  on(type: '*', handler: (event: { type: string; error?: unknown }) => void): { unsubscribe(): void };
}

/** What the inspector needs from a voice: a `PerfVoice` is one. */
export interface InspectableVoice {
  /** The session's XState actor (`voice.actor`). */
  readonly actor: InspectableActor;
  getInputLevel(): number;
  getOutputLevel(): number;
  /** The jitter buffer's figures (`voice.getStats()`); absent on voices older than it. */
  getStats?(): { underruns: number; underrunMs: number; bufferTargetMs: number };
}

/** Options of {@link recordSession}. */
export interface RecorderOptions {
  /**
   * Trace entries kept: beyond it the oldest are dropped (and counted in the trace's `dropped`), so
   * the trace holds the latest stretch of however long a session. Default 20 000 (an hour or so of
   * conversation). Whatever the number, the entries also hold at most 4 million characters.
   */
  maxEntries?: number;
  /** The clock, in milliseconds. Default `performance.now()`. */
  now?: () => number;
}

/** A transition the machine just took, by state node ids (as in the statechart). */
export interface TakenTransition {
  source: string;
  target: string;
}

/** A running recording of one voice's sessions. */
export interface SessionRecorder {
  /** Timeline rows, newest last. */
  readonly timeline: Timeline;
  /** The machine's state now (dotted path, see `stateKey`). */
  readonly state: string;
  /** The session's status now, from the machine's tags: `disconnected`, `connecting` or `connected`. */
  readonly status: 'disconnected' | 'connecting' | 'connected';
  /** The transitions of the last step that took any. */
  readonly lastTransitions: readonly TakenTransition[];
  /** Trace entries dropped so far, oldest first, to stay within the limits. */
  readonly dropped: number;
  /** Changes whenever anything recorded changes: views redraw when it differs from what they drew. */
  readonly version: number;
  /** The live metrics (levels are read from the voice now). */
  metrics(): InspectorMetrics;
  /** Counts the microphone chunks sent since the last call (they bypass the machine). Cheap. */
  poll(): void;
  /** The trace so far, as exported (a copy: JSON-safe, the API key redacted). */
  trace(): SessionTrace;
  /** Stops recording. */
  stop(): void;
}

interface SessionContextLike {
  options?: { apiKey?: string; agentId?: string; wsUrl?: string; chunkSize?: number; connectTimeoutMs?: number };
  uplink?: { chunks: number; bytes: number };
  audioThread?: string | null;
  dropBelow?: number;
  outputFormat?: string;
  conversationId?: string | null;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
/** Turn latencies kept for the metrics: the latest. */
const MAX_TURNS = 1000;

/**
 * Starts recording a voice's session machine: every event it processes, the state after it, the
 * frames it sends, the microphone audio counters, and the errors it reports.
 */
export function recordSession(voice: InspectableVoice, options: RecorderOptions = {}): SessionRecorder {
  const { maxEntries = 20_000 } = options;
  const now = options.now ?? (() => performance.now());
  const root = voice.actor;
  /** The actor as inspection events name it, for identity checks. */
  const self: unknown = root;
  const t0 = now();
  const startedAt = Date.now();
  const first = root.getSnapshot();
  let context = (first.context ?? {}) as SessionContextLike;
  const sessionOptions = context.options ?? {};
  const redact = redactor(sessionOptions.apiKey ?? '');
  const traceOptions: TraceOptions = {
    agentId: redact(String(sessionOptions.agentId ?? '')),
    wsUrl: redact(String(sessionOptions.wsUrl ?? '')),
    chunkSize: sessionOptions.chunkSize ?? 2048,
    connectTimeoutMs: sessionOptions.connectTimeoutMs ?? 15000,
  };
  const initialState = stateKey(first.value);
  const timeline = createTimeline();
  const log = createTraceLog(maxEntries);
  const pending: TraceEventEntry[] = [];
  const queue = createQueueEstimate();
  let state = initialState;
  let snapshot = first;
  let version = 0;
  let lastTransitions: TakenTransition[] = [];
  let uplinkEntry: TraceUplinkEntry | null = null;
  let seenChunks = context.uplink?.chunks ?? 0;
  let seenWire = context.uplink?.bytes ?? 0;
  // Per-session metrics (reset on START).
  let received = { chunks: 0, bytes: 0, stale: 0 };
  let pingMs: number | null = null;
  let pongs = 0;
  let interruptions = 0;
  let turns: TurnLatency[] = [];
  let speechEnd: number | null = null;

  const time = () => round(now() - t0);
  const record = (entry: TraceEntry, cost?: number) => {
    if (entry.kind !== 'uplink') uplinkEntry = null;
    log.add(entry, cost);
  };
  /** A fresh budget for one entry's payload, and what it cost once used. */
  const budget = () => ({ left: MAX_SIZE });
  const spent = (used: { left: number }) => ENTRY_COST + MAX_SIZE - used.left;
  // The machine's tags say what its states mean (status is derived from them in the SDK too).
  const connected = () => !!snapshot.hasTag?.('connected');

  function poll(t = time()): void {
    const uplink = context.uplink;
    if (!uplink) return;
    // The socket actor zeroes the counters when a session's socket opens.
    if (uplink.chunks < seenChunks) seenChunks = seenWire = 0;
    const chunks = uplink.chunks - seenChunks;
    if (chunks <= 0) return;
    const bytes = chunks * traceOptions.chunkSize * 2;
    const wireBytes = uplink.bytes - seenWire;
    seenChunks = uplink.chunks;
    seenWire = uplink.bytes;
    if (uplinkEntry && log.last === uplinkEntry) {
      uplinkEntry.chunks += chunks;
      uplinkEntry.bytes += bytes;
      uplinkEntry.wireBytes += wireBytes;
      uplinkEntry.until = t;
    } else {
      uplinkEntry = { t, kind: 'uplink', chunks, bytes, wireBytes, until: t };
      record(uplinkEntry);
    }
    timeline.audioOut(t, chunks, bytes);
    version++;
  }

  function onEvent(event: { type: string; [field: string]: unknown }, sourceRef: unknown): void {
    if (event.type === 'xstate.init') return; // carries the actor's input: options, API key included
    const t = time();
    poll(t);
    const source = !sourceRef ? 'app' : sourceRef === self ? 'machine' : String((sourceRef as { id?: unknown }).id);
    const used = budget();
    const safe = traceEvent(event, redact, used);
    const entry: TraceEventEntry = { t, kind: 'event', source, event: safe, state };
    record(entry, spent(used));
    // Each event is followed by its snapshot, which takes it off; the bound is for an event that
    // never gets one (sent to a stopped machine).
    if (pending.push(entry) > 64) pending.shift();
    version++;
    const at = now();
    switch (event.type) {
      case 'START':
        received = { chunks: 0, bytes: 0, stale: 0 };
        pingMs = speechEnd = null;
        pongs = interruptions = 0;
        turns = [];
        queue.empty(at);
        break;
      case 'server.audio': {
        const eventId = Number(event.eventId);
        const bytes = Number(event.byteLength);
        // Audio of an interrupted response is dropped by the relay (older traces: by the machine's guard).
        const fresh = connected() && eventId >= (context.dropBelow ?? 0);
        received.chunks++;
        received.bytes += bytes;
        if (fresh) {
          queue.add(at, audioMs(bytes, context.outputFormat ?? 'pcm_16000'));
          if (speechEnd !== null) {
            if (turns.push({ at: speechEnd, ms: round(t - speechEnd) }) > MAX_TURNS) turns.shift();
            speechEnd = null;
          }
        } else received.stale++;
        timeline.audioIn(t, eventId, bytes, !fresh);
        return;
      }
      case 'server.ping':
        // The relay answered it before the page heard of it.
        pingMs = typeof event.pingMs === 'number' ? event.pingMs : null;
        pongs++;
        break;
      case 'server.interruption':
        interruptions++;
        queue.empty(at);
        break;
      case 'server.userTranscript':
        // The server's transcript marks the end of the user's turn: the agent's answer starts now.
        speechEnd = t;
        break;
      case 'playback.started':
        queue.started(at);
        break;
      case 'playback.drained':
        queue.empty(at);
        break;
    }
    const { kind, name, text } = describeEvent(safe, source);
    if (event.type === 'server.unknown') timeline.repeat(t, kind, name, text);
    else timeline.add(t, kind, name, text);
    if (event.type === 'server.ping') timeline.add(t, 'out', 'pong', `#${Number(event.eventId)} · sent at once by the relay`);
  }

  function onCommand(target: string, command: { type: string; [field: string]: unknown }): void {
    // The audio itself is counted on arrival; a child's init event carries its input (the socket
    // URL with the key): neither belongs in a trace.
    if (command.type === 'playback.enqueue' || command.type === 'xstate.init') return;
    const t = time();
    version++;
    if (command.type === 'socket.send') {
      let message: unknown;
      try {
        message = JSON.parse(String(command.data));
      } catch {
        message = String(command.data);
      }
      const used = budget();
      message = jsonSafe(message, redact, 0, used);
      record({ t, kind: 'send', message }, spent(used));
      const type = (message as { type?: unknown })?.type;
      timeline.add(t, 'out', typeof type === 'string' ? type : 'frame', typeof message === 'string' ? message.slice(0, 120) : '');
      return;
    }
    const used = budget();
    const safe = traceEvent(command, redact, used);
    record({ t, kind: 'command', target, command: safe }, spent(used));
    const detail = 'muted' in safe ? ` ${safe.muted}` : 'volume' in safe ? ` ${safe.volume}` : '';
    timeline.add(t, 'command', command.type, `→ ${target}${detail}`);
  }

  function onSnapshot(next: SnapshotLike): void {
    snapshot = next;
    context = (next.context ?? {}) as SessionContextLike;
    const key = stateKey(next.value);
    const entry = pending.shift();
    if (entry) entry.state = key;
    if (key !== state) {
      state = key;
      if (!connected()) queue.empty(now());
      timeline.add(time(), 'state', key);
    }
    version++;
  }

  const inspection = root.system.inspect((event: InspectionEvent) => {
    if (event.type === '@xstate.event') {
      if (event.actorRef === self) onEvent(event.event, event.sourceRef);
      else if (event.sourceRef === self) onCommand(String((event.actorRef as { id?: unknown }).id), event.event);
    } else if (event.actorRef !== self) {
      // the child actors' own snapshots: nothing to see
    } else if (event.type === '@xstate.snapshot') onSnapshot(event.snapshot as unknown as SnapshotLike);
    else if (event.type === '@xstate.microstep') {
      const taken = event._transitions.flatMap((transition) =>
        (transition.target ?? []).map((target) => ({ source: transition.source.id, target: target.id })),
      );
      if (taken.length) lastTransitions = taken;
    }
  });
  const emitted = root.on('*', (event) => {
    if (event.type !== 'error' || !(event.error instanceof Error)) return;
    const error = errorJson(event.error, redact);
    const t = time();
    record({ t, kind: 'error', error }, ENTRY_COST + error.message.length);
    timeline.add(t, 'error', error.code ?? error.name, error.message);
    version++;
  });

  const status = () =>
    snapshot.hasTag?.('connected') ? ('connected' as const) : snapshot.hasTag?.('connecting') ? ('connecting' as const) : ('disconnected' as const);

  const jitter = () => {
    const stats = voice.getStats?.();
    return stats ? { underruns: stats.underruns, underrunMs: Math.round(stats.underrunMs), targetMs: Math.round(stats.bufferTargetMs) } : emptyMetrics().jitter;
  };

  function metrics(): InspectorMetrics {
    const uplink = context.uplink ?? { chunks: 0, bytes: 0 };
    const session = state !== 'disconnected' || received.chunks > 0 || uplink.chunks > 0;
    return {
      ...emptyMetrics(state),
      inputLevel: voice.getInputLevel(),
      outputLevel: voice.getOutputLevel(),
      queueMs: Math.round(queue.depth(now())),
      sent: session
        ? { chunks: uplink.chunks, bytes: uplink.chunks * traceOptions.chunkSize * 2, wireBytes: uplink.bytes }
        : { chunks: 0, bytes: 0, wireBytes: 0 },
      received: { ...received },
      pingMs,
      pongs,
      audioThread: context.audioThread ?? null,
      jitter: jitter(),
      interruptions,
      turns: turns.slice(),
    };
  }

  return {
    timeline,
    get state() {
      return state;
    },
    get status() {
      return status();
    },
    get lastTransitions() {
      return lastTransitions;
    },
    get version() {
      return version;
    },
    get dropped() {
      return log.dropped;
    },
    metrics,
    poll: () => poll(),
    trace() {
      poll();
      const trace: SessionTrace = {
        format: TRACE_FORMAT,
        version: TRACE_VERSION,
        machine: root.logic.id,
        recordedAt: new Date(startedAt).toISOString(),
        userAgent: typeof navigator === 'undefined' ? null : navigator.userAgent,
        options: traceOptions,
        initialState,
        entries: log.entries(),
        dropped: log.dropped,
        final: { t: time(), state, status: status(), conversationId: context.conversationId ?? null },
        metrics: metrics(),
      };
      // A copy, frozen in time, and one last pass of the redactor over all of it.
      return JSON.parse(redact(JSON.stringify(trace))) as SessionTrace;
    },
    stop() {
      inspection.unsubscribe();
      emitted.unsubscribe();
    },
  };
}
