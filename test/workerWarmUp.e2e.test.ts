import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, startTestStack, type TestStack } from '../harness/stack';

/**
 * A worker is ready when it says so: before it polls, its browser is launched and its seats logged
 * in, the OCR models and pdfjs loaded and the notices' face parsed, so the first cases of a batch do
 * not wait for them. A core system that is down at start does not keep the worker from starting.
 */
describe('a worker warms up before it polls', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('has its bots logged in and its readers loaded when it starts polling', async () => {
    const worker = await stack.startWorker();
    const log = stack.workerLogs().at(-1)!;
    expect(log).toMatch(/warmed up \(bots, receipt reader, notices\) in \d+\.\d s/);
    expect(log).not.toMatch(/warm-up of the .+ failed/);
    expect(log.indexOf('warmed up')).toBeLessThan(log.indexOf('worker polling'));
    worker.kill('SIGTERM');
    await exited(worker);
  }, 120_000);

  it('starts with the core system down, leaving the bots to the first case', async () => {
    await stack.stopLegacy();
    try {
      const worker = await stack.startWorker();
      const log = stack.workerLogs().at(-1)!;
      expect(log).toMatch(/warm-up of the bots failed, left to the first case/);
      expect(log).not.toMatch(/warm-up of the (receipt reader|notices) failed/);
      expect(log).toMatch(/worker polling/);
      worker.kill('SIGTERM');
      await exited(worker);
    } finally {
      await stack.startLegacy();
    }
  }, 120_000);
});
