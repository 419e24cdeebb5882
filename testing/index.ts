/**
 * `perfvoice/testing`: a local agent that speaks the Perf voice protocol, for demos, offline
 * development and tests. Node only.
 *
 * @example
 * const agent = await createLocalAgent();
 * const voice = new PerfVoice({ apiKey: 'pk_test', agentId: 'demo', wsUrl: agent.url });
 * await voice.start(); // greeted, then every turn is echoed back
 * await agent.close();
 *
 * The default conversation also understands the rest of the protocol:
 * - `conversation_initiation_client_data` (the one frame allowed before the metadata; the agent
 *   waits `clientDataWaitMs` for it): `agent.first_message` becomes the greeting's text with its
 *   `{{name}}` placeholders filled from `dynamic_variables`; the rest is recorded
 *   (`session.overrides`, `session.dynamicVariables`, `session.userId`);
 * - a typed `user_message` gets its `user_transcript` and a spoken `You wrote: <text>`;
 *   `/tool <name> <json>` calls that client tool and says `Tool <name> returned: <result>`
 *   (or `failed:`); `contextual_update`s are acknowledged as `(noted: <text>) ` before the next
 *   spoken text; `user_activity` and `feedback` are recorded;
 * - during user speech, `tentative_user_transcript` and `vad_score` messages; agent audio
 *   carries `alignment`.
 *
 * Keys off the page: a site's backend gets a signed URL (`agent.createSignedUrl()`, or
 * `GET agent.signedUrlEndpoint` with an `x-api-key` header) and the page connects with it as
 * `wsUrl`, without an API key. The URL carries `agent_id`, `expires` (Unix ms) and
 * `conversation_signature` (HMAC-SHA256 under a random secret of this agent): a valid one is
 * accepted without `api_key`, an expired one closes with 1008 `signed URL expired`, a wrong one
 * with 1008 `invalid signature`. Plain URLs still need `api_key` and `agent_id`.
 *
 * @example
 * // backend (Node): hand the page a URL that needs no key
 * const wsUrl = await fetchSignedUrl(agent.signedUrlEndpoint, { apiKey: process.env.PERF_KEY, agentId: 'demo' });
 * // (the same as GET `${agent.signedUrlEndpoint}?agent_id=demo` with an `x-api-key` header,
 * // answered with {"signed_url":"ws://...?agent_id=demo&conversation_signature=...&expires=..."})
 */
export { createLocalAgent, type LocalAgent } from './local-agent.js';
export { fetchSignedUrl, UrlSigner, SIGNATURE_REASONS, type SignatureCheck, type SignedUrlOptions } from './signed-url.js';
export {
  readClientData,
  substituteVariables,
  type ConversationOverrides,
  type DynamicVariables,
  type ReceivedFeedback,
  type ReceivedText,
} from './client-messages.js';
export type { ClientToolCallOptions, ClientToolResult } from './client-tools.js';
export { alignText } from './alignment.js';
export { parseToolCommand, type ToolCommand } from './typed-turns.js';
export { TurnEvents, type TurnEventOptions } from './turn-events.js';
export type { AgentCredentials, AgentScript, LocalAgentOptions, SessionBehaviourOptions } from './options.js';
export { AgentSession } from './session.js';
export { SessionChannel } from './session-channel.js';
export type {
  AgentSocket,
  CloseInfo,
  ReceivedAudioChunk,
  ReceivedMessage,
  ReceivedPong,
  SendAudioOptions,
  SentMessage,
  SpeakOptions,
} from './session-types.js';
export { AgentSpeech, type SpeechOutcome, type SpeechState } from './speech.js';
export { describeSpeech, type DefaultParts } from './conversation.js';
export { DEFAULT_GREETING_TEXT, REPLY_CLIP_TEXT, type Greeting, type GreetingOption } from './greeting.js';
export { EnergyVad, type SpeechSegment, type VadEvent, type VadOptions } from './vad.js';
export { realClock, type AgentClock } from './clock.js';
export { PlayoutClock, type PlayoutSpan } from './playout.js';
export {
  AUDIO_FORMATS,
  decodeAudio,
  encodeAudio,
  floatToInt16,
  int16ToFloat,
  isAudioFormat,
  resample,
  sampleRateOf,
  type AudioFormat,
  type PcmFormat,
} from './audio-format.js';
export { encodeWav, parseWav, type PcmAudio } from './wav.js';
export type {
  AgentClientMessage,
  AudioAlignment,
  ClientMessage,
  ClientMessageKind,
  ClientToolResultMessage,
  FeedbackMessage,
  ContextualUpdateMessage,
  ClientDataMessage,
  InitiationMetadata,
  PongMessage,
  UserActivityMessage,
  UserAudioChunkMessage,
  UserTextMessage,
} from './protocol.js';
