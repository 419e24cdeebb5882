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

/**
 * `{"type":"client_tool_result","tool_call_id":"...","result":"...","is_error":false}`: the page's
 * answer to a `client_tool_call`. `result` should be a string; other JSON is tolerated.
 */
export interface ClientToolResultMessage {
  type: 'client_tool_result';
  /** The `tool_call_id` of the `client_tool_call` answered. */
  tool_call_id: string;
  /** What the tool returned (or its error message). */
  result?: unknown;
  /** Whether the tool failed. Absent: false. */
  is_error?: boolean;
}

/** `{"type":"feedback","score":"like","event_id":7}`: the user rated an agent response. */
export interface FeedbackMessage {
  type: 'feedback';
  /** The rating. */
  score: 'like' | 'dislike';
  /** The `event_id` of the rated agent response. */
  event_id: number;
}

/** Any message a client may send: the SDK's own definition. */
export type { ClientMessage };

/**
 * Every message the local agent accepts: the SDK's {@link ClientMessage} plus the tool result
 * and feedback messages of the protocol (defined here so the agent does not wait on the SDK).
 */
export type AgentClientMessage = ClientMessage | ClientToolResultMessage | FeedbackMessage;

/** Short name of a client message: its `type`, or `user_audio_chunk` for audio. */
export type ClientMessageKind = 'user_audio_chunk' | Exclude<AgentClientMessage, UserAudioChunkMessage>['type'];

/** Result of {@link parseClientMessage}: the message, or why it is not one. */
export type ParsedClientMessage =
  | { ok: true; kind: ClientMessageKind; message: AgentClientMessage }
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
    message: message as unknown as AgentClientMessage,
  });
  const invalid = (why: string): ParsedClientMessage => ({ ok: false, error: `invalid message: ${why}` });
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
    case 'client_tool_result':
      if (typeof message.tool_call_id !== 'string') return invalid('client_tool_result without a tool_call_id');
      if (message.is_error !== undefined && typeof message.is_error !== 'boolean') {
        return invalid('client_tool_result is_error is not a boolean');
      }
      return ok('client_tool_result');
    case 'feedback':
      if (message.score !== 'like' && message.score !== 'dislike') return invalid('feedback score is not "like" or "dislike"');
      return Number.isFinite(message.event_id) ? ok('feedback') : invalid('feedback without a numeric event_id');
    // The client data is never refused (its fields are read leniently), so it cannot cost a 1008.
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

/**
 * Character timing of one `audio` chunk: times in milliseconds relative to the chunk's start.
 * The three arrays have the same length.
 */
export interface AudioAlignment {
  /** The characters spoken in the chunk, in order. */
  chars: string[];
  /** When each starts, from the chunk's start. */
  char_start_times_ms: number[];
  /** How long each lasts. */
  char_durations_ms: number[];
}

/** Builders of the server → client messages. */
export const serverMessage = {
  metadata: (event: InitiationMetadata) => ({
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: event,
  }),
  audio: (base64: string, eventId: number, alignment?: AudioAlignment) => ({
    type: 'audio',
    audio_event: alignment ? { audio_base_64: base64, event_id: eventId, alignment } : { audio_base_64: base64, event_id: eventId },
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
  tentativeUserTranscript: (text: string, eventId?: number) => ({
    type: 'tentative_user_transcript',
    tentative_user_transcription_event: eventId === undefined ? { user_transcript: text } : { user_transcript: text, event_id: eventId },
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
  clientToolCall: (toolName: string, toolCallId: string, parameters: Record<string, unknown>, eventId: number) => ({
    type: 'client_tool_call',
    client_tool_call: { tool_name: toolName, tool_call_id: toolCallId, parameters, event_id: eventId },
  }),
  error: (message: string, code: number, errorType: string) => ({
    type: 'error',
    error_event: { code, message, error_type: errorType },
  }),
};
