import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities';
import { loadConfig } from '../config/env';
import { createLogger } from '../logging/logger';
import { ed25519Signer } from '../security/checkpointKey';
import { appendEvent } from '../store/auditTrail';
import { upsertBatch } from '../store/batches';
import { checkpointExportDir, checkpointFileName, listCheckpoints } from '../store/checkpoints';
import type { Store } from '../store';
import { backendKinds, tempDataDir, type TestBackend } from '../store/testing/backends';
import { sampleEvent } from '../store/testing/sampleEvent';
import { emptyOutcomeCounts, type BatchProgress } from '../workflows/types';
import { startCheckpointTimer, trailCheckpointer } from './checkpointing';

describe('when checkpoints are signed', () => {
  let backend: TestBackend;
  let store: Store;
  let dataDir: string;
  const logger = createLogger('test', { level: 'error' });
  const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  beforeAll(async () => {
    backend = backendKinds[0]!.create();
    store = await backend.open();
    dataDir = tempDataDir();
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('at the end of a batch: finishBatch signs one over every event so far and exports it', async () => {
    const exportDir = checkpointExportDir(dataDir);
    const checkpointer = trailCheckpointer({ store, signer, exportDir, logger });
    const activities = createActivities({ store, logger, config: loadConfig({ ZHISHEN_DATA_DIR: dataDir }), checkpointer });
    for (const caseId of ['B1', 'B2'])
      for (const step of ['intake', 'decided', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    await upsertBatch(store, {
      batchId: 'b-1',
      workbookSha256: 'a'.repeat(64),
      fileName: 'intake.xlsx',
      submittedAt: new Date().toISOString(),
      totalRows: 2,
      status: 'running',
    });
    const progress: BatchProgress = {
      batchId: 'b-1',
      total: 2,
      invalidRows: 0,
      done: 2,
      alreadyProcessed: 0,
      byOutcome: { ...emptyOutcomeCounts(), approve: 2 },
      byType: { 'lump-sum': { total: 2, done: 2 }, transfer: { total: 0, done: 0 }, reimbursement: { total: 0, done: 0 } },
      nextOffset: 2,
      finished: true,
    };
    await activities.finishBatch({ batchId: 'b-1', progress });
    expect((await listCheckpoints(store)).map((c) => c.treeSize)).toEqual([6]);
    expect(fs.existsSync(path.join(exportDir, checkpointFileName(6)))).toBe(true);
    // A retried activity signs nothing new.
    await activities.finishBatch({ batchId: 'b-1', progress });
    expect((await listCheckpoints(store)).map((c) => c.treeSize)).toEqual([6]);
  });

  it('on the timer: after N waiting events, and after M minutes with fewer', async () => {
    const checkpointer = trailCheckpointer({ store, signer, exportDir: checkpointExportDir(dataDir), logger });
    const sizes = async () => (await listCheckpoints(store)).map((c) => c.treeSize);
    const waitFor = (want: number[]) => expect.poll(sizes, { timeout: 20_000, interval: 50 }).toEqual(want);
    // Every 3 events, never by time (an hour).
    const byCount = startCheckpointTimer({ store, checkpointer, logger, schedule: { everyEvents: 3, everyMs: 3_600_000, pollMs: 50 } });
    try {
      for (const step of ['intake', 'facts-read'] as const) await appendEvent(store, sampleEvent({ caseId: 'T1', step }));
      await new Promise((r) => setTimeout(r, 500));
      expect(await sizes()).toEqual([6]);
      await appendEvent(store, sampleEvent({ caseId: 'T1', step: 'decided' }));
      await waitFor([6, 9]);
    } finally {
      await byCount.stop();
    }
    // One waiting event, and the last checkpoint older than 200 ms.
    await appendEvent(store, sampleEvent({ caseId: 'T1', step: 'closed' }));
    const byTime = startCheckpointTimer({ store, checkpointer, logger, schedule: { everyEvents: 1000, everyMs: 200, pollMs: 50 } });
    try {
      await waitFor([6, 9, 10]);
    } finally {
      await byTime.stop();
    }
  });
});
