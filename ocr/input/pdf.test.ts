import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { openPdf, rasterisePdf } from './pdf';

// The process's own built-ins, taken before anything here loads pdfjs.
const NATIVE = {
  push: Array.prototype.push,
  parse: JSON.parse,
  stringify: JSON.stringify,
  functionToString: Function.prototype.toString,
};

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A scan saved as PDF: one full-page picture, no text layer. */
async function scannedPdf(): Promise<Buffer> {
  const width = 600;
  const height = 400;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + Math.floor(i / (width * 3)) * 13) % 256;
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  const doc = await PDFDocument.create();
  const page = doc.addPage([width, height]);
  page.drawImage(await doc.embedPng(png), { x: 0, y: 0, width, height });
  return Buffer.from(await doc.save());
}

/** Canvases of pdfjs's own canvas module, painted and dropped: what reading the next pages does. */
function paintOtherCanvases(count: number): void {
  const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const { createCanvas } = createRequire(path.join(pdfjsDir, 'package.json'))('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  for (let i = 0; i < count; i++) {
    const context = createCanvas(900, 600).getContext('2d');
    context.fillStyle = '#f0f0e0';
    context.fillRect(0, 0, 900, 600);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const digest = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

it('keeps a rasterised page intact after its canvas is collected and its memory reused', async () => {
  const bytes = await scannedPdf();
  const pdf = await openPdf('scan.pdf', bytes);
  const page = await rasterisePdf('scan.pdf', pdf, 900);
  await pdf.document.destroy();
  const before = digest(page.data);
  expect(new Set(page.data.subarray(0, 4000)).size, 'the picture was drawn').toBeGreaterThan(50);

  // The canvas's finalizer runs after a collection, on a later turn of the event loop.
  for (let round = 0; round < 5; round++) {
    collectGarbage();
    await tick();
    paintOtherCanvases(3);
  }
  collectGarbage();
  await tick();

  expect(digest(page.data)).toBe(before);
});

it("leaves the process's own Array.prototype.push, JSON and Function.prototype.toString in place once pdfjs is loaded", async () => {
  const pdf = await openPdf('scan.pdf', await scannedPdf());
  await pdf.document.destroy();
  expect(Array.prototype.push).toBe(NATIVE.push);
  expect(JSON.parse).toBe(NATIVE.parse);
  expect(JSON.stringify).toBe(NATIVE.stringify);
  expect(Function.prototype.toString).toBe(NATIVE.functionToString);
  // Still enumerable nowhere, as the built-ins are: a for…in over an array lists only its items.
  const keys: string[] = [];
  for (const key in [1, 2]) keys.push(key);
  expect(keys).toEqual(['0', '1']);
});
