/**
 * The session machine's types: its options (after defaults), context, events and emitted events,
 * and the context every session starts with.
 */
import type { AudioStateEvent } from './actors/audio-state';
import type { MicrophoneEvent } from './actors/microphone';
import type { PlaybackEvent } from './actors/playback';
import type { SocketEvent } from './actors/socket';
import type { ToolsEvent } from './actors/tools';
import type { Meters } from './audio/meters';
import { DEFAULT_FORMAT, type AudioFormat, type ServerMessage } from './protocol';
import type { ClientTool, EndedBy, Role, ToolCall, ToolResult, TranscriptTurn } from './types';
import type { Uplink } from './uplink';
import type { AudioThread } from './transport/thread';

/** Options after defaults are applied. */
export interface SessionOptions {
  apiKey: string;
  agentId: string;
  wsUrl: string;
  signedUrl: string | (() => Promise<string>) | undefined;
  chunkSize: number;
  connectTimeoutMs: number;
  inputDeviceId: string | undefined;
  outputDeviceId: string | undefined;
  workletUrl: string | undefined;
  /** Where the socket runs (undefined: a Worker when one starts, else the page). */
  audioThread: AudioThread | undefined;
  workerUrl: string | undefined;
  clientTools: Record<string, ClientTool>;
  clientToolTimeoutMs: number;
  /** How long a server that pings may send nothing before the session ends (0: no limit). */
  inactivityTimeoutMs: number;
  /** Whether the capture holds back the agent's own voice heard again by the microphone. */
  echoGuard: boolean;
  /** Lost connections are replaced this many times, the first after `backoffMs` (null: never). */
  reconnect: { attempts: number; backoffMs: number } | null;
  /** Transcript turns kept (the oldest are dropped). */
  maxTranscriptTurns: number;
  /** Characters kept of a turn's text, and of the tentative transcript. */
  maxTurnChars: number;
  /** The `conversation_initiation_client_data` frame, or null. */
  setup: string | null;
}

/** How the socket ended, as reported by the `disconnected` event. */
export interface CloseInfo {
  code: number;
  reason: string;
}

export interface SessionContext {
  options: SessionOptions;
  meters: Meters;
  uplink: Uplink;
  audio: AudioContext | null;
  conversationId: string | null;
  outputFormat: AudioFormat;
  /** Set by an interruption: the next agent response starts a new transcript turn. */
  agentCut: boolean;
  muted: boolean;
  volume: number;
  /** The microphone asked for (undefined: the system default); carries over between sessions. */
  inputDeviceId: string | undefined;
  /** The audio output asked for (undefined: the system default); carries over between sessions. */
  outputDeviceId: string | undefined;
  transcript: readonly TranscriptTurn[];
  /** The user's words so far in this turn (tentative transcript). */
  tentative: string;
  /** The latest fresh agent audio event_id (-1 before any): what feedback refers to. */
  lastAudioId: number;
  /** An agent response arrived and has no feedback yet. */
  feedbackOpen: boolean;
  /** The error that ended or prevented this session, for the state snapshot. */
  error: Error | null;
  /** Where this session's socket and real-time audio flows run, once known. */
  audioThread: AudioThread | null;
  /** Who ended the last session. */
  endedBy: EndedBy | null;
  /** The reconnection attempt under way (0: none). */
  reconnects: number;
  /** Why the session ended before it was established: what a pending start() rejects with. */
  failure: Error | null;
  close: CloseInfo | null;
}

export type SessionEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  | { type: 'SET_MUTED'; muted: boolean }
  | { type: 'SET_VOLUME'; volume: number }
  | { type: 'SET_INPUT_DEVICE'; deviceId: string | undefined }
  /** The output was switched (by the class, on the live context): recorded for the next sessions. */
  | { type: 'SET_OUTPUT_DEVICE'; deviceId: string | undefined }
  | { type: 'RESUME_AUDIO' }
  /** A client message to send as is (the class checks the session is connected). */
  | { type: 'SEND'; data: string }
  | { type: 'FEEDBACK'; like: boolean }
  | ToolsEvent
  | AudioStateEvent
  | SocketEvent
  | MicrophoneEvent
  | PlaybackEvent;

/**
 * Events the machine emits; the PerfVoice class fires the documented event of the same name with
 * the fields as its arguments, in the order written here (keep each object literal in this order).
 */
export type SessionEmitted =
  | { type: 'transcript'; role: Role; text: string }
  | { type: 'error'; error: Error }
  | { type: 'interruption' }
  | { type: 'message'; message: ServerMessage }
  | { type: 'tentativeTranscript'; text: string }
  | { type: 'correction'; original: string; corrected: string }
  | { type: 'toolCall'; call: ToolCall }
  | { type: 'toolResult'; result: ToolResult };

/** What every session starts with; mute and volume carry over between sessions. */
export const fresh = () => ({
  conversationId: null,
  outputFormat: DEFAULT_FORMAT,
  agentCut: false,
  transcript: [] as readonly TranscriptTurn[],
  tentative: '',
  lastAudioId: -1,
  feedbackOpen: false,
  error: null,
  audioThread: null,
  endedBy: null,
  reconnects: 0,
  failure: null,
  close: null,
});
