/** Waiting on a session: a condition re-checked whenever something arrives, bounded in real time. */

/** What {@link waitForChange} needs from the session it waits on. */
export interface ChangeSource {
  /** Calls `listener` after every received frame and on close; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** `null` while open, else the close code (`undefined` when it is not known yet). */
  closedWith(): number | undefined | null;
}

/**
 * Resolves with the first truthy value of `predicate`, evaluated now and after every change.
 * Rejects after `timeoutMs` of real time (so a test never hangs on an injected clock), when the
 * predicate throws, or when the session closes while it is falsy.
 */
export function waitForChange<T>(
  source: ChangeSource,
  predicate: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
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
      const closed = source.closedWith();
      if (closed !== null) {
        finish();
        reject(new Error(`session closed (${closed}) before ${what}`));
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    let unsubscribe = () => {};
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    if (!check()) unsubscribe = source.onChange(() => void check());
  });
}
