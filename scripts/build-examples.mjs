// Builds every example with Vite into examples/<name>/dist (run after `npm run build`).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const EXAMPLES = ['vanilla', 'svelte', 'vue', 'react'];

/** Builds the examples; resolves with { name: milliseconds }. `logLevel` overrides the configs'. */
export async function buildExamples(names = EXAMPLES, { logLevel } = {}) {
  const times = {};
  for (const name of names) {
    const root = fileURLToPath(new URL(`../examples/${name}/`, import.meta.url));
    const began = Date.now();
    await build({ root, configFile: `${root}vite.config.js`, ...(logLevel && { logLevel }) });
    times[name] = Date.now() - began;
  }
  return times;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const times = await buildExamples(process.argv.slice(2).length ? process.argv.slice(2) : EXAMPLES);
  console.log(Object.entries(times).map(([name, ms]) => `built examples/${name} in ${ms} ms`).join('\n'));
}
