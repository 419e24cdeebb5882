// `npm start`: builds what the demo loads, builds the examples, then serves them with the local
// agent. Quiet on success (one URL); a failed build prints its errors and exits non-zero.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// The demo build (tsup.config.ts, PERFVOICE_BUILD=demo): ESM and script-tag files only, no
// declarations. dist/ is cleared first so no declarations of an older full build sit beside it.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const require = createRequire(import.meta.url);
const tsup = join(dirname(require.resolve('tsup/package.json')), require('tsup/package.json').bin.tsup);
const built = spawnSync(process.execPath, [tsup], { cwd: root, stdio: 'inherit', env: { ...process.env, PERFVOICE_BUILD: 'demo' } });
if (built.status !== 0) {
  console.error('\nnpm start: the SDK build failed (errors above).');
  process.exit(built.status ?? 1);
}

// Imported only now: both need the fresh dist/.
const { buildExamples } = await import('./build-examples.mjs');
const { startDemo } = await import('./demo-server.mjs');
try {
  await buildExamples(undefined, { logLevel: 'error' });
} catch (error) {
  console.error(`\nnpm start: building the examples failed: ${error?.message ?? error}`);
  process.exit(1);
}

const demo = await startDemo({ port: Number(process.env.PORT ?? 5173) });
console.log(`\n  PerfVoice demo: ${demo.url}/   (Ctrl-C stops)\n`);

const shutdown = async () => {
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
