import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', '.tools/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration suites each start real servers; two cores do not run them well side by side.
    fileParallelism: false,
  },
});
