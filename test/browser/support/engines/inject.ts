/**
 * An HTTP proxy that puts the harness first in every HTML page it passes on, for WebKitGTK, whose
 * WebDriver has no "run this before the page's scripts" command. The harness arrives as
 * `<script src="/__perfvoice__/harness.js">` right after `<head>`, so it runs before any page
 * script, and is same-origin with the page (COEP and a CSP of script-src 'self' allow it).
 * Limits: WebSocket upgrades are not proxied (the agent's ws:// URL is absolute, so pages reach it
 * directly), and the page's origin is the proxy's.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InjectingProxy {
  /** The proxy's origin, standing for `target`. */
  url: string;
  /** Scripts (source text) injected, in order, into the next pages: set before each navigation. */
  scripts: string[];
  close(): Promise<void>;
}

const PREFIX = '/__perfvoice__/';

/** Starts a proxy for `target` (an http origin). */
export async function injectingProxy(target: string): Promise<InjectingProxy> {
  const upstream = new URL(target);
  const proxy = { scripts: [] as string[] } as InjectingProxy;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith(PREFIX)) {
      const index = Number(path.slice(PREFIX.length).replace(/\.js$/, ''));
      const body = proxy.scripts[index];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'cross-origin-resource-policy': 'same-origin' });
      return void res.end(body ?? '');
    }
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
    delete headers['accept-encoding']; // plain bodies, so HTML can be edited
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (answer) => {
      const type = String(answer.headers['content-type'] ?? '');
      if (!type.includes('text/html')) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        return void answer.pipe(res);
      }
      const parts: Buffer[] = [];
      answer.on('data', (part: Buffer) => parts.push(part));
      answer.on('end', () => {
        const tags = proxy.scripts.map((_, i) => `<script src="${PREFIX}${i}.js"></script>`).join('');
        const html = Buffer.concat(parts).toString('utf8');
        const at = /<head[^>]*>/i.exec(html) ?? /<html[^>]*>/i.exec(html) ?? /<!doctype[^>]*>/i.exec(html);
        const edited = at ? html.slice(0, at.index + at[0].length) + tags + html.slice(at.index + at[0].length) : tags + html;
        const out = { ...answer.headers };
        delete out['content-length'];
        delete out['transfer-encoding'];
        res.writeHead(answer.statusCode ?? 200, { ...out, 'content-length': Buffer.byteLength(edited) });
        res.end(edited);
      });
    });
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
