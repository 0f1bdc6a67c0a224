/**
 * tesseract.js (the design's engine): chi_sim reads the page (PSM 6, one block of rows), then every
 * run of digit-like characters is read again with eng, where chi_sim is known to confuse 1 with 工
 * and ¥ with 3. Workers are a pool sized to the cores, created once and reused; the language data
 * comes from the @tesseract.js-data packages (4.0.0_best_int), never from a CDN, and no cache file
 * is written anywhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createScheduler, createWorker, OEM, PSM, type Block, type RecognizeResult, type Scheduler, type Word } from 'tesseract.js';
import { greyPng, type GreyImage } from '../image/greyImage';
import type { OcrEngine, TextBox, TextFragment } from './engine';
import { reconcileDigits } from './reconcileDigits';

/** The best_int models: the same accuracy as `best` at integer speed. */
const MODEL_FOLDER = '4.0.0_best_int';
/**
 * Tesseract's symbol confidences run high: on the benchmark, misread names and check codes came
 * out at 0.92–0.93. Cubing keeps 0.99 near 0.97 and brings those misreads to about 0.8.
 */
function calibrated(tesseractConfidence: number): number {
  return (tesseractConfidence / 100) ** 3;
}

/** Characters chi_sim may have printed inside a number. */
const DIGITISH = /[0-9.\-*a-fA-FXIl工|¥]/;

/** Where a language's traineddata.gz lives inside node_modules. */
function tesseractLangPath(lang: 'chi_sim' | 'eng'): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), MODEL_FOLDER);
}

/** Starts `poolSize` chi_sim and `poolSize` eng workers. */
export async function createTesseractEngine(poolSize = availableParallelism()): Promise<OcrEngine> {
  // cacheMethod 'none' reads the language data straight from node_modules and writes nothing; the
  // cache path only keeps any future default from pointing at the working directory.
  const cachePath = mkdtempSync(path.join(tmpdir(), 'zhishen-tesseract-'));
  const start = async (lang: 'chi_sim' | 'eng', parameters: Record<string, string>) => {
    const scheduler = createScheduler();
    const workers = await Promise.all(
      Array.from({ length: Math.max(1, poolSize) }, () =>
        createWorker(lang, OEM.LSTM_ONLY, { langPath: tesseractLangPath(lang), cachePath, cacheMethod: 'none', gzip: true }),
      ),
    );
    for (const worker of workers) {
      await worker.setParameters(parameters);
      scheduler.addWorker(worker);
    }
    return scheduler;
  };
  const [chinese, english] = await Promise.all([
    start('chi_sim', { tessedit_pageseg_mode: PSM.SINGLE_BLOCK, preserve_interword_spaces: '1', user_defined_dpi: '300' }),
    start('eng', { tessedit_pageseg_mode: PSM.SINGLE_LINE, tessedit_char_whitelist: '0123456789.-*abcdefX', user_defined_dpi: '300' }),
  ]);
  return {
    name: 'tesseract',
    workingWidth: 1600,
    async recognize(page) {
      const result: RecognizeResult = await chinese.addJob('recognize', await greyPng(page), {}, { blocks: true });
      const fragments = fragmentsOf(result.data.blocks ?? []);
      await Promise.all(fragments.map((fragment) => rereadDigits(english, page, fragment)));
      return fragments.map(({ text, box, chars }) => ({ text, box, chars }));
    },
    async close() {
      await Promise.all([chinese.terminate(), english.terminate()]);
      rmSync(cachePath, { recursive: true, force: true });
    },
  };
}

interface SymbolFragment extends TextFragment {
  symbols: { text: string; box: TextBox }[];
}

/** Words of a line become one fragment until a gap wider than the line is tall (the next cell). */
function fragmentsOf(blocks: Block[]): SymbolFragment[] {
  const fragments: SymbolFragment[] = [];
  for (const line of blocks.flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines))) {
    const height = Math.max(1, line.bbox.y1 - line.bbox.y0);
    let current: SymbolFragment | null = null;
    for (const word of line.words) {
      if (word.text.trim() === '') continue;
      if (current === null || word.bbox.x0 - current.box.x1 > height) {
        current = { text: '', chars: [], box: { ...word.bbox }, symbols: [] };
        fragments.push(current);
      }
      appendWord(current, word);
    }
  }
  return fragments;
}

function appendWord(fragment: SymbolFragment, word: Word): void {
  for (const symbol of word.symbols) {
    fragment.text += symbol.text;
    for (let i = 0; i < symbol.text.length; i++) fragment.chars.push(calibrated(symbol.confidence));
    fragment.symbols.push({ text: symbol.text, box: symbol.bbox });
  }
  fragment.box = {
    x0: Math.min(fragment.box.x0, word.bbox.x0),
    y0: Math.min(fragment.box.y0, word.bbox.y0),
    x1: Math.max(fragment.box.x1, word.bbox.x1),
    y1: Math.max(fragment.box.y1, word.bbox.y1),
  };
}

/** Reads each run of at least two digit-like symbols again with eng and reconciles the two readings. */
async function rereadDigits(english: Scheduler, page: GreyImage, fragment: SymbolFragment): Promise<void> {
  const runs: { from: number; to: number }[] = [];
  let from = -1;
  fragment.symbols.forEach((symbol, i) => {
    const digitish = DIGITISH.test(symbol.text);
    if (digitish && from < 0) from = i;
    if (!digitish && from >= 0) {
      runs.push({ from, to: i });
      from = -1;
    }
  });
  if (from >= 0) runs.push({ from, to: fragment.symbols.length });
  // Later runs first, so that replacing one never shifts the offsets of another.
  for (const run of runs.reverse()) {
    const symbols = fragment.symbols.slice(run.from, run.to);
    if (symbols.filter((symbol) => /[0-9]/.test(symbol.text)).length < 2) continue;
    const box = {
      x0: Math.min(...symbols.map((s) => s.box.x0)),
      y0: Math.min(...symbols.map((s) => s.box.y0)),
      x1: Math.max(...symbols.map((s) => s.box.x1)),
      y1: Math.max(...symbols.map((s) => s.box.y1)),
    };
    const english_ = await readRegion(english, page, box);
    const offset = fragment.symbols.slice(0, run.from).reduce((n, s) => n + s.text.length, 0);
    const length = symbols.reduce((n, s) => n + s.text.length, 0);
    const merged = reconcileDigits(
      { text: fragment.text.slice(offset, offset + length), chars: fragment.chars.slice(offset, offset + length) },
      english_,
    );
    fragment.text = fragment.text.slice(0, offset) + merged.text + fragment.text.slice(offset + length);
    fragment.chars.splice(offset, length, ...merged.chars);
    fragment.symbols.splice(run.from, run.to - run.from, ...Array.from(merged.text, (text) => ({ text, box })));
  }
}

async function readRegion(english: Scheduler, page: GreyImage, box: TextBox): Promise<{ text: string; chars: number[] }> {
  const height = box.y1 - box.y0;
  // Little room sideways: a neighbouring 年 or 月 would be read as one more digit.
  const [padX, padY] = [Math.round(height * 0.1), Math.round(height * 0.3)];
  const left = Math.max(0, box.x0 - padX);
  const top = Math.max(0, box.y0 - padY);
  const width = Math.min(page.width, box.x1 + padX) - left;
  const cropHeight = Math.min(page.height, box.y1 + padY) - top;
  const png = await sharp(Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength), {
    raw: { width: page.width, height: page.height, channels: 1 },
  })
    .extract({ left, top, width, height: cropHeight })
    .extend({ top: 10, bottom: 10, left: 10, right: 10, background: { r: 255, g: 255, b: 255 } })
    .png()
    .toBuffer();
  const result: RecognizeResult = await english.addJob('recognize', png, {}, { blocks: true });
  let text = '';
  const chars: number[] = [];
  for (const block of result.data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) {
          for (const symbol of word.symbols) {
            text += symbol.text;
            for (let i = 0; i < symbol.text.length; i++) chars.push(calibrated(symbol.confidence));
          }
        }
      }
    }
  }
  return { text, chars };
}
