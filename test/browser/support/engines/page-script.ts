/**
 * Page code as source text, for the drivers that take scripts as strings (WebDriver BiDi in
 * Firefox, classic WebDriver in WebKit). Results come back as one JSON string, so every engine
 * returns the same values (and no driver has to serialise live DOM or audio objects).
 */

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type PageFunction = Function;

const argSource = (arg: unknown) => (arg === undefined ? 'undefined' : JSON.stringify(arg));

/** An expression evaluating to a Promise of `{"value": fn(arg)}` or `{"error": "..."}` as JSON. */
export function evaluateSource(fn: PageFunction, arg: unknown): string {
  return `(async () => (${fn.toString()})(${argSource(arg)}))().then(
    (value) => JSON.stringify({ value }),
    (e) => JSON.stringify({ error: e && e.message ? e.name + ': ' + e.message + ' ' + e.stack : String(e) }))`;
}

/**
 * An expression polling `fn(arg)` in the page every 20 ms (a page timer: no driver round trip per
 * poll) until it is truthy or `timeoutMs` passed; same JSON result as {@link evaluateSource}.
 */
export function waitForSource(fn: PageFunction, arg: unknown, timeoutMs: number): string {
  return evaluateSource(
    new Function(
      'poll',
      `return (async () => {
        const fn = (${fn.toString()});
        const began = performance.now();
        for (;;) {
          const value = await fn(poll.arg);
          if (value) return value;
          if (performance.now() - began > poll.timeoutMs) throw new Error('waitFor: nothing truthy after ' + poll.timeoutMs + ' ms');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();`,
    ),
    { arg, timeoutMs },
  );
}

/** Reads a result made by {@link evaluateSource}: its value, or a thrown Error with the page's message. */
export function readResult<T>(json: unknown, what: PageFunction): T {
  const result = JSON.parse(String(json)) as { value?: T; error?: string };
  if (result.error !== undefined) throw new Error(`in the page: ${result.error}\n  while running: ${what.toString().slice(0, 300)}`);
  return result.value as T;
}
