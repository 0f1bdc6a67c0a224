/**
 * PDFs: e-invoices carry a text layer, read as positioned text without OCR; PDFs without one (a
 * scan saved as PDF) are rasterised for the OCR path. pdfjs-dist runs in-process with its bundled
 * CMaps and standard fonts, nothing fetched.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/types/src/display/api';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { uniformFragment, type TextFragment } from '../engines/engine';
import type { RawPixels } from '../image/preprocess';
import { ReceiptReadError } from '../errors';
import { MAX_IMAGE_PIXELS, MAX_PDF_PAGE_POINTS, MAX_PDF_PAGES } from './limits';
import { findActiveContent } from './pdfActiveContent';

export interface PdfReceipt {
  document: PDFDocumentProxy;
  pageCount: number;
}

/**
 * The @napi-rs/canvas that pdfjs-dist itself loads (it may nest its own version): pdfjs draws its
 * intermediate canvases with it, and mixing two copies of the native module crashes the process.
 */
function pdfjsCanvas(): typeof import('@napi-rs/canvas') {
  const require = createRequire(path.join(pdfjsDir(), 'package.json'));
  return require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
}

function pdfjsDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('pdfjs-dist/package.json'));
}

let pdfjs: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | undefined;

/**
 * Built-ins the legacy build's core-js polyfills replace process-wide although Node 20 has them:
 * JSON.stringify (for JSON.rawJSON, which Node 20 lacks and nobody here uses) by one that calls back
 * into JavaScript for every value, JSON.parse (for the reviver's source text), Array.prototype.push
 * (for a length past 2³², which V8 11 handles differently) by a JavaScript loop, and
 * Function.prototype.toString (to make those look native). Every message Playwright exchanges with
 * Chromium, every Temporal payload, store row and array of the worker then paid for them: about 10%
 * of a worker's CPU for JSON.stringify alone (`npm run bench --profile`), 6% of a text PDF's for push.
 */
const REPLACED_BUILT_INS: readonly (readonly [object, PropertyKey])[] = [
  [JSON, 'stringify'],
  [JSON, 'parse'],
  [Array.prototype, 'push'],
  [Function.prototype, 'toString'],
];

/**
 * pdfjs-dist and its worker, loaded once, with the process's own built-ins given back
 * (REPLACED_BUILT_INS). The worker module is loaded here too, so that its own copy of the polyfills
 * runs now and not at the first PDF; pdfjs then uses it in this thread, as it would have after
 * importing it itself.
 */
function loadPdfjs(): Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> {
  pdfjs ??= (async () => {
    const natives = REPLACED_BUILT_INS.map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)!] as const);
    try {
      const api = await import('pdfjs-dist/legacy/build/pdf.mjs');
      // @ts-expect-error no types for the worker bundle; it registers itself as globalThis.pdfjsWorker
      await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
      return api;
    } finally {
      for (const [owner, key, descriptor] of natives) Object.defineProperty(owner, key, descriptor);
    }
  })();
  return pdfjs;
}

/**
 * Opens a PDF; a broken, password-protected or oversized one, or one with active content
 * (pdfActiveContent.ts), is a ReceiptReadError. Nothing in the file is ever run: pdfjs has no
 * scripting sandbox here, eval is off (fonts' PostScript functions are interpreted, not compiled)
 * and XFA forms are not rendered.
 */
export async function openPdf(name: string, bytes: Buffer): Promise<PdfReceipt> {
  const { getDocument } = await loadPdfjs();
  const dir = pdfjsDir();
  let document: PDFDocumentProxy;
  try {
    document = await getDocument({
      data: new Uint8Array(bytes),
      cMapUrl: `${path.join(dir, 'cmaps')}/`,
      cMapPacked: true,
      standardFontDataUrl: `${path.join(dir, 'standard_fonts')}/`,
      isEvalSupported: false,
      enableXfa: false,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (error) {
    if (error instanceof Error && error.name === 'PasswordException') {
      throw new ReceiptReadError(name, 'the PDF is password-protected; ask for the e-invoice without a password');
    }
    throw new ReceiptReadError(
      name,
      `not a readable PDF: damaged or cut short (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    if (document.numPages > MAX_PDF_PAGES) {
      throw new ReceiptReadError(name, `too many pages for a receipt (${document.numPages}; at most ${MAX_PDF_PAGES})`);
    }
    const active = await findActiveContent(bytes, document);
    if (active.length > 0) {
      throw new ReceiptReadError(
        name,
        `the PDF contains active content (${active.join(', ')}), which no receipt has; it was not read: ask for the original e-invoice`,
      );
    }
    const { width, height } = (await document.getPage(1)).getViewport({ scale: 1 });
    if (width > MAX_PDF_PAGE_POINTS || height > MAX_PDF_PAGE_POINTS) {
      throw new ReceiptReadError(
        name,
        `page too large for a receipt (${Math.round(width)}×${Math.round(height)} pt; at most ${MAX_PDF_PAGE_POINTS} pt a side)`,
      );
    }
  } catch (error) {
    await document.destroy();
    if (error instanceof ReceiptReadError) throw error;
    throw new ReceiptReadError(name, `not a readable PDF (${error instanceof Error ? error.message : String(error)})`);
  }
  return { document, pageCount: document.numPages };
}

/** The text layer of page 1 as fragments in page pixels at `scale` (1 = 72 dpi); empty when it has none. */
export async function pdfTextFragments(pdf: PdfReceipt, scale = 2): Promise<TextFragment[]> {
  const page = await pdf.document.getPage(1);
  const viewport = page.getViewport({ scale });
  const content = await page.getTextContent();
  const pieces: TextFragment[] = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    const text = item as TextItem;
    const [x, y] = viewport.convertToViewportPoint(text.transform[4] as number, text.transform[5] as number) as [number, number];
    const height = Math.abs((text.transform[3] as number) || text.height) * scale;
    pieces.push(uniformFragment(text.str, { x0: x, y0: y - height, x1: x + text.width * scale, y1: y }, 1));
  }
  return mergeAdjacent(pieces);
}

/** Text runs split mid-word (one per glyph run) are joined when they touch on the same baseline. */
function mergeAdjacent(pieces: TextFragment[]): TextFragment[] {
  const sorted = [...pieces].sort((a, b) => a.box.y1 - b.box.y1 || a.box.x0 - b.box.x0);
  const merged: TextFragment[] = [];
  for (const piece of sorted) {
    const last = merged[merged.length - 1];
    const height = piece.box.y1 - piece.box.y0;
    if (
      last &&
      Math.abs(last.box.y1 - piece.box.y1) < height * 0.3 &&
      piece.box.x0 - last.box.x1 < height * 0.6 &&
      piece.box.x0 >= last.box.x0
    ) {
      // A wide gap between runs is a space in the printed text: keep it, rows drop spaces anyway.
      last.text += piece.box.x0 - last.box.x1 > height * 0.25 ? ` ${piece.text}` : piece.text;
      last.chars = Array.from(last.text, () => 1);
      last.box = {
        x0: last.box.x0,
        y0: Math.min(last.box.y0, piece.box.y0),
        x1: Math.max(last.box.x1, piece.box.x1),
        y1: Math.max(last.box.y1, piece.box.y1),
      };
    } else {
      merged.push({ ...piece, box: { ...piece.box } });
    }
  }
  return merged;
}

/**
 * Page 1 rendered about `targetWidth` pixels wide, for OCR, as the canvas's RGBA pixels: encoding
 * them to PNG took 0.45 CPU-s a page, twice the rendering, for a decoder to undo.
 */
export async function rasterisePdf(name: string, pdf: PdfReceipt, targetWidth: number): Promise<RawPixels> {
  const page = await pdf.document.getPage(1);
  const base = page.getViewport({ scale: 1 });
  let scale = targetWidth / base.width;
  if (base.width * base.height * scale * scale > MAX_IMAGE_PIXELS) scale = Math.sqrt(MAX_IMAGE_PIXELS / (base.width * base.height));
  const viewport = page.getViewport({ scale });
  const canvas = pdfjsCanvas().createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  try {
    await page.render({
      canvas: canvas as unknown as HTMLCanvasElement,
      canvasContext: context as unknown as CanvasRenderingContext2D,
      viewport,
    }).promise;
  } catch (error) {
    throw new ReceiptReadError(name, `cannot render the PDF page (${error instanceof Error ? error.message : String(error)})`);
  }
  // The page was painted white first, so every pixel is opaque and premultiplying changed nothing.
  // canvas.data() lends the canvas's own pixels, unowned: they are freed with the canvas at its next
  // collection and their memory handed to the next allocation, so the page takes a copy of them.
  return { width: canvas.width, height: canvas.height, channels: 4, data: new Uint8Array(canvas.data()) };
}
