/**
 * `tsx bench/ocrModels.ts [--seed N] [--per-kind N] [--rounds N] [--dir DIR]`: what PP-OCR's model
 * runs cost with the graphs as shipped and as rewritten (ocr/engines/onnxFusion.ts), measured in one
 * process: both pairs of sessions loaded side by side, one model thread each, reading the same
 * prepared pages (detection and recognition of every line) in alternating order round by round, so
 * the machine's drift falls on both alike. Prints CPU-seconds a page for each, their ratio, and how
 * many lines read differently (text, or a character's confidence by more than 1e-3).
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HELD_OUT_LAYOUTS } from '../fixtures/receipts/layouts';
import type { TextFragment } from '../ocr/engines/engine';
import { loadPpocrModels, type PpocrModels } from '../ocr/engines/ppocrModel';
import { preprocess, type PreparedImage } from '../ocr/image/preprocess';
import { cachedCorpus } from './cachedCorpus';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261205' },
    'per-kind': { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: '' },
  },
});
const perKind = Number(values['per-kind']);
const dir = values.dir || path.join(tmpdir(), `zhishen-ocr-models-${values.seed}-${perKind}`);
const corpus = await cachedCorpus({
  seed: Number(values.seed),
  perKind,
  layouts: HELD_OUT_LAYOUTS,
  kinds: ['clean-png', 'scan-jpg', 'photo-jpg'],
  outDir: dir,
});
const pages: PreparedImage[] = [];
for (const entry of corpus) pages.push(await preprocess(await readFile(path.join(dir, entry.file)), { workingWidth: 1400 }));

const variants: Record<'shipped' | 'rewritten', PpocrModels> = {
  shipped: await loadPpocrModels({ intraOpThreads: 1, fused: false }),
  rewritten: await loadPpocrModels({ intraOpThreads: 1 }),
};
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const spent = { shipped: 0, rewritten: 0 };
const readings: Record<keyof typeof variants, TextFragment[][]> = { shipped: [], rewritten: [] };
await variants.shipped.recognize(pages[0]!);
await variants.rewritten.recognize(pages[0]!);
for (let round = 0; round < Number(values.rounds); round++) {
  const order: (keyof typeof variants)[] = round % 2 === 0 ? ['shipped', 'rewritten'] : ['rewritten', 'shipped'];
  for (const name of order) {
    const before = cpuSeconds();
    const read: TextFragment[][] = [];
    for (const page of pages) read.push(await variants[name].recognize(page));
    spent[name] += cpuSeconds() - before;
    readings[name] = read;
  }
}

let [lines, differ] = [0, 0];
readings.shipped.forEach((fragments, page) => {
  const other = readings.rewritten[page]!;
  lines += fragments.length;
  differ += Math.abs(fragments.length - other.length);
  fragments.forEach((fragment, n) => {
    const twin = other[n];
    const same =
      twin?.text === fragment.text &&
      JSON.stringify(twin.box) === JSON.stringify(fragment.box) &&
      fragment.chars.every((confidence, i) => Math.abs(confidence - twin.chars[i]!) <= 1e-3);
    if (!same) differ++;
  });
});
const perPage = (name: keyof typeof variants) => spent[name] / (pages.length * Number(values.rounds));
process.stdout.write(
  `${pages.length} held-out pages (clean, scanned, photographed) × ${values.rounds} rounds, one model thread:\n` +
    `  as shipped  ${perPage('shipped').toFixed(3)} CPU-s a page\n` +
    `  rewritten   ${perPage('rewritten').toFixed(3)} CPU-s a page\n` +
    `  ratio       ${(perPage('rewritten') / perPage('shipped')).toFixed(3)}\n` +
    `  lines read differently: ${differ} of ${lines}\n`,
);
await Promise.all([variants.shipped.release(), variants.rewritten.release()]);
