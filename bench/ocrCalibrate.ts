/**
 * `tsx bench/ocrCalibrate.ts [--seed N] [--per-kind N] [--dir DIR]`: how field confidence separates
 * right reads from wrong ones, before and after the second look (ocr/secondReading.ts). Generates
 * tuning-layout image receipts from a seed neither the bench nor the e2e batch uses (kept in DIR, so a
 * second run reuses them), reads each with PP-OCR, and prints per field the confidence distribution
 * of right reads and of wrong ones (with the highest confidence a wrong one got), then every second
 * look: the first value and confidence, the other readings', whether they agreed, and the truth.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { CorpusEntry, ReceiptKind } from '../fixtures/receipts/corpus';
import { TUNING_LAYOUTS } from '../fixtures/receipts/layouts';
import { preparePage, type OcrEngine, type TextBox, type TextFragment } from '../ocr/engines/engine';
import { acquireEngine, releaseEngine } from '../ocr/engines/registry';
import { extractReceipt } from '../ocr/extract/extractReceipt';
import { prepareBand } from '../ocr/image/band';
import type { PageImage, PreparedImage } from '../ocr/image/preprocess';
import { rowsOf } from '../ocr/layout/rows';
import { createReceiptReader } from '../ocr/reader';
import { RECEIPT_FIELDS, type ReceiptReading } from '../ocr/schema';
import { FINER, secondLook, type SecondLook } from '../ocr/secondReading';
import { cachedCorpus } from './cachedCorpus';
import { scoreReading } from './ocrScore';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '4242' },
    'per-kind': { type: 'string', default: '12' },
    dir: { type: 'string', default: '' },
    kinds: { type: 'string', default: 'clean-png,scan-jpg,pdf-scan,photo-jpg' },
  },
});
const dir = values.dir || path.join(tmpdir(), `zhishen-ocr-calibrate-${values.seed}-${values['per-kind']}`);
const entries = await cachedCorpus({
  seed: Number(values.seed),
  perKind: Number(values['per-kind']),
  layouts: TUNING_LAYOUTS,
  kinds: values.kinds.split(',') as ReceiptKind[],
  outDir: dir,
});

const engine = await acquireEngine('ppocr');
const seen: { image: PageImage | null; last: { page: PreparedImage; fragments: TextFragment[] } | null } = { image: null, last: null };
// The upload, the page and the engine's fragments are kept, to replay the first reading and its second look.
const capturing: OcrEngine = {
  name: engine.name,
  workingWidth: engine.workingWidth,
  prepare: (image, options) => {
    if (!options.like) seen.image = image;
    return preparePage(engine, image, options);
  },
  recognize: async (page) => {
    const fragments = await engine.recognize(page);
    seen.last = { page: page as PreparedImage, fragments };
    return fragments;
  },
  reread: engine.reread?.bind(engine),
  close: () => engine.close(),
};
const reader = createReceiptReader({ ocrEngine: capturing });
type Read = { entry: CorpusEntry; first: ReceiptReading | null; final: ReceiptReading | null; looks: SecondLook[]; seconds: number };
const reads: Read[] = [];
for (const entry of entries) {
  seen.last = null;
  const started = performance.now();
  const final = await reader.read(path.join(dir, entry.file)).catch(() => null);
  const seconds = (performance.now() - started) / 1000;
  let first: ReceiptReading | null = null;
  let looks: SecondLook[] = [];
  const captured = seen.last as { page: PreparedImage; fragments: TextFragment[] } | null;
  if (captured) {
    const rows = rowsOf(captured.fragments);
    first = extractReceipt(rows, 'ppocr');
    const { page } = captured;
    const finer = (boxes: readonly TextBox[]) =>
      prepareBand(seen.image!, page, boxes, Math.round(engine.workingWidth * FINER), capturing.prepare!);
    looks = (await secondLook(first, rows, captured.fragments, page, finer, engine)).looks;
  }
  reads.push({ entry, first, final, looks, seconds });
  process.stderr.write(`${entry.file} ${seconds.toFixed(2)} s\n`);
}
// The reader's tesseract witness and the engine's thread would otherwise keep the process alive.
await reader.close();
await releaseEngine('ppocr');

const BUCKETS = [0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01];
const bucketOf = (c: number) => BUCKETS.findIndex((b, i) => c >= b && c < BUCKETS[i + 1]!);
function table(title: string, pick: (r: Read) => ReceiptReading | null): void {
  process.stdout.write(`\n${title}\n`);
  const rows: string[][] = [['field', 'right', ...BUCKETS.slice(0, -1).map((b) => `≥${b}`), 'wrong', 'maxWrong', 'null']];
  for (const field of RECEIPT_FIELDS) {
    const right = new Array(BUCKETS.length - 1).fill(0) as number[];
    let [wrong, nulls, maxWrong] = [0, 0, 0];
    for (const r of reads) {
      const reading = pick(r);
      const score = scoreReading(r.entry.truth, reading).find((s) => s.field === field)!;
      if (reading === null || reading[field] === null) nulls++;
      else if (score.right) right[bucketOf(score.confidence)]!++;
      else {
        wrong++;
        maxWrong = Math.max(maxWrong, score.confidence);
      }
    }
    rows.push([field, String(right.reduce((a, b) => a + b, 0)), ...right.map(String), String(wrong), maxWrong.toFixed(3), String(nulls)]);
  }
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(i === 0 ? 13 : 7)).join(' ')}\n`);
}
table('first reading (image receipts of the tuning layouts)', (r) => r.first);
table('after the second look (as the reader returns it)', (r) => r.final);
process.stdout.write('\nsecond looks\n');
for (const r of reads) {
  for (const look of r.looks) {
    const truth = r.entry.truth[look.field as keyof typeof r.entry.truth];
    const right = isDeepStrictEqual(look.first.value, truth);
    const others = look.others.map(
      (o) => `${isDeepStrictEqual(o.value, look.first.value) ? '=' : JSON.stringify(o.value)}@${o.confidence}`,
    );
    process.stdout.write(
      `${right ? 'right' : 'WRONG'} ${look.agreed ? 'AGREED' : 'kept  '} ${r.entry.file} ${r.entry.layout} ${look.field} ${JSON.stringify(look.first.value)}@${look.first.confidence} [${others.join(' ')}]${right ? '' : ` truth ${JSON.stringify(truth)}`}\n`,
    );
  }
  for (const field of RECEIPT_FIELDS) {
    if (r.final && r.final[field] === null && r.entry.truth[field as keyof typeof r.entry.truth] !== null)
      process.stdout.write(`null ${r.entry.file} ${r.entry.layout} ${field}\n`);
  }
}
const seconds = reads.reduce((s, r) => s + r.seconds, 0) / reads.length;
process.stdout.write(`\n${reads.length} receipts, ${seconds.toFixed(2)} s/receipt (wall, second look included)\n`);
