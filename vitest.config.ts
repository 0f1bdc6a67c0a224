import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Three tiers, told apart by the file name (docs/testing.md):
 *   *.test.ts      unit         nothing outside the test's process: no store, no Temporal, no browser, no server
 *   *.int.test.ts  integration  a store (PGlite, PostgreSQL), a Temporal dev or time-skipping server, the stand-in,
 *                               Chromium only to print receipt fixtures
 *   *.e2e.test.ts  e2e          the bots or the console in Chromium, the whole stack, faults and chaos
 * A unit file that opens any of those fails with a message naming the suffix it needs (test/unitTier.setup.ts).
 */
const exclude = [...configDefaults.exclude, 'data/**', '.tools/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts', '**/*.e2e.test.ts'],
          setupFiles: ['test/unitTier.setup.ts'],
          env: { ZHISHEN_TEST_TIER: 'unit' },
          // Nothing here holds a port or a data directory, so files run side by side on both cores.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude,
          // Each file works in its own temporary directory, PostgreSQL schema and roles, on ports it is
          // given: two at a time keep both cores busy while one waits on its servers.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude,
          setupFiles: ['test/e2e.setup.ts'],
          // Each file starts its own stack on ports it is given, in its own directory; much of an e2e
          // file's time is waiting (outages, timers, the clerk's turn), so two at a time share the cores.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
