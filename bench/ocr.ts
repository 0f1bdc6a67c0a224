/**
 * `npm run bench:ocr` (tsx bench/ocr.ts [--seed N] [--per-kind N] [--sets tuning,held-out]
 * [--engines ppocr,tesseract] [--no-native] [--keep]): generates receipts the reader has never seen
 * (a fresh seed, into a temp directory) in two sets — the layouts it may be tuned on, and the
 * layouts held out of all tuning (the figure that counts) — reads them with each engine and with
 * Debian's native tesseract as the baseline, and prints per set and kind of receipt the share of
 * exact fields, the count of wrong fields at confidence ≥ 0.9 and seconds per receipt, read one at a
 * time. Then reads each set again as `client.ts ocr` reads a folder (several receipts at once, model
 * loading included) and prints its seconds per receipt, and whether any reading differed. Writes
 * everything to bench-results/ocr.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { generateCorpus, RECEIPT_KINDS, type CorpusEntry, type ReceiptKind } from '../fixtures/receipts/corpus';
import { HELD_OUT_LAYOUTS, TUNING_LAYOUTS } from '../fixtures/receipts/layouts';
import { EngineNameSchema, type EngineName } from '../ocr/engines/engine';
import { runOcr } from '../cli/ocr';
import { createReceiptReader } from '../ocr/reader';
import type { ReceiptReading } from '../ocr/schema';
import { runNativeTesseract } from './ocrNative';
import { addToTally, emptyTally, scoreReading, summary, type Tally } from './ocrScore';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261124' },
    'per-kind': { type: 'string', default: '10' },
    sets: { type: 'string', default: 'tuning,held-out' },
    engines: { type: 'string', default: 'ppocr,tesseract' },
    'no-native': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const perKind = Number(values['per-kind']);
const engines = values.engines.split(',').map((name) => EngineNameSchema.parse(name));

const log = (message: string) => process.stderr.write(`${message}\n`);
const corpusDir = await mkdtemp(path.join(tmpdir(), 'zhishen-bench-ocr-'));
const SETS = { tuning: { layouts: TUNING_LAYOUTS, seedOffset: 0 }, 'held-out': { layouts: HELD_OUT_LAYOUTS, seedOffset: 1 } } as const;
type SetName = keyof typeof SETS;
const sets = values.sets.split(',').map((name) => {
  if (!(name in SETS)) throw new Error(`unknown set ${name} (tuning, held-out)`);
  return name as SetName;
});
const corpus: (CorpusEntry & { set: SetName })[] = [];
for (const set of sets) {
  const { layouts, seedOffset } = SETS[set];
  log(
    `generating ${perKind} receipts of each kind in the ${set} layouts (${layouts.join(', ')}; seed ${seed + seedOffset}) in ${corpusDir}`,
  );
  const entries = await generateCorpus({ seed: seed + seedOffset, perKind, layouts, prefix: `${set}-`, outDir: corpusDir });
  corpus.push(...entries.map((entry) => ({ ...entry, set })));
}
const files = corpus.map((entry) => path.join(corpusDir, entry.file));

type Summary = ReturnType<typeof summary>;
type SetResult = { byKind: Record<string, Summary>; clean: Summary; degraded: Summary; all: Summary };
/** A set read as `client.ts ocr` reads it: wall seconds a receipt, and the fields read otherwise than one at a time. */
type Batch = { secondsPerReceipt: number; fieldsReadOtherwise: string[] };
type Results = Record<
  string,
  { sets: Partial<Record<SetName, SetResult>>; batch?: Partial<Record<SetName, Batch>>; timeVersusNative?: number }
>;

async function timedNative(when: string) {
  log(`reading with native tesseract (one batch, ${when} the engines)`);
  return runNativeTesseract(files);
}
const results: Results = {};

// Other work on the machine slows whatever runs at the time: the native batch runs both before and
// after the engines, and its time is the mean of the two.
const nativeBefore = values['no-native'] ? null : await timedNative('before');

for (const engine of engines) {
  log(`reading with ${engine}`);
  const reader = createReceiptReader({ engine });
  // Loading the models (and, for PDFs, the PDF renderer) is once per process, not per receipt: one
  // receipt of each kind is read before the timing starts.
  const firstOfKind = new Map(corpus.map((entry, i) => [entry.kind, files[i]!] as const).reverse());
  for (const file of firstOfKind.values()) await reader.read(file).catch(() => undefined);
  const readings: (ReceiptReading | null)[] = [];
  const seconds: number[] = [];
  for (const file of files) {
    const started = performance.now();
    readings.push(await reader.read(file).catch(() => null));
    seconds.push((performance.now() - started) / 1000);
  }
  await reader.close();
  results[engine] = { sets: tallySets(readings, seconds), batch: await readAsTheCommand(engine, readings) };
}

if (nativeBefore) {
  const nativeAfter = await timedNative('after');
  const secondsPerReceipt = (nativeBefore.secondsPerReceipt + nativeAfter.secondsPerReceipt) / 2;
  results['native-tesseract'] = {
    sets: tallySets(
      nativeBefore.readings,
      corpus.map(() => secondsPerReceipt),
    ),
  };
  for (const engine of engines) {
    const result = results[engine]!;
    const seconds = Object.values(result.sets).reduce((sum, set) => sum + set.all.secondsPerReceipt * set.all.receipts, 0) / corpus.length;
    result.timeVersusNative = Math.round((seconds / secondsPerReceipt) * 100) / 100;
  }
  log(`native tesseract: ${nativeBefore.secondsPerReceipt.toFixed(2)} s/receipt before, ${nativeAfter.secondsPerReceipt.toFixed(2)} after`);
}

const report = {
  generatedAt: new Date().toISOString(),
  seed,
  perKind,
  layouts: Object.fromEntries(sets.map((set) => [set, SETS[set].layouts])),
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
  kinds: { clean: ['clean-png', 'pdf-text'], degraded: ['scan-jpg', 'pdf-scan', 'photo-jpg'] },
  results,
};
await mkdir('bench-results', { recursive: true });
await writeFile(path.join('bench-results', 'ocr.json'), JSON.stringify(report, null, 2));
print(results);
log('written to bench-results/ocr.json');
if (!values.keep) await rm(corpusDir, { recursive: true, force: true });

/**
 * Each set read by `client.ts ocr`'s own code, timed from its start (the models load again) to its
 * last line; and every field it read otherwise than the reader did one receipt at a time (threads of
 * another count may round a confidence otherwise).
 */
async function readAsTheCommand(engine: EngineName, oneAtATime: (ReceiptReading | null)[]): Promise<Partial<Record<SetName, Batch>>> {
  const out: Partial<Record<SetName, Batch>> = {};
  for (const set of sets) {
    const indices = corpus.flatMap((entry, i) => (entry.set === set ? [i] : []));
    log(`reading the ${set} set with ${engine} as client.ts ocr does`);
    const lines: string[] = [];
    const started = performance.now();
    await runOcr(
      indices.map((i) => files[i]!),
      (line) => lines.push(line),
      engine,
    );
    const secondsPerReceipt = (performance.now() - started) / 1000 / indices.length;
    const fieldsReadOtherwise = indices.flatMap((i, n) => {
      const { file: _file, ...read } = JSON.parse(lines[n]!) as Record<string, unknown>;
      const before = oneAtATime[i];
      if (!before) return 'error' in read ? [] : [`${corpus[i]!.file}: read, where one at a time it was not`];
      const { source: _source, layout: _layout, ...values } = before;
      return Object.keys(values).flatMap((key) =>
        isDeepStrictEqual(read[key], (values as Record<string, unknown>)[key]) ? [] : [`${corpus[i]!.file} ${key}`],
      );
    });
    out[set] = { secondsPerReceipt, fieldsReadOtherwise };
  }
  return out;
}

/** Tallies per set: the held-out layouts are reported on their own. */
function tallySets(readings: (ReceiptReading | null)[], seconds: number[]): Partial<Record<SetName, SetResult>> {
  const out: Partial<Record<SetName, SetResult>> = {};
  for (const set of sets) {
    const indices = corpus.flatMap((entry, i) => (entry.set === set ? [i] : []));
    out[set] = tallies(
      indices.map((i) => corpus[i]!),
      indices.map((i) => readings[i] ?? null),
      indices.map((i) => seconds[i] ?? 0),
    );
  }
  return out;
}

function tallies(entries: CorpusEntry[], readings: (ReceiptReading | null)[], seconds: number[]) {
  const byKind = new Map<ReceiptKind, Tally>(RECEIPT_KINDS.map((kind) => [kind, emptyTally()]));
  const [clean, degraded, all] = [emptyTally(), emptyTally(), emptyTally()];
  entries.forEach((entry, i) => {
    const reading = readings[i] ?? null;
    const scores = scoreReading(entry.truth, reading);
    const describe = (field: keyof typeof entry.truth) =>
      `${JSON.stringify(reading?.[field])} ≠ ${JSON.stringify(entry.truth[field])} @${reading?.confidence[field]}`;
    const group = entry.kind === 'clean-png' || entry.kind === 'pdf-text' ? clean : degraded;
    for (const tally of [byKind.get(entry.kind)!, group, all]) addToTally(tally, entry.file, scores, seconds[i] ?? 0, describe);
  });
  return {
    byKind: Object.fromEntries([...byKind].filter(([, t]) => t.receipts > 0).map(([kind, t]) => [kind, summary(t)])),
    clean: summary(clean),
    degraded: summary(degraded),
    all: summary(all),
  };
}

function print(all: Results): void {
  const rows: string[][] = [['engine', 'layouts', 'kind', 'receipts', 'fields exact', 'wrong @≥0.9', 's/receipt']];
  for (const [engine, result] of Object.entries(all)) {
    for (const [set, r] of Object.entries(result.sets)) {
      const groups: [string, Summary][] = [
        ...Object.entries(r.byKind),
        ['= clean', r.clean],
        ['= scans+photos', r.degraded],
        ['= all', r.all],
      ];
      for (const [kind, s] of groups)
        rows.push([
          engine,
          set,
          kind,
          String(s.receipts),
          `${(s.accuracy * 100).toFixed(1)}%`,
          String(s.wrongAtConfidence090),
          s.secondsPerReceipt.toFixed(2),
        ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  for (const [engine, result] of Object.entries(all)) {
    for (const [set, batch] of Object.entries(result.batch ?? {})) {
      const otherwise = batch.fieldsReadOtherwise;
      process.stdout.write(
        `${engine} ${set}, read as client.ts ocr reads a folder: ${batch.secondsPerReceipt.toFixed(2)} s/receipt; ` +
          `${otherwise.length === 0 ? 'every field read as one at a time' : `read otherwise: ${otherwise.join(', ')}`}\n`,
      );
    }
    if (result.timeVersusNative !== undefined)
      process.stdout.write(`${engine}: ${result.timeVersusNative}× the time of native tesseract per receipt\n`);
  }
  for (const [engine, result] of Object.entries(all)) {
    for (const [set, r] of Object.entries(result.sets)) {
      for (const mistake of r.all.trustedMistakes) process.stdout.write(`${engine} ${set}: wrong at ≥ 0.9: ${mistake}\n`);
    }
  }
}
