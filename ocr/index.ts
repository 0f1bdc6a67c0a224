/** The receipt reader (RECEIPTS.md): public API of ocr/. */
export { createReceiptReader, DEFAULT_ENGINE, type ReceiptReader, type ReceiptReaderOptions } from './reader';
export { ReceiptReadError } from './errors';
export { ReceiptReadingSchema, RECEIPT_FIELDS, type ReceiptReading, type ReceiptField } from './schema';
export { ENGINE_NAMES, type EngineName } from './engines/engine';
export { ocrActivities, OCR_TASK_QUEUE, type ReadReceiptsInput, type ReadReceiptsResult } from './activity';
export type { ReceiptInput } from './input/load';
