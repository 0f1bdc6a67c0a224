import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../cli/batch';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { RECEIPT_FORMS, Random, writeIntakeWorkbook, writeReceiptFiles, type DrawnReceipt } from '../fixtures/generate';
import { PeopleFactory } from '../fixtures/generate/people';
import { generateReimbursement, type ReimbursementScenario } from '../fixtures/generate/reimbursement';
import { ALL_LAYOUTS } from '../fixtures/receipts/layouts';
import { decide, parseCaseFile } from '../rules';
import { CONFIDENCE_FIELDS, type Receipt, type ReimbursementCase } from '../rules/schemas';
import { TRUSTED } from '../ocr/extract/infer';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { reviewStateQuery } from '../workflows/messages';
import { exited, startTestStack, type TestStack } from '../harness/stack';

/**
 * The cases of the batch, four receipts each: 40 receipts in a row, so that every (layout, form) pair
 * of the generator's eight layouts (the two held out from tuning included) and five forms is read once.
 * Most should be approved from their receipts alone; RB-13 (a large claim), RB-04 (a 大写 one yuan off
 * the 小写, as printed) and RB-10 (a receipt issued too late) must reach a clerk for their rule, RB-07 (an
 * invoice already reimbursed) be rejected, each only if OCR reads the receipt as printed.
 */
const SCENARIOS: readonly ReimbursementScenario[] = [
  'approve',
  'RB-13',
  'approve',
  'approve',
  'RB-04',
  'approve',
  'RB-07',
  'approve',
  'RB-10',
  'approve',
];
const RECEIPTS_PER_CASE = 4;

const pick = ({ outcome, amount, reasons }: { outcome: string; amount: string | null; reasons: string[] }) => ({
  outcome,
  amount,
  reasons,
});

/**
 * What the reader gets wrong on this batch's receipts today, receipt by receipt (`<caseId>-<n>
 * <layout>/<form>`): a field RB-11 checks read below its threshold ("low": the case reaches a clerk
 * with RB-11), a field left unread ("unread": CASE-FILE-INVALID) or one read wrong with confidence
 * ("misread": nobody is told). A person reads every such field on the image, so each entry is a
 * shortfall of the reader, not a property of the receipt; the one left, the jiangxi-paper photo's
 * 票据号码 partly under the red 票据监制章's ring, is read there with some care, not at a glance. A low field is read again from the band of
 * the upload under its lines prepared at 1.5 times the working width (ocr/secondReading.ts): 付颖凤 in
 * the zhejiang-ebill scan's brush face, 0.88 on the working page, is read alike there at ≥ 0.90 twice
 * and trusted. Names, check codes, and 票据代码 and 票据号码 no seal crosses, that PP-OCR read alike
 * but unsurely are trusted when tesseract.js reads them exactly alike (ocr/witness.ts): the
 * jiangxi-paper photo's 44363355, its last 5 blurred (0.61), is read alike in its span and trusted.
 * A name's first character is weighed among the surnames (ocr/extract/surnames.ts): 覃杰明 on the same
 * photo (an upload narrower than the working page, blurred), its 覃 at 0.733 beside 尊 and 草, which
 * begin no name, is trusted at 0.92 as a person reading it would. A code, number or check code the 票据监制章's ring crosses is held low
 * (ocr/sealCover.ts): an 8 under the ring was read as 6 at 0.924, so none of them may be a misread
 * now; it is trusted again only when tesseract reads its span on the seal-removed page character for
 * character alike (9192219217, 10c134 and aee565 here). One still low is read again on the page as
 * seen under the seal, its pixels by their red value (ocr/sealReread.ts): 6659065456 (tesseract read
 * 105456) is read 6659085456 as printed, and 7252463201 (0.64) 7252483201, both at 0.95, every digit
 * the first reading was sure of kept. A 票据号码 with one character that is no digit (6261645#54, a 7 under the ring) is
 * filled in from tesseract's reading of its line, held low, so the case reaches a clerk with RB-11
 * rather than an invalid case file (ocr/oneDigitShort.ts). The list is asserted exactly, so that a
 * change to the reader, for better or worse, shows here and the list is brought up to date.
 * sichuan-ebill and hunan-paper are held out from tuning: their entries are only reported.
 */
const KNOWN_GAPS: readonly string[] = ['RB-2025-0708-2 jiangxi-paper/photo-jpg: number low'];

type Gap = 'low' | 'unread' | 'misread';
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

/** The gaps of one reading against the receipt it was read from, as KNOWN_GAPS lists them. */
function gapsOf(read: Receipt, truth: Receipt): [string, Gap][] {
  const gaps: [string, Gap][] = [];
  for (const field of Object.keys(truth) as (keyof Receipt)[]) {
    if (field === 'confidence') continue;
    const confidence = read.confidence?.[field as keyof NonNullable<Receipt['confidence']>];
    const checked = (CONFIDENCE_FIELDS as readonly string[]).includes(field);
    if (read[field] === null) gaps.push([field, 'unread']);
    else if (checked && confidence !== undefined && confidence < TRUSTED) gaps.push([field, 'low']);
    else if (!same(read[field], truth[field])) gaps.push([field, 'misread']);
  }
  return gaps;
}

/**
 * The decision the rulebook gives the true case file as the reader delivers it: the known gaps
 * applied (an unread field null, a low one below RB-11's threshold), every other field read as printed.
 */
function expectedDecision(caseFile: ReimbursementCase, gapsOfReceipt: (i: number) => [string, Gap][]) {
  const receipts = caseFile.receipts.map((receipt, i) => {
    const gaps = gapsOfReceipt(i);
    const confidence = Object.fromEntries(
      CONFIDENCE_FIELDS.map((f) => [f, gaps.some(([g, kind]) => g === f && kind === 'low') ? 0.5 : 0.99]),
    );
    const unread = Object.fromEntries(gaps.filter(([, kind]) => kind === 'unread').map(([f]) => [f, null]));
    return { ...receipt, ...unread, confidence };
  });
  const parsed = parseCaseFile({ ...caseFile, receipts });
  if (!parsed.ok) return { caseId: caseFile.caseId, outcome: 'review', amount: null, reasons: ['CASE-FILE-INVALID'] };
  const decision = decide(parsed.caseFile);
  return { caseId: caseFile.caseId, outcome: decision.outcome, amount: decision.amount, reasons: decision.reasons };
}

/**
 * 零星报销 receipts of every layout and every form, read by OCR on the real stack: each case is decided
 * as its true case file is, except where the reader falls short (KNOWN_GAPS), and a case at review is
 * there for exactly the reasons that follow: its own rule (RB-13, RB-04, RB-10), RB-11 for a field read
 * below the threshold, or CASE-FILE-INVALID for a field left unread.
 */
describe('a 零星报销 batch with receipts of every layout and form', () => {
  let stack: TestStack;
  let caseFiles: ReimbursementCase[];
  let workbook: string;
  let attachments: string;
  const drawn = new Map<string, DrawnReceipt[]>();

  beforeAll(async () => {
    stack = await startTestStack();
    const random = new Random(20261201);
    const people = new PeopleFactory(random);
    caseFiles = SCENARIOS.map(
      (scenario, i) => generateReimbursement(random, people, 701 + i, scenario, { receipts: RECEIPTS_PER_CASE }).caseFile,
    );
    seedCaseFiles(stack.dataDir, caseFiles);
    attachments = path.join(stack.dataDir, 'upload', 'attachments');
    const attachmentNames = await writeReceiptFiles(caseFiles, attachments, {
      seed: 20261201,
      forms: RECEIPT_FORMS,
      layouts: ALL_LAYOUTS,
      onFile: (file, how) => {
        const caseId = file.slice(0, file.lastIndexOf('-'));
        drawn.set(caseId, [...(drawn.get(caseId) ?? []), how]);
      },
    });
    workbook = path.join(stack.dataDir, 'upload', 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles, { attachmentNames });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('draws every layout in every form', () => {
    const pairs = new Set([...drawn.values()].flat().map((d) => `${d.layout}/${d.form}`));
    expect(pairs.size).toBe(ALL_LAYOUTS.length * RECEIPT_FORMS.length);
    expect(caseFiles.every((c) => c.receipts.length === RECEIPTS_PER_CASE)).toBe(true);
  });

  it('decides every case as its true case file read with the known gaps, and says why each case at review is there', async () => {
    const worker = await stack.startWorker();
    const result = await runBatch(stack.config, { workbook, attachments, wait: true });
    expect(result.progress!.byOutcome.failed).toBe(0);

    // From the true case files alone: the batch means something only if the rules approve, reject and send to a clerk.
    const fromTruth = caseFiles.map((c) => ({ caseId: c.caseId, ...pick(decide(c)) }));
    expect(new Set(fromTruth.map((e) => e.outcome))).toEqual(new Set(['approve', 'reject', 'review']));
    expect(fromTruth.filter((e) => e.outcome === 'review').flatMap((e) => e.reasons)).toEqual(['RB-13', 'RB-04', 'RB-10']);

    const actual = [];
    const observedGaps: string[] = [];
    const gapsByReceipt = new Map<string, [string, Gap][]>();
    for (const caseFile of caseFiles) {
      const stored = (await getCase(stack.store, caseFile.caseId))!;
      const reasons =
        stored.outcome === 'review'
          ? // At review, what the clerk is shown: the rule result the case waits with.
            (await stack.client.workflow.getHandle(`case-${caseFile.caseId}`).query(reviewStateQuery)).ruleResult.reasons
          : stored.reasons;
      actual.push({ caseId: caseFile.caseId, outcome: stored.outcome, amount: stored.amount, reasons });
      // The case file as read, kept with the decision or, when it could not be decided, with the exception.
      const kept = (await listEvents(stack.store, caseFile.caseId)).find((e) => e.step === 'decided' || e.step === 'exception');
      // A case sent to an exception before its receipts were read (a file or a screen that could not be) says why here.
      expect((kept?.inputs as { caseFile?: unknown } | undefined)?.caseFile, `${caseFile.caseId}: ${JSON.stringify(kept)}`).toBeDefined();
      const read = (kept!.inputs as { caseFile: ReimbursementCase }).caseFile.receipts;
      for (const [i, truth] of caseFile.receipts.entries()) {
        const gaps = gapsOf(read[i]!, truth);
        gapsByReceipt.set(`${caseFile.caseId}/${i}`, gaps);
        const { layout, form } = drawn.get(caseFile.caseId)![i]!;
        for (const [field, kind] of gaps) observedGaps.push(`${caseFile.caseId}-${i + 1} ${layout}/${form}: ${field} ${kind}`);
      }
    }
    expect(observedGaps.sort()).toEqual([...KNOWN_GAPS].sort());
    // The cases the reader sends to a clerk for a field it read low: those of KNOWN_GAPS' low entries.
    expect(actual.filter((a) => a.reasons.includes('RB-11')).map((a) => a.caseId)).toEqual(['RB-2025-0708']);
    // Each case decided as its true case file with exactly those gaps: to a clerk for its own rule, or for a named field.
    const expected = caseFiles.map((c) => expectedDecision(c, (i) => gapsByReceipt.get(`${c.caseId}/${i}`)!));
    expect(actual).toEqual(expected);

    worker.kill('SIGTERM');
    await exited(worker);
  }, 300_000);
});
