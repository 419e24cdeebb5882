/**
 * The agent's model of the client's playback: audio sent at time t plays after whatever is
 * already queued, so the client is still playing until the sum of the queued durations has
 * elapsed. It is "roughly" right (network and jitter buffers add a little), which is all that
 * barge-in detection and send pacing need.
 */
import type { AgentClock } from './clock.js';

/** When one piece of agent audio is expected to play. */
export interface PlayoutSpan {
  /** Clock time at which the client starts playing it. */
  startsAt: number;
  /** Clock time at which the client has finished playing it. */
  endsAt: number;
}

/** Tracks until when the client is playing agent audio. */
export class PlayoutClock {
  private queuedUntil = Number.NEGATIVE_INFINITY;

  /** @param clock time source, shared with the session. */
  constructor(private readonly clock: AgentClock) {}

  /** Records `durationMs` of agent audio sent now and returns when it will play. */
  schedule(durationMs: number): PlayoutSpan {
    const startsAt = Math.max(this.clock.now(), this.queuedUntil);
    this.queuedUntil = startsAt + durationMs;
    return { startsAt, endsAt: this.queuedUntil };
  }

  /** Milliseconds of agent audio still queued or playing on the client (0 when idle). */
  get remainingMs(): number {
    return Math.max(0, this.queuedUntil - this.clock.now());
  }

  /** Whether the client is (assumed to be) playing agent audio now. */
  get playing(): boolean {
    return this.remainingMs > 0;
  }

  /** The client dropped its queue (after an interruption): nothing is playing from now on. */
  flush(): void {
    this.queuedUntil = Math.min(this.queuedUntil, this.clock.now());
  }
}
