import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { workerReceiptReader } from '../worker';

const SAMPLE = path.join(import.meta.dirname, '..', 'fixtures', 'receipts', 'samples', 'clean-png-001.png');

describe("a worker's OCR engine", () => {
  it.each(['tesseract', 'ppocr'] as const)(
    'reads receipts with ZHISHEN_OCR_ENGINE=%s',
    async (engine) => {
      const reader = workerReceiptReader(loadConfig({ ZHISHEN_OCR_ENGINE: engine }));
      try {
        expect((await reader.read(SAMPLE)).source).toBe(engine);
      } finally {
        await reader.close();
      }
    },
    120_000,
  );
});
