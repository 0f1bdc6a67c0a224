import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../activities/hashing';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { queuesForBatch, unservedQueues, watchWorkers } from '../cli/workerWatch';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { TASK_QUEUES, type BatchProgress } from '../workflows/types';
import { exited, startTestStack, type TestStack } from '../harness/stack';

/**
 * A batch submitted right after the only worker was killed: Temporal still lists the dead worker's
 * pollers as if they were alive. `batch run --wait` and the demo must say within a minute that no
 * worker takes the work, and say again when one does.
 */
describe('following a batch that no live worker serves', () => {
  let stack: TestStack;
  let workbook: string;

  beforeAll(async () => {
    stack = await startTestStack();
    const caseFiles = generateCases({ seed: 71, count: 2, types: ['lump-sum'] }).map((g) => g.caseFile);
    seedCaseFiles(stack.dataDir, caseFiles);
    workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("warns within a minute though the dead worker's pollers are still listed, and says when a worker is back", async () => {
    const first = await stack.startWorker();
    const queues = queuesForBatch(false);
    // Once it polls every queue, kill it without a goodbye.
    await expect.poll(() => unservedQueues(stack.client, 'default', queues), { timeout: 60_000, interval: 250 }).toEqual([]);
    first.kill('SIGKILL');
    await exited(first);
    // Still looks served: what fooled the demo.
    expect(await unservedQueues(stack.client, 'default', queues)).toEqual([]);

    const workflowId = 'batch-no-worker';
    const handle = await stack.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId,
      args: [{ batchId: 'no-worker', workbook: { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' } }],
    });
    const lines: { at: number; text: string }[] = [];
    const submitted = Date.now();
    const watch = watchWorkers({
      client: stack.client,
      namespace: 'default',
      workflowId,
      queues,
      intervalMs: 2000,
      say: (text) => lines.push({ at: Date.now(), text }),
    });
    try {
      const withinAMinute = Math.max(0, submitted + 60_000 - Date.now());
      await expect
        .poll(() => lines.length, { timeout: withinAMinute, interval: 250, message: 'a warning within a minute' })
        .toBeGreaterThan(0);
      expect(lines[0]!.text).toMatch(/no live worker/);
      expect(lines[0]!.text).toContain(`"${TASK_QUEUES.default}"`);
      process.stderr.write(
        `[worker-watch] warned ${((lines[0]!.at - submitted) / 1000).toFixed(1)} s after submission:\n${lines[0]!.text}\n`,
      );

      const second = await stack.startWorker();
      await expect.poll(() => lines.map((l) => l.text).join('\n'), { timeout: 60_000, interval: 250 }).toMatch(/workers are back/);
      expect(((await handle.result()) as BatchProgress).finished).toBe(true);
      second.kill('SIGTERM');
      await exited(second);
    } finally {
      await watch.stop();
    }
  }, 600_000);
});
