import fs from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../cli/batch';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { CORPUS_DIR } from '../fixtures/bad-inputs/manifest';
import { xlsx, type Sheets } from '../fixtures/bad-inputs/xlsx';
import { applicationCells } from '../fixtures/generate';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { IntakeError } from '../intake/errors';
import { readResultReport } from '../intake/report';
import { COLUMNS, SHEET } from '../intake/sheets';
import { decide } from '../rules';
import type { CaseFile, ReimbursementCase } from '../rules/schemas';
import { listEvents } from '../store/auditTrail';
import { listIntakeErrors } from '../store/batches';
import { getCase } from '../store/caseRegister';
import { verifyChain } from '../store/verifyChain';
import { exited, startTestStack, type TestStack } from '../harness/stack';

const DEMO = path.join(import.meta.dirname, '..', 'fixtures', 'demo');
const demoCase = (id: string) => JSON.parse(fs.readFileSync(path.join(DEMO, 'cases', `${id}.json`), 'utf8')) as CaseFile;

/** Good cases: decided by the rulebook and entered in the core system once each. */
const GOOD = [demoCase('LS-2024-0001'), demoCase('TR-2025-0004'), demoCase('RB-2024-0010')];
const receiptCase = GOOD[2] as ReimbursementCase;
/** Rows that pass intake but whose attachment is no receipt: a clerk gets them, with the file and problem named. */
const BAD_ATTACHMENTS = [
  { caseId: 'RB-2024-0910', file: 'landscape.png', problem: 'landscape.png: not a medical receipt' },
  { caseId: 'RB-2024-0911', file: 'empty.png', problem: 'empty.png: empty file' },
  { caseId: 'RB-2024-0912', file: 'pdf-openaction-js.pdf', problem: 'pdf-openaction-js.pdf: the PDF contains active content (JavaScript)' },
  // A link in the upload folder to a file outside it: not staged, so not there to read.
  { caseId: 'RB-2024-0913', file: 'linked.png', problem: 'linked.png: cannot read the attachment (ENOENT)' },
];
/** Rows refused at intake: no case, no trail, nothing in the core system. */
const REFUSED = [
  { caseId: 'LS-2024-0920', sheet: SHEET.lumpSum, row: 3, field: '姓名', message: '姓名「<script>alert(1)</script>」含有数字或符号' },
  {
    caseId: 'RB-2024-0921',
    sheet: SHEET.reimbursement,
    row: 7,
    field: '票据',
    message: '票据文件名「../../etc/passwd」含有 ..，不允许指向附件目录之外',
  },
];

/** A sheet's row for a case file, in the header order of COLUMNS. */
function rowOf(caseFile: CaseFile, over: Record<string, string> = {}): string[] {
  const cells = { ...applicationCells(caseFile), ...over };
  const sheet = caseFile.type === 'lump-sum' ? SHEET.lumpSum : caseFile.type === 'transfer' ? SHEET.transfer : SHEET.reimbursement;
  return COLUMNS[sheet].map(({ field }) => {
    const value = cells[field as keyof typeof cells];
    return Array.isArray(value) ? value.join('; ') : (value ?? '');
  });
}

const asCase = (caseId: string): ReimbursementCase => ({ ...receiptCase, caseId });
const detailsOf = (caseFile: ReimbursementCase) =>
  caseFile.details.map((d) => [caseFile.caseId, d.name, { A: '甲', B: '乙', C: '丙' }[d.class], d.amount, d.date]);

/** The mixed batch's workbook: good rows, rows with bad attachments, rows intake must refuse. */
function mixedWorkbook(): Sheets {
  const rbCases = [receiptCase, ...BAD_ATTACHMENTS.map((b) => asCase(b.caseId)), asCase('RB-2024-0921')];
  return {
    [SHEET.lumpSum]: [
      COLUMNS[SHEET.lumpSum].map((c) => c.header),
      rowOf(GOOD[0]!),
      rowOf({ ...GOOD[0]!, caseId: 'LS-2024-0920' }, { name: '<script>alert(1)</script>' }),
    ],
    [SHEET.transfer]: [COLUMNS[SHEET.transfer].map((c) => c.header), rowOf(GOOD[1]!)],
    [SHEET.reimbursement]: [
      COLUMNS[SHEET.reimbursement].map((c) => c.header),
      rowOf(receiptCase),
      ...BAD_ATTACHMENTS.map((b) => rowOf(asCase(b.caseId), { attachments: b.file })),
      rowOf(asCase('RB-2024-0921'), { attachments: '../../etc/passwd' }),
    ],
    [SHEET.details]: [COLUMNS[SHEET.details].map((c) => c.header), ...rbCases.flatMap(detailsOf)],
  };
}

/**
 * Bad inputs on the real stack: a batch mixing good rows with bad ones goes to its end, the good
 * cases decided and entered once, each bad row and attachment with its error in the report, no
 * trace of refused rows anywhere, the worker alive, nothing half-written; an unreadable workbook
 * is refused before anything is submitted.
 */
describe('bad inputs in a batch on the real stack', () => {
  let stack: TestStack;
  let upload: string;

  beforeAll(async () => {
    stack = await startTestStack();
    seedCaseFiles(stack.dataDir, GOOD);
    upload = path.join(stack.dataDir, 'upload');
    const attachments = path.join(upload, 'attachments');
    fs.mkdirSync(attachments, { recursive: true });
    fs.copyFileSync(path.join(DEMO, 'attachments', 'RB-2024-0010-1.png'), path.join(attachments, 'RB-2024-0010-1.png'));
    for (const name of ['landscape.png', 'empty.png', 'pdf-openaction-js.pdf'])
      fs.copyFileSync(path.join(CORPUS_DIR, 'receipts', name), path.join(attachments, name));
    fs.symlinkSync('/etc/passwd', path.join(attachments, 'linked.png'));
    fs.writeFileSync(path.join(upload, 'intake.xlsx'), await xlsx(mixedWorkbook()));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses an unreadable workbook at submission: a clear error, nothing staged, no workflow started', async () => {
    for (const [file, message] of [
      ['truncated.xlsx', '文件不完整，可能在下载或复制时被截断'],
      ['encrypted.xlsx', '工作簿已加密（设置了打开密码）'],
    ] as const) {
      const workbook = path.join(CORPUS_DIR, 'workbooks', file);
      const attempt = runBatch(stack.config, { workbook, attachments: path.join(upload, 'attachments'), wait: true });
      await expect(attempt).rejects.toBeInstanceOf(IntakeError);
      await expect(attempt).rejects.toThrow(`文件 ${workbook}`);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(fs.readdirSync(path.join(stack.dataDir, 'intake'))).toEqual([]);
    expect(fs.existsSync(path.join(stack.dataDir, 'attachments'))).toBe(false);
    const started: string[] = [];
    for await (const wf of stack.client.workflow.list()) started.push(wf.workflowId);
    expect(started).toEqual([]);
  });

  it('runs good and bad rows to the end: good cases decided and entered once, every bad one named, nothing else touched', async () => {
    const worker = await stack.startWorker();
    const result = await runBatch(stack.config, { workbook: path.join(upload, 'intake.xlsx'), wait: true, concurrency: 4 });
    const { batchId, progress } = result;
    expect(progress).toMatchObject({ finished: true, total: GOOD.length + BAD_ATTACHMENTS.length, invalidRows: REFUSED.length });
    expect(progress!.byOutcome.failed).toBe(0);

    // Good cases: the rulebook's decision, entered exactly once, one event per step.
    const entries = loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? [];
    for (const caseFile of GOOD) {
      const expected = decide(caseFile);
      expect(expected.outcome).not.toBe('review');
      await stack.client.workflow.getHandle(`case-${caseFile.caseId}`).result();
      expect(await getCase(stack.store, caseFile.caseId), caseFile.caseId).toMatchObject({
        outcome: expected.outcome,
        amount: expected.amount,
        reasons: expected.reasons,
        status: 'closed',
      });
      expect(
        entries.filter((e) => e.caseId === caseFile.caseId),
        caseFile.caseId,
      ).toMatchObject([{ outcome: expected.outcome, amount: expected.amount }]);
      const steps = (await listEvents(stack.store, caseFile.caseId)).map((e) => e.step);
      expect(steps.slice(0, 2)).toEqual(['intake', 'facts-read']);
      expect(steps.filter((s) => s === 'decided')).toHaveLength(1);
      expect(steps.slice(-3)).toEqual(['entered', 'closed', 'notice-issued']);
    }

    // Bad attachments: the case waits for a clerk with the file and its problem named, nothing entered.
    for (const bad of BAD_ATTACHMENTS) {
      expect(await getCase(stack.store, bad.caseId), bad.caseId).toMatchObject({
        status: 'review',
        outcome: 'review',
        reasons: ['RECEIPT-UNREADABLE'],
      });
      const events = await listEvents(stack.store, bad.caseId);
      expect(
        events.map((e) => e.step),
        bad.caseId,
      ).toEqual(['intake', 'facts-read', 'exception', 'review-opened']);
      expect((events[2]!.outcome as { message: string }).message).toContain(`${bad.caseId}: ${bad.problem}`);
      expect(entries.filter((e) => e.caseId === bad.caseId)).toEqual([]);
    }

    // The result report: one row per workbook row, each bad one with its error.
    const report = await readResultReport(result.report!);
    expect(report.map((r) => r.caseId).sort()).toEqual([...GOOD, ...BAD_ATTACHMENTS, ...REFUSED].map((c) => c.caseId).sort());
    for (const bad of BAD_ATTACHMENTS) {
      const row = report.find((r) => r.caseId === bad.caseId)!;
      expect(row.outcome).toBe('review');
      expect(row.reasonsText).toContain('RECEIPT-UNREADABLE');
      expect(row.reasonsText).toContain(bad.problem);
    }
    for (const refused of REFUSED) {
      const row = report.find((r) => r.caseId === refused.caseId)!;
      expect(row).toMatchObject({ outcome: 'error', sheet: refused.sheet, rowNumber: refused.row, link: null });
      expect(row.reasonsText).toContain(`${refused.field}：${refused.message}`);
    }

    // Rows refused at intake left no case, no trail, no workflow, no entry; only their error on the record.
    const intakeErrors = await listIntakeErrors(stack.store, batchId);
    for (const refused of REFUSED) {
      expect(intakeErrors).toContainEqual({
        sheet: refused.sheet,
        rowNumber: refused.row,
        caseId: refused.caseId,
        field: refused.field,
        message: expect.stringContaining(refused.message),
      });
      expect(await getCase(stack.store, refused.caseId)).toBeUndefined();
      expect(await listEvents(stack.store, refused.caseId)).toEqual([]);
      expect(entries.filter((e) => e.caseId === refused.caseId)).toEqual([]);
      await expect(stack.client.workflow.getHandle(`case-${refused.caseId}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }

    // Nothing half-written: staged files complete and alone, every trail whole.
    expect(fs.readdirSync(path.join(stack.dataDir, 'intake'))).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.xlsx$/)]);
    expect(fs.readdirSync(path.join(stack.dataDir, 'attachments'))).toEqual([batchId]);
    expect(fs.readdirSync(path.join(stack.dataDir, 'attachments', batchId)).sort()).toEqual([
      'RB-2024-0010-1.png',
      'empty.png',
      'landscape.png',
      'pdf-openaction-js.pdf',
    ]);
    expect(await verifyChain(stack.store)).toMatchObject({ ok: true, cases: GOOD.length + BAD_ATTACHMENTS.length });

    // A workbook only the worker can see is wrong (a business sheet under another name): the batch
    // fails with that reason, and no case is started.
    const misnamed = runBatch(stack.config, { workbook: path.join(CORPUS_DIR, 'workbooks', 'misnamed-sheet.xlsx'), wait: true });
    await expect(misnamed).rejects.toThrow(/^批次 \S+ 失败：misnamed-sheet\.xlsx: 工作表「转移接续\(2\)」的表头像申请表/);
    const cases: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: 'WorkflowType = "caseWorkflow"' })) cases.push(wf.workflowId);
    expect(cases.sort()).toEqual([...GOOD, ...BAD_ATTACHMENTS].map((c) => `case-${c.caseId}`).sort());

    // The worker went through all of it without a crash.
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    expect(stack.workerLogs()[0]).not.toMatch(/uncaught|unhandled|FATAL/i);
    worker.kill('SIGTERM');
    await exited(worker);
  }, 300_000);
});
