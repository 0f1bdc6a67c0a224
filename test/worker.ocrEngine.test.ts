import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { availableParallelism } from 'node:os';
import { workerReaderOptions, workerReceiptReader } from '../worker';

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

  it('gives each ocr slot a model thread of its own in a process that serves only the ocr queue, and one beside the bots', () => {
    const cores = availableParallelism();
    expect(workerReaderOptions(loadConfig({}))).toEqual({ engine: 'ppocr', threads: 1, pages: 1, poolSize: cores });
    expect(workerReaderOptions(loadConfig({ ZHISHEN_WORKER_QUEUES: 'ocr,legacy-bots' }))).toMatchObject({ pages: 1 });
    expect(workerReaderOptions(loadConfig({ ZHISHEN_WORKER_QUEUES: 'ocr' }))).toEqual({
      engine: 'ppocr',
      threads: 1,
      pages: cores,
      poolSize: cores,
    });
    expect(workerReaderOptions(loadConfig({ ZHISHEN_WORKER_QUEUES: 'ocr', ZHISHEN_OCR_SLOTS: '3' }))).toMatchObject({
      pages: 3,
      poolSize: 3,
    });
    // The queues a test or the benchmark passes to startWorkers() count over the configuration's.
    expect(workerReaderOptions(loadConfig({}), ['ocr'])).toMatchObject({ pages: cores });
  });
});
