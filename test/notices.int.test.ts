import { describe, expect, it } from 'vitest';
import { appendEvent, listEvents } from '../store/auditTrail';
import { openStore } from '../store';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCases } from '../fixtures/generate';
import { decide } from '../rules';
import { appealText, defaultBureau, lastFourOnly, noticeBlocks, type NoticeRecord } from '../notices/noticeContent';
import { noticeRecordFromEvents } from '../notices/fromTrail';
import { renderNotice } from '../notices/renderNotice';
import { FontkitMissingError, pdfSupported } from '../reports/pdfDocument';
import { pdfText } from '../reports/pdfText';
import { MockActivityEnvironment } from '@temporalio/testing';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { noticeActivities, noticePath, type IssuedNotice } from '../notices/activities';

const canPdf = await pdfSupported();
const ID = '440402199001011237';

const approved: NoticeRecord = {
  caseId: 'LS-2025-0001',
  type: 'lump-sum',
  outcome: 'approve',
  amount: '12345.60',
  person: { name: '张三', idNumber: ID },
  failed: [],
  applied: [
    { rule: 'CM-01', result: 'pass' },
    { rule: 'LS-08', result: 'pass' },
  ],
  policyVersion: 'lump-sum@2025-01-01',
  decidedOn: '2025-03-04',
};

const rejected: NoticeRecord = {
  ...approved,
  caseId: 'LS-2025-0002',
  outcome: 'reject',
  amount: null,
  failed: [
    { rule: 'LS-06', message: '转移状态 pending' },
    { rule: 'LS-07', message: `欠费 3 个月（${ID}）` },
  ],
  applied: [
    { rule: 'LS-06', result: 'fail' },
    { rule: 'LS-07', result: 'fail' },
  ],
};

const textOf = (r: NoticeRecord) =>
  noticeBlocks(r)
    .map((b) => b.text)
    .join('\n');

describe('notices to the applicant', () => {
  it('an approval is a 决定书 with the amount, the rules applied and the appeal text', () => {
    const text = textOf(approved);
    expect(text).toContain('趸缴决定书');
    expect(text).toContain('人民币 12345.60 元');
    expect(text).toContain('LS-08 缴费年限差额：符合');
    expect(text).toContain(
      '如不服本决定，可自收到本决定书之日起六十日内向市人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼',
    );
    expect(text).toContain('2025年3月4日');
  });

  it('a rejection is a 不予受理告知书 naming each failed rule in plain Chinese with its message; 身份证号 shows its last four only', () => {
    const text = textOf(rejected);
    expect(text).toContain('不予受理告知书');
    expect(text).toContain('1. 转移接续办结（LS-06）：转移状态 pending');
    expect(text).toContain('2. 欠费（LS-07）：欠费 3 个月');
    expect(text).toContain(lastFourOnly(ID));
    expect(text).not.toContain(ID);
    expect(text).not.toContain('人民币');
    expect(text).toContain(appealText(defaultBureau));
  });

  it('is built from the audit trail: the rules decision, or the clerk who reviewed it last', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-notice-'));
    const store = await openStore({ dataDir: dir });
    try {
      const caseFile = generateCases({ seed: 7, count: 6, types: ['lump-sum'] })
        .map((g) => g.caseFile)
        .find((c) => decide(c).outcome === 'review')!;
      const d = decide(caseFile);
      const base = { caseId: caseFile.caseId, workflowId: 'w', runId: 'r', evidence: [] };
      await appendEvent(store, {
        ...base,
        step: 'decided',
        actor: { kind: 'bot', name: 'rules' },
        at: '2025-03-04T02:00:00Z',
        inputs: { caseFile } as never,
        ruleSetVersion: d.policyVersion,
        outcome: { outcome: d.outcome, amount: d.amount, reasons: d.reasons, checks: d.checks } as never,
        idempotencyKey: 'r/decided',
      });
      expect(noticeRecordFromEvents(caseFile.caseId, await listEvents(store, caseFile.caseId))).toMatchObject({ ok: false });
      await appendEvent(store, {
        ...base,
        step: 'reviewed',
        actor: { kind: 'user', name: 'wang' },
        at: '2025-03-05T17:00:00Z',
        inputs: { decision: 'approve', comment: '材料齐全' },
        ruleSetVersion: d.policyVersion,
        outcome: { before: { outcome: 'review', amount: d.amount }, after: { outcome: 'approve', amount: d.amount ?? '0.00' } },
        idempotencyKey: 'r/reviewed',
      });
      const built = noticeRecordFromEvents(caseFile.caseId, await listEvents(store, caseFile.caseId));
      expect(built).toMatchObject({ ok: true, record: { outcome: 'approve', reviewedBy: 'wang', decidedOn: '2025-03-06' } });
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a PDF back as text (the extractor the PDF checks rely on)', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    page.drawText('LS-2025-0001 12345.60', { x: 50, y: 700, font: await doc.embedFont(StandardFonts.Helvetica) });
    expect(await pdfText(await doc.save())).toContain('LS-2025-0001 12345.60');
  });

  it.skipIf(canPdf)('without fontkit 2.x, rendering says which package is missing', async () => {
    await expect(renderNotice(approved)).rejects.toBeInstanceOf(FontkitMissingError);
    await expect(renderNotice(approved)).rejects.toThrow('npm install fontkit@^2.0.4');
  });

  it.skipIf(!canPdf)('renders PDFs whose extracted text has the outcome, amount, rules and appeal text', async () => {
    const a = await pdfText(await renderNotice(approved));
    expect(a).toContain('决定书');
    expect(a).toContain('12345.60');
    expect(a).toContain('六十日内');
    const r = await pdfText(await renderNotice(rejected));
    expect(r).toContain('不予受理告知书');
    expect(r).toContain('LS-06');
    expect(r).toContain('转移状态 pending');
    expect(r).not.toContain(ID);
  });

  it('issueNotice writes <dataDir>/notices/<case>.pdf and records notice-issued with its sha256, once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-notice-'));
    const store = await openStore({ dataDir: dir });
    try {
      const caseFile = generateCases({ seed: 7, count: 6, types: ['lump-sum'] })
        .map((g) => g.caseFile)
        .find((c) => decide(c).outcome === 'approve')!;
      const d = decide(caseFile);
      await appendEvent(store, {
        caseId: caseFile.caseId,
        workflowId: 'test',
        runId: 'r0',
        evidence: [],
        step: 'decided',
        actor: { kind: 'bot', name: 'rules' },
        at: '2025-03-04T02:00:00Z',
        inputs: { caseFile } as never,
        ruleSetVersion: d.policyVersion,
        outcome: { outcome: d.outcome, amount: d.amount, reasons: d.reasons, checks: d.checks } as never,
        idempotencyKey: 'r0/decided',
      });
      const { issueNotice } = noticeActivities({ store, dataDir: dir });
      const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `case-${caseFile.caseId}`, runId: 'run-1' } });
      expect(() => noticePath(dir, '../x')).toThrow();
      if (!canPdf) {
        // No font engine: a non-retryable failure that names the package, and nothing recorded.
        await expect(env.run(issueNotice, { caseId: caseFile.caseId })).rejects.toMatchObject({
          nonRetryable: true,
          message: expect.stringContaining('fontkit@^2.0.4'),
        });
        expect((await listEvents(store, caseFile.caseId)).map((e) => e.step)).toEqual(['decided']);
        return;
      }
      const first = (await env.run(issueNotice, { caseId: caseFile.caseId })) as IssuedNotice;
      const again = (await env.run(issueNotice, { caseId: caseFile.caseId })) as IssuedNotice;
      expect(first).toMatchObject({ issued: true, path: noticePath(dir, caseFile.caseId) });
      expect(again.sha256).toBe(first.sha256);
      const events = await listEvents(store, caseFile.caseId);
      expect(events.map((e) => e.step)).toEqual(['decided', 'notice-issued']);
      expect(events[1]!.evidence[0]!.sha256).toBe(first.sha256);
      const text = await pdfText(fs.readFileSync(first.path));
      expect(text).toContain('决定书');
      expect(text).not.toContain(caseFile.person.idNumber);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
