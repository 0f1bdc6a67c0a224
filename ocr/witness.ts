/**
 * A second engine's opinion of a few lines: tesseract.js chi_sim reading single-line crops. The
 * second look (secondReading.ts) asks it only about a low 交款人 or 校验码, or a 票据代码 or 票据号码
 * no seal crosses, that every PP-OCR sampling read the same way; sealCover.ts about an identifier
 * held for the seal crossing it, sealReread.ts about an identifier the page under the seal reads
 * otherwise, and oneDigitShort.ts about an identifier with one character that is no digit. So a
 * receipt read confidently never starts it; its one worker starts on the first question a reader
 * asks (about 1 CPU-s) and ends with the reader. Its language data comes from @tesseract.js-data
 * (4.0.0_best_int), never from a CDN, and nothing is cached on disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import type { TextBox } from './engines/engine';
import { greySharp, type GreyImage } from './image/greyImage';

/** What a line holds: Chinese text (chi_sim), or a check code's hex digits alone (eng, nothing else allowed). */
export type WitnessScript = 'chinese' | 'hex';

export interface Witness {
  /** The text of each box, read on its own as one line, whitespace removed. */
  read(page: GreyImage, boxes: readonly TextBox[], script: WitnessScript): Promise<string[]>;
  close(): Promise<void>;
}

const LANGUAGE = { chinese: 'chi_sim', hex: 'eng' } as const;

/**
 * The identifier in the witness's (hex) text of its line: the last `length` characters, when before
 * them come no more characters than the line's label held (No. read as 0, or nothing: the whitelist
 * has no letters for it); otherwise null.
 */
export function identifierAfterLabel(witnessed: string, length: number, labelChars: number): string | null {
  if (witnessed.length < length || witnessed.length > length + labelChars) return null;
  return witnessed.slice(-length);
}

/** A tesseract.js witness, one worker per script started on its first read. */
export function createTesseractWitness(): Witness {
  const workers = new Map<WitnessScript, Promise<{ worker: Worker; cachePath: string }>>();
  const start = async (script: WitnessScript) => {
    const lang = LANGUAGE[script];
    const require = createRequire(import.meta.url);
    const langPath = path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
    const cachePath = mkdtempSync(path.join(tmpdir(), 'zhishen-witness-'));
    const started = await createWorker(lang, OEM.LSTM_ONLY, { langPath, cachePath, cacheMethod: 'none', gzip: true });
    await started.setParameters({
      tessedit_pageseg_mode: PSM.SINGLE_LINE,
      user_defined_dpi: '300',
      ...(script === 'hex' ? { tessedit_char_whitelist: '0123456789abcdef' } : {}),
    });
    return { worker: started, cachePath };
  };
  return {
    async read(page, boxes, script) {
      let worker = workers.get(script);
      if (!worker) workers.set(script, (worker = start(script)));
      const { worker: w } = await worker;
      const texts: string[] = [];
      for (const box of boxes) {
        const png = await crop(page, box);
        const { data } = await w.recognize(png);
        texts.push(data.text.replace(/\s+/g, ''));
      }
      return texts;
    },
    async close() {
      for (const worker of workers.values()) {
        const { worker: w, cachePath } = await worker;
        await w.terminate();
        rmSync(cachePath, { recursive: true, force: true });
      }
      workers.clear();
    },
  };
}

/**
 * The box as a PNG on a margin of paper. Not wider than the box: PP-OCR's boxes already reach past
 * the ink, and more would take in a cell's border (read as a 1 or a 3).
 */
function crop(page: GreyImage, box: TextBox): Promise<Buffer> {
  const pad = Math.round((box.y1 - box.y0) * 0.2);
  const left = Math.max(0, Math.floor(box.x0));
  const top = Math.max(0, Math.floor(box.y0) - pad);
  const width = Math.min(page.width, Math.ceil(box.x1)) - left;
  const height = Math.min(page.height, Math.ceil(box.y1) + pad) - top;
  return greySharp(page)
    .extract({ left, top, width, height })
    .extend({ top: 10, bottom: 10, left: 10, right: 10, background: { r: 255, g: 255, b: 255 } })
    .png()
    .toBuffer();
}
