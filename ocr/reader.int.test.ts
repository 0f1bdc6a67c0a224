import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, type CorpusEntry } from '../fixtures/receipts/corpus';
import type { OcrEngine } from './engines/engine';
import { ReceiptReadError } from './errors';
import { MAX_FILE_BYTES } from './input/limits';
import { createReceiptReader } from './reader';
import { RECEIPT_FIELDS, ReceiptReadingSchema, type ReceiptReading } from './schema';

let dir: string;
let corpus: CorpusEntry[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zhishen-ocr-test-'));
  // A seed of its own: the tests read receipts no tuning has seen.
  corpus = await generateCorpus({ seed: 4242, perKind: 1, outDir: dir });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An engine that records whether it was asked and reads nothing. */
function countingEngine(): OcrEngine & { calls: number } {
  return {
    name: 'ppocr',
    workingWidth: 800,
    calls: 0,
    async recognize() {
      this.calls++;
      return [];
    },
    async close() {},
  };
}

function wrongTrustedFields(reading: ReceiptReading, entry: CorpusEntry): string[] {
  return RECEIPT_FIELDS.filter(
    (field) => JSON.stringify(reading[field]) !== JSON.stringify(entry.truth[field]) && reading.confidence[field] >= 0.9,
  );
}

function exactFields(reading: ReceiptReading, entry: CorpusEntry): number {
  return RECEIPT_FIELDS.filter((field) => JSON.stringify(reading[field]) === JSON.stringify(entry.truth[field])).length;
}

describe('PP-OCR (default engine) on generated receipts of every kind', () => {
  const reader = createReceiptReader();
  afterAll(() => reader.close());

  it('reads each kind with no wrong field at confidence ≥ 0.9 and nearly every field exact', async () => {
    let exact = 0;
    for (const entry of corpus) {
      const reading = ReceiptReadingSchema.parse(await reader.read(path.join(dir, entry.file)));
      expect(wrongTrustedFields(reading, entry), entry.file).toEqual([]);
      exact += exactFields(reading, entry);
    }
    expect(exact / (corpus.length * RECEIPT_FIELDS.length)).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});

describe('tesseract.js engine', () => {
  const reader = createReceiptReader({ engine: 'tesseract', poolSize: 1 });
  afterAll(() => reader.close());

  it('reads a clean receipt offline without reporting a wrong field as certain', async () => {
    const entry = corpus.find((e) => e.kind === 'clean-png')!;
    const reading = await reader.read(path.join(dir, entry.file));
    expect(reading.source).toBe('tesseract');
    expect(wrongTrustedFields(reading, entry)).toEqual([]);
    expect(exactFields(reading, entry)).toBeGreaterThanOrEqual(6);
  }, 120_000);
});

describe('PDFs', () => {
  it('reads a PDF with a text layer as text, without calling the OCR engine', async () => {
    const engine = countingEngine();
    const reader = createReceiptReader({ ocrEngine: engine });
    const entry = corpus.find((e) => e.kind === 'pdf-text')!;
    const reading = await reader.read(path.join(dir, entry.file));
    expect(engine.calls).toBe(0);
    expect(reading.source).toBe('pdf-text');
    expect(exactFields(reading, entry)).toBe(RECEIPT_FIELDS.length);
    await reader.close();
  });

  it('rasterises a PDF without a text layer and sends it to OCR', async () => {
    const engine = countingEngine();
    const reader = createReceiptReader({ ocrEngine: engine });
    const entry = corpus.find((e) => e.kind === 'pdf-scan')!;
    await expect(reader.read(path.join(dir, entry.file))).rejects.toThrow(/not a medical receipt/);
    expect(engine.calls).toBe(1);
  });

  it('refuses a PDF with too many pages', async () => {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 6; i++) pdf.addPage([200, 200]);
    const reader = createReceiptReader({ ocrEngine: countingEngine() });
    await expect(reader.read({ bytes: Buffer.from(await pdf.save()), name: 'long.pdf' })).rejects.toThrow(/long\.pdf: too many pages/);
  });

  it('refuses a PDF whose text is not a receipt', async () => {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([400, 300]);
    page.drawText('Minutes of the meeting', { x: 20, y: 200, font: await pdf.embedFont(StandardFonts.Helvetica), size: 18 });
    const engine = countingEngine();
    const reader = createReceiptReader({ ocrEngine: engine });
    await expect(reader.read({ bytes: Buffer.from(await pdf.save()), name: 'minutes.pdf' })).rejects.toThrow(
      /minutes\.pdf: not a medical receipt/,
    );
  });
});

describe('unreadable input is a clear ReceiptReadError', () => {
  const reader = createReceiptReader({ ocrEngine: countingEngine() });

  it('names a missing file', async () => {
    await expect(reader.read(path.join(dir, 'nope.png'))).rejects.toThrow(/nope\.png: cannot read the file \(no such file\)/);
  });

  it('refuses an unsupported type', async () => {
    const error = await reader.read({ bytes: Buffer.from('hello, world'), name: 'notes.png' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReceiptReadError);
    expect((error as ReceiptReadError).message).toBe('notes.png: unsupported file type: text, not an image (expected PNG, JPEG or PDF)');
    const binary = await reader.read({ bytes: Buffer.from([1, 2, 3, 4, 0, 5]), name: 'blob.png' }).catch((e: unknown) => e);
    expect((binary as ReceiptReadError).message).toBe('blob.png: unsupported file type (.png content) (expected PNG, JPEG or PDF)');
  });

  it('refuses a broken image', async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expect(reader.read({ bytes: png.subarray(0, 60), name: 'cut.png' })).rejects.toThrow(/cut\.png: not a readable image/);
  });

  it('refuses a broken PDF', async () => {
    await expect(reader.read({ bytes: Buffer.from('%PDF-1.7\nthis is not really a pdf'), name: 'bad.pdf' })).rejects.toThrow(
      /bad\.pdf: not a readable PDF/,
    );
  });

  it('refuses an oversized file before decoding it', async () => {
    const big = path.join(dir, 'big.jpg');
    await writeFile(big, Buffer.alloc(MAX_FILE_BYTES + 1, 0xff));
    await expect(reader.read(big)).rejects.toThrow(/big\.jpg: file too large/);
  });

  it('says an image without receipt text is not a receipt', async () => {
    const blank = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expect(reader.read({ bytes: blank, name: 'blank.png' })).rejects.toThrow(/blank\.png: not a medical receipt/);
  });
});
