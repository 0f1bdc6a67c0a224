import { policyVersionPart, ruleSetVersionOf } from '../audit/ruleSetVersion';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { runBatch } from '../cli/batch';
import { readResultReport } from '../intake/report';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { verifyChain } from '../store/verifyChain';
import { createPublicKey } from 'node:crypto';
import { checkpointExportDir, readCheckpointDir } from '../store/checkpoints';
import { verifyTrail } from '../store/verifyTrail';
import { checkpointSignerFromConfig } from '../security/checkpointKey';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { createUser } from '../store/users';
import { runReviewCommand } from '../cli/review';
import { batchProgressQuery } from '../workflows/messages';
import { TASK_QUEUES, type BatchProgress } from '../workflows/types';
import { exited, startTestStack, type TestStack } from '../harness/stack';

/**
 * The foundation end to end on real parts: Temporal dev server, embedded store over the wire,
 * worker processes; a batch of 26 rows (3 invalid) with the worker killed -9 in the middle.
 */
describe('batch of an intake workbook on the real stack', () => {
  let stack: TestStack;
  let caseFiles: CaseFile[];
  let workbook: string;
  let injectedInvalid: number;

  beforeAll(async () => {
    stack = await startTestStack();
    caseFiles = generateCases({ seed: 20261124, count: 23, types: ['lump-sum', 'transfer'] }).map((g) => g.caseFile);
    seedCaseFiles(stack.dataDir, caseFiles);
    workbook = path.join(stack.dataDir, 'intake.xlsx');
    const written = await writeIntakeWorkbook(workbook, caseFiles, { invalidRows: 3 });
    injectedInvalid = written.invalid.length;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('decides every valid row exactly once though the worker is killed mid-batch, and the audit chain holds', async () => {
    let worker = await stack.startWorker();
    const batchId = 'e2e-kill';
    const { sha256File } = await import('../activities/hashing');
    const handle = await stack.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `batch-${batchId}`,
      args: [
        {
          batchId,
          workbook: { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' },
          concurrency: 2,
          rowsPerRun: 8,
        },
      ],
    });

    // Kill the worker once some cases are done and others are not.
    const progress = await vi.waitFor(
      async () => {
        const now = await handle.query(batchProgressQuery);
        expect(now.done).toBeGreaterThanOrEqual(5);
        return now;
      },
      { timeout: 120_000, interval: 100 },
    );
    expect(progress.done).toBeLessThan(caseFiles.length);
    worker.kill('SIGKILL');
    await exited(worker);

    worker = await stack.startWorker();
    const result = (await handle.result()) as BatchProgress;

    expect(result.finished).toBe(true);
    expect(result.total).toBe(caseFiles.length);
    expect(result.invalidRows).toBe(injectedInvalid);
    expect(result.done).toBe(caseFiles.length);
    expect(result.byOutcome.failed).toBe(0);

    const expectedCounts = { approve: 0, reject: 0, review: 0 };
    for (const caseFile of caseFiles) {
      const expected = decide(caseFile);
      expectedCounts[expected.outcome] += 1;
      const stored = await getCase(stack.store, caseFile.caseId);
      expect(stored, caseFile.caseId).toMatchObject({
        outcome: expected.outcome,
        amount: expected.amount,
        reasons: expected.reasons,
        batchId,
      });
      const events = await listEvents(stack.store, caseFile.caseId);
      // One run per case, each step recorded once, however often its activity ran; exceptions wait for a clerk.
      const lastSteps = expected.outcome === 'review' ? ['review-opened'] : ['entered', 'closed', 'notice-issued'];
      expect(events.map((e) => e.step)).toEqual(['intake', 'facts-read', 'decided', ...lastSteps]);
      expect(stored!.status).toBe(expected.outcome === 'review' ? 'review' : 'closed');
      expect(new Set(events.map((e) => e.runId)).size).toBe(1);
      const decided = events[2]!;
      // The trail names what decided: the parameter version, a digest of the data it used, the build.
      expect(decided.ruleSetVersion).toBe(ruleSetVersionOf(expected.policyVersion));
      expect(decided.ruleSetVersion).toMatch(/^[a-z-]+@\d{4}-\d{2}-\d{2}\+sha256:[0-9a-f]{64}\/build:\S+$/);
      expect((decided.inputs as { caseFile: unknown }).caseFile).toEqual(JSON.parse(JSON.stringify(caseFile)));
      // The record alone re-decides the case: its inputs under its parameter version give its outcome.
      const replayed = decide((decided.inputs as { caseFile: CaseFile }).caseFile);
      expect(replayed.policyVersion).toBe(policyVersionPart(decided.ruleSetVersion));
      expect(decided.outcome).toMatchObject({ outcome: replayed.outcome, amount: replayed.amount, reasons: replayed.reasons });
    }
    expect({ approve: result.byOutcome.approve, reject: result.byOutcome.reject, review: result.byOutcome.review }).toEqual(expectedCounts);
    // The mix covers every outcome, so the assertions above are not vacuous.
    expect(Object.values(expectedCounts).every((n) => n > 0)).toBe(true);

    const verdict = await verifyChain(stack.store);
    expect(verdict).toMatchObject({ ok: true, cases: caseFiles.length });

    // The batch ended under a signed checkpoint, exported outside the store, covering every decision.
    const exported = readCheckpointDir(checkpointExportDir(stack.dataDir));
    expect(exported.length).toBeGreaterThanOrEqual(1);
    const trail = await verifyTrail(stack.store, {
      publicKeys: [createPublicKey(checkpointSignerFromConfig(stack.config).publicKeyPem)],
      trusted: exported,
    });
    expect(trail).toMatchObject({ ok: true, problems: [] });
    const [lastDecision] = await stack.store.db.query<{ n: number }>(
      `SELECT max(global_seq)::integer AS n FROM audit_events WHERE step = 'decided'`,
    );
    expect(trail.latestCheckpoint!.treeSize).toBeGreaterThanOrEqual(lastDecision!.n);

    // The core system's own entry list: each decided case entered exactly once, with the rules' result.
    const entries = loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? [];
    for (const caseFile of caseFiles) {
      const expected = decide(caseFile);
      const mine = entries.filter((e) => e.caseId === caseFile.caseId);
      if (expected.outcome === 'review') expect(mine, caseFile.caseId).toHaveLength(0);
      else expect(mine, caseFile.caseId).toMatchObject([{ outcome: expected.outcome, amount: expected.amount }]);
    }

    // 23 rows at 8 per run: the batch continued as new twice, and its progress survived both.
    const batchRuns: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = "batch-${batchId}"` })) batchRuns.push(wf.status.name);
    expect(batchRuns.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);

    // Temporal's own view: one case workflow per case; those in review wait for a clerk, the rest are done.
    const caseRuns: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `BatchId = "${batchId}" AND WorkflowType = "caseWorkflow"` })) {
      caseRuns.push(`${wf.workflowId}:${wf.status.name}`);
    }
    expect(caseRuns.sort()).toEqual(
      caseFiles.map((c) => `case-${c.caseId}:${decide(c).outcome === 'review' ? 'RUNNING' : 'COMPLETED'}`).sort(),
    );
    worker.kill('SIGTERM');
    await exited(worker);
  }, 300_000);

  it('resubmitting the workbook processes no case twice and reports every row, bad ones with row and field', async () => {
    const worker = await stack.startWorker();
    const before = await Promise.all(caseFiles.map((c) => listEvents(stack.store, c.caseId).then((e) => e.length)));
    const report = path.join(stack.dataDir, 'report.xlsx');
    const result = await runBatch(stack.config, { workbook, wait: true, report });

    expect(result.progress).toMatchObject({ total: caseFiles.length, alreadyProcessed: caseFiles.length, finished: true });
    const after = await Promise.all(caseFiles.map((c) => listEvents(stack.store, c.caseId).then((e) => e.length)));
    expect(after).toEqual(before);

    const rows = await readResultReport(report);
    expect(rows).toHaveLength(caseFiles.length + injectedInvalid);
    const errors = rows.filter((r) => r.outcome === 'error');
    expect(errors).toHaveLength(injectedInvalid);
    for (const e of errors) {
      expect(e.rowNumber).toBeGreaterThanOrEqual(2);
      expect(e.reasonsText).toMatch(/：/);
    }
    for (const caseFile of caseFiles) {
      const row = rows.find((r) => r.caseId === caseFile.caseId);
      const expected = decide(caseFile);
      expect(row, caseFile.caseId).toMatchObject({ outcome: expected.outcome, amount: expected.amount, reasons: expected.reasons });
      expect(row!.link).toContain(`case-${caseFile.caseId}`);
    }
    worker.kill('SIGTERM');
    await exited(worker);
  });

  it('clears an exception from the terminal: review list, show and decide, with the role checked', async () => {
    const worker = await stack.startWorker();
    await createUser(stack.store, { username: 'clerk.wang', displayName: '王经办', role: 'clerk', password: 'correct horse battery' });
    await createUser(stack.store, { username: 'audit.li', displayName: '李审计', role: 'auditor', password: 'correct horse battery' });
    const lines: string[] = [];
    expect(await runReviewCommand(stack.config, ['list'], (l) => lines.push(l))).toBe(0);
    const inbox = lines.map((l) => JSON.parse(l) as { caseId: string; sla: string; reasons: string[] });
    const expectedReview = caseFiles.filter((c) => decide(c).outcome === 'review').map((c) => c.caseId);
    expect(inbox.map((e) => e.caseId).sort()).toEqual(expectedReview.sort());
    expect(inbox.every((e) => e.sla === 'on-time')).toBe(true);

    // A case one clerk may decide alone (not a large payable, which needs a second look).
    const target = inbox.find((e) => !e.reasons.includes('RB-13'))!.caseId;
    lines.length = 0;
    expect(await runReviewCommand(stack.config, ['show', target], (l) => lines.push(l))).toBe(0);
    const shown = JSON.parse(lines[0]!) as { review: { status: string }; failedChecks: unknown[] };
    expect(shown.review.status).toBe('awaiting');
    expect(shown.failedChecks.length).toBeGreaterThan(0);
    expect(lines[0]).not.toMatch(/\d{17}[\dX]/);

    // The person proves who they are with their password (ZHISHEN_PASSWORD); the role is the store's.
    const withPassword = { ...stack.config, cli: { ...stack.config.cli, password: 'correct horse battery' } };
    expect(
      await runReviewCommand(withPassword, ['decide', target, '--approve', '--comment', '材料已核', '--as', 'audit.li'], () => {}),
    ).toBe(1);
    lines.length = 0;
    expect(
      await runReviewCommand(withPassword, ['decide', target, '--approve', '--comment', '材料已核', '--as', 'clerk.wang'], (l) =>
        lines.push(l),
      ),
    ).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 'decided', decision: { by: 'clerk.wang', decision: 'approve' } });
    await stack.client.workflow.getHandle(`case-${target}`).result();
    expect(await getCase(stack.store, target)).toMatchObject({ status: 'closed', outcome: 'approve' });
    const reviewed = (await listEvents(stack.store, target)).find((e) => e.step === 'reviewed')!;
    expect(reviewed).toMatchObject({ actor: { kind: 'user', name: 'clerk.wang' }, inputs: { comment: '材料已核', decision: 'approve' } });
    expect(await verifyChain(stack.store)).toMatchObject({ ok: true });
    worker.kill('SIGTERM');
    await exited(worker);
  });
});
