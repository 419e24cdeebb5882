// The demo: a local agent and a static server for the examples, on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import { createLocalAgent } from '../dist/testing/index.js';
import { serveStatic } from './serve.mjs';

const root = new URL('..', import.meta.url).pathname;

/**
 * Starts the demo. `agentUrl` points the examples at another agent (tests use a scripted one);
 * by default a local echo agent is started. Resolves with { url, agentUrl, close() }.
 */
export async function startDemo({ port = 0, agentUrl } = {}) {
  const agent = agentUrl ? null : await createLocalAgent({ port: Number(process.env.AGENT_PORT ?? 0) });
  const demo = { apiKey: 'pk_test_local', agentId: 'local-echo-agent', wsUrl: agentUrl ?? agent.url };
  const routes = {
    '/': async () => ({ type: 'text/html; charset=utf-8', body: await readFile(`${root}examples/index.html`) }),
    '/demo-config.js': () => ({ type: 'text/javascript', body: `window.DEMO = ${JSON.stringify(demo)};` }),
  };
  let server;
  try {
    server = await serveStatic({ root, port, routes });
  } catch {
    server = await serveStatic({ root, port: 0, routes }); // the usual port is taken: any free one
  }
  return {
    url: server.url,
    agentUrl: demo.wsUrl,
    close: () => Promise.allSettled([agent?.close(), server.close()]),
  };
}
