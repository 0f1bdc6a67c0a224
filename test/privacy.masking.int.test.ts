/**
 * No output a person reads without needing the full 身份证号 carries it: each kind of output is built
 * from inputs holding a real-looking valid number, its bytes searched for the number, and the
 * masked form looked for where the output names the person.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import ExcelJS from 'exceljs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities';
import { exportCaseAudit } from '../audit/export';
import { collectBatchResults } from '../reports/batchResults';
import { loadConfig } from '../config/env';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import { writeResultReport } from '../intake/report';
import { createLogger } from '../logging/logger';
import { noticeBlocks, type NoticeRecord } from '../notices/noticeContent';
import { batchStats } from '../reports/batchStats';
import { batchSummaryBlocks, renderBatchSummary } from '../reports/batchSummary';
import { pdfSupported } from '../reports/pdfDocument';
import { pdfText } from '../reports/pdfText';
import { idCheckCharacter, maskIdNumber } from '../rules/idNumber';
import { validIdNumber } from '../rules/testkit/examples';
import { openStore, type Store } from '../store';
import { appendEvent, listEvents } from '../store/auditTrail';
import { recordBatchRows } from '../store/batchRows';
import { recordIntakeErrors, upsertBatch } from '../store/batches';
import { upsertCase } from '../store/caseRegister';
import { sampleEvent } from '../store/testing/sampleEvent';

const canPdf = await pdfSupported();
const ID = validIdNumber('1985-03-12', 'M');
const MASKED = maskIdNumber(ID);
/** A typo of ID: the checksum fails, yet it is all but the person's number. */
const TYPO = ID.slice(0, 17) + (idCheckCharacter(ID.slice(0, 17)) === '0' ? '1' : '0');

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-masking-'));
  store = await openStore({ dataDir: path.join(dir, 'data') });
});
afterAll(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file of a zip container (xlsx) as text, so nothing hides in a shared-strings table or a property. */
function zipText(file: string): string {
  return new AdmZip(file)
    .getEntries()
    .map((e) => e.getData().toString('utf8'))
    .join('\n');
}

function expectAbsent(text: string, ...numbers: string[]): void {
  expect(text.length).toBeGreaterThan(0);
  for (const n of numbers) expect(text, `full number ${n}`).not.toContain(n);
}

async function intakeWorkbook(): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('趸缴');
  sheet.addRow(['案件编号', '申请日期', '姓名', '身份证号']);
  sheet.addRow(['LS-2025-0001', '2025-03-05', ID, ID]); // the number typed into 姓名 as well
  sheet.addRow(['LS-2025-0002', '2025-03-05', '张伟', TYPO]);
  const file = path.join(dir, 'intake.xlsx');
  await workbook.xlsx.writeFile(file);
  return file;
}

describe('身份证号 masked in what people read', () => {
  it('intake error messages', async () => {
    const { errors } = await readIntakeWorkbook(await intakeWorkbook());
    const text = errors.map((e) => e.message).join('\n');
    expect(errors.map((e) => [e.rowNumber, e.field])).toEqual([
      [2, '姓名'],
      [3, '身份证号'],
    ]);
    expectAbsent(text, ID, TYPO);
    expect(text).toContain(`姓名「${MASKED}」含有数字或符号`);
    expect(text).toContain(`身份证号「${maskIdNumber(TYPO)}」校验位错误`);
  });

  it('the result workbook (batch run --report, the dashboard download), also for errors stored unmasked by an older version', async () => {
    const { errors } = await readIntakeWorkbook(await intakeWorkbook());
    await upsertBatch(store, {
      batchId: 'b-mask',
      workbookSha256: 'a'.repeat(64),
      fileName: `张伟_${ID}.xlsx`,
      submittedAt: '2025-03-05T01:00:00Z',
      totalRows: 4,
      status: 'done',
    });
    await recordIntakeErrors(store, 'b-mask', [
      ...errors.map((e) => ({ rowNumber: e.rowNumber, sheet: e.sheet, caseId: e.caseId ?? null, field: e.field, message: e.message })),
      {
        rowNumber: 4,
        sheet: '趸缴',
        caseId: 'LS-2025-0003',
        field: '身份证号',
        message: `身份证号「${TYPO}」校验位错误：按前 17 位应为 ${idCheckCharacter(TYPO.slice(0, 17))}，实际为 ${TYPO[17]}`,
      },
    ]);
    // A case sent to a clerk by a fault whose message quoted the number.
    await recordBatchRows(store, 'b-mask', [{ caseId: 'LS-2025-0004', type: 'lump-sum', sheet: '趸缴', rowNumber: 5, row: {} as never }]);
    await upsertCase(store, {
      caseId: 'LS-2025-0004',
      type: 'lump-sum',
      batchId: 'b-mask',
      workflowId: 'case-LS-2025-0004',
      runId: 'r',
      status: 'review',
      outcome: 'review',
      amount: null,
      reasons: ['SYS-NOT-FOUND'],
      rowNumber: 5,
    });
    await appendEvent(
      store,
      sampleEvent({
        caseId: 'LS-2025-0004',
        workflowId: 'case-LS-2025-0004',
        step: 'exception',
        ruleSetVersion: null,
        outcome: { outcome: 'review', reasons: ['SYS-NOT-FOUND'], message: `核心系统查无此人 ${ID}` } as never,
      }),
    );

    const rows = await collectBatchResults(store, loadConfig({ ZHISHEN_DATA_DIR: dir }), 'b-mask');
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5]);
    const out = path.join(dir, 'report.xlsx');
    await writeResultReport(out, rows);
    const text = zipText(out);
    expectAbsent(text, ID, TYPO);
    expect(text).toContain(MASKED);
    expect(text).toContain(maskIdNumber(TYPO));
  });

  it('the batch summary', async () => {
    const stats = (await batchStats(store, 'b-mask'))!;
    const text = batchSummaryBlocks(stats, new Date())
      .map((b) => b.text)
      .join('\n');
    expectAbsent(text, ID);
    expect(text).toContain(`张伟_${MASKED}.xlsx`);
    if (canPdf) expectAbsent(await pdfText((await renderBatchSummary(store, 'b-mask'))!), ID);
  });

  it('audit exports, workbook and PDF', async () => {
    const caseId = 'LS-2025-0009';
    await appendEvent(
      store,
      sampleEvent({
        caseId,
        workflowId: `case-${caseId}`,
        inputs: { caseFile: { caseId, person: { name: '张伟', idNumber: ID } } } as never,
        outcome: {
          outcome: 'reject',
          amount: null,
          reasons: ['CM-01'],
          checks: [{ rule: 'CM-01', result: 'fail', message: `身份证号 ${ID} 与登记不符` }],
        } as never,
        evidence: [{ kind: 'core-system-record', ref: `person/${ID}`, sha256: 'b'.repeat(64) }],
      }),
    );
    const xlsx = await exportCaseAudit(store, caseId, path.join(dir, 'export', `${caseId}.xlsx`));
    const text = zipText(xlsx.out);
    expectAbsent(text, ID);
    expect(text).toContain(MASKED);
    if (canPdf) {
      const pdf = await exportCaseAudit(store, caseId, path.join(dir, 'export', `${caseId}.pdf`));
      const pdfContent = await pdfText(fs.readFileSync(pdf.out));
      expectAbsent(pdfContent, ID);
      expect(pdfContent).toContain(MASKED);
    }
  });

  it('activity failures and exception messages (trail, result, log)', async () => {
    const logDir = path.join(dir, 'logs');
    const logger = createLogger('masking-test', { logDir, terminal: false });
    const activities = createActivities({ store, logger, config: loadConfig({ ZHISHEN_DATA_DIR: dir }) });
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'case-LS-2025-0010', runId: 'run-m' } },
      { logger: new DefaultLogger('ERROR') },
    );
    const caseRow = {
      caseId: 'LS-2025-0010',
      type: 'lump-sum' as const,
      sheet: '趸缴',
      rowNumber: 9,
      row: { caseId: 'LS-2025-0010', type: 'lump-sum', idNumber: TYPO },
    };
    const workbook = { path: path.join(dir, 'intake.xlsx'), sha256: 'c'.repeat(64), fileName: 'intake.xlsx' };
    const result: { messages: string[] } = await env.run(activities.raiseException, {
      batchId: 'b-mask',
      workbook,
      caseRow: caseRow as never,
      code: 'SYS-NOT-FOUND',
      message: `核心系统查无此人 ${ID}`,
    });
    expectAbsent(result.messages.join('\n'), ID);
    const events = await listEvents(store, 'LS-2025-0010');
    expectAbsent(JSON.stringify(events.map((e) => e.outcome)), ID);
    expect(JSON.stringify(events.map((e) => e.outcome))).toContain(MASKED);

    // A row altered on its way to the case workflow is refused; the refusal quotes the field, masked.
    const refusal = await env
      .run(activities.acceptCase, { batchId: 'b-mask', workbook, caseRow: caseRow as never })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApplicationFailure);
    expectAbsent((refusal as Error).message, TYPO);

    await new Promise<void>((resolve) => logger.on('finish', resolve).end());
    const log = fs.readFileSync(path.join(logDir, 'zhishen.log'), 'utf8');
    expectAbsent(log, ID);
    expect(log).toContain(MASKED);
  });

  it('notices to the applicant (last four digits only in the header)', () => {
    const record: NoticeRecord = {
      caseId: 'LS-2025-0011',
      type: 'lump-sum',
      outcome: 'reject',
      amount: null,
      person: { name: '张伟', idNumber: ID },
      failed: [{ rule: 'CM-01', message: `身份证号 ${ID} 与登记不符` }],
      applied: [{ rule: 'CM-01', result: 'fail' }],
      policyVersion: 'lump-sum@2020-01-01+sha256:' + 'd'.repeat(64) + '/build:test',
      decidedOn: '2025-03-04',
    };
    const text = noticeBlocks(record)
      .map((b) => b.text)
      .join('\n');
    expectAbsent(text, ID, ID.slice(0, 14));
    expect(text).toContain(ID.slice(-4));
    // The applicant reads the parameter version; digest and build stay in the trail.
    expect(text).toContain('参数版本：lump-sum@2020-01-01');
    expect(text).not.toContain('sha256');
  });
});
