/**
 * `client.ts ocr FILE...` (CONTRACT.md): one JSON Lines line per file in argument order — the
 * `receipts[i]`-shaped reading with `confidence` and `"file"`, or `{"file", "error"}` for a file
 * that is unreadable or not a receipt. The reader's engine comes from ZHISHEN_OCR_ENGINE
 * (ppocr | tesseract; default ppocr).
 */
import { loadConfig } from '../config/env';
import { ReceiptReadError } from '../ocr/errors';
import { createReceiptReader } from '../ocr/reader';

/** Reads each file in order and prints one line per file; returns 2 if any failed, else 0. */
export async function runOcr(files: string[], out: (line: string) => void): Promise<number> {
  const reader = createReceiptReader({ engine: loadConfig().worker.ocrEngine });
  let status = 0;
  try {
    for (const file of files) {
      try {
        // The contract prints the receipts[i] fields and confidences; where they stood is for the console.
        const { source: _source, layout: _layout, ...reading } = await reader.read(file);
        out(JSON.stringify({ file, ...reading }));
      } catch (error) {
        status = 2;
        const message =
          error instanceof ReceiptReadError
            ? error.problem
            : `cannot read the receipt (${error instanceof Error ? error.message : String(error)})`;
        out(JSON.stringify({ file, error: message }));
      }
    }
  } finally {
    await reader.close();
  }
  return status;
}
