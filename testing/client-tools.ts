/**
 * Client tools: the agent asks the page to run a tool with `client_tool_call` and waits for the
 * matching `client_tool_result`. Each call gets a unique `tool_call_id`, so several can be in
 * flight; a result for an id nobody waits for is recorded and otherwise ignored.
 */
import { randomBytes } from 'node:crypto';
import type { AgentClock } from './clock.js';
import { serverMessage, type ClientToolResultMessage } from './protocol.js';

/** Options of `AgentSession.callClientTool`. */
export interface ClientToolCallOptions {
  /** Reject when no result came within this long (session clock). Default: the agent's `clientToolTimeoutMs`. */
  timeoutMs?: number;
}

/** A `client_tool_result` as received. */
export interface ClientToolResult {
  /** Its `tool_call_id`. */
  toolCallId: string;
  /** Its `result` (a non-string result is given as its JSON text; a missing one as ''). */
  result: string;
  /** Its `is_error` (false when absent). */
  isError: boolean;
  /** Clock time of arrival. */
  at: number;
  /** Whether a call of this session was waiting for it (false: unknown or late id, ignored). */
  matched: boolean;
}

/** What the calls need from their session. */
export interface ToolCallHost {
  /** The session clock (timeouts run on it). */
  clock: AgentClock;
  /** Sends a message; `false` when the socket is not open. */
  send(message: unknown): boolean;
  /** A fresh event id above every id used so far. */
  nextEventId(): number;
}

interface PendingCall {
  name: string;
  resolve: (result: ClientToolResult) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

/** The client tool calls of one session. */
export class ClientToolCalls {
  /** Every result received, matched or not, in order. */
  readonly results: ClientToolResult[] = [];
  private readonly pending = new Map<string, PendingCall>();
  private count = 0;

  constructor(
    private readonly host: ToolCallHost,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Ids of the calls still waiting for their result. */
  get pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** Sends a `client_tool_call`; resolves with its result, rejects on timeout or close. */
  call(name: string, parameters: Record<string, unknown> = {}, options: ClientToolCallOptions = {}): Promise<ClientToolResult> {
    // A counter for order and readability, random bits so ids never repeat across sessions.
    const id = `tool_${++this.count}_${randomBytes(4).toString('hex')}`;
    if (!this.host.send(serverMessage.clientToolCall(name, id, parameters, this.host.nextEventId()))) {
      return Promise.reject(new Error(`client tool ${name}: session is closed`));
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = this.host.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`client tool ${name} (${id}): no result within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { name, resolve, reject, timer });
    });
  }

  /** Records a result and settles the call waiting for it, if any. */
  receive(message: ClientToolResultMessage, at: number): ClientToolResult {
    const call = this.pending.get(message.tool_call_id);
    const raw = message.result;
    const result: ClientToolResult = {
      toolCallId: message.tool_call_id,
      result: typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw),
      isError: message.is_error === true,
      at,
      matched: call !== undefined,
    };
    this.results.push(result);
    if (call) {
      this.pending.delete(message.tool_call_id);
      this.host.clock.clearTimeout(call.timer);
      call.resolve(result);
    }
    return result;
  }

  /** Rejects every call still waiting (the session closed). */
  failAll(reason: string): void {
    for (const [id, call] of this.pending) {
      this.host.clock.clearTimeout(call.timer);
      call.reject(new Error(`client tool ${call.name} (${id}): ${reason}`));
    }
    this.pending.clear();
  }
}
