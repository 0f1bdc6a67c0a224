import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256File } from '../activities/hashing';
import { runBatch } from '../cli/batch';
import { seedCaseFiles, seedLegacy } from '../fixtures/legacy-system';
import { attachmentName, writeIntakeWorkbook, writeReceiptFiles } from '../fixtures/generate';
import { supplyDocuments } from '../temporal/supplyDocuments';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { decide } from '../rules';
import type { ReimbursementCase } from '../rules/schemas';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { reviewStateQuery } from '../workflows/messages';
import { must, reviewTeam } from './clerks';
import { exited, startTestStack, type TestStack } from '../harness/stack';
import { startConsole } from '../console/server';
import { createLogger } from '../logging/logger';
import { createUser } from '../store/users';

/** Logs in through the console's form (CSRF token and session cookie as a browser would) and fetches a page. */
async function loggedInGet(base: string, username: string, password: string, path: string): Promise<string> {
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const login = await fetch(`${base}/login`);
  let cookie = cookieOf(login);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const posted = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username, password, next: '/' }).toString(),
  });
  expect(posted.status).toBe(303);
  cookie = cookieOf(posted);
  const page = await fetch(`${base}${path}`, { headers: { cookie } });
  expect(page.status).toBe(200);
  return page.text();
}

/** The fields of the first receipt a rule result names: unread (`receipts[0].x`) or read in doubt (RB-11's `x 置信度`). */
function doubtedFields(messages: readonly string[]): string[] {
  const text = messages.join('\n');
  const named = [...text.matchAll(/receipts\[0\]\.(\w+)|票据 1（[^）]*）：([^\n]*)/g)].flatMap((m) =>
    m[1] ? [m[1]] : [...m[2]!.matchAll(/(\w+) 置信度/g)].map((f) => f[1]!),
  );
  return [...new Set(named)];
}

const DEMO = path.join(import.meta.dirname, '..', 'fixtures', 'demo');
const clerk = { username: 'clerk.qian' };
const load = (id: string) => JSON.parse(fs.readFileSync(path.join(DEMO, 'cases', `${id}.json`), 'utf8')) as ReimbursementCase;

/**
 * 零星报销 end to end: receipts rendered as images, read by OCR on the `ocr` queue, decided by the
 * rulebook; a field OCR could not read (under the red seal) corrected by a clerk, then entered.
 */
describe('reimbursement cases read from their receipt images', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
    seedLegacy(
      stack.dataDir,
      fs.readdirSync(path.join(DEMO, 'cases')).map((f) => path.join(DEMO, 'cases', f)),
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('decides a receipt OCR read in full exactly as from its true fields, and lets a clerk fill in what it could not read', async () => {
    // Each resource scales on its own: one process for workflows and bots, another only for OCR.
    const worker = await stack.startWorker({ ZHISHEN_WORKER_QUEUES: 'zhishen,legacy-bots' });
    const ocrWorker = await stack.startWorker({ ZHISHEN_WORKER_QUEUES: 'ocr' });
    const result = await runBatch(stack.config, {
      workbook: path.join(DEMO, 'intake.xlsx'),
      attachments: path.join(DEMO, 'attachments'),
      wait: true,
    });
    expect(result.progress!.byOutcome.failed).toBe(0);

    // RB-2024-0010: every field read; the decision is the one its true case file gets.
    const clean = load('RB-2024-0010');
    const expected = decide(clean);
    await stack.client.workflow.getHandle('case-RB-2024-0010').result();
    expect(await getCase(stack.store, 'RB-2024-0010')).toMatchObject({
      outcome: expected.outcome,
      amount: expected.amount,
      reasons: expected.reasons,
    });
    const decided = (await listEvents(stack.store, 'RB-2024-0010')).find((e) => e.step === 'decided')!;
    const receiptFile = path.join(DEMO, 'attachments', 'RB-2024-0010-1.png');
    expect(decided.evidence).toContainEqual({ kind: 'receipt', ref: 'RB-2024-0010-1.png', sha256: await sha256File(receiptFile) });
    // Where OCR read each field is kept beside the case file, for the clerk's outlines.
    const [layout] = (decided.inputs as { receiptLayouts: { width: number; height: number; boxes: Record<string, number[]> }[] })
      .receiptLayouts;
    expect(Object.keys(layout!.boxes)).toEqual(expect.arrayContaining(['code', 'number', 'total', 'payerName', 'items']));
    for (const [x, y, w, h] of Object.values(layout!.boxes)) {
      expect(x! >= 0 && y! >= 0 && w! > 0 && h! > 0 && x! + w! <= layout!.width + 1 && y! + h! <= layout!.height + 1).toBe(true);
    }
    const read = (decided.inputs as { caseFile: ReimbursementCase }).caseFile.receipts[0]!;
    const { confidence: _c, ...truth } = clean.receipts[0]!;
    expect({ ...read, confidence: undefined }).toEqual({ ...truth, confidence: undefined });
    // The receipts were read by the OCR-only process, the bot steps by the other.
    const activityOf = new Map<string, string>();
    const processOf = new Map<string, string>();
    for (const event of (await stack.client.workflow.getHandle('case-RB-2024-0010').fetchHistory()).events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) activityOf.set(String(event.eventId), scheduled.activityType!.name!);
      const start = event.activityTaskStartedEventAttributes;
      if (start) processOf.set(activityOf.get(String(start.scheduledEventId))!, start.identity!.split('@')[0]!);
    }
    expect(processOf.get('readReceipts')).toBe(String(ocrWorker.pid));
    expect(processOf.get('readFacts')).toBe(String(worker.pid));

    // RB-2026-0005: the red seal covers part of the receipt; what OCR left unread or in doubt waits for a clerk, each field named.
    const sealed = stack.client.workflow.getHandle('case-RB-2026-0005');
    const state = await sealed.query(reviewStateQuery);
    expect(state.ruleResult.reasons.length).toBeGreaterThan(0);
    expect(state.ruleResult.reasons.every((r) => r === 'CASE-FILE-INVALID' || r === 'RB-11')).toBe(true);
    const doubted = doubtedFields(state.ruleResult.messages);
    expect(doubted.length).toBeGreaterThan(0);
    // The clerk's case page shows the receipt with the fields OCR read outlined, and names those in doubt.
    await createUser(stack.store, { username: clerk.username, displayName: '钱经办', role: 'clerk', password: 'clerk-password-1' });
    const web = await startConsole({
      store: stack.store,
      temporal: stack.client,
      config: stack.config,
      logger: createLogger('console-test', { terminal: false }),
      port: 0,
    });
    try {
      const page = await loggedInGet(web.url, clerk.username, 'clerk-password-1', '/cases/RB-2026-0005');
      expect(page).toMatch(/<svg class="receipt-image"/);
      expect((page.match(/<rect class="ocr-box/g) ?? []).length).toBeGreaterThanOrEqual(5);
      for (const field of doubted) expect(page).toContain(field);
    } finally {
      await web.close();
    }
    const team = await reviewTeam(stack.store, stack.client, stack.config, { clerk: clerk.username, supervisor: 'chief.li' });
    must(await team.acts.claim('RB-2026-0005', clerk.username));
    const sealedTruth = load('RB-2026-0005').receipts[0]! as unknown as Record<string, unknown>;
    // A receipt field OCR could not read is the claimant's document, not the core system's data: the clerk corrects it alone.
    const redecided = must(
      await team.acts.correct('RB-2026-0005', clerk.username, {
        corrections: doubted.map((field) => ({ path: `receipts[0].${field}`, value: sealedTruth[field] as string })),
        reason: '票据被收费章遮挡，按票据原件录入',
      }),
    );
    expect(redecided.reasons).not.toContain('CASE-FILE-INVALID');
    expect(redecided.reasons).not.toContain('RB-11');
    expect(redecided.policyVersion).toMatch(/^reimbursement@/);
    expect((await sealed.query(reviewStateQuery)).factsCorrected).toBe(false);
    const decision = redecided.outcome === 'reject' ? 'reject' : 'approve';
    await team.decide('RB-2026-0005', decision, '已核对票据原件');
    const final = await sealed.result();
    const entries = (loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? []).filter((e) => e.caseId === 'RB-2026-0005');
    expect(entries).toMatchObject([{ outcome: final.outcome, amount: final.amount }]);

    for (const w of [worker, ocrWorker]) w.kill('SIGTERM');
    await Promise.all([exited(worker), exited(ocrWorker)]);
  }, 300_000);
  it('reads again the receipts handed in for a case returned for documents, and decides from them', async () => {
    // A case like RB-2026-0005, whose sealed receipt image OCR cannot read in full: the clerk asks for the e-invoice.
    const caseFile = { ...load('RB-2026-0005'), caseId: 'RB-2026-9005' } as ReimbursementCase;
    seedCaseFiles(stack.dataDir, [caseFile]);
    const upload = path.join(stack.dataDir, 'upload');
    fs.mkdirSync(path.join(upload, 'attachments'), { recursive: true });
    fs.copyFileSync(
      path.join(DEMO, 'attachments', 'RB-2026-0005-1.png'),
      path.join(upload, 'attachments', attachmentName(caseFile.caseId, 0)),
    );
    await writeIntakeWorkbook(path.join(upload, 'intake.xlsx'), [caseFile]);
    const worker = await stack.startWorker();
    await runBatch(stack.config, { workbook: path.join(upload, 'intake.xlsx'), wait: true });
    const handle = stack.client.workflow.getHandle('case-RB-2026-9005');
    const reasons = (await handle.query(reviewStateQuery)).ruleResult.reasons;
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((r) => r === 'CASE-FILE-INVALID' || r === 'RB-11')).toBe(true);

    const team = await reviewTeam(stack.store, stack.client, stack.config, { clerk: 'clerk.zhou', supervisor: 'chief.zhou' });
    await team.acts.claim(caseFile.caseId, 'clerk.zhou');
    expect(
      await team.acts.decide(caseFile.caseId, 'clerk.zhou', { decision: 'return', comment: '票据大写金额被印章遮挡，请提交电子票据' }),
    ).toMatchObject({ ok: true });
    await vi.waitFor(async () => expect((await getCase(stack.store, caseFile.caseId))!.status).toBe('returned'), { timeout: 30_000 });

    // The e-invoice as a text PDF, handed in to replace the photographed receipt.
    const pdfDir = path.join(stack.dataDir, 'einvoice');
    const [pdfName] = (await writeReceiptFiles([caseFile], pdfDir, { forms: ['ebill-pdf'], seed: 5 })).get(caseFile.caseId)!;
    const bytes = fs.readFileSync(path.join(pdfDir, pdfName!));
    const supplied = await supplyDocuments({
      store: stack.store,
      dataDir: stack.dataDir,
      actions: team.acts,
      caseId: caseFile.caseId,
      username: 'clerk.zhou',
      uploads: [{ name: '电子票据.pdf', bytes }],
      note: '申请人补交电子票据',
      replaces: true,
    });
    expect(supplied).toMatchObject({ ok: true, value: { round: 2 } });

    // Read from the e-invoice, decided as its true case file is, and entered without a clerk.
    const final = await handle.result();
    const expected = decide(load('RB-2026-0005'));
    expect(final).toMatchObject({ outcome: expected.outcome, amount: expected.amount });
    const events = await listEvents(stack.store, caseFile.caseId);
    const redecided = events.filter((e) => e.step === 'decided').at(-1)!;
    expect(redecided.evidence.filter((e) => e.kind === 'receipt')).toEqual([
      { kind: 'receipt', ref: '电子票据.pdf', sha256: await sha256File(path.join(pdfDir, pdfName!)) },
    ]);
    expect(events.map((e) => e.step)).toEqual(
      expect.arrayContaining(['returned', 'awaiting-documents', 'documents-supplied', 'entered', 'closed']),
    );
    const entries = (loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? []).filter((e) => e.caseId === caseFile.caseId);
    expect(entries).toMatchObject([{ outcome: final.outcome, amount: final.amount }]);
    worker.kill('SIGTERM');
    await exited(worker);
  }, 300_000);
});
