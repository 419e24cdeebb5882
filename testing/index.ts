/**
 * `perfvoice/testing`: a local agent that speaks the Perf voice protocol, for demos, offline
 * development and tests. Node only.
 *
 * @example
 * const agent = await createLocalAgent();
 * const voice = new PerfVoice({ apiKey: 'pk_test', agentId: 'demo', wsUrl: agent.url });
 * await voice.start(); // greeted, then every turn is echoed back
 * await agent.close();
 */
export { createLocalAgent, type LocalAgent } from './local-agent.js';
export type { AgentCredentials, AgentScript, LocalAgentOptions, SessionBehaviourOptions } from './options.js';
export { AgentSession } from './session.js';
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
export { DEFAULT_GREETING_TEXT, type Greeting, type GreetingOption } from './greeting.js';
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
  ClientMessage,
  ClientMessageKind,
  ContextualUpdateMessage,
  ClientDataMessage,
  InitiationMetadata,
  PongMessage,
  UserActivityMessage,
  UserAudioChunkMessage,
  UserTextMessage,
} from './protocol.js';
