/**
 * perfvoice: real-time spoken conversations with Perf voice agents in the browser.
 * Importing this module touches no browser API; everything starts with `voice.start()`.
 */
export { PerfVoice } from './perf-voice';
export { DEFAULT_WS_URL } from './options';
export { PerfVoiceError, type PerfVoiceErrorCode } from './errors';
export type {
  Mode,
  PerfVoiceEvent,
  PerfVoiceEventMap,
  PerfVoiceCredentials,
  PerfVoiceOptions,
  PerfVoiceSettings,
  EndedBy,
  ClientTool,
  ToolCall,
  ToolResult,
  PerfVoiceState,
  PerfVoiceStats,
  AudioThread,
  Role,
  Status,
  TranscriptTurn,
} from './types';
export type { AudioFormat, ClientMessage, ServerMessage, SessionOverrides } from './protocol';
/** The session machine itself, for inspection, replay and tests (`machine.provide()` swaps its actors). */
export { sessionMachine, type SessionContext, type SessionEvent, type SessionEmitted, type SessionOptions } from './machine';
