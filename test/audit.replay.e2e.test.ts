import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { seedLegacy } from '../fixtures/legacy-system';
import { sha256File } from '../activities/hashing';
import { archiveClosedCaseHistories, loadWorkflowHistory, saveWorkflowHistory } from '../audit/history';
import { replayCase } from '../audit/replay';
import { exportCaseAudit } from '../audit/export';
import { pdfSupported } from '../reports/pdfDocument';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { getCase } from '../store/caseRegister';
import { verifyChain } from '../store/verifyChain';
import { TASK_QUEUES, type BatchProgress } from '../workflows/types';
import { exited, startTestStack, type TestStack } from '../harness/stack';
import { waitUntilCasesComplete } from './caseWorkflows';
import { pdfText } from '../reports/pdfText';
import { batchStats, listBatchOverviews } from '../reports/batchStats';
import { batchSummaryBlocks, renderBatchSummary } from '../reports/batchSummary';
import { renderDashboard, temporalLinks } from '../console/dashboard';
import { auditReplay, replaySummary } from '../cli/auditReplay';
import { configuredDataConverter } from '../temporal/dataConverter';
import { currentBuild, loadParametersFromDir, parseRuleSetVersion } from '../audit/ruleSetVersion';

const canPdf = await pdfSupported();
const ROOT = path.resolve(import.meta.dirname, '..');
const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Issue 6's "done when" for auditors: a batch runs, its histories are archived, Temporal's server
 * and database are gone, and the store alone replays and verifies the cases.
 */
describe('audit replay from the store alone', () => {
  let stack: TestStack;
  let caseFiles: CaseFile[];
  let closed: CaseFile[];
  let bundle: WorkflowBundle;
  let changedDir: string;
  let inReview: CaseFile | null = null;

  beforeAll(async () => {
    stack = await startTestStack();
    caseFiles = generateCases({ seed: 61, count: 8, types: ['lump-sum', 'transfer'] }).map((g) => g.caseFile);
    const files = caseFiles.map((c) => {
      const file = path.join(stack.dataDir, `${c.caseId}.json`);
      fs.writeFileSync(file, JSON.stringify(c));
      return file;
    });
    seedLegacy(stack.dataDir, files);
    const workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles);
    const worker = await stack.startWorker();
    const handle = await stack.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: 'batch-audit-replay',
      args: [
        {
          batchId: 'audit-replay',
          workbook: { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' },
          concurrency: 4,
        },
      ],
    });
    const progress = (await handle.result()) as BatchProgress;
    expect(progress.done).toBe(caseFiles.length);
    closed = caseFiles.filter((c) => decide(c).outcome !== 'review');
    expect(closed.length).toBeGreaterThan(0);
    // Closed case workflows finish a moment after they tell the batch: wait until Temporal says so.
    await waitUntilCasesComplete(
      stack.client,
      closed.map((c) => c.caseId),
      30_000,
    );
    // Each closed case archived its history as it closed (up to its last step, taken inside a workflow
    // task): that partial archive replays on its own, before the sweep replaces it.
    bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quietLogger });
    for (const c of closed) {
      const atClose = await replayCase(stack.store, c.caseId, {
        workflowBundle: bundle,
        dataConverter: configuredDataConverter(stack.config, stack.env),
      });
      expect(atClose.history, c.caseId).toMatchObject({ status: 'ok', complete: false, source: 'archive', afterStep: 'notice-issued' });
    }
    const archived = await archiveClosedCaseHistories(stack.store, stack.client);
    expect(archived.saved.sort()).toEqual(closed.map((c) => c.caseId).sort());
    // Idempotent: a second sweep has nothing left to do.
    expect((await archiveClosedCaseHistories(stack.store, stack.client)).saved).toEqual([]);

    // A case waiting for a clerk is still open: its history so far is kept as partial.
    inReview = caseFiles.find((c) => decide(c).outcome === 'review') ?? null;
    if (inReview)
      expect(await saveWorkflowHistory(stack.store, stack.client, `case-${inReview.caseId}`, undefined, inReview.caseId)).toMatchObject({
        complete: false,
      });

    // Temporal is gone, its database with it.
    worker.kill('SIGKILL');
    await exited(worker);
    await stack.temporal.stop();
    fs.rmSync(path.join(stack.dataDir, 'temporal'), { recursive: true, force: true });

    // An incompatible change: the case workflow opens the case as an ordinary activity, not a local one.
    changedDir = fs.mkdtempSync(path.join(ROOT, '.replay-changed-'));
    for (const f of fs.readdirSync(path.join(ROOT, 'workflows'))) {
      if (f.endsWith('.ts') && !f.endsWith('.test.ts')) fs.copyFileSync(path.join(ROOT, 'workflows', f), path.join(changedDir, f));
    }
    const caseWf = path.join(changedDir, 'caseWorkflow.ts');
    const source = fs.readFileSync(caseWf, 'utf8');
    expect(source).toContain('() => local.openCase(input),');
    fs.writeFileSync(caseWf, source.replace('() => local.openCase(input),', '() => lean.openCase(input),'));
  }, 240_000);

  afterAll(async () => {
    if (changedDir) fs.rmSync(changedDir, { recursive: true, force: true });
    await stack?.stop();
  });

  it('replays every closed case from the store: history ok, decisions match byte for byte', async () => {
    for (const c of closed) {
      const replay = await replayCase(stack.store, c.caseId, {
        workflowBundle: bundle,
        today: '2026-11-24',
        dataConverter: configuredDataConverter(stack.config, stack.env),
      });
      expect(replay.history, c.caseId).toMatchObject({ status: 'ok', complete: true });
      expect(replay.decision?.match, c.caseId).toBe(true);
      expect(replay.decision?.diffs).toEqual([]);
      expect(replay.decision?.reDecided?.policyVersion).toBe(decide(c).policyVersion);
      // The trail names the data and build that decided; today's shipped files are those.
      expect(replay.decision?.ruleSet).toMatchObject({
        policyVersion: decide(c).policyVersion,
        sameFiles: true,
        recordedBuild: currentBuild(),
      });
      expect(replay.today?.decision, c.caseId).not.toBeNull();
      expect(replay.ok).toBe(true);
    }
  });

  it('replays a partial history (saved while the case was still open) too', async () => {
    expect(inReview, 'the batch has a case in review').not.toBeNull();
    const replay = await replayCase(stack.store, inReview!.caseId, {
      workflowBundle: bundle,
      dataConverter: configuredDataConverter(stack.config, stack.env),
    });
    expect(replay.history).toMatchObject({ status: 'ok', complete: false });
    expect(replay.decision?.match).toBe(true);
  });

  it('fails loudly when the workflow code changed incompatibly', async () => {
    const changed = await bundleWorkflowCode({ workflowsPath: path.join(changedDir, 'index.ts'), logger: quietLogger });
    const replay = await replayCase(stack.store, closed[0]!.caseId, {
      workflowBundle: changed,
      dataConverter: configuredDataConverter(stack.config, stack.env),
    });
    expect(replay.history.status).toBe('failed');
    expect(replay.history).toMatchObject({ kind: expect.stringMatching(/DeterminismViolation|Replay/) });
    expect(replay.ok).toBe(false);
    // The decision part does not depend on the workflow code.
    expect(replay.decision?.match).toBe(true);
  });

  it('verify names a tampered event; a tampered history is refused', async () => {
    const target = closed[0]!.caseId;
    expect(await verifyChain(stack.store, target)).toMatchObject({ ok: true });
    await stack.store.db.script('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await stack.store.db.query(
      `UPDATE audit_events SET outcome = jsonb_set(outcome, '{amount}', '"1.00"') WHERE case_id = $1 AND step = 'decided'`,
      [target],
    );
    await stack.store.db.script('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    const verdict = await verifyChain(stack.store, target);
    expect(verdict).toMatchObject({ ok: false, caseId: target, seq: 3, problem: 'payload mismatch' });

    const other = closed.at(-1)!.caseId;
    const stored = await getCase(stack.store, other);
    await stack.store.db.query(
      `UPDATE workflow_histories SET history = overlay(history placing (CASE WHEN substr(history, 41, 4) = 'QUJD' THEN 'QUJE' ELSE 'QUJD' END) from 41 for 4) WHERE workflow_id = $1`,
      [stored!.workflowId],
    );
    await expect(loadWorkflowHistory(stack.store, stored!.workflowId)).rejects.toThrow(/sha256/);
    const replay = await replayCase(stack.store, other, {
      workflowBundle: bundle,
      dataConverter: configuredDataConverter(stack.config, stack.env),
    });
    expect(replay.history).toMatchObject({ status: 'failed', kind: 'HistoryTamperedError' });
  });

  it('exports the trail as a workbook whose cells name every event, hash and the verdict', async () => {
    const c = closed[0]!;
    const out = path.join(stack.dataDir, 'export', `${c.caseId}.xlsx`);
    const result = await exportCaseAudit(stack.store, c.caseId, out);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.getWorksheet('审计轨迹')!;
    const steps = sheet.getColumn(3).values.slice(2);
    expect(steps).toEqual(expect.arrayContaining(['intake', 'facts-read', 'decided', 'closed']));
    expect(sheet.getRow(2).getCell(9).value).toMatch(/^[0-9a-f]{64}$/);
    const verdictCell = wb.getWorksheet('校验')!.getRow(3).getCell(2).value;
    // The first closed case was tampered with above: the export says so.
    expect(verdictCell).toBe(result.verdict.ok ? '通过' : '失败');
    expect(result.verdict.ok).toBe(false);
    const allInputs = sheet.getColumn(8).values.slice(2).join('\n');
    expect(allInputs).not.toContain(c.person.idNumber);
  });

  it.skipIf(!canPdf)('exports the trail as a PDF whose extracted text names the events and the verdict', async () => {
    const c = closed.at(-1)!;
    const out = path.join(stack.dataDir, 'export', `${c.caseId}.pdf`);
    await exportCaseAudit(stack.store, c.caseId, out);
    const text = await pdfText(fs.readFileSync(out));
    expect(text).toContain(`审计轨迹 ${c.caseId}`);
    expect(text).toContain('校验通过');
    expect(text).toContain('规则决定');
    expect(text).not.toContain(c.person.idNumber);
  });
  it('gives the dashboard and the summary their figures: done/total by business and outcome, exception rate by rule, SLA', async () => {
    const stats = (await batchStats(stack.store, 'audit-replay'))!;
    expect(stats).toMatchObject({ cases: caseFiles.length, done: caseFiles.length, status: 'done' });
    for (const type of ['lump-sum', 'transfer'] as const) {
      const mine = caseFiles.filter((c) => c.type === type).map((c) => decide(c));
      expect(
        stats.byType.find((t) => t.type === type),
        type,
      ).toMatchObject({
        total: mine.length,
        done: mine.length,
        approve: mine.filter((d) => d.outcome === 'approve').length,
        reject: mine.filter((d) => d.outcome === 'reject').length,
        review: mine.filter((d) => d.outcome === 'review').length,
      });
    }
    const failedRules = new Map<string, number>();
    for (const c of caseFiles) for (const r of decide(c).reasons) failedRules.set(r, (failedRules.get(r) ?? 0) + 1);
    expect(Object.fromEntries(stats.exceptionRates.map((r) => [r.rule, r.cases]))).toEqual(Object.fromEntries(failedRules));
    const reviews = caseFiles.filter((c) => decide(c).outcome === 'review').length;
    expect(reviews).toBeGreaterThan(0);
    expect(stats.sla.open).toBe(reviews);
    expect(stats.sla['on-time'] + stats.sla['due-soon'] + stats.sla.overdue).toBe(reviews);
    expect(stats.throughput.reduce((n, t) => n + t.decided, 0)).toBe(caseFiles.length);
    expect((await listBatchOverviews(stack.store)).map((b) => b.batchId)).toContain('audit-replay');

    const session = {
      id: 's',
      csrfToken: 't',
      user: { username: 'li', displayName: '李经理', role: 'manager' as const, epoch: 0 },
      createdAt: 0,
      lastSeenAt: 0,
      flash: null,
    };
    const page = String(
      renderDashboard({ session, overviews: await listBatchOverviews(stack.store), selected: stats, links: temporalLinks(stack.config) }),
    );
    expect(page).toContain('批次 audit-replay');
    expect(page).toContain('/workflows/batch-audit-replay');
    expect(page).toContain('/dashboard/batches/audit-replay/report.xlsx');
    expect(page).toContain('/dashboard/batches/audit-replay/summary.pdf');
    expect(page).not.toMatch(/<script|style=/);
    const summary = batchSummaryBlocks(stats, new Date())
      .map((b) => b.text)
      .join('\n');
    expect(summary).toContain(`案件 ${caseFiles.length} 件`);
    expect(summary).toContain(`待审核 ${reviews} 件`);
    if (canPdf) expect(await pdfText((await renderBatchSummary(stack.store, 'audit-replay'))!)).toContain('批次汇总 audit-replay');
  });

  it('audit replay from the command line prints the verdict as JSON and exits 0 for a sound case', async () => {
    const c = closed.find((x) => x.caseId !== closed[0]!.caseId && x.caseId !== closed.at(-1)!.caseId) ?? null;
    expect(c, 'a closed case left untampered').not.toBeNull();
    if (!c) return;
    const lines: string[] = [];
    const code = await auditReplay(stack.config, c.caseId, { today: '2026-11-24' }, (l) => lines.push(l));
    expect(JSON.parse(lines[0]!)).toMatchObject({ caseId: c.caseId, ok: true, history: { status: 'ok' } });
    expect(code).toBe(0);
  });
  it("says DATA MISMATCH when today's parameter files differ from the recorded digest; the recorded calendar decides", async () => {
    const c = closed.find((x) => x.caseId !== closed[0]!.caseId && x.caseId !== closed.at(-1)!.caseId)!;
    const dir = fs.mkdtempSync(path.join(ROOT, '.replay-params-'));
    try {
      // A copy of today's files, unchanged: same digest.
      fs.cpSync(path.join(ROOT, 'rules', 'params'), path.join(dir, 'params'), { recursive: true });
      fs.cpSync(path.join(ROOT, 'rules', 'data'), path.join(dir, 'data'), { recursive: true });
      const same = await replayCase(stack.store, c.caseId, {
        workflowBundle: bundle,
        parameters: loadParametersFromDir(dir),
        dataConverter: configuredDataConverter(stack.config, stack.env),
      });
      expect(same.decision?.ruleSet.sameFiles).toBe(true);
      expect(same.ok).toBe(true);

      // One more holiday in the calendar file: decisions recorded the calendar they used, so they replay as before.
      const calendarFile = path.join(dir, 'data', 'calendar.json');
      const calendar = JSON.parse(fs.readFileSync(calendarFile, 'utf8')) as { holidays: string[] };
      calendar.holidays.push('2099-01-02');
      fs.writeFileSync(calendarFile, JSON.stringify(calendar, null, 2));
      const otherCalendar = await replayCase(stack.store, c.caseId, {
        workflowBundle: bundle,
        parameters: loadParametersFromDir(dir),
        dataConverter: configuredDataConverter(stack.config, stack.env),
      });
      expect(otherCalendar.decision?.ruleSet.sameFiles).toBe(true);
      expect(otherCalendar.ok).toBe(true);

      // An edited parameter file (its source line): the data is no longer what decided.
      for (const file of ['lump-sum', 'transfer', 'reimbursement']) {
        const paramFile = path.join(dir, 'params', `${file}.json`);
        const params = JSON.parse(fs.readFileSync(paramFile, 'utf8')) as { source?: string };
        params.source = `${params.source ?? ''} (edited)`;
        fs.writeFileSync(paramFile, JSON.stringify(params, null, 2));
      }
      const changed = await replayCase(stack.store, c.caseId, {
        workflowBundle: bundle,
        parameters: loadParametersFromDir(dir),
        dataConverter: configuredDataConverter(stack.config, stack.env),
      });
      const recorded = parseRuleSetVersion(changed.decision!.ruleSet.recorded);
      expect(recorded.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(changed.decision?.ruleSet).toMatchObject({ sameFiles: false, recordedDigest: recorded.digest });
      expect(changed.decision?.ruleSet.todayDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(changed.decision?.ruleSet.todayDigest).not.toBe(recorded.digest);
      // The outcome itself does not change (only the source line), yet the replay fails: the data is not what decided.
      expect(changed.decision?.match).toBe(true);
      expect(changed.ok).toBe(false);
      const text = replaySummary(changed);
      expect(text).toContain(
        `DATA MISMATCH — ${recorded.policyVersion} was decided with data sha256:${recorded.digest}, today's files give sha256:${changed.decision!.ruleSet.todayDigest}`,
      );
      expect(text).toContain('REPLAY FAILED');

      // From the command line: `audit replay CASE --params DIR` exits 1 and its JSON says which data differ.
      const lines: string[] = [];
      const code = await auditReplay(stack.config, c.caseId, { params: dir }, (l) => lines.push(l));
      expect(code).toBe(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        ok: false,
        decision: { match: true, ruleSet: { sameFiles: false, recordedDigest: recorded.digest } },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
