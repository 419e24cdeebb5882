/**
 * Pings and pongs of one session: ids, the round trip of each answered ping (reported back in
 * the next ping's `ping_ms`, as the real service does), and the pings still waiting.
 */
import type { AgentClock } from './clock.js';
import { serverMessage } from './protocol.js';
import type { ReceivedPong } from './session-types.js';

interface PendingPing {
  sentAt: number;
  resolve: (delayMs: number) => void;
  reject: (error: Error) => void;
}

/** The pings of one session (used by `AgentSession.ping` and its keepalive). */
export class PingTracker {
  private lastPingId = 0;
  private lastPingMs: number | null = null;
  private readonly pending = new Map<number, PendingPing>();

  /**
   * @param clock the session clock (delays are measured on it).
   * @param send sends a message; `false` when the socket is not open.
   */
  constructor(
    private readonly clock: AgentClock,
    private readonly send: (message: unknown) => boolean,
  ) {}

  /** The id the next automatic ping gets. */
  get nextId(): number {
    return this.lastPingId + 1;
  }

  /** Sends a `ping`; resolves with the pong's delay in ms, rejects if the session closes first. */
  ping(eventId = this.nextId): Promise<number> {
    this.lastPingId = Math.max(this.lastPingId, eventId);
    const promise = new Promise<number>((resolve, reject) => {
      this.pending.set(eventId, { sentAt: this.clock.now(), resolve, reject });
    });
    if (!this.send(serverMessage.ping(eventId, this.lastPingMs))) {
      this.pending.delete(eventId);
      return Promise.reject(new Error('session is closed'));
    }
    return promise;
  }

  /** Whether a ping with this id is still waiting for its pong. */
  isPending(eventId: number): boolean {
    return this.pending.has(eventId);
  }

  /** Settles the ping a pong answers, if any; returns the pong as recorded. */
  receivePong(eventId: number, at: number): ReceivedPong {
    const pending = this.pending.get(eventId);
    const delayMs = pending ? at - pending.sentAt : null;
    if (pending && delayMs !== null) {
      this.pending.delete(eventId);
      this.lastPingMs = Math.round(delayMs);
      pending.resolve(delayMs);
    }
    return { eventId, at, delayMs };
  }

  /** Rejects every ping still waiting. */
  failAll(reason: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(reason));
    this.pending.clear();
  }
}
