import { describe, expect, it } from 'vitest';
import { loadConfig } from './env';

describe('worker configuration from the environment', () => {
  it('serves every task queue by default, or the ones ZHISHEN_WORKER_QUEUES names', () => {
    expect(loadConfig({}).worker).toEqual({ queues: ['zhishen', 'legacy-bots', 'ocr'], botSlots: undefined, botTimeoutMs: undefined, ocrSlots: undefined, ocrEngine: 'ppocr' });
    expect(loadConfig({ ZHISHEN_WORKER_QUEUES: ' ocr, ocr ', ZHISHEN_OCR_SLOTS: '3' }).worker).toEqual({ queues: ['ocr'], botSlots: undefined, botTimeoutMs: undefined, ocrSlots: 3, ocrEngine: 'ppocr' });
    expect(loadConfig({ ZHISHEN_BOT_TIMEOUT_MS: '60000' }).worker).toMatchObject({ botTimeoutMs: 60_000 });
    // The OCR engine is the worker's as much as the ocr command's.
    expect(loadConfig({ ZHISHEN_OCR_ENGINE: 'tesseract' }).worker).toMatchObject({ ocrEngine: 'tesseract' });
    expect(() => loadConfig({ ZHISHEN_OCR_ENGINE: 'easyocr' })).toThrow(/ZHISHEN_OCR_ENGINE/);
    expect(loadConfig({ ZHISHEN_WORKER_QUEUES: 'zhishen,legacy-bots', ZHISHEN_BOT_SLOTS: '8' }).worker).toMatchObject({ queues: ['zhishen', 'legacy-bots'], botSlots: 8 });
  });

  it('names the variable and the queues it accepts when a value is wrong', () => {
    expect(() => loadConfig({ ZHISHEN_WORKER_QUEUES: 'ocr,bots' })).toThrow(/ZHISHEN_WORKER_QUEUES.*zhishen, legacy-bots, ocr/);
    expect(() => loadConfig({ ZHISHEN_WORKER_QUEUES: ',' })).toThrow(/ZHISHEN_WORKER_QUEUES/);
    expect(() => loadConfig({ ZHISHEN_BOT_SLOTS: '0' })).toThrow(/ZHISHEN_BOT_SLOTS/);
    expect(() => loadConfig({ ZHISHEN_BOT_TIMEOUT_MS: '5s' })).toThrow(/ZHISHEN_BOT_TIMEOUT_MS/);
  });

  it('retries technical faults at most ZHISHEN_RETRY_MAX_INTERVAL seconds apart, five minutes unless set', () => {
    expect(loadConfig({}).retry).toEqual({ maximumIntervalSeconds: 300 });
    expect(loadConfig({ ZHISHEN_RETRY_MAX_INTERVAL: '5' }).retry).toEqual({ maximumIntervalSeconds: 5 });
    expect(() => loadConfig({ ZHISHEN_RETRY_MAX_INTERVAL: '0' })).toThrow(/ZHISHEN_RETRY_MAX_INTERVAL/);
    expect(() => loadConfig({ ZHISHEN_RETRY_MAX_INTERVAL: '5m' })).toThrow(/ZHISHEN_RETRY_MAX_INTERVAL/);
  });
});
