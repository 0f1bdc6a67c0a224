/**
 * The baseline: Debian's native tesseract (chi_sim, PSM 6) run once over all files as a batch,
 * its TSV words fed to the same layout and field extraction as the engines. PDFs are rendered to
 * PNG first (outside the timing), since tesseract reads no PDF; the wall time of the one batch,
 * divided by the number of files, is its seconds per receipt.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { TextFragment } from '../ocr/engines/engine';
import { extractReceipt, looksLikeReceipt } from '../ocr/extract/extractReceipt';
import { openPdf, rasterisePdf } from '../ocr/input/pdf';
import { rowsOf } from '../ocr/layout/rows';
import type { ReceiptReading } from '../ocr/schema';

const run = promisify(execFile);

export interface NativeResult {
  readings: (ReceiptReading | null)[];
  secondsPerReceipt: number;
}

/** Runs the native tesseract CLI on `files` in one batch; null readings for pages it could not read. */
export async function runNativeTesseract(files: string[]): Promise<NativeResult> {
  const work = await mkdtemp(path.join(tmpdir(), 'zhishen-native-'));
  try {
    const images: string[] = [];
    for (const [i, file] of files.entries()) {
      if (!file.endsWith('.pdf')) {
        images.push(file);
        continue;
      }
      const pdf = await openPdf(file, await readFile(file));
      const png = path.join(work, `page-${i}.png`);
      const page = await rasterisePdf(file, pdf, 1750);
      await writeFile(
        png,
        await sharp(Buffer.from(page.data), { raw: { width: page.width, height: page.height, channels: page.channels } })
          .png()
          .toBuffer(),
      );
      await pdf.document.destroy();
      images.push(png);
    }
    const list = path.join(work, 'files.txt');
    await writeFile(list, images.join('\n') + '\n');
    const started = performance.now();
    await run('tesseract', [list, path.join(work, 'out'), '-l', 'chi_sim', '--psm', '6', '-c', 'preserve_interword_spaces=1', 'tsv'], {
      maxBuffer: 1 << 28,
    });
    const seconds = (performance.now() - started) / 1000;
    const pages = fragmentsByPage(await readFile(path.join(work, 'out.tsv'), 'utf8'));
    const readings = files.map((_, i) => {
      const rows = rowsOf(pages.get(i + 1) ?? []);
      return looksLikeReceipt(rows) ? extractReceipt(rows, 'tesseract') : null;
    });
    return { readings, secondsPerReceipt: seconds / files.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Tesseract TSV words grouped like the tesseract.js engine does: a line splits at wide gaps. */
function fragmentsByPage(tsv: string): Map<number, TextFragment[]> {
  const pages = new Map<number, TextFragment[]>();
  let current: { key: string; fragment: TextFragment; height: number } | null = null;
  for (const line of tsv.split('\n').slice(1)) {
    const cells = line.split('\t');
    if (cells.length < 12 || cells[0] !== '5') continue;
    const [page, block, paragraph, lineNumber, , left, top, width, height, confidence] = cells.slice(1, 11).map(Number) as number[];
    const text = cells.slice(11).join('\t').trim();
    if (text === '') continue;
    const key = `${page}/${block}/${paragraph}/${lineNumber}`;
    const box = { x0: left!, y0: top!, x1: left! + width!, y1: top! + height! };
    const chars = Array.from(text, () => Math.max(0, confidence!) / 100);
    if (current && current.key === key && box.x0 - current.fragment.box.x1 <= current.height) {
      const f = current.fragment;
      f.text += text;
      f.chars.push(...chars);
      f.box = {
        x0: Math.min(f.box.x0, box.x0),
        y0: Math.min(f.box.y0, box.y0),
        x1: Math.max(f.box.x1, box.x1),
        y1: Math.max(f.box.y1, box.y1),
      };
      current.height = Math.max(current.height, height!);
      continue;
    }
    const fragment: TextFragment = { text, box, chars };
    if (!pages.has(page!)) pages.set(page!, []);
    pages.get(page!)!.push(fragment);
    current = { key, fragment, height: height! };
  }
  return pages;
}
