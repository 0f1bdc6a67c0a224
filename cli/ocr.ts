/**
 * `client.ts ocr FILE...` (CONTRACT.md): one JSON Lines line per file in argument order — the
 * `receipts[i]`-shaped reading with `confidence` and `"file"`, or `{"file", "error"}` for a file
 * that is unreadable or not a receipt. The reader's engine comes from ZHISHEN_OCR_ENGINE
 * (ppocr | tesseract; default ppocr). Files are read a core's worth at a time, and printed in order.
 */
import { availableParallelism } from 'node:os';
import { loadConfig } from '../config/env';
import type { EngineName } from '../ocr/engines/engine';
import { ReceiptReadError } from '../ocr/errors';
import { createReceiptReader } from '../ocr/reader';

/** Reads the files, several at once, and prints one line per file in order; returns 2 if any failed, else 0. */
export async function runOcr(
  files: string[],
  out: (line: string) => void,
  engine: EngineName = loadConfig().worker.ocrEngine,
): Promise<number> {
  // One receipt a core, each read by one thread, keeps the cores busier than one receipt at a time on
  // all of them (ocr/README.md, "Reading many receipts"); a single file gets every core.
  const cores = availableParallelism();
  const pages = Math.max(1, Math.min(files.length, cores));
  const reader = createReceiptReader({ engine, pages, threads: Math.max(1, Math.floor(cores / pages)) });
  const read = async (file: string): Promise<{ line: string; failed: boolean }> => {
    try {
      // The contract prints the receipts[i] fields and confidences; where they stood is for the console.
      const { source: _source, layout: _layout, ...reading } = await reader.read(file);
      return { line: JSON.stringify({ file, ...reading }), failed: false };
    } catch (error) {
      const message =
        error instanceof ReceiptReadError
          ? error.problem
          : `cannot read the receipt (${error instanceof Error ? error.message : String(error)})`;
      return { line: JSON.stringify({ file, error: message }), failed: true };
    }
  };
  let status = 0;
  try {
    const reading: Promise<{ line: string; failed: boolean }>[] = [];
    const startNext = () => {
      const file = files[reading.length];
      if (file !== undefined) reading.push(read(file));
    };
    for (let i = 0; i < pages; i++) startNext();
    for (let i = 0; i < files.length; i++) {
      const { line, failed } = await reading[i]!;
      if (failed) status = 2;
      out(line);
      startNext();
    }
  } finally {
    await reader.close();
  }
  return status;
}
