/**
 * Fakes for the session machine's resources, swapped in with machine.provide(): each records the
 * commands it receives and lets a test send events back as the real actor would.
 */
import { assign, fromCallback, type AnyEventObject } from 'xstate';
import { sessionMachine } from '../../core/machine';
import { PerfVoice } from '../../core/perf-voice';
import type { Uplink } from '../../core/uplink';
import type { PerfVoiceOptions } from '../../core/types';
import { parseServerMessage, type AudioFormat } from '../../core/protocol';
import { relay, type RelayReport } from '../../core/transport/relay';

export interface FakeResource<Command = AnyEventObject, Input = unknown> {
  /** Commands the actor received, oldest first. */
  received: Command[];
  /** The input of the current (or last) run. */
  input: Input | undefined;
  starts: number;
  stops: number;
  live: boolean;
  /** Sends an event to the machine, as the actor would. Throws if the actor is not running. */
  send(event: AnyEventObject): void;
}

function fakeResource<Command extends AnyEventObject, Input>(onStart?: (sendBack: (event: AnyEventObject) => void) => void) {
  let sendBack: ((event: AnyEventObject) => void) | null = null;
  const fake: FakeResource<Command, Input> = {
    received: [],
    input: undefined,
    starts: 0,
    stops: 0,
    get live() {
      return sendBack !== null;
    },
    send(event) {
      if (!sendBack) throw new Error(`fake actor is not running (event ${event.type})`);
      sendBack(event);
    },
  };
  const logic = fromCallback<Command, Input>(({ input, sendBack: back, receive }) => {
    fake.input = input;
    fake.starts++;
    sendBack = back as (event: AnyEventObject) => void;
    receive((command) => fake.received.push(command));
    onStart?.(sendBack);
    return () => {
      fake.stops++;
      sendBack = null;
    };
  });
  return { fake, logic };
}

export interface FakeAudioContext {
  closed: boolean;
}

/**
 * A session machine whose socket, microphone, playback and AudioContext are all fakes. The fake
 * context runs at once (as after a click), unless `audioRuns` is false: then it stays suspended
 * until the test sends `audio.running` through `audioState`.
 */
export function fakeSession({ audioRuns = true }: { audioRuns?: boolean } = {}) {
  const socket = fakeResource<{ type: 'socket.send'; data: string } | { type: 'socket.openUplink'; data?: undefined }, { url: string; uplink: Uplink }>();
  const microphone = fakeResource<{ type: 'mic.mute'; muted: boolean }, { chunkSize: number; muted: boolean; uplink: Uplink }>();
  const playback = fakeResource<AnyEventObject, { format: string; volume: number }>();
  // The real tools actor runs (it needs no browser), so every tool outcome is exercised.
  const audioState = fakeResource<AnyEventObject, { audio: AudioContext | null }>(
    audioRuns ? (sendBack) => sendBack({ type: 'audio.running' }) : undefined,
  );
  const contexts: FakeAudioContext[] = [];
  const machine = sessionMachine.provide({
    actors: { socket: socket.logic, microphone: microphone.logic, playback: playback.logic, audioState: audioState.logic } as never,
    actions: {
      openAudio: assign({
        audio: () => {
          const context: FakeAudioContext = { closed: false };
          contexts.push(context);
          return context as unknown as AudioContext;
        },
      }),
      closeAudio: assign(({ context }) => {
        if (context.audio) (context.audio as unknown as FakeAudioContext).closed = true;
        return { audio: null };
      }),
    },
  });
  /** Text frames the socket was asked to send. */
  const sent = () => socket.fake.received.filter((command) => command.type === 'socket.send').map((command) => command.data);
  return { machine, socket: socket.fake, microphone: microphone.fake, playback: playback.fake, audioState: audioState.fake, contexts, sent };
}

export const OPTIONS: PerfVoiceOptions = { apiKey: 'pk_live_SECRET123', agentId: 'agent_1', wsUrl: 'ws://127.0.0.1:1/v1' };

/** A PerfVoice wired to fakes, plus a log of every event it fires, in order. */
export function fakeVoice(options: Partial<PerfVoiceOptions> = {}, { audioRuns = true }: { audioRuns?: boolean } = {}) {
  const session = fakeSession({ audioRuns });
  const voice = new PerfVoice({ ...OPTIONS, ...options } as PerfVoiceOptions, { machine: session.machine });
  const events: unknown[][] = [];
  for (const name of ['transcript', 'connected', 'disconnected', 'status', 'error', 'interruption', 'message', 'correction', 'tentativeTranscript', 'toolCall', 'toolResult'] as const) {
    voice.on(name, ((...args: unknown[]) => events.push([name, ...args])) as never);
  }
  return { voice, events, ...session };
}

/** Wire messages, as a server sends them. */
export const wire = {
  metadata: (conversationId = 'conv_1', format = 'pcm_16000') => ({
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: {
      conversation_id: conversationId,
      agent_output_audio_format: format,
      user_input_audio_format: 'pcm_16000',
    },
  }),
  audio: (eventId: number, audio = 'AAAAAA==') => ({ type: 'audio', audio_event: { audio_base_64: audio, event_id: eventId } }),
  ping: (eventId: number, pingMs: number | null = 20) => ({ type: 'ping', ping_event: { event_id: eventId, ping_ms: pingMs } }),
  interruption: (eventId: number) => ({ type: 'interruption', interruption_event: { event_id: eventId } }),
  agent: (text: string) => ({ type: 'agent_response', agent_response_event: { agent_response: text } }),
  user: (text: string) => ({ type: 'user_transcript', user_transcription_event: { user_transcript: text } }),
  correction: (original: string, corrected: string) => ({
    type: 'agent_response_correction',
    agent_response_correction_event: { original_agent_response: original, corrected_agent_response: corrected },
  }),
};

/**
 * What the socket actor makes of a server message: the machine event it sends back. The real
 * relay judges it first (a fresh one, on this thread, after the metadata for `format`), so the
 * frames it handles itself get its report and the rest go through the parser, as in a session.
 * Throws when the relay drops the frame (nothing would reach the machine).
 */
export function fromServer(message: unknown, format: AudioFormat = 'pcm_16000'): AnyEventObject {
  const reports: RelayReport[] = [];
  const socket: { onmessage?: (event: { data: string }) => void } = {};
  const scope = { postMessage: (report: RelayReport) => void reports.push(report), onmessage: null as never };
  const native = globalThis.WebSocket;
  globalThis.WebSocket = function () {
    return socket;
  } as never;
  try {
    relay(scope);
    (scope.onmessage as (event: { data: unknown }) => void)({ data: { open: 'ws://agent', setup: null } });
  } finally {
    globalThis.WebSocket = native;
  }
  socket.onmessage!({ data: JSON.stringify(wire.metadata('conv_1', format)) });
  socket.onmessage!({ data: JSON.stringify(message) });
  const report = reports[1];
  if (report === undefined) throw new Error(`the relay dropped ${JSON.stringify(message)}`);
  return typeof report === 'string' ? parseServerMessage(report) : report;
}
