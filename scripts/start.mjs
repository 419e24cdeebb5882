// `npm start` (after building the SDK and the examples): the local agent, the examples, one URL.
import { startDemo } from './demo-server.mjs';

const demo = await startDemo({ port: Number(process.env.PORT ?? 5173) });
console.log(`\n  PerfVoice demo: ${demo.url}/\n`);
console.log(`  Four examples (vanilla, Svelte, Vue, React) talk to the local agent at ${demo.agentUrl}.`);
console.log('  Click Start, allow the microphone, and talk. Ctrl-C stops.\n');

const shutdown = async () => {
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
