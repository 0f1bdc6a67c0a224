import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, legacyBotActivities } from '../activities';
import { withLeanCase } from '../activities/leanCase';
import { browserCoreSystem } from '../activities/coreSystem';
import { sha256File } from '../activities/hashing';
import { auditActivities } from '../audit/activities';
import { createBrowserPool, type BrowserPool } from '../bots';
import { loadConfig } from '../config/env';
import { seedLegacy } from '../fixtures/legacy-system';
import { STAND_IN_DEFAULT_CREDENTIALS } from '../fixtures/legacy-system/credentials';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { startLegacySystem, type RunningLegacySystem } from '../fixtures/legacy-system/server';
import { writeIntakeWorkbook } from '../fixtures/generate';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import { createLogger } from '../logging/logger';
import { noticeActivities } from '../notices/activities';
import type { CaseFile } from '../rules/schemas';
import { openStore, type Store } from '../store';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { findWorkflowHistory } from '../store/workflowHistories';
import { verifyChain } from '../store/verifyChain';
import { temporalTestServerPath } from '../temporal/binaries';
import { ensureSearchAttributes } from '../temporal/namespace';
import { bundleWorkflows } from '../worker';
import { TASK_QUEUES, type CaseInput, type CaseResult, type CaseRowRef } from '../workflows/types';

const EXAMPLES = path.join(import.meta.dirname, '..', 'fixtures', 'examples');
/** Approved by the rules: one runs as it should, the other has each combined step fail after it did its work. */
const CALM = 'TR-2024-0010';
const STORMY = 'LS-2025-0002';
/** Attempts of each faulty step that fail: the three local ones and the first ordinary one. */
const FAILING_ATTEMPTS = 4;

/**
 * The case's store steps taken as local activities (patch lean-case-v1): a case that runs calmly
 * costs Temporal no activity task for them; one whose steps keep failing after they did their work
 * (a worker lost before Temporal heard back) falls back to ordinary activities and still records
 * each step once, enters the core system once, and keeps one archived history.
 */
describe('the case workflow with its store steps as local activities', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let dataDir: string;
  let rows: Map<string, CaseRowRef>;
  let workbookRef: CaseInput['workbook'];
  let worker: Worker;
  let botWorker: Worker;
  let running: Promise<void>;
  let legacy: RunningLegacySystem;
  let pool: BrowserPool;
  const calls: { step: string; caseId: string; local: boolean; attempt: number }[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-lean-'));
    const files = [CALM, STORMY].map((id) => path.join(EXAMPLES, `${id}.json`));
    seedLegacy(dataDir, files);
    const workbook = path.join(dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(
      workbook,
      files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as CaseFile),
    );
    workbookRef = { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' };
    rows = new Map(
      (await readIntakeWorkbook(workbook)).rows.map((r) => [
        r.caseId,
        { caseId: r.caseId, type: r.type, sheet: r.sheet, rowNumber: r.rowNumber, row: r },
      ]),
    );
    store = await openStore({ dataDir });
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    });
    await ensureSearchAttributes(env.connection, 'default');
    const logger = createLogger('lean-case-test', { terminal: false });
    const config = loadConfig({ ZHISHEN_DATA_DIR: dataDir });
    legacy = await startLegacySystem({ dataFile: legacyDataFile(dataDir), port: 0, users: [STAND_IN_DEFAULT_CREDENTIALS] });
    pool = createBrowserPool({
      size: 1,
      legacyUrl: legacy.url,
      credentials: STAND_IN_DEFAULT_CREDENTIALS,
      evidenceDir: path.join(dataDir, 'evidence'),
    });
    const deps = { store, logger, config, coreSystem: browserCoreSystem(pool) };
    const activities = withLeanCase({
      ...createActivities(deps),
      ...noticeActivities({ store, dataDir, version: 'test' }),
      ...auditActivities({ store, client: env.client }),
    });
    // The step does all its work, then the worker is "lost" before Temporal hears back, for the stormy case.
    const lostAfterWork =
      <A extends [CaseInput], R>(step: string, fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const result = await fn(...args);
        const { isLocal, attempt } = Context.current().info;
        const caseId = args[0].caseRow.caseId;
        calls.push({ step, caseId, local: isLocal, attempt });
        if (caseId === STORMY && calls.filter((c) => c.caseId === caseId && c.step === step).length <= FAILING_ATTEMPTS)
          throw new Error(`${step}: worker lost after the step was done`);
        return result;
      };
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUES.default,
      workflowBundle: await bundleWorkflows(logger),
      activities: {
        ...activities,
        openCase: lostAfterWork('openCase', activities.openCase),
        decideCase: lostAfterWork('decideCase', activities.decideCase),
        finishCase: lostAfterWork('finishCase', activities.finishCase),
      },
    });
    botWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUES.legacyBots,
      activities: legacyBotActivities(deps),
    });
    running = Promise.all([worker.run(), botWorker.run()]).then(() => {});
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    botWorker?.shutdown();
    await running;
    await env?.teardown();
    await pool?.close();
    await legacy?.close();
    await store?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const runCase = async (caseId: string) => {
    const handle = await env.client.workflow.start('caseWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `case-${caseId}`,
      args: [{ batchId: 'lean-test', workbook: workbookRef, caseRow: rows.get(caseId)! } satisfies CaseInput],
    });
    const result = (await handle.result()) as CaseResult;
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((n) => n);
    return { result, scheduled, runId: handle.firstExecutionRunId };
  };

  const recordedOnce = async (caseId: string) => {
    const steps = (await listEvents(store, caseId)).map((e) => e.step);
    expect(steps).toEqual(['intake', 'facts-read', 'decided', 'entered', 'closed', 'notice-issued']);
    expect((loadLegacyData(legacyDataFile(dataDir)).entries ?? []).filter((e) => e.caseId === caseId)).toHaveLength(1);
    expect(await getCase(store, caseId)).toMatchObject({ status: 'closed', outcome: 'approve' });
    expect(fs.existsSync(path.join(dataDir, 'notices', `${caseId}.pdf`))).toBe(true);
    expect(await verifyChain(store, caseId)).toMatchObject({ ok: true });
  };

  it('runs a calm case with no activity task for its store steps', async () => {
    const { result, scheduled, runId } = await runCase(CALM);
    expect(result.outcome).toBe('approve');
    // Only the bots' steps are ordinary activities.
    expect(scheduled).toEqual(['readFacts', 'enterResult']);
    expect(calls.filter((c) => c.caseId === CALM)).toEqual([
      { step: 'openCase', caseId: CALM, local: true, attempt: 1 },
      { step: 'decideCase', caseId: CALM, local: true, attempt: 1 },
      { step: 'finishCase', caseId: CALM, local: true, attempt: 1 },
    ]);
    await recordedOnce(CALM);
    expect(await findWorkflowHistory(store, `case-${CALM}`, runId)).toMatchObject({ complete: false, after_step: 'notice-issued' });
  }, 120_000);

  it('falls back to ordinary activities when the local attempts fail, and records nothing twice', async () => {
    const { result, scheduled, runId } = await runCase(STORMY);
    expect(result.outcome).toBe('approve');
    expect(scheduled).toEqual(['openCase', 'readFacts', 'decideCase', 'enterResult', 'finishCase']);
    for (const step of ['openCase', 'decideCase', 'finishCase']) {
      expect(calls.filter((c) => c.caseId === STORMY && c.step === step).map((c) => [c.local, c.attempt])).toEqual([
        [true, 1],
        [true, 2],
        [true, 3],
        [false, 1],
        [false, 2],
      ]);
    }
    await recordedOnce(STORMY);
    expect(await findWorkflowHistory(store, `case-${STORMY}`, runId)).toMatchObject({ complete: false, after_step: 'notice-issued' });
  }, 180_000);
});
