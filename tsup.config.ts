import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { workletEsbuildPlugin } from './build/worklet-plugin.ts';

export default defineConfig([
  {
    // The package: ESM and CJS with declarations; xstate stays a dependency.
    entry: { index: 'core/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    esbuildPlugins: [workletEsbuildPlugin()],
  },
  {
    // Framework bindings: thin, and importing the package itself so there is one PerfVoice class.
    entry: { svelte: 'bindings/svelte.ts', vue: 'bindings/vue.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    external: ['perfvoice', 'vue', 'svelte'],
  },
  {
    // The script-tag file: one minified IIFE with xstate inlined, defining window.PerfVoice.
    entry: { 'perfvoice.global': 'core/global.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    // terser compresses about 4% better than esbuild here: it pays for itself under the size budget.
    minify: 'terser',
    terserOptions: { ecma: 2020, compress: { passes: 3, pure_getters: true }, mangle: true },
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    esbuildPlugins: [workletEsbuildPlugin()],
  },
  {
    // perfvoice/inspector: the debug panel. Its own entry: the core bundles never contain it.
    entry: { inspector: 'inspector/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
  },
  {
    // The inspector for script tags (window.PerfVoiceInspector). It only observes a voice, so it
    // needs no xstate of its own (replay, which does, is in the module build).
    entry: { 'inspector.global': 'inspector/global.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    minify: 'terser',
    terserOptions: { ecma: 2020, compress: { passes: 2 }, mangle: true },
    target: 'es2022',
    platform: 'browser',
  },
  {
    // perfvoice/testing: the local agent, Node only. ws is bundled so users need nothing else.
    entry: { index: 'testing/index.ts', cli: 'testing/cli.ts' },
    outDir: 'dist/testing',
    format: ['esm', 'cjs'],
    shims: true,
    dts: { entry: { index: 'testing/index.ts' } },
    sourcemap: true,
    platform: 'node',
    target: 'node18',
    noExternal: ['ws'],
    // ws is CommonJS and requires Node built-ins; give the ESM bundle a require of its own.
    banner: ({ format }) =>
      format === 'esm' ? { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } : {},
    onSuccess: async () => cpSync('testing/assets', 'dist/testing/assets', { recursive: true }),
  },
]);
