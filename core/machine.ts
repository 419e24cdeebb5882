/**
 * The session machine: one actor per resource, each invoked by the state that needs it, so that
 * every way out of a session (stop(), server close, network drop, mic loss, timeout) tears down
 * the same way: leaving the state stops the actor, and the actor's cleanup releases the resource.
 *
 *   disconnected ─START─▶ session (AudioContext), two regions side by side:
 *                           ├─ connection
 *                           │    ├─ microphone            waiting for the mic and the worklets
 *                           │    ├─ reconnecting          (`reconnect` option) a lost connection's
 *                           │    │                        replacement waits its backoff
 *                           │    └─ online (socket)
 *                           │         ├─ connecting       socket opening, waiting for initiation metadata
 *                           │         └─ connected (tools)
 *                           │              └─ playing (playback; again on a new AudioContext)
 *                           │                   ├─ listening
 *                           │                   ├─ agentSpeaking   playback worklet reports audio playing
 *                           │                   └─ interrupted     playback flushed, stale audio dropped
 *                           └─ audio
 *                                └─ context (audio-state watcher; microphone: replaced, make before
 *                                     │      break, when it ends, on a new system default, or on
 *                                     │      SET_INPUT_DEVICE; entered again on a new AudioContext
 *                                     │      when the clock of this one stays frozen)
 *                                     ├─ starting     the AudioContext is not running yet
 *                                     ├─ running      (suspended again: back to starting)
 *                                     └─ blocked      it did not start (autoplay policy, no output
 *                                                     device): resumeAudio() from a click resumes it
 */
import { assign, createMachine, emit, sendTo, type setup as xstateSetup } from 'xstate';
import { audioStateActor } from './actors/audio-state';
import { microphoneActor } from './actors/microphone';
import { playbackActor } from './actors/playback';
import { socketActor } from './actors/socket';
import { toolsActor } from './actors/tools';
import { closeAudioContext, openAudioContext } from './audio/context';
import type { Meters } from './audio/meters';
import { audioBlocked, PerfVoiceError } from './errors';
import { connectionUrl } from './protocol';
import { as, conversationActions } from './session-actions';
import { fresh, type SessionContext, type SessionEmitted, type SessionEvent, type SessionOptions } from './session-types';
import type { Uplink } from './uplink';

export type { CloseInfo, SessionContext, SessionEmitted, SessionEvent, SessionOptions } from './session-types';

/**
 * XState's `setup`, typed as itself but built on `createMachine` alone: the real one also bundles
 * every action creator it offers (raise, log, cancel, spawnChild…), which this machine never uses.
 */
const setup = (({ actors, actions, guards, delays }) => ({
  createMachine: (config: never) => createMachine(config, { actors, actions, guards, delays } as never),
})) as typeof xstateSetup;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    emitted: {} as SessionEmitted,
    input: {} as { options: SessionOptions; meters: Meters; uplink: Uplink },
  },
  actors: { socket: socketActor, microphone: microphoneActor, playback: playbackActor, audioState: audioStateActor, tools: toolsActor },
  actions: {
    ...conversationActions,
    // The AudioContext is the one resource shared by two actors (microphone and playback), so the
    // `session` state holds it in context: opened on entry, closed on exit, whatever the way out,
    // and replaced (closed, then another opened) when its clock stays frozen.
    openAudio: assign({ audio: () => openAudioContext() }),
    closeAudio: assign(({ context }) => {
      closeAudioContext(context.audio);
      return { audio: null };
    }),
    reset: assign(() => fresh()),
    stopped: assign({
      close: { code: 1000, reason: '' },
      endedBy: 'user',
      failure: ({ context }) =>
        context.conversationId ? null : new PerfVoiceError('stopped', 'stop() was called before the session was established.'),
    }),
    connect: assign(({ event }) =>
      event.type === 'server.metadata'
        ? { conversationId: event.conversationId, outputFormat: event.outputFormat, reconnects: 0 }
        : {},
    ),
    // The conversation is gone (the protocol cannot resume one): what referred to it goes too.
    dropped: assign(({ context: { transcript, reconnects } }) => ({
      reconnects: reconnects + 1,
      transcript: reconnects || !transcript.length ? transcript : [...transcript.slice(0, -1), { ...transcript[transcript.length - 1], connectionLost: true }],
      tentative: '',
      agentCut: true,
      feedbackOpen: false,
      lastAudioId: -1,
    })),
    openUplink: sendTo('socket', { type: 'socket.openUplink' as const }),
    send: sendTo('socket', ({ event }) => ({ type: 'socket.send' as const, data: as<'SEND'>(event).data })),
    reportUnknown: emit(({ event }) => ({ type: 'message' as const, message: as<'server.unknown'>(event).raw })),
    reportBlocked: emit(() => ({ type: 'error' as const, error: audioBlocked() })),
    resumeAudio: sendTo('audioState', { type: 'audio.resume' as const }),
    setMuted: assign({ muted: ({ event }) => as<'SET_MUTED'>(event).muted }),
    forwardMuted: sendTo('microphone', ({ event }) => ({ type: 'mic.mute' as const, muted: as<'SET_MUTED'>(event).muted })),
    setVolume: assign({ volume: ({ event }) => as<'SET_VOLUME'>(event).volume }),
    setInputDevice: assign({ inputDeviceId: ({ event }) => as<'SET_INPUT_DEVICE' | 'mic.switched'>(event).deviceId }),
    forwardInputDevice: sendTo('microphone', ({ event }) => ({ type: 'mic.device' as const, deviceId: as<'SET_INPUT_DEVICE'>(event).deviceId })),
    forwardVolume: sendTo('playback', ({ event }) => ({ type: 'playback.volume' as const, volume: as<'SET_VOLUME'>(event).volume })),
  },
  guards: {
    canFeedback: ({ context }) => context.feedbackOpen && context.lastAudioId >= 0,
    // Once a conversation was had, a loss other than an ending (1000) or a refusal (1008) is retried.
    mayReconnect: ({ context: { options, conversationId, reconnects }, event }) =>
      !!conversationId && reconnects < (options.reconnect?.attempts ?? 0) && !(event.type === 'socket.closed' && (event.code === 1000 || event.code === 1008)),
  },
  delays: {
    connectTimeout: ({ context }) => context.options.connectTimeoutMs,
    /** How long a context may take to start running before the session says audio is blocked. */
    audioStart: 2000,
    /** Doubles from `backoffMs` (at most 30 s), less a random part of up to half. */
    backoff: ({ context: { options, reconnects } }) => Math.min(3e4, options.reconnect!.backoffMs * 2 ** (reconnects - 1)) * (1 - Math.random() / 2),
  },
}).createMachine({
  id: 'perfvoice',
  context: ({ input }) => ({ ...input, audio: null, muted: false, volume: 1, inputDeviceId: input.options.inputDeviceId, outputDeviceId: input.options.outputDeviceId, ...fresh() }),
  initial: 'disconnected',
  on: {
    SET_MUTED: { actions: 'setMuted' },
    SET_VOLUME: { actions: 'setVolume' },
    SET_INPUT_DEVICE: { actions: 'setInputDevice' },
    SET_OUTPUT_DEVICE: { actions: assign({ outputDeviceId: ({ event }) => event.deviceId }) },
  },
  states: {
    disconnected: {
      on: { START: { target: 'session', actions: 'reset' } },
    },
    session: {
      // The AudioContext is created here, synchronously inside start(), to satisfy user-gesture rules.
      entry: 'openAudio',
      exit: 'closeAudio',
      type: 'parallel',
      on: {
        STOP: { target: 'disconnected', actions: 'stopped' },
        'mic.failed': { target: 'disconnected', actions: 'audioFailed' },
        SET_MUTED: { actions: ['setMuted', 'forwardMuted'] },
        SET_INPUT_DEVICE: { actions: ['setInputDevice', 'forwardInputDevice'] },
        // Another microphone took over (the old one ended, or was switched): the session goes on.
        'mic.switched': { actions: 'setInputDevice' },
        'mic.unavailable': { actions: 'reportMicUnavailable' },
      },
      states: {
        connection: {
          initial: 'microphone',
          states: {
            microphone: {
              tags: 'connecting',
              on: { 'mic.ready': 'online' },
            },
            reconnecting: {
              tags: 'connecting',
              after: { backoff: 'online' },
            },
            online: {
              invoke: {
                id: 'socket',
                src: 'socket',
                input: ({ context: { options, uplink, meters } }) => ({
                  url: options.signedUrl ?? connectionUrl(options.wsUrl, options.apiKey, options.agentId),
                  uplink,
                  meters,
                  setup: options.setup,
                  thread: options.audioThread,
                  workerUrl: options.workerUrl,
                  inactivityTimeoutMs: options.inactivityTimeoutMs,
                }),
              },
              on: {
                'socket.closed': [
                  { guard: 'mayReconnect', target: 'reconnecting', actions: 'dropped' },
                  { target: '#perfvoice.disconnected', actions: 'socketClosed' },
                ],
                'socket.thread': { actions: assign({ audioThread: ({ event }) => event.thread }) },
                'server.error': { actions: 'reportServerError' },
                'server.invalid': { actions: 'reportInvalid' },
                'server.unknown': { actions: 'reportUnknown' },
              },
              initial: 'connecting',
              states: {
                connecting: {
                  tags: 'connecting',
                  after: {
                    connectTimeout: [
                      { guard: 'mayReconnect', target: '#perfvoice.session.connection.reconnecting', actions: 'dropped' },
                      { target: '#perfvoice.disconnected', actions: 'connectTimedOut' },
                    ],
                  },
                  on: { 'server.metadata': { target: 'connected', actions: 'connect' } },
                },
                connected: {
                  tags: 'connected',
                  // Audio leaves only from here: nothing is sent before the initiation metadata.
                  entry: 'openUplink',
                  invoke: {
                    id: 'tools',
                    src: 'tools',
                    input: ({ context: { options } }) => ({ tools: options.clientTools, timeoutMs: options.clientToolTimeoutMs }),
                  },
                  on: {
                    // Only fresh audio reaches the page: the relay drops that of interrupted responses.
                    'server.audio': { actions: 'enqueueAudio' },
                    'server.tentative': { actions: 'tentative' },
                    'server.toolCall': { actions: 'callTool' },
                    'tool.result': { actions: 'toolResult' },
                    SEND: { actions: 'send' },
                    FEEDBACK: { guard: 'canFeedback', actions: 'feedback' },
                    'server.agentResponse': { actions: 'agentResponse' },
                    'server.agentCorrection': { actions: 'agentCorrection' },
                    'server.userTranscript': { actions: 'userTranscript' },
                    'playback.overflow': { actions: 'reportOverflow' },
                    'playback.failed': { target: '#perfvoice.disconnected', actions: 'audioFailed' },
                    SET_VOLUME: { actions: ['setVolume', 'forwardVolume'] },
                  },
                  initial: 'playing',
                  states: {
                    // Playback lives on the AudioContext: on a new one, a new worklet (what was queued is gone with the old).
                    playing: {
                      invoke: {
                        id: 'playback',
                        src: 'playback',
                        input: ({ context }) => ({
                          audio: context.audio,
                          format: context.outputFormat,
                          volume: context.volume,
                          meters: context.meters,
                          uplink: context.uplink,
                          workletUrl: context.options.workletUrl,
                        }),
                      },
                      on: {
                        // Here, not on `connected`: from there the transition would leave and re-enter `playing` (its domain).
                        'server.interruption': { target: '.interrupted', actions: 'interrupt' },
                        'audio.frozen': { target: 'playing', reenter: true },
                      },
                      initial: 'listening',
                      states: {
                        listening: {
                          on: { 'playback.started': 'agentSpeaking' },
                        },
                        agentSpeaking: {
                          tags: 'speaking',
                          on: { 'playback.drained': 'listening' },
                        },
                        interrupted: {
                          tags: 'interrupted',
                          on: {
                            'playback.started': 'agentSpeaking',
                            'server.userTranscript': { target: 'listening', actions: 'userTranscript' },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        // Whether the AudioContext runs, beside the connection: a session can be connected while
        // the browser keeps its audio from starting, and must say so rather than sit silent.
        audio: {
          initial: 'context',
          states: {
            // As long as one AudioContext: the actors that live on it (the microphone here, playback
            // under `connected`) start again on a new one when its clock stays frozen while it runs.
            context: {
              invoke: [
                {
                  id: 'microphone',
                  src: 'microphone',
                  input: ({ context }) => ({
                    audio: context.audio,
                    chunkSize: context.options.chunkSize,
                    deviceId: context.inputDeviceId,
                    workletUrl: context.options.workletUrl,
                    muted: context.muted,
                    guard: context.options.echoGuard,
                    meters: context.meters,
                    uplink: context.uplink,
                  }),
                },
                { id: 'audioState', src: 'audioState', input: ({ context }) => ({ audio: context.audio, output: context.outputDeviceId }) },
              ],
              on: {
                RESUME_AUDIO: { actions: 'resumeAudio' },
                // Not fatal: the system default plays instead.
                'audio.unrouted': { actions: 'reportUnrouted' },
                // Left and entered again (a transition on the region itself would re-enter its parallel
                // sibling, the connection, too).
                'audio.frozen': { target: 'context', reenter: true, actions: ['closeAudio', 'openAudio'] },
              },
              initial: 'starting',
              states: {
                starting: {
                  after: { audioStart: 'blocked' },
                  on: { 'audio.running': 'running', 'audio.blocked': 'blocked' },
                },
                // A context that stops running (the engine or the OS suspended it) must start again;
                // meanwhile nothing is audible, so the agent is not `speaking`.
                running: { tags: 'audible', on: { 'audio.suspended': 'starting' } },
                blocked: {
                  tags: 'audioBlocked',
                  entry: 'reportBlocked',
                  on: { 'audio.running': 'running' },
                },
              },
            },
          },
        },
      },
    },
  },
});
