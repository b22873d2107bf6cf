import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': import.meta.dirname } },
  test: {
    include: [
      'lib/**/*.test.ts',
      'app/**/*.test.ts',
      'simulators/**/*.test.ts',
      'test/**/*.test.ts',
      'chart/**/*.test.ts',
    ],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Store tests open real databases; two workers suit the 2-core machines this runs on.
    maxWorkers: 2,
  },
});
