/** The receipt reader (RECEIPTS.md): public API of ocr/. */
export { createReceiptReader, type ReceiptReader, type ReceiptReaderOptions } from './reader';
export { ocrActivities } from './activity';
