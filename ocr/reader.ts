/**
 * The receipt reader: bytes in, a receipt reading out. A PDF's text layer is read as text; images
 * and PDFs without text are preprocessed and OCR'd by the chosen engine. Either way the same
 * layout, field extraction and cross-checks produce the reading.
 */
import { availableParallelism } from 'node:os';
import { locateFields } from './extract/locate';
import { preparePage, type EngineName, type OcrEngine, type TextBox, type TextFragment } from './engines/engine';
import { OcrThreadStoppedError } from './engines/ppocr';
import { acquireEngine, releaseEngine } from './engines/registry';
import { ReceiptReadError } from './errors';
import { extractReceipt, looksLikeReceipt } from './extract/extractReceipt';
import { prepareBand } from './image/band';
import type { PageImage } from './image/preprocess';
import { loadReceiptFile, type ReceiptInput } from './input/load';
import { openPdf, pdfTextFragments, rasterisePdf } from './input/pdf';
import { rowsOf } from './layout/rows';
import type { ReceiptReading } from './schema';
import { fillOneDigitShort } from './oneDigitShort';
import { holdSealCoveredIdentifiers, witnessSealCovered } from './sealCover';
import { rereadUnderSeal } from './sealReread';
import { FINER, secondLook } from './secondReading';
import { createTesseractWitness, type Witness } from './witness';

/** The default engine, chosen by `npm run bench:ocr` (README: PP-OCRv4 is more accurate at lower cost). */
const DEFAULT_ENGINE: EngineName = 'ppocr';

export interface ReceiptReaderOptions {
  engine?: EngineName;
  /** Tesseract workers; defaults to the number of cores. */
  poolSize?: number;
  /** Threads of one PP-OCR model run; defaults to the number of cores. */
  threads?: number;
  /** Receipts PP-OCR reads at once, each in its own thread (reads called together); defaults to one. */
  pages?: number;
  /** An engine to use instead of the shared one (tests count its calls). */
  ocrEngine?: OcrEngine;
}

export interface ReceiptReader {
  /** Reads one receipt; throws ReceiptReadError for a file that is unreadable or not a receipt. */
  read(input: ReceiptInput): Promise<ReceiptReading>;
  /** Releases the engine (the last reader of the process closes it). */
  close(): Promise<void>;
}

/** A reader on the shared engine of the given kind (default PP-OCR). */
export function createReceiptReader(options: ReceiptReaderOptions = {}): ReceiptReader {
  const name = options.ocrEngine?.name ?? options.engine ?? DEFAULT_ENGINE;
  let engine: Promise<OcrEngine> | null = null;
  const getEngine = () =>
    (engine ??= options.ocrEngine
      ? Promise.resolve(options.ocrEngine)
      : acquireEngine(name, { poolSize: options.poolSize ?? availableParallelism(), threads: options.threads, pages: options.pages }));
  let closed = false;
  // The second look's other engine, started only when a low field needs its opinion.
  const witness: Witness = createTesseractWitness();

  return {
    async read(input) {
      if (closed) throw new Error('receipt reader is closed');
      const file = await loadReceiptFile(input);
      if (file.kind !== 'pdf') return readImage(file.name, file.bytes, await getEngine(), witness);
      const pdf = await openPdf(file.name, file.bytes);
      try {
        const rows = rowsOf(await pdfTextFragments(pdf));
        // Text that is already text is not OCR'd; a text layer that is not a receipt (a scan with a
        // stray header) falls through to OCR of the rendered page.
        if (looksLikeReceipt(rows)) return extractReceipt(rows, 'pdf-text');
        const ocr = await getEngine();
        return await readImage(file.name, await rasterisePdf(file.name, pdf, ocr.workingWidth * 1.25), ocr, witness);
      } finally {
        await pdf.document.destroy();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await witness.close();
      if (engine !== null && !options.ocrEngine) await releaseEngine(name);
    },
  };
}

async function readImage(name: string, image: PageImage, engine: OcrEngine, witness: Witness): Promise<ReceiptReading> {
  let prepared;
  try {
    const options = { workingWidth: engine.workingWidth };
    prepared = await preparePage(engine, image, options);
  } catch (error) {
    // The engine's thread ended: not the file's fault, and a retry reads it.
    if (error instanceof OcrThreadStoppedError) throw error;
    throw new ReceiptReadError(
      name,
      `not a readable image: damaged or cut short (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const fragments: TextFragment[] = await engine.recognize(prepared);
  const rows = rowsOf(fragments);
  if (!looksLikeReceipt(rows)) throw new ReceiptReadError(name, 'not a medical receipt (no 票据代码, 票据号码, 合计 or 交款人 found)');
  const finer = (boxes: readonly TextBox[]) =>
    prepareBand(image, prepared, boxes, Math.round(engine.workingWidth * FINER), (page, options) => preparePage(engine, page, options));
  const looked = await secondLook(extractReceipt(rows, engine.name), rows, fragments, prepared, finer, engine, witness);
  const held = holdSealCoveredIdentifiers(looked.reading, fragments, prepared.sealInk);
  const vouched = await witnessSealCovered(held.reading, held.covered, fragments, prepared, witness);
  const underSeal = await rereadUnderSeal(vouched, fragments, prepared, image, engine, witness);
  const reading = await fillOneDigitShort(underSeal.reading, rows, fragments, prepared, witness);
  const { confidence: _confidence, source: _source, ...values } = reading;
  return { ...reading, layout: { width: prepared.width, height: prepared.height, boxes: locateFields(rows, values) } };
}
