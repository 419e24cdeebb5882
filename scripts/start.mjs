// `npm start`: the local agent and a static server on 127.0.0.1, and one URL to open.
// (package.json builds the SDK first.)
import { createLocalAgent } from '../dist/testing/index.js';
import { serveStatic } from './serve.mjs';

const root = new URL('..', import.meta.url).pathname;
const agent = await createLocalAgent({ port: Number(process.env.AGENT_PORT ?? 0) });
const demo = { apiKey: 'pk_test_local', agentId: 'local-echo-agent', wsUrl: agent.url };
const routes = {
  '/': () => ({ type: 'text/html', body: '<meta http-equiv="refresh" content="0; url=/examples/vanilla/">' }),
  '/demo-config.js': () => ({ type: 'text/javascript', body: `window.DEMO = ${JSON.stringify(demo)};` }),
};
let server;
try {
  server = await serveStatic({ root, port: Number(process.env.PORT ?? 5173), routes });
} catch {
  // the usual port is taken: any free one will do
  server = await serveStatic({ root, port: 0, routes });
}

console.log(`\n  PerfVoice demo: ${server.url}/\n`);
console.log(`  (local agent at ${agent.url}; click Start, allow the microphone, and talk. Ctrl-C stops.)\n`);

const shutdown = async () => {
  await Promise.allSettled([agent.close(), server.close()]);
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
