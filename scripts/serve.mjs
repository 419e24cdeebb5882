// A small static file server for the demo and the browser tests: GET only, inside `root` only.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.wav': 'audio/wav',
  '.png': 'image/png',
};

/**
 * Serves `root` on host:port (port 0 picks a free one). `routes` maps exact paths to handlers
 * returning { type, body } (e.g. a generated config). `headers` are added to every file served
 * (e.g. a Content-Security-Policy). Resolves with { url, port, close() }.
 */
export async function serveStatic({ root, host = '127.0.0.1', port = 0, routes = {}, headers = {} }) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      if (routes[path]) {
        const { type, body } = await routes[path]();
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        return void response.end(body);
      }
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw new Error('outside root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        // Cross-origin isolation: precise timers (5 µs, not 100 µs) for the measurements.
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        ...headers,
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((done, fail) => server.once('error', fail).listen(port, host, done));
  const { port: actual } = server.address();
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
