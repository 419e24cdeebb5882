import { defineConfig } from 'vitest/config';
import { workletVitePlugin } from './build/worklet-plugin.ts';

export default defineConfig({
  plugins: [workletVitePlugin()],
  test: {
    include: ['test/**/*.test.ts'],
    // Real-Chromium tests run one file at a time: two cores, and each spawns a browser and an agent.
    fileParallelism: true,
    testTimeout: 20000,
  },
});
