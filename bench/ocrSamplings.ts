/**
 * `tsx bench/ocrSamplings.ts [--seed N] [--per-kind N] [--sets tuning|held-out] [--dir DIR]`: which
 * re-readings the second look (ocr/secondReading.ts) should trust. Generates image receipts (kept in
 * DIR, so a second run reuses them), reads each with PP-OCR and, for every field RB-11 checks that the
 * first reading left in [0.5, 0.9), re-reads its lines at each sampling below: the page of the first
 * reading or the band of the upload under its lines prepared again at 1.5 or 2 times the working
 * width (image/band.ts, as the reader does), the crop drawn 0.8, 1 or
 * 1.25 times as wide. Prints each low field (right or WRONG, the first reading, every sampling's value
 * and confidence), then for each pair of samplings how many right and wrong values it would raise when
 * both read the first value at ≥ 0.90. A pair that raises a wrong value is not a rule to keep.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { ReceiptKind } from '../fixtures/receipts/corpus';
import { HELD_OUT_LAYOUTS, TUNING_LAYOUTS } from '../fixtures/receipts/layouts';
import type { TextBox } from '../ocr/engines/engine';
import { acquireEngine, releaseEngine } from '../ocr/engines/registry';
import { extractReceipt } from '../ocr/extract/extractReceipt';
import { TRUSTED } from '../ocr/extract/infer';
import { locateFields } from '../ocr/extract/locate';
import { prepareBand, type Band } from '../ocr/image/band';
import type { PageImage, PreparedImage } from '../ocr/image/preprocess';
import { openPdf, rasterisePdf } from '../ocr/input/pdf';
import { rowsOf } from '../ocr/layout/rows';
import { BAND_WIDTH_SCALES, FINER, PAGE_WIDTH_SCALES, replaced } from '../ocr/secondReading';
import { cachedCorpus } from './cachedCorpus';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '4242' },
    'per-kind': { type: 'string', default: '12' },
    sets: { type: 'string', default: 'tuning' },
    dir: { type: 'string', default: '' },
    kinds: { type: 'string', default: 'clean-png,scan-jpg,pdf-scan,photo-jpg' },
  },
});
const dir = values.dir || path.join(tmpdir(), `zhishen-ocr-samplings-${values.sets}-${values.seed}-${values['per-kind']}`);
const entries = await cachedCorpus({
  seed: Number(values.seed),
  perKind: Number(values['per-kind']),
  layouts: values.sets === 'held-out' ? HELD_OUT_LAYOUTS : TUNING_LAYOUTS,
  kinds: values.kinds.split(',') as ReceiptKind[],
  outDir: dir,
});

const FIELDS = ['code', 'number', 'checkCode', 'issueDate', 'payerName', 'items'] as const;
/** [times the working width of the page re-read from, times as wide the crop is drawn] */
const SAMPLINGS = [
  [1, 0.8],
  [1, 1.25],
  [1.5, 0.8],
  [1.5, 1],
  [1.5, 1.25],
  [2, 0.8],
  [2, 1],
  [2, 1.25],
] as const;
const named = ([page, crop]: readonly [number, number]) => `${page}×page ${crop}×crop`;

const engine = await acquireEngine('ppocr');
const prepare = engine.prepare!.bind(engine);
const reread = engine.reread!.bind(engine);
type Seen = { right: boolean; same: boolean[]; confidence: number[] };
const seen: Seen[] = [];
for (const entry of entries) {
  const file = path.join(dir, entry.file);
  let image: PageImage = await readFile(file);
  if (file.endsWith('.pdf')) {
    const pdf = await openPdf(file, image);
    image = await rasterisePdf(file, pdf, engine.workingWidth * 1.25);
    await pdf.document.destroy();
  }
  const first = await prepare(image, { workingWidth: engine.workingWidth });
  const fragments = await engine.recognize(first);
  const rows = rowsOf(fragments);
  const reading = extractReceipt(rows, 'ppocr');
  const low = FIELDS.filter((f) => reading[f] !== null && reading.confidence[f] < TRUSTED && reading.confidence[f] >= 0.5);
  if (low.length === 0) continue;
  const { confidence: _c, source: _s, inferred: _i, layout: _l, ...readValues } = reading;
  const where = locateFields(rows, readValues);
  for (const field of low) {
    const box = where[field];
    if (!box) continue;
    const lines = fragments.filter((f) => (f.box.y0 + f.box.y1) / 2 >= box[1] && (f.box.y0 + f.box.y1) / 2 <= box[1] + box[3]);
    const result: Seen = { right: isDeepStrictEqual(reading[field], entry.truth[field]), same: [], confidence: [] };
    const shown: string[] = [];
    // The finer pages as the reader prepares them: the band of rows the field's lines cover.
    const bands = new Map<number, Pick<Band, 'boxOnBand'> & { page: PreparedImage }>([[1, { page: first, boxOnBand: (b) => b }]]);
    for (const [times, widthScale] of SAMPLINGS) {
      if (!bands.has(times))
        bands.set(
          times,
          await prepareBand(
            image,
            first,
            lines.map((l) => l.box),
            Math.round(engine.workingWidth * times),
            prepare,
          ),
        );
      const band = bands.get(times)!;
      const key = (b: TextBox) => `${b.x0},${b.y0},${b.x1},${b.y1}`;
      const boxes = lines.map((l) => band.boxOnBand(l.box));
      const back = new Map(boxes.map((b, i) => [key(b), lines[i]!.box]));
      const again = (await reread(band.page, boxes, { widthScale })).map((f) => ({ ...f, box: back.get(key(f.box)) ?? f.box }));
      const other = extractReceipt(rowsOf(replaced(fragments, lines, again)), 'ppocr');
      result.same.push(isDeepStrictEqual(other[field], reading[field]));
      result.confidence.push(other.confidence[field]);
      shown.push(
        `${isDeepStrictEqual(other[field], reading[field]) ? '=' : JSON.stringify(other[field])}@${other.confidence[field].toFixed(2)}`,
      );
    }
    seen.push(result);
    process.stdout.write(
      `${result.right ? 'right' : 'WRONG'} ${entry.file} ${entry.layout} ${field} ${JSON.stringify(reading[field])}@${reading.confidence[field].toFixed(2)} | ${shown.join(' ')}${result.right ? '' : ` truth ${JSON.stringify(entry.truth[field])}`}\n`,
    );
  }
}
await releaseEngine('ppocr');

const right = seen.filter((s) => s.right).length;
process.stdout.write(
  `\n${seen.length} low fields (${right} right, ${seen.length - right} wrong); raised when both samplings read the first value at ≥ 0.90:\n`,
);
const pairs: { pair: string; right: number; wrong: number }[] = [];
for (let a = 0; a < SAMPLINGS.length; a++) {
  for (let b = a + 1; b < SAMPLINGS.length; b++) {
    const raised = seen.filter((s) => [a, b].every((i) => s.same[i] && s.confidence[i]! >= TRUSTED));
    pairs.push({
      pair: `${named(SAMPLINGS[a]!)} + ${named(SAMPLINGS[b]!)}`,
      right: raised.filter((s) => s.right).length,
      wrong: raised.filter((s) => !s.right).length,
    });
  }
}
// The reader's rule (ocr/secondReading.ts): the page's pair, then for what it left open the band's.
const readersPage = PAGE_WIDTH_SCALES.map((crop) => SAMPLINGS.findIndex(([times, c]) => times === 1 && c === crop));
const readersBand = BAND_WIDTH_SCALES.map((crop) => SAMPLINGS.findIndex(([times, c]) => times === FINER && c === crop));
if ([...readersPage, ...readersBand].includes(-1)) throw new Error("the reader's samplings are not among SAMPLINGS: add them");
const sure = (s: Seen, i: number) => s.same[i]! && s.confidence[i]! >= TRUSTED;
const asTheReader = seen.filter((s) => readersPage.every((i) => sure(s, i)) || readersBand.every((i) => sure(s, i)));
const describe = (indices: number[]) => indices.map((i) => named(SAMPLINGS[i]!)).join(' + ');
process.stdout.write(
  `as the reader (${describe(readersPage)}, else ${describe(readersBand)}): right ${asTheReader.filter((s) => s.right).length}  wrong ${asTheReader.filter((s) => !s.right).length}\n`,
);
for (const p of pairs.sort((x, y) => x.wrong - y.wrong || y.right - x.right))
  process.stdout.write(`${p.pair.padEnd(40)} right ${p.right}  wrong ${p.wrong}\n`);
