/**
 * Page calls for WebKit over a WebSocket of our own instead of WebDriver's execute/async: a
 * session's audio teardown (stop()) racing a WebDriver script crashed WebKitGTK 2.50's web process
 * about once in fifteen stops, while the same start/stop cycles driven from inside the page never
 * did (0 crashes in 30). A bootstrap script, injected before the harness, connects back to the rig
 * and runs what it is sent. Where a page's CSP forbids eval or the connection, the rig falls back
 * to WebDriver for that page.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface PageChannel {
  /** Evaluates `expression` (which yields a Promise of a JSON string) in the page. */
  run(expression: string): Promise<unknown>;
}

export interface RpcServer {
  /** The bootstrap for a page with this token: source text to inject first. */
  bootstrap(token: number): string;
  /** The channel of the page with `token`, or null if it does not connect within `timeoutMs`. */
  channel(token: number, timeoutMs?: number): Promise<PageChannel | null>;
  close(): Promise<void>;
}

/** Thrown by a channel call when the page cannot eval (CSP): the caller uses WebDriver instead. */
export class EvalBlocked extends Error {}

/** Starts the server pages connect back to. */
export async function startRpc(): Promise<RpcServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets = new Map<number, WebSocket>();
  const waiting = new Map<number, (socket: WebSocket) => void>();
  server.on('connection', (socket, request) => {
    const token = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
    sockets.set(token, socket);
    socket.once('close', () => sockets.delete(token));
    waiting.get(token)?.(socket);
  });
  const channelOf = (socket: WebSocket): PageChannel => {
    let calls = 0;
    const pending = new Map<number, { resolve: (json: unknown) => void; reject: (error: Error) => void }>();
    socket.on('message', (data) => {
      const answer = JSON.parse(String(data)) as { id: number; json?: string; blocked?: boolean };
      const call = pending.get(answer.id);
      pending.delete(answer.id);
      if (answer.blocked) call?.reject(new EvalBlocked('eval is blocked in this page'));
      else call?.resolve(answer.json);
    });
    socket.once('close', () => {
      for (const call of pending.values()) call.reject(new Error('the page went away during the call'));
      pending.clear();
    });
    return {
      run(expression) {
        const id = ++calls;
        if (socket.readyState !== socket.OPEN) return Promise.reject(new Error('the page went away (its channel is closed)'));
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          socket.send(JSON.stringify({ id, expression }));
        });
      },
    };
  };
  return {
    // Uses the native WebSocket and onmessage before the harness wraps them, so none of this
    // shows in the harness's sockets, listeners or handler timings.
    bootstrap: (token) => `(() => {
      const socket = new WebSocket(${JSON.stringify(`${url}/?page=`)} + ${token});
      socket.onmessage = (event) => {
        const { id, expression } = JSON.parse(event.data);
        let result;
        try {
          result = (0, eval)(expression);
        } catch (error) {
          if (error instanceof EvalError) return socket.send(JSON.stringify({ id, blocked: true }));
          result = Promise.resolve(JSON.stringify({ error: String(error) }));
        }
        result.then((json) => socket.send(JSON.stringify({ id, json })));
      };
    })();`,
    async channel(token, timeoutMs = 3000) {
      const socket =
        sockets.get(token) ??
        (await new Promise<WebSocket | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), timeoutMs);
          waiting.set(token, (connected) => {
            clearTimeout(timer);
            resolve(connected);
          });
        }));
      waiting.delete(token);
      return socket ? channelOf(socket) : null;
    },
    async close() {
      for (const socket of sockets.values()) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
