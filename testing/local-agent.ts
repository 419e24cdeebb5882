/**
 * A local WebSocket server that speaks the Perf voice protocol: one independent
 * {@link AgentSession} per connection, running the default echo conversation or a script.
 *
 * Connections are accepted with `api_key` and `agent_id` (checked by `authorize`), or through a
 * signed URL from {@link LocalAgent.createSignedUrl} (no key on the page; see `signed-url.ts`):
 * a valid, unexpired `conversation_signature` is accepted without `api_key`, an expired one closes
 * with 1008 `signed URL expired`, a wrong one with 1008 `invalid signature`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { resolveSessionOptions, type AgentScript, type LocalAgentOptions, type ResolvedSessionOptions } from './options.js';
import { AgentSession } from './session.js';
import { SIGNATURE_REASONS, UrlSigner, type SignedUrlOptions } from './signed-url.js';

/** A running local agent. */
export interface LocalAgent {
  /** WebSocket URL to give the SDK as `wsUrl`, e.g. `ws://127.0.0.1:8787/v1/voice/conversation`. */
  readonly url: string;
  /** Port it listens on. */
  readonly port: number;
  /** Interface it listens on. */
  readonly host: string;
  /** Sessions whose connection is open now. */
  readonly sessions: ReadonlySet<AgentSession>;
  /**
   * Resolves with the oldest connection not yet returned by an earlier call (waiting for the
   * next one if none is pending), so connecting first and asking afterwards does not miss it.
   * Rejects after `timeoutMs` (default 5000) or when the agent closes.
   */
  nextSession(timeoutMs?: number): Promise<AgentSession>;
  /**
   * HTTP URL a site's backend calls for a signed URL: `GET` with the API key in an `x-api-key`
   * header (checked like a connection's) and `?agent_id=`, answered with
   * `{"signed_url":"ws://..."}` (401 with `{"error":...}` when the key is refused).
   */
  readonly signedUrlEndpoint: string;
  /**
   * A connection URL that needs no `api_key`:
   * `ws://host:port/<path>?agent_id=...&conversation_signature=<hmac>&expires=<unix ms>`,
   * valid on this agent until `expiresInMs` (default 60000) from now.
   */
  createSignedUrl(options?: SignedUrlOptions): string;
  /**
   * Refuses the next `count` WebSocket handshakes with HTTP 503, as an agent that is down does
   * (the client sees its socket fail to open), then accepts again: an outage and a return.
   */
  refuseConnections(count: number): void;
  /** Replaces the script for connections made from now on (`undefined`: default conversation). */
  setScript(script: AgentScript | undefined): void;
  /** Closes every session (1001), then the server. Safe to call more than once. */
  close(): Promise<void>;
}

/** How long `close()` waits for clients to answer the close frame before dropping them. */
const CLOSE_GRACE_MS = 1000;

/** Starts a local agent; resolves once it listens. */
export async function createLocalAgent(options: LocalAgentOptions = {}): Promise<LocalAgent> {
  const sessionOptions = resolveSessionOptions(options);
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/v1/voice/conversation';
  const log = sessionOptions.log;
  let script = options.script;
  const sessions = new Set<AgentSession>();
  const queue = new SessionQueue();
  const signer = new UrlSigner();
  let baseUrl = '';

  const server = createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname === SIGNED_URL_PATH) {
      return answerSignedUrlRequest(request, response, sessionOptions, (agentId) => signer.sign(baseUrl, { agentId }));
    }
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    response.end('perfvoice local agent: connect with a WebSocket client (api_key and agent_id query parameters)\n');
  });
  let refusals = 0;
  const wss = new WebSocketServer({
    server,
    verifyClient: (_info, done) => (refusals > 0 ? (refusals--, done(false, 503, 'agent unavailable')) : done(true)),
  });
  let closing: Promise<void> | undefined;
  wss.on('connection', (socket, request) => {
    const session = accept(socket, request, sessionOptions, log);
    if (closing) return session.close(1001, 'local agent shutting down');
    sessions.add(session);
    void session.closed.then(() => sessions.delete(session));
    queue.push(session);
    const rejection = credentialProblem(session, sessionOptions, signer);
    if (rejection) session.close(1008, rejection);
    else void run(session, script, log);
  });

  const port = await listen(server, options.port ?? 0, host);
  // A wildcard address cannot be connected to everywhere; advertise the loopback name instead.
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `ws://${urlHost}:${port}${path}`;

  return {
    url: baseUrl,
    port,
    host,
    sessions,
    signedUrlEndpoint: `http://${urlHost}:${port}${SIGNED_URL_PATH}`,
    createSignedUrl: (signedOptions) => signer.sign(baseUrl, signedOptions),
    nextSession: (timeoutMs = 5000) => queue.next(timeoutMs),
    refuseConnections: (count) => {
      refusals = count;
    },
    setScript: (next) => {
      script = next;
    },
    close: () => {
      closing ??= (async () => {
        queue.fail(new Error('local agent closed'));
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const session of sessions) session.close(1001, 'local agent shutting down');
        const allClosed = Promise.all([...sessions].map((session) => session.closed));
        await Promise.race([allClosed, delay(CLOSE_GRACE_MS)]);
        for (const session of sessions) session.terminate();
        await allClosed;
        wss.close();
        server.closeAllConnections();
        await serverClosed;
      })();
      return closing;
    },
  };
}

function accept(socket: WebSocket, request: IncomingMessage, options: ResolvedSessionOptions, log: (line: string) => void) {
  const session = new AgentSession(socket, request, options);
  const id = session.conversationId;
  log(`${id} connected (agent_id=${JSON.stringify(session.agentId)}, ${session.outputFormat})`);
  void session.closed.then(({ code, reason, byAgent }) => {
    log(`${id} closed ${code}${reason ? ` "${reason}"` : ''} by ${byAgent ? 'agent' : 'client'}`);
  });
  return session;
}

/** Path of the signed-URL endpoint on the agent's HTTP port. */
const SIGNED_URL_PATH = '/v1/voice/signed-url';

/**
 * Why the credentials are refused, or `null` when they are accepted. A signed connection is
 * judged by its signature alone (it carries no key for `authorize` to check).
 */
function credentialProblem(session: AgentSession, options: ResolvedSessionOptions, signer: UrlSigner): string | null {
  const signature = signer.check(session.query);
  if (signature === 'valid') {
    session.signedUrl = true;
    return null;
  }
  if (signature !== 'unsigned') return SIGNATURE_REASONS[signature];
  const missing = [session.apiKey ? null : 'api_key', session.agentId ? null : 'agent_id'].filter(Boolean);
  if (missing.length) return `missing ${missing.join(' and ')}`;
  const verdict = options.authorize({ apiKey: session.apiKey, agentId: session.agentId, query: session.query });
  return verdict === true ? null : verdict;
}

/** The signed-URL endpoint: the key in `x-api-key`, checked like a connection's, then a fresh URL. */
function answerSignedUrlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  options: ResolvedSessionOptions,
  sign: (agentId: string) => string,
): void {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
  const apiKey = String(request.headers['x-api-key'] ?? '');
  const agentId = query.get('agent_id') ?? '';
  const verdict = !apiKey ? 'missing x-api-key header' : !agentId ? 'missing agent_id' : options.authorize({ apiKey, agentId, query });
  const ok = request.method === 'GET' && verdict === true;
  const body = ok ? { signed_url: sign(agentId) } : { error: request.method === 'GET' ? verdict : 'use GET' };
  response.writeHead(ok ? 200 : request.method === 'GET' ? 401 : 405, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function run(session: AgentSession, script: AgentScript | undefined, log: (line: string) => void) {
  try {
    if (script) await script(session);
    else await session.runDefault();
  } catch (error) {
    session.scriptError = error;
    const message = error instanceof Error ? error.message : String(error);
    log(`${session.conversationId} ${script ? 'script' : 'default conversation'} failed: ${message}`);
    session.close(1011, `${script ? 'script' : 'agent'} failed: ${message}`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A pause that does not keep the process alive on its own. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Sessions in connection order, each handed out once by `next()`. */
class SessionQueue {
  private readonly pending: AgentSession[] = [];
  private readonly waiters: { resolve: (session: AgentSession) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;

  push(session: AgentSession): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(session);
    else this.pending.push(session);
  }

  next(timeoutMs: number): Promise<AgentSession> {
    const ready = this.pending.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (session: AgentSession) => {
          clearTimeout(timer);
          resolve(session);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no connection to the local agent within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
