/** Options of the local agent and their defaults. */
import type { AudioFormat } from './audio-format.js';
import { realClock, type AgentClock } from './clock.js';
import type { GreetingOption } from './greeting.js';
import type { AgentSession } from './session.js';
import type { VadOptions } from './vad.js';

/**
 * Replaces the default conversation for a connection. It receives the session right after the
 * WebSocket opened (credentials already checked) and drives it: send the metadata, audio, pings,
 * close... Call `session.runDefault()` to get the default behaviour (or parts of it) back.
 * A script that throws or rejects closes the session with 1011 and the error's message.
 */
export type AgentScript = (session: AgentSession) => void | Promise<void>;

/** The credentials of a connection, from its query string. */
export interface AgentCredentials {
  /** `api_key` query parameter. */
  apiKey: string;
  /** `agent_id` query parameter. */
  agentId: string;
  /** The whole query string. */
  query: URLSearchParams;
}

/** How every session of the agent behaves. */
export interface SessionBehaviourOptions {
  /** Format of agent audio (`agent_output_audio_format`). Default `'pcm_16000'`. */
  outputFormat?: AudioFormat;
  /** Format expected from the client (`user_input_audio_format`). Default `'pcm_16000'`. */
  inputFormat?: AudioFormat;
  /** Keepalive ping period; `false` or 0 for no automatic pings. Default 2000. */
  pingIntervalMs?: number | false;
  /** A ping unanswered for this long closes the session with 1002. Default 10000. */
  pongTimeoutMs?: number;
  /** The greeting spoken after the metadata. Default: the bundled "Hello! I'm the local echo agent…". */
  greeting?: GreetingOption;
  /** Tuning of the turn detection. */
  vad?: VadOptions;
  /** Duration of the agent audio carried by one `audio` message. Default 200. */
  chunkMs?: number;
  /**
   * How far ahead of the client's playout agent audio is sent, like a streaming TTS.
   * `Infinity` sends each utterance at once. Default 400.
   */
  bufferAheadMs?: number;
  /**
   * Enforce the protocol: close with 1008 on audio before the metadata, on a malformed or unknown
   * message (e.g. feedback whose score is not `like`/`dislike`) and on a binary frame. When false,
   * audio before the metadata is accepted and an invalid message gets an `error` event
   * (`error_type` `invalid_message`) instead of a close. The client data is never refused.
   * Default true.
   */
  strict?: boolean;
  /**
   * Accepts or rejects credentials: return `true`, or a reason to close with 1008.
   * Default: any non-empty `api_key` and `agent_id`. Also checks the key of the signed-URL
   * endpoint; not called for connections through a signed URL (they carry no key: the
   * signature is checked instead).
   */
  authorize?: (credentials: AgentCredentials) => true | string;
  /**
   * Keep every frame received and sent on the session (`received`, `audioChunks`, `pongs`,
   * `sent`). Turn off for long-running servers: the record grows by ~60 KB per second of talk.
   * Default true.
   */
  record?: boolean;
  /**
   * How long the default conversation waits, after the socket opened, for the client's
   * `conversation_initiation_client_data` before it sends the metadata and greeting (so the
   * overrides apply to the greeting). Any other frame ends the wait too. 0: no wait. Default 100
   * (a client sends it as soon as the socket opens, so it takes one round trip: raise this for a
   * distant client).
   */
  clientDataWaitMs?: number;
  /**
   * Longest `user_message` / `contextual_update` text accepted, in characters; longer ones get an
   * `error` event (code 1008, `error_type` `message_too_long`) and are otherwise ignored, without
   * closing. Default 4000.
   */
  maxTextLength?: number;
  /** Default timeout of client tool calls (`callClientTool`, the `/tool` command). Default 10000. */
  clientToolTimeoutMs?: number;
  /**
   * The default conversation sends `tentative_user_transcript` messages while the user speaks
   * (at most one per 250 ms of audio). Default true.
   */
  tentative?: boolean;
  /**
   * The default conversation sends `vad_score` messages during and just after the user's speech
   * (at most one per 100 ms of audio). Default true.
   */
  vadScores?: boolean;
  /**
   * Agent audio spoken with a text carries `alignment` (the characters spread uniformly over
   * the speech, times relative to each chunk's start). Default true.
   */
  alignment?: boolean;
  /** Time source for pacing, pings and the playout model. Default: the real clock. */
  clock?: AgentClock;
  /** Receives one line per connection event (the API key is never included). Default: silent. */
  log?: (line: string) => void;
}

/** Options of `createLocalAgent`. */
export interface LocalAgentOptions extends SessionBehaviourOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Path in the advertised `url` (connections on any path are accepted). Default `'/v1/voice/conversation'`. */
  path?: string;
  /** Drives every connection instead of the default conversation, see {@link AgentScript}. */
  script?: AgentScript;
}

/** Session options with every default filled in. */
export type ResolvedSessionOptions = Required<Omit<SessionBehaviourOptions, 'greeting'>> &
  Pick<SessionBehaviourOptions, 'greeting'>;

/** Fills in the defaults of the session options. */
export function resolveSessionOptions(options: SessionBehaviourOptions): ResolvedSessionOptions {
  return {
    outputFormat: options.outputFormat ?? 'pcm_16000',
    inputFormat: options.inputFormat ?? 'pcm_16000',
    pingIntervalMs: options.pingIntervalMs ?? 2000,
    pongTimeoutMs: options.pongTimeoutMs ?? 10000,
    greeting: options.greeting,
    vad: options.vad ?? {},
    chunkMs: options.chunkMs ?? 200,
    bufferAheadMs: options.bufferAheadMs ?? 400,
    strict: options.strict ?? true,
    authorize: options.authorize ?? (() => true),
    record: options.record ?? true,
    clientDataWaitMs: options.clientDataWaitMs ?? 100,
    maxTextLength: options.maxTextLength ?? 4000,
    clientToolTimeoutMs: options.clientToolTimeoutMs ?? 10000,
    tentative: options.tentative ?? true,
    vadScores: options.vadScores ?? true,
    alignment: options.alignment ?? true,
    clock: options.clock ?? realClock,
    log: options.log ?? (() => {}),
  };
}
