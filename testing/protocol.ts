/**
 * The wire messages of the Perf voice protocol (see PROTOCOL.md): the client messages the agent
 * accepts, strictly validated, and builders for the server messages it sends.
 */
import { base64ByteLength } from '../core/audio/dsp/pcm';
import type { ClientMessage } from '../core/protocol';

/** `{"user_audio_chunk":"<base64>"}`: microphone audio in the input format. */
export type UserAudioChunkMessage = Extract<ClientMessage, { user_audio_chunk: string }>;

/** `{"type":"pong","event_id":n}`: the reply to a ping. */
export type PongMessage = Extract<ClientMessage, { type: 'pong' }>;

/** `{"type":"conversation_initiation_client_data", ...}`: optional session overrides. */
export type ClientDataMessage = Extract<ClientMessage, { type: 'conversation_initiation_client_data' }>;

/** `{"type":"user_message","text":"..."}`: typed user input. */
export type UserTextMessage = Extract<ClientMessage, { type: 'user_message' }>;

/** `{"type":"user_activity"}`: the user is active (e.g. typing). */
export type UserActivityMessage = Extract<ClientMessage, { type: 'user_activity' }>;

/** `{"type":"contextual_update","text":"..."}`: background information for the agent. */
export type ContextualUpdateMessage = Extract<ClientMessage, { type: 'contextual_update' }>;

/** Any message a client may send: the SDK's own definition. */
export type { ClientMessage };

/** Short name of a client message: its `type`, or `user_audio_chunk` for audio. */
export type ClientMessageKind = 'user_audio_chunk' | Exclude<ClientMessage, UserAudioChunkMessage>['type'];

/** Result of {@link parseClientMessage}: the message, or why it is not one. */
export type ParsedClientMessage =
  | { ok: true; kind: ClientMessageKind; message: ClientMessage }
  | { ok: false; error: string };

/** Validates one text frame from a client against the shapes of {@link ClientMessage}. */
export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid message: not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'invalid message: not a JSON object' };
  }
  const message = value as Record<string, unknown>;
  if ('user_audio_chunk' in message) {
    const audio = message.user_audio_chunk;
    if (typeof audio !== 'string' || base64ByteLength(audio) < 0) {
      return { ok: false, error: 'invalid message: user_audio_chunk is not base64' };
    }
    return { ok: true, kind: 'user_audio_chunk', message: message as unknown as UserAudioChunkMessage };
  }
  const ok = (kind: ClientMessageKind): ParsedClientMessage => ({
    ok: true,
    kind,
    message: message as unknown as ClientMessage,
  });
  switch (message.type) {
    case 'pong':
      return Number.isFinite(message.event_id)
        ? ok('pong')
        : { ok: false, error: 'invalid message: pong without a numeric event_id' };
    case 'user_message':
    case 'contextual_update':
      return typeof message.text === 'string'
        ? ok(message.type)
        : { ok: false, error: `invalid message: ${message.type} without text` };
    case 'conversation_initiation_client_data':
    case 'user_activity':
      return ok(message.type);
    case undefined:
      return { ok: false, error: 'invalid message: no type and no user_audio_chunk' };
    default:
      return { ok: false, error: `invalid message: unknown type ${JSON.stringify(message.type).slice(0, 40)}` };
  }
}

/** Fields of the `conversation_initiation_metadata_event`; extra fields are sent as given. */
export interface InitiationMetadata {
  conversation_id: string;
  agent_output_audio_format: string;
  user_input_audio_format: string;
  [key: string]: unknown;
}

/** Builders of the server → client messages. */
export const serverMessage = {
  metadata: (event: InitiationMetadata) => ({
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: event,
  }),
  audio: (base64: string, eventId: number) => ({
    type: 'audio',
    audio_event: { audio_base_64: base64, event_id: eventId },
  }),
  agentResponse: (text: string) => ({
    type: 'agent_response',
    agent_response_event: { agent_response: text },
  }),
  agentResponseCorrection: (original: string, corrected: string) => ({
    type: 'agent_response_correction',
    agent_response_correction_event: { original_agent_response: original, corrected_agent_response: corrected },
  }),
  userTranscript: (text: string) => ({
    type: 'user_transcript',
    user_transcription_event: { user_transcript: text },
  }),
  tentativeUserTranscript: (text: string) => ({
    type: 'tentative_user_transcript',
    tentative_user_transcription_event: { user_transcript: text },
  }),
  interruption: (eventId: number) => ({
    type: 'interruption',
    interruption_event: { event_id: eventId },
  }),
  ping: (eventId: number, pingMs: number | null) => ({
    type: 'ping',
    ping_event: { event_id: eventId, ping_ms: pingMs },
  }),
  vadScore: (score: number) => ({
    type: 'vad_score',
    vad_score_event: { vad_score: score },
  }),
};
