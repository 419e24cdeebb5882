/**
 * Replaying a trace: the recorded events go back through the session machine, with fake actors
 * in place of the microphone, socket and playback, and no AudioContext. The machine's decisions
 * depend only on those events, so a reported bug's trace replays to the same states, in Node,
 * and becomes a regression test:
 *
 *   const result = replayTrace(readFileSync('bug-123.json', 'utf8'), sessionMachine);
 *   expect(result.mismatches).toEqual([]);
 *   expect(result.finalState).toBe('disconnected');
 */
import { assign, createActor, fromCallback, type AnyEventObject, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { parseTrace, stateKey, type SessionTrace, type TraceEvent } from './trace';

/** A replayed event whose resulting state differs from the recorded one. */
export interface ReplayMismatch {
  /** Index of the entry in `trace.entries`. */
  index: number;
  event: TraceEvent;
  /** The state recorded after it. */
  expected: string;
  /** The state the replay reached. */
  actual: string;
}

/** What a replay did. */
export interface ReplayResult {
  /** The state after each replayed event, in order. */
  states: string[];
  /** The state after the last event. */
  finalState: string;
  /** Events after which the replay's state differs from the trace's (empty when it reproduces). */
  mismatches: ReplayMismatch[];
  /** Text frames the machine asked the socket to send (e.g. pongs), in order. */
  sent: string[];
  /** Commands the fake actors received, in order (audio to play left out). */
  commands: { target: string; command: AnyEventObject }[];
  /** Errors the machine reported (`error` emitted events): name, code, message. */
  errors: { name: string; code?: string; message: string }[];
  /** The machine's final snapshot. */
  snapshot: SnapshotFrom<AnyStateMachine>;
  /**
   * False when the trace dropped its oldest entries (it reached its limits): the replay then starts
   * at the first `START` it kept, the first session it holds whole.
   */
  complete: boolean;
}

/** A recorded event turned back into what the machine received (minus the audio itself). */
function revive(event: TraceEvent): AnyEventObject {
  const out: AnyEventObject = { ...event };
  if (event.type === 'server.audio') out.audio = '';
  if (event.type.startsWith('server.') && !('raw' in out)) out.raw = {};
  const error = out.error as { name?: string; message?: string; code?: string } | undefined;
  if (error && typeof error === 'object') out.error = Object.assign(new Error(error.message ?? ''), { name: error.name ?? 'Error', code: error.code });
  return out;
}

/** A clock whose timers never fire: delayed events come from the trace, when they happened. */
const stillClock = { setTimeout: () => 0, clearTimeout: () => {} };

/**
 * Replays a trace (object or JSON text) through `machine` (the SDK's `sessionMachine`, or a
 * version of it under test) with fake actors, and compares every state with the recorded one.
 * @throws TypeError when the trace is not a perfvoice trace, or was recorded from the middle of
 * a session (mount the inspector before `start()` to record a replayable trace).
 */
export function replayTrace(input: SessionTrace | string, machine: AnyStateMachine): ReplayResult {
  const trace = parseTrace(input);
  if (trace.initialState !== 'disconnected') {
    throw new TypeError(`This trace begins in "${trace.initialState}": only traces recorded from "disconnected" replay.`);
  }
  const commands: ReplayResult['commands'] = [];
  const fake = (target: string) =>
    fromCallback<AnyEventObject>(({ receive }) => {
      receive((command) => {
        if (command.type !== 'playback.enqueue') commands.push({ target, command });
      });
    });
  const replayable = machine.provide({
    actors: { socket: fake('socket'), microphone: fake('microphone'), playback: fake('playback'), audioState: fake('audioState'), tools: fake('tools') },
    actions: {
      openAudio: assign({ audio: () => ({ replay: true }) }),
      closeAudio: assign({ audio: null }),
    },
  } as never) as AnyStateMachine;
  const { options } = trace;
  const actor = createActor(replayable, {
    clock: stillClock,
    input: {
      options: {
        apiKey: '[redacted]',
        agentId: options.agentId || 'agent',
        wsUrl: options.wsUrl || 'wss://replay.invalid/',
        chunkSize: options.chunkSize,
        connectTimeoutMs: options.connectTimeoutMs,
        inputDeviceId: undefined,
        workletUrl: undefined,
        signedUrl: undefined,
        clientTools: {},
        clientToolTimeoutMs: 30000,
        maxTranscriptTurns: 1000,
        maxTurnChars: 10000,
        setup: null,
      },
      meters: { input: null, output: null, vad: 0, heard: null },
      uplink: { send: null, chunks: 0, bytes: 0 },
    },
  });
  const errors: ReplayResult['errors'] = [];
  actor.on('*', (event: AnyEventObject) => {
    if (event.type === 'error' && event.error instanceof Error) {
      const { name, message, code } = event.error as Error & { code?: string };
      errors.push({ name, message, ...(code ? { code } : {}) });
    }
  });
  actor.start();
  const states: string[] = [];
  const mismatches: ReplayMismatch[] = [];
  // A trace that lost its beginning replays from its first whole session.
  let replaying = !trace.dropped;
  trace.entries.forEach((entry, index) => {
    if (entry.kind !== 'event' || (!replaying && entry.event.type !== 'START')) return;
    replaying = true;
    actor.send(revive(entry.event));
    const actual = stateKey(actor.getSnapshot().value);
    states.push(actual);
    if (actual !== entry.state) mismatches.push({ index, event: entry.event, expected: entry.state, actual });
  });
  const snapshot = actor.getSnapshot();
  actor.stop();
  return {
    states,
    finalState: stateKey(snapshot.value),
    mismatches,
    sent: commands.filter(({ command }) => command.type === 'socket.send').map(({ command }) => String(command.data)),
    commands,
    errors,
    snapshot,
    complete: !trace.dropped,
  };
}
