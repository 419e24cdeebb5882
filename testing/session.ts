/**
 * One client connection of the local agent: the socket, the protocol rules, a record of
 * everything the client sent, and the primitives that scripts (and the default conversation)
 * use to speak to the client.
 */
import { randomBytes } from 'node:crypto';
import {
  concatSamples,
  decodeAudio,
  durationMs,
  encodeAudio,
  floatToInt16,
  isAudioFormat,
  resample,
  sampleRateOf,
  type AudioFormat,
} from './audio-format.js';
import type { AgentClock } from './clock.js';
import { runDefaultConversation, type DefaultParts } from './conversation.js';
import type { ResolvedSessionOptions } from './options.js';
import { PlayoutClock } from './playout.js';
import {
  parseClientMessage,
  serverMessage,
  type ClientMessage,
  type ClientMessageKind,
  type InitiationMetadata,
  type PongMessage,
  type UserAudioChunkMessage,
} from './protocol.js';
import { AgentSpeech, truncateText, type SpeechChunk, type SpeechTransport } from './speech.js';
import type { PcmAudio } from './wav.js';
import type {
  AgentSocket,
  CloseInfo,
  ReceivedAudioChunk,
  ReceivedMessage,
  ReceivedPong,
  SendAudioOptions,
  SentMessage,
  SpeakOptions,
} from './session-types.js';

type Listener<T> = (value: T) => void;

interface PendingPing {
  sentAt: number;
  resolve: (delayMs: number) => void;
  reject: (error: Error) => void;
}

/** Close reasons are limited to 123 bytes by RFC 6455. */
const MAX_REASON_BYTES = 123;

/** A connection to the local agent, see the module comment. */
export class AgentSession {
  /** `api_key` query parameter ('' when missing). Never logged by the agent. */
  readonly apiKey: string;
  /** `agent_id` query parameter ('' when missing). */
  readonly agentId: string;
  /** The connection's query string. */
  readonly query: URLSearchParams;
  /** Path of the upgrade request, e.g. `/v1/voice/conversation`. */
  readonly path: string;
  /** The conversation id sent in the metadata (`conv_` + 24 hex digits unless overridden). */
  conversationId = `conv_${randomBytes(12).toString('hex')}`;
  /** Format of the agent audio this session sends. */
  outputFormat: AudioFormat;
  /** Format of the client audio this session decodes. */
  inputFormat: AudioFormat;
  /** Clock time the connection opened. */
  readonly connectedAt: number;
  /** Clock time the metadata was first sent (`null` until then). */
  metadataSentAt: number | null = null;
  /** Every frame received, in order (invalid ones included). Empty when `record` is off. */
  readonly received: ReceivedMessage[] = [];
  /** Every decoded audio chunk, in order. Empty when `record` is off. */
  readonly audioChunks: ReceivedAudioChunk[] = [];
  /** Every pong, in order. Empty when `record` is off. */
  readonly pongs: ReceivedPong[] = [];
  /** `conversation_initiation_client_data` messages received. */
  readonly clientData: ClientMessage[] = [];
  /** Every frame sent, in order. Empty when `record` is off. */
  readonly sent: SentMessage[] = [];
  /** Speeches started with {@link AgentSession.speak}, in order. */
  readonly speeches: AgentSpeech[] = [];
  /** The client's playout as the agent models it. */
  readonly playout: PlayoutClock;
  /** Resolves once the connection has ended. */
  readonly closed: Promise<CloseInfo>;
  /** The options in force. */
  readonly options: ResolvedSessionOptions;
  /** Set when the script threw or rejected. */
  scriptError: unknown;

  private readonly clock: AgentClock;
  private open = true;
  private closingByAgent = false;
  private lastEventId = 0;
  private lastPingId = 0;
  private lastPingMs: number | null = null;
  private readonly pendingPings = new Map<number, PendingPing>();
  private readonly timers = new Set<unknown>();
  private readonly messageListeners = new Set<Listener<ReceivedMessage>>();
  private readonly audioListeners = new Set<Listener<ReceivedAudioChunk>>();
  private readonly changeListeners = new Set<() => void>();
  private resolveClosed!: (info: CloseInfo) => void;
  private closeInfo: CloseInfo | null = null;
  private defaultStarted = false;
  private firstAudioAt: number | null = null;

  /**
   * Wraps an accepted socket. Created by the local agent; scripts receive it ready.
   * @param socket the server side of the connection.
   * @param request the HTTP upgrade request (its URL carries the path and the query).
   * @param options the agent's options.
   */
  constructor(
    private readonly socket: AgentSocket,
    request: { url?: string },
    options: ResolvedSessionOptions,
  ) {
    this.options = options;
    this.clock = options.clock;
    this.connectedAt = this.clock.now();
    this.outputFormat = options.outputFormat;
    this.inputFormat = options.inputFormat;
    this.playout = new PlayoutClock(this.clock);
    const url = new URL(request.url ?? '/', 'ws://localhost');
    this.path = url.pathname;
    this.query = url.searchParams;
    this.apiKey = url.searchParams.get('api_key') ?? '';
    this.agentId = url.searchParams.get('agent_id') ?? '';
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code, reason) => this.handleClose(code, reason.toString()));
    // A socket error is always followed by 'close'; without a listener it would crash the process.
    socket.on('error', () => {});
  }

  /** Whether the socket is open and the agent has not started closing it. */
  get isOpen(): boolean {
    return this.open && !this.closingByAgent;
  }

  /** Whether the client is (assumed to be) playing agent audio now. */
  get agentSpeaking(): boolean {
    return this.playout.playing;
  }

  /** Clock time of the first audio chunk minus the metadata time (`null` until both happened). */
  get firstAudioAfterMetadataMs(): number | null {
    return this.firstAudioAt !== null && this.metadataSentAt !== null ? this.firstAudioAt - this.metadataSentAt : null;
  }

  /** All received audio samples, concatenated (at the input rate). */
  receivedSamples(): Int16Array {
    return concatSamples(this.audioChunks.map((chunk) => chunk.samples));
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Sends any value as a JSON text frame; `false` when the socket is not open. */
  send(message: unknown): boolean {
    return this.sendRaw(JSON.stringify(message));
  }

  /** Sends a raw text (string) or binary (Buffer) frame; `false` when the socket is not open. */
  sendRaw(data: string | Buffer): boolean {
    if (!this.isOpen) return false;
    this.socket.send(data, { binary: typeof data !== 'string' });
    if (this.options.record) this.sent.push({ at: this.clock.now(), data });
    return true;
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
    const chunks = this.encodeChunks(samples, options.sampleRate, options.chunkMs);
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
   * Speeches queue behind each other.
   */
  speak(audio: Int16Array | Float32Array | PcmAudio, options: SpeakOptions = {}): AgentSpeech {
    const samples = 'samples' in audio ? audio.samples : audio;
    const sampleRate = options.sampleRate ?? ('sampleRate' in audio ? audio.sampleRate : undefined);
    const chunks = this.encodeChunks(samples, sampleRate, options.chunkMs);
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

  /** Sends `tentative_user_transcript`. */
  sendTentativeUserTranscript(text: string): boolean {
    return this.send(serverMessage.tentativeUserTranscript(text));
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
    const id = eventId ?? this.lastPingId + 1;
    this.lastPingId = Math.max(this.lastPingId, id);
    const promise = new Promise<number>((resolve, reject) => {
      this.pendingPings.set(id, { sentAt: this.clock.now(), resolve, reject });
    });
    if (!this.send(serverMessage.ping(id, this.lastPingMs))) {
      this.pendingPings.delete(id);
      return Promise.reject(new Error('session is closed'));
    }
    return promise;
  }

  /** Whether a ping with this id is still waiting for its pong. */
  isPingPending(eventId: number): boolean {
    return this.pendingPings.has(eventId);
  }

  /**
   * Starts the keepalive: a ping every `intervalMs`; a ping not answered within `timeoutMs`
   * closes the session with 1002.
   */
  startKeepalive(intervalMs = this.options.pingIntervalMs || 2000, timeoutMs = this.options.pongTimeoutMs): void {
    const tick = () => {
      if (!this.isOpen) return;
      const id = this.lastPingId + 1;
      this.ping(id).catch(() => {}); // closing the session rejects it; nothing to do then
      this.setTimer(() => {
        if (this.isPingPending(id)) this.close(1002, `pong timeout: no pong for ${timeoutMs} ms`);
      }, timeoutMs);
      this.setTimer(tick, intervalMs);
    };
    this.setTimer(tick, intervalMs);
  }

  /**
   * Runs the default conversation, or the chosen parts of it: metadata (if not sent yet),
   * keepalive pings, the greeting, and the echo of user turns with barge-in. Runs once per
   * session; later calls do nothing.
   * @throws if the greeting clip cannot be loaded.
   */
  runDefault(parts: DefaultParts = {}): void {
    if (this.defaultStarted) return;
    this.defaultStarted = true;
    runDefaultConversation(this, parts);
  }

  /** Closes the connection with a close frame; `closed` resolves once the client answered. */
  close(code = 1000, reason = ''): void {
    if (!this.isOpen) return;
    this.closingByAgent = true;
    this.stopActivity();
    this.socket.close(code, clipReason(reason));
  }

  /** Drops the TCP connection without a close frame: the client sees 1006. */
  terminate(): void {
    if (!this.open) return;
    this.closingByAgent = true;
    this.stopActivity();
    this.socket.terminate();
  }

  // ---- observing -----------------------------------------------------------------------------

  /** Calls `listener` for every frame received from now on; returns the unsubscribe function. */
  onMessage(listener: Listener<ReceivedMessage>): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Calls `listener` for every audio chunk received from now on; returns the unsubscribe function. */
  onAudio(listener: Listener<ReceivedAudioChunk>): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  /**
   * Resolves with the first truthy value of `predicate`, evaluated now and after every received
   * frame. Rejects after `timeoutMs` (real time), or when the session closes while it is falsy.
   */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (error) {
          finish();
          reject(error);
          return true;
        }
        if (value) {
          finish();
          resolve(value);
          return true;
        }
        if (!this.open) {
          finish();
          reject(new Error(`session closed (${this.closeInfo?.code}) before ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.changeListeners.delete(onChange);
      };
      const onChange = () => void check();
      if (!check()) this.changeListeners.add(onChange);
    });
  }

  /** Resolves with the first received message (past or future) of `kind` that matches `predicate`. */
  waitForMessage(
    kind: ClientMessageKind,
    predicate: (message: ClientMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ReceivedMessage> {
    return this.waitFor(
      () => this.received.find((record) => record.kind === kind && record.message && predicate(record.message)),
      timeoutMs,
      `a ${kind} message`,
    );
  }

  /** Resolves with all received samples once at least `minSamples` have arrived. */
  waitForAudio(minSamples: number, timeoutMs = 5000): Promise<Int16Array> {
    return this.waitFor(
      () => {
        const count = this.audioChunks.reduce((sum, chunk) => sum + chunk.samples.length, 0);
        return count >= minSamples && this.receivedSamples();
      },
      timeoutMs,
      `${minSamples} audio samples`,
    );
  }

  // ---- internals -----------------------------------------------------------------------------

  /** A fresh audio/interruption event id, above every id used so far. */
  private nextEventId(): number {
    return ++this.lastEventId;
  }

  private encodeChunks(samples: Int16Array | Float32Array, sampleRate: number | undefined, chunkMs?: number): SpeechChunk[] {
    const outRate = sampleRateOf(this.outputFormat);
    const pcm = samples instanceof Float32Array ? floatToInt16(samples) : samples;
    const audio = resample(pcm, sampleRate ?? outRate, outRate);
    const ms = chunkMs ?? this.options.chunkMs;
    const size = Number.isFinite(ms) ? Math.max(1, Math.round((outRate * ms) / 1000)) : Math.max(1, audio.length);
    const chunks: SpeechChunk[] = [];
    for (let offset = 0; offset < audio.length; offset += size) {
      const part = audio.subarray(offset, offset + size);
      chunks.push({
        base64: encodeAudio(part, this.outputFormat).toString('base64'),
        durationMs: durationMs(part.length, outRate),
      });
    }
    return chunks;
  }

  private sendChunk(chunk: SpeechChunk, eventId = this.nextEventId()) {
    if (!this.send(serverMessage.audio(chunk.base64, eventId))) return null;
    return { eventId, ...this.playout.schedule(chunk.durationMs) };
  }

  private startNextSpeech(finished: AgentSpeech): void {
    const index = this.speeches.indexOf(finished);
    this.speeches.find((speech, i) => i > index && speech.state === 'queued')?.start();
  }

  private receive(raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (!this.isOpen) return;
    const at = this.clock.now();
    const buffer = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (isBinary) {
      this.record({ at, data: buffer, isBinary });
      if (this.options.strict) this.close(1008, 'invalid message: binary frame');
      return;
    }
    const text = buffer.toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.record({ at, data: text, isBinary });
      if (this.options.strict) this.close(1008, parsed.error);
      return;
    }
    const record: ReceivedMessage = { at, data: text, isBinary, kind: parsed.kind, message: parsed.message };
    // ClientDataMessage's index signature defeats narrowing by `in`, hence the kind and casts.
    if (parsed.kind === 'user_audio_chunk') {
      this.receiveAudio((parsed.message as UserAudioChunkMessage).user_audio_chunk, at, record);
      return;
    }
    if (parsed.kind === 'pong') this.receivePong((parsed.message as PongMessage).event_id, at);
    if (parsed.kind === 'conversation_initiation_client_data') this.clientData.push(parsed.message);
    this.record(record);
  }

  private receiveAudio(base64: string, at: number, record: ReceivedMessage): void {
    if (this.metadataSentAt === null && this.options.strict) {
      this.record(record);
      this.close(1008, 'audio received before conversation_initiation_metadata');
      return;
    }
    let samples: Int16Array;
    try {
      samples = decodeAudio(Buffer.from(base64, 'base64'), this.inputFormat);
    } catch (error) {
      this.record(record);
      if (this.options.strict) this.close(1008, `invalid message: ${(error as Error).message}`);
      return;
    }
    const chunk: ReceivedAudioChunk = { samples, at, base64Length: base64.length };
    this.firstAudioAt ??= at;
    if (this.options.record) this.audioChunks.push(chunk);
    for (const listener of this.audioListeners) listener(chunk);
    this.record(record);
  }

  private receivePong(eventId: number, at: number): void {
    const pending = this.pendingPings.get(eventId);
    const delayMs = pending ? at - pending.sentAt : null;
    if (this.options.record) this.pongs.push({ eventId, at, delayMs });
    if (pending && delayMs !== null) {
      this.pendingPings.delete(eventId);
      this.lastPingMs = Math.round(delayMs);
      pending.resolve(delayMs);
    }
  }

  private record(record: ReceivedMessage): void {
    if (this.options.record) this.received.push(record);
    for (const listener of this.messageListeners) listener(record);
    this.notifyChange();
  }

  private notifyChange(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  private setTimer(callback: () => void, ms: number): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, ms);
    this.timers.add(handle);
  }

  /** Stops timers and speeches: nothing more will be sent. */
  private stopActivity(): void {
    for (const handle of this.timers) this.clock.clearTimeout(handle);
    this.timers.clear();
    for (const speech of [...this.speeches].reverse()) speech.stop('closed');
  }

  private handleClose(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.stopActivity();
    for (const pending of this.pendingPings.values()) pending.reject(new Error(`session closed (${code})`));
    this.pendingPings.clear();
    this.closeInfo = { code, reason, byAgent: this.closingByAgent };
    this.resolveClosed(this.closeInfo);
    this.notifyChange();
  }
}

function clipReason(reason: string): string {
  let clipped = reason;
  while (Buffer.byteLength(clipped) > MAX_REASON_BYTES) clipped = clipped.slice(0, -1);
  return clipped;
}
