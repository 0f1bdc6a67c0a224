/**
 * Runs before every file of the e2e tier (vitest.config.ts). When a test fails while a stack is up, the
 * workers' last log lines are printed with the failure: a worker's stderr is kept only in memory and
 * removed with the stack, and an e2e failure seen once under CI's load is otherwise not explained.
 */
import { beforeEach } from 'vitest';
import { workerLogTails } from '../harness/stack';

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    const tails = workerLogTails();
    if (tails) console.error(`the workers' logs when the test failed:\n${tails}`);
  });
});
