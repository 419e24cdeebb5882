import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { workletVitePlugin } from './build/worklet-plugin.ts';

const plugins = [workletVitePlugin()];
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        plugins,
        test: {
          name: 'unit',
          include: ['test/{unit,dsp,agent,package,inspector}/**/*.test.ts'],
          testTimeout: 20000,
        },
      },
      {
        // Framework bindings with real Svelte and Vue components, in jsdom.
        plugins: [...plugins, svelte({ compilerOptions: { hmr: false } }), vue()],
        resolve: {
          conditions: ['browser'],
          alias: { 'perfvoice/svelte': here('bindings/svelte.ts'), 'perfvoice/vue': here('bindings/vue.ts'), perfvoice: here('core/index.ts') },
        },
        test: {
          name: 'bindings',
          include: ['test/bindings/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
      {
        plugins,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Real-time audio in real Chromium: one file at a time on a two-core machine.
          fileParallelism: false,
          testTimeout: 30000,
          hookTimeout: 30000,
          // WebKitGTK's web process now and then segfaults when a session that streamed the
          // microphone is torn down, SDK or not on the main thread (docs/browser-engines.md): a test
          // whose page went away, and only that, runs again on a fresh page (the log says "retry").
          retry: process.env.PERFVOICE_ENGINE === 'webkit' ? { count: 2, condition: /the page went away/ } : 0,
        },
      },
      {
        plugins,
        test: {
          name: 'bench',
          include: ['test/bench/**/*.bench.test.ts'],
          fileParallelism: false,
          testTimeout: 60000,
          hookTimeout: 30000,
        },
      },
    ],
  },
});
