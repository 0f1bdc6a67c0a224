import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseWatchActivities } from '../activities/caseWatch';
import { ensureSearchAttributes } from '../temporal/namespace';
import { freePort, startDevServer, type RunningDevServer } from '../temporal/devServer';
import type { DefaultQueueActivities } from '../workflows/activityContracts';
import { batchProgressQuery } from '../workflows/messages';
import { caseWorkflowId, type BatchInput, type BatchProgress, type CaseRowRef } from '../workflows/types';
import type { StandInCaseRow } from './batchWindowWorkflows';

// The real batch with stand-in cases that take as long as their row says (batchWindowWorkflows.ts).
const WORKFLOWS = fileURLToPath(new URL('./batchWindowWorkflows.ts', import.meta.url));
const PRODUCT_WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const QUEUE = 'batch-window-test';

/** The batches' rows, by batch ID, as the intake steps would hand them out. */
const rowsOfBatch = new Map<string, CaseRowRef[]>();
const batchActivities: Pick<DefaultQueueActivities, 'loadIntake' | 'intakeRows' | 'finishBatch' | 'existingCaseResult'> = {
  async loadIntake({ batchId }) {
    const rows = rowsOfBatch.get(batchId) ?? [];
    return { total: rows.length, invalidRows: 0, byType: { 'lump-sum': rows.length, transfer: 0, reimbursement: 0 } };
  },
  async intakeRows({ batchId, offset, limit }) {
    return (rowsOfBatch.get(batchId) ?? []).slice(offset, offset + limit);
  },
  async finishBatch() {},
  async existingCaseResult() {
    return null;
  },
};

function rows(batchId: string, cases: StandInCaseRow[]): CaseRowRef[] {
  const made = cases.map((row, i) => ({ caseId: `${batchId}-${i}`, type: 'lump-sum' as const, sheet: '趸缴', rowNumber: i + 2, row }));
  rowsOfBatch.set(batchId, made);
  return made;
}

describe('the batch keeps `concurrency` cases in flight (sliding window)', () => {
  let dir: string;
  let server: RunningDevServer;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-batch-window-'));
    server = await startDevServer({ dataDir: path.join(dir, 'temporal'), port: await freePort(), uiPort: null, namespace: 'default' });
    connection = await Connection.connect({ address: server.address });
    await ensureSearchAttributes(connection, 'default');
    client = new Client({ connection, namespace: 'default' });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      namespace: 'default',
      taskQueue: QUEUE,
      workflowsPath: WORKFLOWS,
      activities: { ...batchActivities, ...caseWatchActivities({ client }) },
    });
    running = worker.run();
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => {});
    await connection?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function startBatch(batchId: string, options: Pick<BatchInput, 'concurrency' | 'rowsPerRun' | 'carriedCheckSeconds'>) {
    return client.workflow.start('batchWorkflow', {
      taskQueue: QUEUE,
      workflowId: `batch-${batchId}`,
      args: [{ batchId, workbook: { path: '/nonexistent.xlsx', sha256: '0'.repeat(64), fileName: 'intake.xlsx' }, ...options }],
    });
  }

  it('lets every other case pass a slow one, across pages and continue-as-new', async () => {
    // 14 cases, 3 at a time, 5 rows per run: the slow first case outlives two continue-as-new.
    const batch = rows('slow', [{ seconds: 25 }, ...Array.from({ length: 13 }, () => ({ seconds: 1 }))]);
    const handle = await startBatch('slow', { concurrency: 3, rowsPerRun: 5 });
    const slow = client.workflow.getHandle(caseWorkflowId(batch[0]!.caseId));

    // Waiting for every case of a page would hold the batch at 4 of 14 until the slow case ends.
    const passed = await vi.waitFor(
      async () => {
        const progress = await handle.query(batchProgressQuery);
        if (progress.done < 13) throw new Error(`${progress.done} of 14 done`);
        return progress;
      },
      { timeout: 24_000, interval: 500 },
    );
    expect((await slow.describe()).status.name, 'the slow case is still running').toBe('RUNNING');
    expect(passed).toMatchObject({ done: 13, total: 14, finished: false });

    const final = (await handle.result()) as BatchProgress;
    expect(final).toMatchObject({ done: 14, total: 14, finished: true, nextOffset: 14 });
    expect(final.byOutcome).toEqual({ approve: 14, reject: 0, review: 0, failed: 0 });
    const lastRun = await client.workflow.getHandle(`batch-slow`).describe();
    expect(lastRun.runId, 'the batch continued as new').not.toBe(handle.firstExecutionRunId);

    // Cases report by closing while the run that started them holds their handle; the slow case,
    // still running when that run continued as new, was asked to signal, and did so once.
    const settleSignals = async (caseId: string) =>
      ((await client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory()).events ?? []).filter(
        (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes,
      ).length;
    expect(await settleSignals(batch[1]!.caseId), 'a quick case').toBe(0);
    expect(await settleSignals(batch[13]!.caseId), 'the last case').toBe(0);
    expect(await settleSignals(batch[0]!.caseId), 'the slow case').toBe(1);
  }, 150_000);

  it('counts a case carried into a later run that fails without reporting as failed', async () => {
    // Run 1 starts cases 0–2 and continues as new while case 1 is still running; case 1 then fails.
    rows('carried', [{ seconds: 1 }, { seconds: 6, fails: true }, ...Array.from({ length: 6 }, () => ({ seconds: 1 }))]);
    // Asked about every 5 s instead of every minute, so the test need not wait for it.
    const handle = await startBatch('carried', { concurrency: 2, rowsPerRun: 3, carriedCheckSeconds: 5 });
    const final = (await handle.result()) as BatchProgress;
    expect(final).toMatchObject({ done: 8, total: 8, finished: true });
    expect(final.byOutcome).toEqual({ approve: 7, reject: 0, review: 0, failed: 1 });
  }, 180_000);
});

describe('batches recorded before the sliding window', () => {
  it('replay on the present code: each page waited for, every case of a run finished before continue-as-new', async () => {
    // Recorded with the page-by-page batch on the workflows above (7 cases, 2 at a time, 5 rows per run):
    // the first run (ends in continue-as-new) and the second.
    const recorded = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'histories', 'batch-pages-before-window.json'), 'utf8')) as {
      runs: unknown[];
    };
    expect(recorded.runs).toHaveLength(2);
    for (const [i, run] of recorded.runs.entries())
      await Worker.runReplayHistory(
        { workflowsPath: PRODUCT_WORKFLOWS },
        temporal.api.history.v1.History.fromObject(run as object),
        `batch-before-window-${i + 1}`,
      );
  }, 120_000);
});
