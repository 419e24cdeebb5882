/**
 * One client connection of the local agent: on top of its {@link SessionChannel} (socket,
 * protocol rules, record), what the client told the agent as typed fields, and the primitives
 * that scripts (and the default conversation) use to speak to the client: metadata, paced
 * interruptible speech, transcripts, pings, client tool calls.
 */
import { randomBytes } from 'node:crypto';
import { isAudioFormat } from './audio-format.js';
import {
  applyClientMessage,
  waitForClientData,
  type ConversationOverrides,
  type DynamicVariables,
  type ReceivedFeedback,
  type ReceivedText,
} from './client-messages.js';
import { ClientToolCalls, type ClientToolCallOptions, type ClientToolResult } from './client-tools.js';
import { runDefaultConversation, type DefaultParts } from './conversation.js';
import { PingTracker } from './keepalive.js';
import type { ResolvedSessionOptions } from './options.js';
import { PlayoutClock } from './playout.js';
import {
  serverMessage,
  type AgentClientMessage,
  type ClientDataMessage,
  type ClientMessageKind,
  type ClientToolResultMessage,
  type InitiationMetadata,
  type PongMessage,
} from './protocol.js';
import { SessionChannel } from './session-channel.js';
import type { AgentSocket, CloseInfo, ReceivedPong, SendAudioOptions, SpeakOptions } from './session-types.js';
import { AgentSpeech, encodeSpeechChunks, truncateText, type SpeechChunk, type SpeechTransport } from './speech.js';
import type { PcmAudio } from './wav.js';

/** A connection to the local agent, see the module comment. */
export class AgentSession extends SessionChannel {
  /** The conversation id sent in the metadata (`conv_` + 24 hex digits unless overridden). */
  conversationId = `conv_${randomBytes(12).toString('hex')}`;
  /** Whether the connection was accepted through a signed URL (then it has no `api_key`). */
  signedUrl = false;
  /** Every pong, in order. Empty when `record` is off. */
  readonly pongs: ReceivedPong[] = [];
  /** `conversation_initiation_client_data` messages received. */
  readonly clientData: ClientDataMessage[] = [];
  /** The overrides of the client data received so far (later messages win field by field). */
  overrides: ConversationOverrides = {};
  /** The client data's `dynamic_variables`, for `{{name}}` placeholders in the agent's texts. */
  dynamicVariables: DynamicVariables = {};
  /** The client data's `user_id` (`null` until one arrives). */
  userId: string | null = null;
  /** Typed `user_message`s, in order (too long ones are refused and not listed). */
  readonly userMessages: ReceivedText[] = [];
  /** `contextual_update`s, in order. */
  readonly contextualUpdates: ReceivedText[] = [];
  /** Clock times of the `user_activity` messages (their count is the length). */
  readonly userActivity: number[] = [];
  /** Valid `feedback` messages, in order. */
  readonly feedback: ReceivedFeedback[] = [];
  /** Speeches started with {@link AgentSession.speak}, in order. */
  readonly speeches: AgentSpeech[] = [];
  /** The client's playout as the agent models it. */
  readonly playout: PlayoutClock;
  /** Set when the script threw or rejected. */
  scriptError: unknown;

  private lastEventId = 0;
  private defaultStarted = false;
  private readonly pings: PingTracker;
  private readonly tools: ClientToolCalls;

  /**
   * Wraps an accepted socket. Created by the local agent; scripts receive it ready.
   * @param socket the server side of the connection.
   * @param request the HTTP upgrade request (its URL carries the path and the query).
   * @param options the agent's options.
   */
  constructor(socket: AgentSocket, request: { url?: string }, options: ResolvedSessionOptions) {
    super(socket, request, options);
    this.playout = new PlayoutClock(this.clock);
    this.pings = new PingTracker(this.clock, (message) => this.send(message));
    const host = { clock: this.clock, send: (message: unknown) => this.send(message), nextEventId: () => this.nextEventId() };
    this.tools = new ClientToolCalls(host, options.clientToolTimeoutMs);
  }

  /** Whether the client is (assumed to be) playing agent audio now. */
  get agentSpeaking(): boolean {
    return this.playout.playing;
  }

  /** Every `client_tool_result` received, in order, including those for unknown ids (`matched: false`). */
  get toolResults(): readonly ClientToolResult[] {
    return this.tools.results;
  }

  /**
   * Sends `conversation_initiation_metadata`, after which the client may send audio. `overrides`
   * are merged into the event; a supported `agent_output_audio_format` /
   * `user_input_audio_format` among them also switches the session's encoding / decoding.
   */
  sendMetadata(overrides: Partial<InitiationMetadata> = {}): void {
    if (isAudioFormat(overrides.agent_output_audio_format)) this.outputFormat = overrides.agent_output_audio_format;
    if (isAudioFormat(overrides.user_input_audio_format)) this.inputFormat = overrides.user_input_audio_format;
    if (typeof overrides.conversation_id === 'string') this.conversationId = overrides.conversation_id;
    const event: InitiationMetadata = {
      conversation_id: this.conversationId,
      agent_output_audio_format: this.outputFormat,
      user_input_audio_format: this.inputFormat,
      ...overrides,
    };
    if (this.send(serverMessage.metadata(event))) this.metadataSentAt ??= this.clock.now();
  }

  /**
   * Sends agent audio at once, encoded to the output format and split into `audio` messages.
   * @returns the event ids used and the audio's duration.
   */
  sendAudio(samples: Int16Array | Float32Array, options: SendAudioOptions = {}): { eventIds: number[]; durationMs: number } {
    const chunkMs = options.chunkMs ?? this.options.chunkMs;
    const chunks = encodeSpeechChunks(samples, this.outputFormat, { sampleRate: options.sampleRate, chunkMs });
    if (options.eventId !== undefined) this.lastEventId = Math.max(this.lastEventId, options.eventId);
    const eventIds: number[] = [];
    for (const chunk of chunks) {
      const sent = this.sendChunk(chunk, options.eventId);
      if (sent) eventIds.push(sent.eventId);
    }
    return { eventIds, durationMs: chunks.reduce((sum, chunk) => sum + chunk.durationMs, 0) };
  }

  /**
   * Speaks like the real agent: sends `agent_response` with `text`, then streams the audio a
   * little ahead of the client's playout, so {@link AgentSession.interrupt} can cut it short.
   * With `alignment` on (the agent's default), each chunk carries the timing of the text's
   * characters spread over the audio. Speeches queue behind each other.
   */
  speak(audio: Int16Array | Float32Array | PcmAudio, options: SpeakOptions = {}): AgentSpeech {
    const samples = 'samples' in audio ? audio.samples : audio;
    const sampleRate = options.sampleRate ?? ('sampleRate' in audio ? audio.sampleRate : undefined);
    const chunkMs = options.chunkMs ?? this.options.chunkMs;
    const alignedText = (options.alignment ?? this.options.alignment) ? options.text : undefined;
    const chunks = encodeSpeechChunks(samples, this.outputFormat, { sampleRate, chunkMs, alignedText });
    const transport: SpeechTransport = {
      clock: this.clock,
      playout: this.playout,
      sendChunk: (chunk) => this.sendChunk(chunk),
      onStart: (speech) => {
        if (speech.text !== undefined) this.sendAgentResponse(speech.text);
      },
      onSendingDone: (speech) => this.startNextSpeech(speech),
    };
    const speech = new AgentSpeech(options.text, chunks, options.bufferAheadMs ?? this.options.bufferAheadMs, transport);
    const busy = this.speeches.some((other) => other.state === 'queued' || other.state === 'sending');
    this.speeches.push(speech);
    if (!busy) speech.start();
    return speech;
  }

  /** Sends `agent_response`. */
  sendAgentResponse(text: string): boolean {
    return this.send(serverMessage.agentResponse(text));
  }

  /** Sends `agent_response_correction`. */
  sendAgentResponseCorrection(original: string, corrected: string): boolean {
    return this.send(serverMessage.agentResponseCorrection(original, corrected));
  }

  /** Sends `user_transcript`. */
  sendUserTranscript(text: string): boolean {
    return this.send(serverMessage.userTranscript(text));
  }

  /** Sends `tentative_user_transcript`, with an `event_id` when one is given. */
  sendTentativeUserTranscript(text: string, eventId?: number): boolean {
    return this.send(serverMessage.tentativeUserTranscript(text, eventId));
  }

  /** Sends `vad_score`. */
  sendVadScore(score: number): boolean {
    return this.send(serverMessage.vadScore(score));
  }

  /**
   * Sends `interruption` only (speeches in progress go on: see {@link AgentSession.interrupt}).
   * The playout model is flushed, as the client drops its queue.
   * @param eventId default: a fresh id above every audio id sent so far.
   * @returns the event id sent.
   */
  sendInterruption(eventId?: number): number {
    const id = eventId ?? this.nextEventId();
    this.lastEventId = Math.max(this.lastEventId, id);
    this.send(serverMessage.interruption(id));
    this.playout.flush();
    return id;
  }

  /**
   * The agent's reaction to a barge-in: stops every speech in progress, sends `interruption` with
   * an id above all their audio ids, and an `agent_response_correction` (to the words heard so
   * far) for each speech whose text was sent but not fully played.
   * @returns the interruption's event id.
   */
  interrupt(): number {
    const cut = this.speeches.filter((speech) => speech.active);
    const corrections = cut.flatMap((speech) => {
      const played = speech.playedMs;
      if (speech.text === undefined || speech.state === 'queued' || played >= speech.durationMs) return [];
      return [{ original: speech.text, corrected: truncateText(speech.text, played / speech.durationMs) }];
    });
    // Newest first: stopping the one being sent would otherwise start the next queued one.
    for (const speech of cut.reverse()) speech.stop('interrupted');
    const id = this.sendInterruption();
    for (const { original, corrected } of corrections) this.sendAgentResponseCorrection(original, corrected);
    return id;
  }

  /**
   * Sends a `ping` and resolves with the pong's delay in milliseconds.
   * Rejects if the session closes first.
   * @param eventId default: the next ping id.
   */
  ping(eventId?: number): Promise<number> {
    return this.pings.ping(eventId);
  }

  /** Whether a ping with this id is still waiting for its pong. */
  isPingPending(eventId: number): boolean {
    return this.pings.isPending(eventId);
  }

  /**
   * Starts the keepalive: a ping every `intervalMs`; a ping not answered within `timeoutMs`
   * closes the session with 1002.
   */
  startKeepalive(intervalMs = this.options.pingIntervalMs || 2000, timeoutMs = this.options.pongTimeoutMs): void {
    const tick = () => {
      if (!this.isOpen) return;
      const id = this.pings.nextId;
      this.ping(id).catch(() => {}); // closing the session rejects it; nothing to do then
      this.setTimer(() => {
        if (this.isPingPending(id)) this.close(1002, `pong timeout: no pong for ${timeoutMs} ms`);
      }, timeoutMs);
      this.setTimer(tick, intervalMs);
    };
    this.setTimer(tick, intervalMs);
  }

  /**
   * Asks the client to run a tool: sends
   * `{"type":"client_tool_call","client_tool_call":{"tool_name","tool_call_id","parameters","event_id"}}`
   * with a fresh unique `tool_call_id`, and resolves with the client's `client_tool_result` for
   * it (also when its `is_error` is true). Rejects when no result comes within `timeoutMs`
   * (session clock; default the agent's `clientToolTimeoutMs`) or the session closes first.
   */
  callClientTool(name: string, parameters: Record<string, unknown> = {}, options: ClientToolCallOptions = {}): Promise<ClientToolResult> {
    return this.tools.call(name, parameters, options);
  }

  /**
   * Resolves with the `conversation_initiation_client_data` once it arrives, or `null` when
   * another frame comes first (the client data, if any, is the first frame), after `timeoutMs`
   * of real time (default: the agent's `clientDataWaitMs`), or when the session closes. Resolves
   * at once when it was already received. The default conversation waits so before its metadata.
   */
  waitForClientData(timeoutMs = this.options.clientDataWaitMs): Promise<ClientDataMessage | null> {
    return waitForClientData(this, timeoutMs);
  }

  /**
   * Runs the default conversation, or the chosen parts of it: waits briefly for the client data
   * and sends the metadata (if not sent yet), keepalive pings, the greeting, the echo of user
   * turns with barge-in, and the answers to typed messages. Runs once per session; later calls
   * do nothing. The returned promise resolves once the metadata and greeting are under way.
   * @throws (synchronously) if a bundled clip cannot be loaded.
   */
  runDefault(parts: DefaultParts = {}): Promise<void> {
    if (this.defaultStarted) return Promise.resolve();
    this.defaultStarted = true;
    return runDefaultConversation(this, parts);
  }

  /** A fresh event id above every audio, interruption and tool call id used so far. */
  nextEventId(): number {
    return ++this.lastEventId;
  }

  protected override handleClientMessage(kind: ClientMessageKind, message: AgentClientMessage, at: number): void {
    if (kind === 'pong') {
      const pong = this.pings.receivePong((message as PongMessage).event_id, at);
      if (this.options.record) this.pongs.push(pong);
    } else if (kind === 'client_tool_result') {
      this.tools.receive(message as ClientToolResultMessage, at);
    } else {
      applyClientMessage(this, kind, message, at);
    }
  }

  protected override handleClosed({ code }: CloseInfo): void {
    this.pings.failAll(`session closed (${code})`);
    this.tools.failAll(`session closed (${code})`);
  }

  protected override stopActivity(): void {
    super.stopActivity();
    for (const speech of [...this.speeches].reverse()) speech.stop('closed');
  }

  private sendChunk(chunk: SpeechChunk, eventId = this.nextEventId()) {
    if (!this.send(serverMessage.audio(chunk.base64, eventId, chunk.alignment))) return null;
    return { eventId, ...this.playout.schedule(chunk.durationMs) };
  }

  private startNextSpeech(finished: AgentSpeech): void {
    const index = this.speeches.indexOf(finished);
    this.speeches.find((speech, i) => i > index && speech.state === 'queued')?.start();
  }
}
