/**
 * Time source of the local agent. Injectable so tests can control pacing, pings and the
 * playout clock; the default is the real monotonic clock.
 */
export interface AgentClock {
  /** Monotonic milliseconds (same scale as `performance.now()`). */
  now(): number;
  /** Schedules `callback` after `ms` milliseconds; returns a handle for {@link AgentClock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a callback scheduled with {@link AgentClock.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/** The wall clock: `performance.now()` and the global timers. */
export const realClock: AgentClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
