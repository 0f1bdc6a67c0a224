/**
 * `tsx bench/ocrTime.ts [--seed N] [--per-kind N] [--dir DIR] [--rounds N] [--surnames 亓闾鄢…]`: what reading a receipt
 * costs, in CPU-seconds (steadier than wall time on a shared machine) and wall seconds, split into
 * detection + recognition, the second look's re-recognition, and the rest (decoding, preprocessing,
 * PDF, layout and fields). Generates the held-out and tuning receipts of a fixed seed once into DIR
 * (so runs before and after a change read the same files) and reads them back to back with PP-OCR;
 * model loading stays out of the figures. Prints one line per round and the exact-field share, so a
 * speed change that costs accuracy shows.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus, type CorpusEntry } from '../fixtures/receipts/corpus';
import { HELD_OUT_LAYOUTS, TUNING_LAYOUTS } from '../fixtures/receipts/layouts';
import type { OcrEngine } from '../ocr/engines/engine';
import { acquireEngine, releaseEngine } from '../ocr/engines/registry';
import { createReceiptReader } from '../ocr/reader';
import type { ReceiptReading } from '../ocr/schema';
import { scoreReading, TRUSTED_CONFIDENCE } from './ocrScore';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261203' },
    'per-kind': { type: 'string', default: '4' },
    dir: { type: 'string', default: '' },
    rounds: { type: 'string', default: '1' },
    /** Writes every reading here, to compare two versions of the reader field by field. */
    out: { type: 'string', default: '' },
    /** Payers' surnames drawn from these characters instead of the common ones (rare surnames). */
    surnames: { type: 'string', default: '' },
  },
});
const seed = Number(values.seed);
const perKind = Number(values['per-kind']);
const surnames = values.surnames || undefined;
const dir = values.dir || path.join(tmpdir(), `zhishen-ocr-time-${seed}-${perKind}${surnames ? `-${surnames}` : ''}`);
const manifestFile = path.join(dir, 'time-manifest.json');

let corpus: CorpusEntry[];
if (existsSync(manifestFile)) corpus = JSON.parse(await readFile(manifestFile, 'utf8')) as CorpusEntry[];
else {
  corpus = [
    ...(await generateCorpus({ seed, perKind, layouts: TUNING_LAYOUTS, prefix: 'tuning-', outDir: dir, surnames })),
    ...(await generateCorpus({ seed: seed + 1, perKind, layouts: HELD_OUT_LAYOUTS, prefix: 'held-out-', outDir: dir, surnames })),
  ];
  await writeFile(manifestFile, JSON.stringify(corpus));
}

const base = await acquireEngine('ppocr');
const spent = { recognize: 0, reread: 0 };
const cpuNow = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
// Engine calls are serialised, so the process CPU over a call is that call's cost.
const timed =
  <A extends unknown[], R>(kind: keyof typeof spent, call: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    const before = cpuNow();
    try {
      return await call(...args);
    } finally {
      spent[kind] += cpuNow() - before;
    }
  };
const engine: OcrEngine = {
  name: base.name,
  workingWidth: base.workingWidth,
  recognize: timed('recognize', (page) => base.recognize(page)),
  ...(base.reread ? { reread: timed('reread', (page, boxes, options) => base.reread!(page, boxes, options)) } : {}),
  close: () => Promise.resolve(),
};
const reader = createReceiptReader({ ocrEngine: engine });
await reader.read(path.join(dir, corpus[0]!.file)).catch(() => undefined);

for (let round = 0; round < Number(values.rounds); round++) {
  spent.recognize = spent.reread = 0;
  let [fields, exact, wrongSure] = [0, 0, 0];
  const readings: (ReceiptReading | null)[] = [];
  const cpu0 = cpuNow();
  const wall0 = performance.now();
  for (const entry of corpus) {
    const reading: ReceiptReading | null = await reader.read(path.join(dir, entry.file)).catch(() => null);
    readings.push(reading);
    for (const score of scoreReading(entry.truth, reading)) {
      fields++;
      if (score.right) exact++;
      else if (score.confidence >= TRUSTED_CONFIDENCE) {
        wrongSure++;
        const read = JSON.stringify(reading?.[score.field] ?? null);
        process.stdout.write(
          `  wrong at ${score.confidence}: ${entry.file} ${score.field} ${read}, printed ${JSON.stringify(entry.truth[score.field])}\n`,
        );
      }
    }
  }
  const n = corpus.length;
  const cpu = (cpuNow() - cpu0) / n;
  const wall = (performance.now() - wall0) / 1000 / n;
  process.stdout.write(
    `${n} receipts: ${cpu.toFixed(3)} CPU-s/receipt (detect+recognise ${(spent.recognize / n).toFixed(3)}, second look ${(spent.reread / n).toFixed(3)}, rest ${(cpu - (spent.recognize + spent.reread) / n).toFixed(3)}), ${wall.toFixed(3)} s wall/receipt, ${((exact / fields) * 100).toFixed(1)}% fields exact, ${wrongSure} wrong at ≥ 0.9\n`,
  );
  if (values.out) await writeFile(values.out, JSON.stringify(readings, null, 1));
}
await reader.close();
await releaseEngine('ppocr');
