/**
 * Batches recorded before batchWorkflow told the managers of a failure replay on the present code:
 * the failure path's notification is patched in, so a failed batch's old history takes the old path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { describe, it } from 'vitest';

const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const history = (file: string) =>
  temporal.api.history.v1.History.fromObject(
    JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'test', 'histories', file), 'utf8')),
  );

describe('batch histories recorded before notifications', () => {
  it('a batch that failed (its workbook changed) replays without the notification step', async () => {
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS }, history('batch-failed-before-notify.json'), 'batch-B-failed');
  }, 120_000);

  it('a batch that finished replays unchanged', async () => {
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS }, history('batch-finished-before-notify.json'), 'batch-B-empty');
  }, 120_000);
});
