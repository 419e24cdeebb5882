import { defineConfig } from 'vitest/config';
import { workletVitePlugin } from './build/worklet-plugin.ts';

const plugins = [workletVitePlugin()];

export default defineConfig({
  test: {
    projects: [
      {
        plugins,
        test: {
          name: 'unit',
          include: ['test/{unit,dsp,agent,package}/**/*.test.ts'],
          testTimeout: 20000,
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
