import { cpSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { xstatePlugin } from './build/xstate-plugin.mjs';
import { workletEsbuildPlugin, writeWorklet } from './build/worklet-plugin.ts';

// PERFVOICE_BUILD=demo (npm start): only what the examples load (ESM and the script-tag files),
// no declarations, no source maps, no CommonJS, quiet. Declarations alone took 75 s of 92.
const demo = process.env.PERFVOICE_BUILD === 'demo';
const modules: Options['format'] = demo ? ['esm'] : ['esm', 'cjs'];
const common: Options = { dts: !demo, sourcemap: !demo, silent: demo, target: 'es2022', platform: 'browser' };

export default defineConfig([
  {
    // The package: ESM and CJS with declarations; xstate stays a dependency.
    ...common,
    entry: { index: 'core/index.ts' },
    format: modules,
    esbuildPlugins: [workletEsbuildPlugin()],
    // The worklets as a file of their own too, the same text the bundles inline: sites whose CSP
    // allows no blob: or data: scripts serve it themselves.
    onSuccess: async () => {
      await writeWorklet('core/audio/worklets/processors.ts', 'dist/worklets/processors.js');
      await writeWorklet('core/transport/worker-entry.ts', 'dist/worklets/relay.js');
    },
  },
  {
    // Framework bindings: thin, and importing the package itself so there is one PerfVoice class.
    ...common,
    entry: { svelte: 'bindings/svelte.ts', vue: 'bindings/vue.ts' },
    format: modules,
    external: ['perfvoice', 'vue', 'svelte'],
  },
  {
    // The script-tag file: one minified IIFE with xstate inlined, defining window.PerfVoice.
    ...common,
    entry: { 'perfvoice.global': 'core/global.ts' },
    format: ['iife'],
    dts: false,
    sourcemap: false,
    outExtension: () => ({ js: '.js' }),
    // terser compresses about 4% better than esbuild here: it pays for itself under the size budget.
    minify: 'terser',
    // xstate's internal `_underscored` properties are renamed too (this file has its own copy of
    // xstate); `_transitions` stays: the inspector's bundle reads it on inspection events.
    // esbuild's syntax pass first, then terser's (each finds what the other misses): 115 B; hoisted
    // function declarations gzip better (54 B).
    esbuildOptions: (options) => {
      options.minifySyntax = true;
    },
    terserOptions: {
      ecma: 2020,
      compress: { passes: 3, pure_getters: true, unsafe: true, hoist_funs: true },
      mangle: { properties: { regex: /^_[a-z]/i, reserved: ['_transitions'] } },
    },
    noExternal: [/.*/],
    // xstate's messages for wrong machine definitions cut to their opening words (~0.5 KB), and
    // the class members a page never calls dropped (build/lean-xstate.mjs).
    esbuildPlugins: [workletEsbuildPlugin(), xstatePlugin],
  },
  {
    // perfvoice/inspector: the debug panel. Its own entry: the core bundles never contain it.
    ...common,
    entry: { inspector: 'inspector/index.ts' },
    format: modules,
  },
  {
    // The inspector for script tags (window.PerfVoiceInspector). It only observes a voice, so it
    // needs no xstate of its own (replay, which does, is in the module build).
    ...common,
    entry: { 'inspector.global': 'inspector/global.ts' },
    format: ['iife'],
    dts: false,
    sourcemap: false,
    outExtension: () => ({ js: '.js' }),
    minify: 'terser',
    terserOptions: { ecma: 2020, compress: { passes: 2 }, mangle: true },
  },
  ...testing(),
]);

/**
 * perfvoice/testing: the local agent, Node only. ws is bundled so users need nothing else.
 * No source maps (they tripled its size, mostly ws); the CLI is ESM only (the bin runs it), so
 * ws ships once in ESM (a chunk shared by index and cli) and once in CJS. Whitespace and syntax
 * are minified (ws is 70 % of the code), names are not: stack traces still read.
 */
function testing(): Options[] {
  const node: Options = {
    outDir: 'dist/testing',
    shims: true,
    platform: 'node',
    target: 'node18',
    silent: demo,
    minifyWhitespace: true,
    minifySyntax: true,
    noExternal: ['ws'],
  };
  return [
    {
      ...node,
      entry: { index: 'testing/index.ts', cli: 'testing/cli.ts' },
      format: ['esm'],
      dts: demo ? false : { entry: { index: 'testing/index.ts' } },
      // ws is CommonJS and requires Node built-ins; give the ESM bundle a require of its own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      // Only the clip: the assets' README is for whoever regenerates it in this repository.
      onSuccess: async () => cpSync('testing/assets/greeting.wav', 'dist/testing/assets/greeting.wav'),
    },
    ...(demo ? [] : [{ ...node, entry: { index: 'testing/index.ts' }, format: 'cjs' as const, dts: true }]),
  ];
}
