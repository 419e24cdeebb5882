/**
 * The connection half of a local agent session: the socket, the protocol rules on what the
 * client sends (strict validation, audio only after the metadata, a length limit on texts), a
 * record of every frame both ways, and the ways to observe and wait for what arrives.
 * `AgentSession` builds the agent's behaviour on top of it.
 */
import { concatSamples, decodeAudio, type AudioFormat } from './audio-format.js';
import type { AgentClock } from './clock.js';
import type { ResolvedSessionOptions } from './options.js';
import {
  parseClientMessage,
  serverMessage,
  type AgentClientMessage,
  type ClientMessageKind,
  type UserAudioChunkMessage,
} from './protocol.js';
import type { AgentSocket, CloseInfo, ReceivedAudioChunk, ReceivedMessage, SentMessage } from './session-types.js';
import { waitForChange } from './waiting.js';

type Listener<T> = (value: T) => void;

/**
 * A test on a received message. Declared as a method so its parameter is bivariant: predicates
 * written for the SDK's narrower `ClientMessage` (before the tool result and feedback messages
 * were accepted) still type-check.
 */
type MessagePredicate = { check(message: AgentClientMessage): boolean }['check'];

/** Close reasons are limited to 123 bytes by RFC 6455. */
const MAX_REASON_BYTES = 123;

/** The socket, the protocol rules and the record of one connection (see the module comment). */
export class SessionChannel {
  /** `api_key` query parameter ('' when missing). Never logged by the agent. */
  readonly apiKey: string;
  /** `agent_id` query parameter ('' when missing). */
  readonly agentId: string;
  /** The connection's query string. */
  readonly query: URLSearchParams;
  /** Path of the upgrade request, e.g. `/v1/voice/conversation`. */
  readonly path: string;
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
  /** Every frame sent, in order. Empty when `record` is off. */
  readonly sent: SentMessage[] = [];
  /** Resolves once the connection has ended. */
  readonly closed: Promise<CloseInfo>;
  /** The options in force. */
  readonly options: ResolvedSessionOptions;

  protected readonly clock: AgentClock;
  private open = true;
  private closingByAgent = false;
  private silent = false;
  private readonly timers = new Set<unknown>();
  private readonly messageListeners = new Set<Listener<ReceivedMessage>>();
  private readonly audioListeners = new Set<Listener<ReceivedAudioChunk>>();
  private readonly changeListeners = new Set<() => void>();
  private resolveClosed!: (info: CloseInfo) => void;
  private closeInfo: CloseInfo | null = null;
  private firstAudioAt: number | null = null;

  /**
   * Wraps an accepted socket.
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

  /** Whether the socket is open, and the agent has neither started closing it nor gone silent. */
  get isOpen(): boolean {
    return this.open && !this.closingByAgent && !this.silent;
  }

  /** Clock time of the first audio chunk minus the metadata time (`null` until both happened). */
  get firstAudioAfterMetadataMs(): number | null {
    return this.firstAudioAt !== null && this.metadataSentAt !== null ? this.firstAudioAt - this.metadataSentAt : null;
  }

  /** All received audio samples, concatenated (at the input rate). */
  receivedSamples(): Int16Array {
    return concatSamples(this.audioChunks.map((chunk) => chunk.samples));
  }

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
   * Sends an `error` event (`{"type":"error","error_event":{"code","message","error_type"}}`),
   * leaving the connection open.
   */
  sendError(message: string, code = 1008, errorType = 'invalid_message'): boolean {
    return this.send(serverMessage.error(message, code, errorType));
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

  /**
   * Goes quiet without closing, as a connection that died does (Wi-Fi gone, a laptop asleep, a
   * half-open TCP): nothing more is sent and nothing more is read, while the TCP connection stays
   * up. `terminate()` ends it.
   */
  goSilent(): void {
    if (!this.isOpen) return;
    this.silent = true;
    this.stopActivity();
    this.socket.pause();
  }

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
    const source = {
      onChange: (listener: () => void) => {
        this.changeListeners.add(listener);
        return () => void this.changeListeners.delete(listener);
      },
      closedWith: () => (this.open ? null : this.closeInfo?.code),
    };
    return waitForChange(source, predicate, timeoutMs, what);
  }

  /** Resolves with the first received message (past or future) of `kind` that matches `predicate`. */
  waitForMessage(
    kind: ClientMessageKind,
    predicate: MessagePredicate = () => true,
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

  /** Handles a valid non-audio message before it is recorded; the agent's behaviour goes here. */
  protected handleClientMessage(_kind: ClientMessageKind, _message: AgentClientMessage, _at: number): void {}

  /** Called once when the connection has ended, after the timers were stopped. */
  protected handleClosed(_info: CloseInfo): void {}

  /** Stops what the agent was doing: nothing more will be sent. Subclasses add their own. */
  protected stopActivity(): void {
    for (const handle of this.timers) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  /** Runs `callback` after `ms` on the session clock, unless the session stops first. */
  protected setTimer(callback: () => void, ms: number): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, ms);
    this.timers.add(handle);
  }

  /** A protocol violation: strict mode closes with 1008, lenient mode answers with an `error` event. */
  protected refuse(reason: string): void {
    if (this.options.strict) this.close(1008, reason);
    else this.sendError(reason);
  }

  private receive(raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (!this.isOpen) return;
    const at = this.clock.now();
    const buffer = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (isBinary) {
      this.record({ at, data: buffer, isBinary });
      return this.refuse('invalid message: binary frame');
    }
    const text = buffer.toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.record({ at, data: text, isBinary });
      return this.refuse(parsed.error);
    }
    const record: ReceivedMessage = { at, data: text, isBinary, kind: parsed.kind, message: parsed.message };
    if (parsed.kind === 'user_audio_chunk') {
      return this.receiveAudio((parsed.message as UserAudioChunkMessage).user_audio_chunk, at, record);
    }
    const tooLong = this.textTooLong(parsed.kind, parsed.message);
    if (tooLong) {
      // Refused but not fatal, even in strict mode: a long paste is a user's mistake, not a broken client.
      this.record({ at, data: text, isBinary });
      this.sendError(tooLong, 1008, 'message_too_long');
      return;
    }
    this.handleClientMessage(parsed.kind, parsed.message, at);
    this.record(record);
  }

  private textTooLong(kind: ClientMessageKind, message: AgentClientMessage): string | null {
    if (kind !== 'user_message' && kind !== 'contextual_update') return null;
    const { length } = (message as { text: string }).text;
    const limit = this.options.maxTextLength;
    return length > limit ? `${kind} too long: ${length} characters (limit ${limit})` : null;
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
      this.refuse(`invalid message: ${(error as Error).message}`);
      return;
    }
    const chunk: ReceivedAudioChunk = { samples, at, base64Length: base64.length };
    this.firstAudioAt ??= at;
    if (this.options.record) this.audioChunks.push(chunk);
    for (const listener of this.audioListeners) listener(chunk);
    this.record(record);
  }

  private record(record: ReceivedMessage): void {
    if (this.options.record) this.received.push(record);
    for (const listener of this.messageListeners) listener(record);
    for (const listener of [...this.changeListeners]) listener();
  }

  private handleClose(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.stopActivity();
    this.closeInfo = { code, reason, byAgent: this.closingByAgent };
    this.handleClosed(this.closeInfo);
    this.resolveClosed(this.closeInfo);
    for (const listener of [...this.changeListeners]) listener();
  }
}

function clipReason(reason: string): string {
  let clipped = reason;
  while (Buffer.byteLength(clipped) > MAX_REASON_BYTES) clipped = clipped.slice(0, -1);
  return clipped;
}
