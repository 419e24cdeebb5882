/**
 * A minimal W3C WebDriver client over fetch, enough for WebKitWebDriver: sessions, navigation,
 * async scripts, element clicks. A call (never a whole test) is retried on WebKit's occasional
 * `500 Could not parse script result`, which it answers about once in fifteen sessions.
 */

/** One WebDriver session. */
export interface WebDriverSession {
  readonly id: string;
  /** POST/GET/DELETE `/session/{id}${path}` and resolves with the answer's `value`. */
  call<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs?: number): Promise<T>;
  /** Runs `script` as an async WebDriver script (its last argument is the callback). */
  executeAsync<T = unknown>(script: string, args?: unknown[], timeoutMs?: number): Promise<T>;
  /** Ends the session (closes the browser). */
  delete(): Promise<void>;
}

const RETRIES = 3;

/** Whether a failed answer is WebKit's transient result-parsing failure. */
const transient = (status: number, text: string) => status === 500 && /Could not parse script result/i.test(text);

async function request<T>(base: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.ok) return (JSON.parse(text) as { value: T }).value;
    if (attempt < RETRIES && transient(response.status, text)) {
      console.warn(`[webdriver] ${method} ${path}: ${response.status} ${text.slice(0, 120)}; retrying (attempt ${attempt + 1})`);
      continue;
    }
    throw new Error(`WebDriver ${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  }
}

/** Creates a session on the driver at `base` (e.g. http://127.0.0.1:4444). */
export async function newSession(base: string, capabilities: Record<string, unknown>, timeoutMs = 60000): Promise<WebDriverSession> {
  const created = await request<{ sessionId: string }>(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, timeoutMs);
  const id = created.sessionId;
  const session: WebDriverSession = {
    id,
    call: (method, path, body, callTimeout = 60000) => request(base, method, `/session/${id}${path}`, body ?? (method === 'POST' ? {} : undefined), callTimeout),
    executeAsync: (script, args = [], callTimeout = 120000) => session.call('POST', '/execute/async', { script, args }, callTimeout),
    async delete() {
      await request(base, 'DELETE', `/session/${id}`, undefined, 15000).catch(() => {});
    },
  };
  // Page code sets its own limits (waitFor); the driver's must not cut it short first.
  await session.call('POST', '/timeouts', { script: 110000, pageLoad: 30000 });
  return session;
}

/** Waits until the driver at `base` answers /status as ready. */
export async function driverReady(base: string, timeoutMs = 15000): Promise<void> {
  const began = Date.now();
  for (;;) {
    try {
      const status = await request<{ ready: boolean }>(base, 'GET', '/status', undefined, 2000);
      if (status.ready !== false) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - began > timeoutMs) throw new Error(`WebDriver at ${base} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
