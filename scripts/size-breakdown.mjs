// What dist/perfvoice.global.js is made of: xstate, the SDK's own code (the Worker's relay source
// among it) and the worklet source, each
// minified like the real build (esbuild, then terser with the same options) and gzipped alone.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { xstatePlugin } from '../build/xstate-plugin.mjs';

const root = new URL('..', import.meta.url);
// As in tsup.config.ts for the script-tag file.
const TERSER = {
  ecma: 2020,
  compress: { passes: 3, pure_getters: true, unsafe: true, hoist_funs: true },
  mangle: { properties: { regex: /^_[a-z]/i, reserved: ['_transitions'] } },
};

const measure = (text) => ({ bytes: Buffer.byteLength(text), gzipped: gzipSync(text, { level: 9 }).length });

async function bundle(options) {
  const result = await build({ bundle: true, write: false, minifySyntax: true, target: 'es2022', platform: 'browser', absWorkingDir: root.pathname, ...options });
  return result.outputFiles[0].text;
}

// The worklet string stubbed out: it is measured on its own, from the file that ships.
const noWorklet = {
  name: 'no-worklet',
  setup(builder) {
    builder.onResolve({ filter: /\?worklet$/ }, (args) => ({ path: args.path, namespace: 'no-worklet' }));
    builder.onLoad({ filter: /.*/, namespace: 'no-worklet' }, () => ({ contents: 'export default "";', loader: 'js' }));
  },
};

/** Resolves with { xstate, sdk, relay, worklet }, each { bytes, gzipped }; relay is part of sdk. */
export async function breakdown() {
  // The SDK alone: xstate left as an import, whose names tell which part of xstate is bundled.
  const sdk = await bundle({ entryPoints: ['core/global.ts'], format: 'esm', external: ['xstate'], plugins: [noWorklet] });
  const names = [...new Set([...sdk.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']xstate["']/g)]
    .flatMap((match) => match[1].split(',').map((part) => part.trim().split(/\s+as\s+/)[0]))
    .filter(Boolean))];
  const xstate = await bundle({
    stdin: { contents: `import { ${names.join(', ')} } from 'xstate';\nglobalThis.x = [${names.join(', ')}];`, resolveDir: root.pathname },
    format: 'iife',
    plugins: [xstatePlugin],
  });
  return {
    xstate: measure((await minify(xstate, TERSER)).code),
    sdk: measure((await minify(sdk, { ...TERSER, module: true })).code),
    // The Worker runs the relay function's own source text, so it is in the SDK code, once.
    relay: measure(readFileSync(new URL('dist/worklets/relay.js', root), 'utf8')),
    worklet: measure(readFileSync(new URL('dist/worklets/processors.js', root), 'utf8')),
  };
}
