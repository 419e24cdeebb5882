/**
 * The Perf voice WebSocket protocol: wire shapes, client encoders and a parser that never throws.
 * The parser turns each text frame into a machine event (`server.*`), so the session machine can
 * route every possible input, including garbage, with ordinary transitions.
 */

/** Agent audio formats a server may announce in `agent_output_audio_format`. */
export type AudioFormat =
  | 'pcm_8000'
  | 'pcm_16000'
  | 'pcm_22050'
  | 'pcm_24000'
  | 'pcm_44100'
  | 'pcm_48000'
  | 'ulaw_8000';

/** A JSON object as received from the server. */
export type ServerMessage = { type?: unknown; [key: string]: unknown };

/** The agent-audio format used until (or unless) the metadata names another. */
export const DEFAULT_FORMAT: AudioFormat = 'pcm_16000';

const FORMAT = /^(pcm_(8000|16000|22050|24000|44100|48000)|ulaw_8000)$/;

/** Sample rate in Hz of an audio format. */
export const formatRate = (format: AudioFormat): number => +format.slice(format.indexOf('_') + 1);

/** Character timings of an audio chunk (from its `alignment`): `starts` in ms from the chunk's start. */
export interface Alignment {
  chars: string[];
  starts: number[];
}

/** What the parser makes of one frame: a typed event the session machine handles. */
export type ServerEvent =
  | {
      type: 'server.metadata';
      conversationId: string;
      outputFormat: AudioFormat;
      inputFormat: AudioFormat;
      raw: ServerMessage;
    }
  /** The record of agent audio the relay already sent to playback (see RelayReport). */
  | { type: 'server.audio'; eventId: number; byteLength: number; alignment: Alignment; at: number }
  | { type: 'server.agentResponse'; text: string; raw: ServerMessage }
  | { type: 'server.agentCorrection'; original: string; corrected: string; raw: ServerMessage }
  | { type: 'server.userTranscript'; text: string; raw: ServerMessage }
  /** `generation`: the number of the playback flush the relay made for it. */
  | { type: 'server.interruption'; eventId: number; generation: number }
  /** Pings are answered by the relay; the event only informs (`pingMs` as the server sent it: a number, if any). */
  | { type: 'server.ping'; eventId: number; pingMs?: unknown }
  /** Partial user text, replaced by the final `user_transcript`. */
  | { type: 'server.tentative'; text: string; raw: ServerMessage }
  /** The server's voice-activity score, 0..1 (handled in the socket actor: it is high-rate). */
  | { type: 'server.vadScore'; score: number; raw: ServerMessage }
  /** The agent asks the page to run a client tool. */
  | { type: 'server.toolCall'; name: string; id: string; parameters: Record<string, unknown>; raw: ServerMessage }
  | { type: 'server.error'; code: number | null; message: string; raw: ServerMessage }
  /** A well-formed message the SDK does not act on (unknown or informational type). */
  | { type: 'server.unknown'; raw: ServerMessage }
  /** A frame that breaks the protocol: not JSON, not an object, a field missing or wrong. */
  | { type: 'server.invalid'; reason: string };

const isObject = (value: unknown): value is ServerMessage =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';

const invalid = (reason: string): ServerEvent => ({ type: 'server.invalid', reason });

/**
 * Parses one text frame. Never throws. Well-formed audio, pings and interruptions never get here:
 * the relay handles them itself (core/transport/relay.ts), so those types here are malformed.
 */
export function parseServerMessage(text: string): ServerEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid('not JSON');
  }
  if (!isObject(raw)) return invalid('not a JSON object');
  const type = raw.type;
  if (!isString(type)) return invalid('no message type');
  // Each known type keeps its payload under "<type>_event"; client_tool_call is the odd one out.
  const body = raw[type === 'client_tool_call' ? type : type + '_event'];
  const payload = isObject(body) ? body : undefined;
  const missing = (field: string) => invalid(`${type} without a valid ${field}`);

  switch (type) {
    case 'conversation_initiation_metadata': {
      if (!payload || !isString(payload.conversation_id)) return missing('conversation_id');
      const output = payload.agent_output_audio_format ?? DEFAULT_FORMAT;
      const input = payload.user_input_audio_format ?? DEFAULT_FORMAT;
      if (!isString(output) || !FORMAT.test(output)) return missing('agent_output_audio_format');
      if (!isString(input) || !FORMAT.test(input)) return missing('user_input_audio_format');
      return {
        type: 'server.metadata',
        conversationId: payload.conversation_id,
        outputFormat: output as AudioFormat,
        inputFormat: input as AudioFormat,
        raw,
      };
    }
    case 'audio':
    case 'ping':
    case 'interruption':
      return invalid(`${type} without a valid event_id${type === 'audio' ? ' or audio_base_64 of whole samples' : ''}`);
    case 'agent_response':
      if (!payload || !isString(payload.agent_response)) return missing('agent_response');
      return { type: 'server.agentResponse', text: payload.agent_response, raw };
    case 'agent_response_correction':
      if (!payload || !isString(payload.original_agent_response) || !isString(payload.corrected_agent_response))
        return missing('correction');
      return {
        type: 'server.agentCorrection',
        original: payload.original_agent_response,
        corrected: payload.corrected_agent_response,
        raw,
      };
    case 'user_transcript': {
      const event = raw.user_transcription_event;
      if (!isObject(event) || !isString(event.user_transcript)) return missing('user_transcript');
      return { type: 'server.userTranscript', text: event.user_transcript, raw };
    }
    case 'tentative_user_transcript': {
      const event = raw.tentative_user_transcription_event;
      if (!isObject(event) || !isString(event.user_transcript)) return missing('user_transcript');
      return { type: 'server.tentative', text: event.user_transcript, raw };
    }
    case 'vad_score': {
      const score = payload?.vad_score;
      if (typeof score !== 'number' || !(score >= 0 && score <= 1)) return missing('vad_score');
      return { type: 'server.vadScore', score, raw };
    }
    case 'client_tool_call': {
      const parameters = payload?.parameters ?? {};
      if (!payload || !isString(payload.tool_name) || !isString(payload.tool_call_id)) return missing('tool_name or tool_call_id');
      if (!isObject(parameters)) return missing('parameters');
      return { type: 'server.toolCall', name: payload.tool_name, id: payload.tool_call_id, parameters, raw };
    }
    case 'error':
      return {
        type: 'server.error',
        code: typeof payload?.code === 'number' ? payload.code : null,
        message: isString(payload?.message) ? payload.message : 'unspecified server error',
        raw,
      };
    default:
      return { type: 'server.unknown', raw };
  }
}

/** The audio chunk message, built from already-encoded base64 PCM16 LE at 16 kHz. */
export const encodeAudioChunk = (base64: string): string => `{"user_audio_chunk":"${base64}"}`;

/** The reply to a ping: same `event_id`, sent at once. */
export const encodePong = (eventId: number): string => `{"type":"pong","event_id":${eventId}}`;

/** Agent session settings sent once, first, as `conversation_initiation_client_data`. */
export interface SessionOverrides {
  /** Agent settings for this conversation. */
  agent?: {
    /** The agent's system prompt. */
    prompt?: string;
    /** What the agent says first. */
    firstMessage?: string;
    /** The conversation's language, e.g. `en`. */
    language?: string;
  };
  /** Voice settings for this conversation. */
  tts?: {
    /** The voice to speak with. */
    voiceId?: string;
  };
}

/** Builds the connection URL; the key travels only here, never into messages or errors. */
export function connectionUrl(wsUrl: string, apiKey: string, agentId: string): string {
  const url = new URL(wsUrl);
  url.searchParams.set('api_key', apiKey);
  url.searchParams.set('agent_id', agentId);
  return url.toString();
}

/** Messages the client sends, as typed objects (the audio chunk and pong have string fast paths above). */
export type ClientMessage =
  | { user_audio_chunk: string }
  | { type: 'pong'; event_id: number }
  | { type: 'conversation_initiation_client_data'; [key: string]: unknown }
  | { type: 'user_message'; text: string }
  | { type: 'user_activity' }
  | { type: 'contextual_update'; text: string }
  | { type: 'client_tool_result'; tool_call_id: string; result: string; is_error: boolean }
  | { type: 'feedback'; score: 'like' | 'dislike'; event_id: number };

/** Serialises a client message to its text frame. */
export const encodeClientMessage = (message: ClientMessage): string => JSON.stringify(message);
