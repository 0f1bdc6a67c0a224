import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, legacyBotActivities } from '../activities';
import { createReviewActivities } from '../activities/review';
import { noticeActivities } from '../notices/activities';
import { auditActivities } from '../audit/activities';
import { seedLegacy } from '../cli/legacySeed';
import { loadConfig } from '../config/env';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import { writeIntakeWorkbook } from '../fixtures/generate';
import { createLogger } from '../logging/logger';
import type { CaseFile } from '../rules/schemas';
import { openStore, type Store } from '../store';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { listReviewInbox } from '../store/reviewQueue';
import { verifyChain } from '../store/verifyChain';
import { temporalTestServerPath } from '../temporal/binaries';
import { ensureSearchAttributes } from '../temporal/namespace';
import { bundleWorkflows } from '../worker';
import { claimUpdate, correctUpdate, documentsSuppliedSignal, releaseUpdate, reviewStateQuery, reviewUpdate } from '../workflows/messages';
import { TASK_QUEUES, type CaseInput, type CaseRowRef } from '../workflows/types';
import { sha256File } from '../activities/hashing';
import { browserCoreSystem } from '../activities/coreSystem';
import { createBrowserPool, type BrowserPool } from '../bots';
import { startLegacySystem, type RunningLegacySystem } from '../fixtures/legacy-system/server';
import { legacyDataFile } from '../fixtures/legacy-system/records';
import { legacyCredentialsFromEnv } from '../fixtures/legacy-system/credentials';

const EXAMPLES = path.join(import.meta.dirname, '..', 'fixtures', 'examples');
const clerkA = { username: 'clerk.a', role: 'clerk' };
const clerkB = { username: 'clerk.b', role: 'clerk' };
const supervisor = { username: 'chief', role: 'supervisor' };
const auditor = { username: 'audit', role: 'auditor' };

/**
 * The review stage of a case on Temporal's time-skipping test server: SLA reminder and escalation
 * days later in a few seconds, claims, refusals, corrections, decisions, return for documents.
 */
describe('exception review in the case workflow', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let dataDir: string;
  let bundle: WorkflowBundle;
  let rows: Map<string, CaseRowRef>;
  let workbookRef: CaseInput['workbook'];
  let worker: Worker;
  let botWorker: Worker;
  let running: Promise<void>;
  let legacy: RunningLegacySystem;
  let pool: BrowserPool;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-review-'));
    const files = ['LS-2024-0006', 'LS-2024-0008', 'TR-2026-0015', 'LS-2025-0002', 'LS-2025-0007'].map((id) => path.join(EXAMPLES, `${id}.json`));
    seedLegacy(dataDir, files);
    const caseFiles = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as CaseFile);
    const workbook = path.join(dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles);
    workbookRef = { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' };
    rows = new Map((await readIntakeWorkbook(workbook)).rows.map((r) => [r.caseId, { caseId: r.caseId, type: r.type, sheet: r.sheet, rowNumber: r.rowNumber, row: r }]));

    store = await openStore({ dataDir });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    await ensureSearchAttributes(env.connection, 'default');
    const logger = createLogger('review-test', { terminal: false });
    const config = loadConfig({ ZHISHEN_DATA_DIR: dataDir });
    legacy = await startLegacySystem({ dataFile: legacyDataFile(dataDir), port: 0, users: [legacyCredentialsFromEnv()] });
    pool = createBrowserPool({ size: 2, legacyUrl: legacy.url, credentials: legacyCredentialsFromEnv(), evidenceDir: path.join(dataDir, 'evidence') });
    const deps = { store, logger, config, coreSystem: browserCoreSystem(pool) };
    bundle = await bundleWorkflows(logger);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUES.default,
      workflowBundle: bundle,
      activities: {
        ...createActivities(deps),
        ...createReviewActivities(deps),
        ...noticeActivities({ store, dataDir, version: 'test' }),
        ...auditActivities({ store, client: env.client }),
      },
    });
    botWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUES.legacyBots, activities: legacyBotActivities(deps) });
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
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (caseId: string) =>
    env.client.workflow.start('caseWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `case-${caseId}`,
      args: [{ batchId: 'review-test', workbook: workbookRef, caseRow: rows.get(caseId)! } satisfies CaseInput],
    });

  async function inReview(handle: Awaited<ReturnType<typeof start>>) {
    for (let i = 0; i < 200; i++) {
      const state = await handle.query(reviewStateQuery).catch(() => null);
      if (state) return state;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('case never reached review');
  }

  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return String((err as WorkflowUpdateFailedError).cause?.message);
  };

  it('reminds before the SLA deadline and escalates to a supervisor at it, on the record', async () => {
    const handle = await start('LS-2024-0006');
    const state = await inReview(handle);
    expect(state.status).toBe('awaiting');
    const deadline = Date.parse(state.deadlineAt!);
    const reminder = Date.parse(state.reminderAt!);
    expect(reminder).toBeLessThan(deadline);
    // Five bureau working days: never less than a week of calendar time minus the weekend.
    expect(deadline - (await env.currentTimeMs())).toBeGreaterThan(4 * 86_400_000);

    await env.sleep(reminder - (await env.currentTimeMs()) + 60_000);
    expect((await handle.query(reviewStateQuery)).reminded).toBe(true);
    expect((await handle.query(reviewStateQuery)).escalated).toBe(false);
    await env.sleep(deadline - (await env.currentTimeMs()) + 60_000);
    const escalated = await handle.query(reviewStateQuery);
    expect(escalated.escalated).toBe(true);

    const steps = (await listEvents(store, 'LS-2024-0006')).map((e) => e.step);
    expect(steps).toEqual(['intake', 'facts-read', 'decided', 'review-opened', 'review-reminder', 'review-escalated']);
    const [inbox] = await listReviewInbox(store, { rule: 'LS-03' }, new Date(await env.currentTimeMs()));
    expect(inbox).toMatchObject({ caseId: 'LS-2024-0006', escalated: true, sla: 'overdue' });

    // Overdue is not closed: the supervisor can still take it and decide.
    await handle.executeUpdate(claimUpdate, { args: [{ reviewer: supervisor }] });
    await handle.executeUpdate(reviewUpdate, { args: [{ reviewer: supervisor, decision: 'approve', comment: '病退鉴定材料齐全' }] });
    expect(await handle.result()).toMatchObject({ outcome: 'approve', amount: expect.stringMatching(/^\d+\.\d{2}$/) });
  });

  it('lets one clerk at a time work a case, refuses the wrong role, and records who decided what and why', async () => {
    const handle = await start('LS-2024-0008');
    await inReview(handle);
    expect(await refusal(handle.executeUpdate(claimUpdate, { args: [{ reviewer: auditor }] }))).toMatch(/无权审核/);
    expect(await refusal(handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkA, decision: 'approve', comment: '' }] }))).toMatch(/请先认领/);

    await handle.executeUpdate(claimUpdate, { args: [{ reviewer: clerkA }] });
    expect(await refusal(handle.executeUpdate(claimUpdate, { args: [{ reviewer: clerkB }] }))).toMatch(/已由 clerk.a 认领/);
    expect(await refusal(handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkB, decision: 'reject', comment: 'x' }] }))).toMatch(/已由 clerk.a 认领/);
    expect(await refusal(handle.executeUpdate(releaseUpdate, { args: [{ reviewer: clerkB }] }))).toMatch(/只能由其本人或科长释放/);
    // Rejecting what the rules would approve overrides them: not without a comment.
    expect(await refusal(handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkA, decision: 'reject', comment: ' ' }] }))).toMatch(/须填写意见/);
    expect(await refusal(handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkA, decision: 'approve', comment: '', amount: '1.00' }] }))).toMatch(/须说明理由/);
    expect((await getCase(store, 'LS-2024-0008'))!.status).toBe('review');

    const final = await handle.executeUpdate(reviewUpdate, {
      args: [{ reviewer: clerkA, decision: 'reject', comment: '视同缴费年限认定材料不实' }],
    });
    expect(final).toMatchObject({ outcome: 'reject', amount: null });
    expect(await handle.result()).toMatchObject({ outcome: 'reject' });

    const events = await listEvents(store, 'LS-2024-0008');
    const reviewed = events.find((e) => e.step === 'reviewed')!;
    expect(reviewed.actor).toEqual({ kind: 'user', name: 'clerk.a' });
    expect(reviewed.inputs).toMatchObject({ decision: 'reject', comment: '视同缴费年限认定材料不实', role: 'clerk' });
    expect(reviewed.outcome).toEqual({ before: { outcome: 'review', amount: expect.any(String) }, after: { outcome: 'reject', amount: null } });
    expect(events.map((e) => e.step)).toEqual(['intake', 'facts-read', 'decided', 'review-opened', 'claimed', 'reviewed', 'entered', 'closed', 'notice-issued']);
    expect((await getCase(store, 'LS-2024-0008'))!).toMatchObject({ status: 'closed', outcome: 'reject' });
  });

  it('re-decides after a clerk corrects a field, recording the before/after diff', async () => {
    const handle = await start('TR-2026-0015');
    const state = await inReview(handle);
    expect(state.ruleResult.reasons).toEqual(['TR-05']);
    await handle.executeUpdate(claimUpdate, { args: [{ reviewer: clerkB }] });
    const caseFile = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'TR-2026-0015.json'), 'utf8')) as { to: { coverageStart: string }; from: { coverage: { to: string } } };
    // Move the new coverage start after the old one's end: no more overlap, TR-05 passes.
    const [y, m] = caseFile.from.coverage.to.split('-').map(Number) as [number, number];
    const after = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const redecided = await handle.executeUpdate(correctUpdate, {
      args: [{ reviewer: clerkB, corrections: [{ path: 'to.coverageStart', value: after }], reason: '核心系统参保起始月录入错误，按参保登记表更正' }],
    });
    expect(redecided.reasons).not.toContain('TR-05');
    const corrected = (await listEvents(store, 'TR-2026-0015')).find((e) => e.step === 'corrected')!;
    expect(corrected.actor.name).toBe('clerk.b');
    expect((corrected.inputs as { corrected: unknown }).corrected).toEqual({
      by: 'clerk.b',
      reason: '核心系统参保起始月录入错误，按参保登记表更正',
      changes: [{ path: 'to.coverageStart', before: caseFile.to.coverageStart, after }],
    });
    await handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkB, decision: redecided.outcome === 'reject' ? 'reject' : 'approve', comment: '' }] });
    await handle.result();
  });

  it('closes a case the rules approve without a clerk', async () => {
    const handle = await start('LS-2025-0002');
    expect(await handle.result()).toMatchObject({ outcome: 'approve' });
    expect((await listEvents(store, 'LS-2025-0002')).map((e) => e.step)).toEqual(['intake', 'facts-read', 'decided', 'entered', 'closed', 'notice-issued']);
  });

  it('returns a case for documents (退回补正), then reads and decides it again when they arrive', async () => {
    const handle = await start('LS-2025-0007');
    await inReview(handle);
    await handle.executeUpdate(claimUpdate, { args: [{ reviewer: clerkA }] });
    expect(await refusal(handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkA, decision: 'return', comment: '' }] }))).toMatch(/补正/);
    const returned = await handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkA, decision: 'return', comment: '请补交提前退休审批表' }] });
    expect(returned.outcome).toBe('review');
    expect((await handle.query(reviewStateQuery)).status).toBe('returned');

    await handle.signal(documentsSuppliedSignal, { note: '已补交' });
    // Round two: the facts are read and the case decided again, then it waits in the inbox afresh.
    for (let i = 0; i < 200 && (await handle.query(reviewStateQuery)).status !== 'awaiting'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await handle.query(reviewStateQuery)).claimedBy).toBeNull();
    await handle.executeUpdate(claimUpdate, { args: [{ reviewer: clerkB }] });
    await handle.executeUpdate(reviewUpdate, { args: [{ reviewer: clerkB, decision: 'approve', comment: '审批表已核' }] });
    expect(await handle.result()).toMatchObject({ outcome: 'approve' });
    expect((await listEvents(store, 'LS-2025-0007')).map((e) => e.step)).toEqual([
      'intake', 'facts-read', 'decided', 'review-opened', 'claimed', 'returned',
      'facts-read', 'decided', 'review-opened', 'claimed', 'reviewed', 'entered', 'closed', 'notice-issued',
    ]);
  });

  it('keeps every case chain intact through claims, corrections and decisions', async () => {
    expect(await verifyChain(store)).toMatchObject({ ok: true });
  });
});
