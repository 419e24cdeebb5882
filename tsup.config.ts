import { defineConfig } from 'tsup';
import { workletEsbuildPlugin } from './build/worklet-plugin.ts';

export default defineConfig([
  {
    // The package: ESM and CJS with declarations; xstate stays a dependency.
    entry: { index: 'core/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
    esbuildPlugins: [workletEsbuildPlugin()],
  },
  {
    // The script-tag file: one minified IIFE with xstate inlined, defining window.PerfVoice.
    entry: { 'perfvoice.global': 'core/global.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    minify: true,
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
    esbuildPlugins: [workletEsbuildPlugin()],
  },
]);
