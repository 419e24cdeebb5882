/**
 * perfvoice: real-time spoken conversations with Perf voice agents in the browser.
 * Importing this module touches no browser API; everything starts with `voice.start()`.
 */
export { PerfVoice, DEFAULT_WS_URL } from './perf-voice';
export { PerfVoiceError, type PerfVoiceErrorCode } from './errors';
export type {
  Mode,
  PerfVoiceEvent,
  PerfVoiceEventMap,
  PerfVoiceOptions,
  PerfVoiceState,
  Role,
  Status,
  TranscriptTurn,
} from './types';
export type { AudioFormat, ClientMessage, ServerMessage } from './protocol';
/** The session machine itself, for inspection, replay and tests (`machine.provide()` swaps its actors). */
export { sessionMachine, type SessionContext, type SessionEvent, type SessionEmitted, type SessionOptions } from './machine';
