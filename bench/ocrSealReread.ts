/**
 * `tsx bench/ocrSealReread.ts [--seed N] [--per-kind N] [--dir DIR]`: what the re-read under the seal
 * (ocr/sealReread.ts) would trust, and whether it is right. Generates scans, image PDFs and phone
 * photos of jiangxi-paper (the tuning layout whose 票据监制章 lies across its 票据号码) from a seed
 * neither the bench nor the e2e batch uses, kept in DIR, reads each as the reader does up to the
 * re-read, and prints every re-read: the first value, PP-OCR's re-read, the witness's text (asked
 * when the re-read changes the value), the truth, and the count of right and wrong values PP-OCR's
 * re-read alone would have trusted against those the reader trusts.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { preparePage, type TextBox } from '../ocr/engines/engine';
import { acquireEngine, releaseEngine } from '../ocr/engines/registry';
import { extractReceipt } from '../ocr/extract/extractReceipt';
import { prepareBand } from '../ocr/image/band';
import type { PageImage } from '../ocr/image/preprocess';
import { loadReceiptFile } from '../ocr/input/load';
import { openPdf, rasterisePdf } from '../ocr/input/pdf';
import { rowsOf } from '../ocr/layout/rows';
import { holdSealCoveredIdentifiers, witnessSealCovered } from '../ocr/sealCover';
import { rereadUnderSeal } from '../ocr/sealReread';
import { FINER, secondLook } from '../ocr/secondReading';
import { createTesseractWitness } from '../ocr/witness';
import { cachedCorpus } from './cachedCorpus';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '6161' },
    'per-kind': { type: 'string', default: '25' },
    dir: { type: 'string', default: '' },
  },
});
const dir = values.dir || path.join(tmpdir(), `zhishen-ocr-seal-${values.seed}-${values['per-kind']}`);
const entries = await cachedCorpus({
  seed: Number(values.seed),
  perKind: Number(values['per-kind']),
  layouts: ['jiangxi-paper'],
  kinds: ['scan-jpg', 'pdf-scan', 'photo-jpg'],
  outDir: dir,
});

const engine = await acquireEngine('ppocr');
const witness = createTesseractWitness();
const tally = { rereads: 0, alone: { right: 0, wrong: 0 }, witnessed: { right: 0, wrong: 0 } };
for (const entry of entries) {
  const file = await loadReceiptFile(path.join(dir, entry.file));
  let image: PageImage = file.bytes;
  if (file.kind === 'pdf') {
    const pdf = await openPdf(file.name, file.bytes);
    image = await rasterisePdf(file.name, pdf, engine.workingWidth * 1.25);
    await pdf.document.destroy();
  }
  // The reader's steps up to the re-read (ocr/reader.ts), so that it sees the reading the reader gives it.
  const prepared = await preparePage(engine, image, { workingWidth: engine.workingWidth });
  const fragments = await engine.recognize(prepared);
  const rows = rowsOf(fragments);
  const finer = (boxes: readonly TextBox[]) =>
    prepareBand(image, prepared, boxes, Math.round(engine.workingWidth * FINER), (page, options) => preparePage(engine, page, options));
  const looked = await secondLook(extractReceipt(rows, engine.name), rows, fragments, prepared, finer, engine, witness);
  const held = holdSealCoveredIdentifiers(looked.reading, fragments, prepared.sealInk);
  const vouched = await witnessSealCovered(held.reading, held.covered, fragments, prepared, witness);
  const { rereads } = await rereadUnderSeal(vouched, fragments, prepared, image, engine, witness);
  for (const r of rereads) {
    tally.rereads++;
    const truth = entry.truth[r.field];
    const right = r.reread.value === truth;
    if (r.readSurely) tally.alone[right ? 'right' : 'wrong']++;
    if (r.accepted) tally.witnessed[right ? 'right' : 'wrong']++;
    process.stdout.write(
      `${entry.file} ${r.field} first ${r.first.value}@${r.first.confidence.toFixed(3)} reread ${String(r.reread.value)}@${r.reread.confidence.toFixed(3)} ` +
        `witness [${r.witnessed.join(' ')}] ${r.accepted ? 'TRUSTED' : 'kept'} ${right ? 'right' : `WRONG truth ${truth}`}\n`,
    );
  }
}
await witness.close();
await releaseEngine('ppocr');
process.stdout.write(
  `\n${entries.length} receipts, ${tally.rereads} re-reads under the seal\n` +
    `PP-OCR alone would trust: ${tally.alone.right} right, ${tally.alone.wrong} wrong\n` +
    `the reader (a changed value only with the witness): ${tally.witnessed.right} right, ${tally.witnessed.wrong} wrong\n`,
);
