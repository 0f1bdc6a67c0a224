/** The receipt reader (RECEIPTS.md): public API of ocr/. */
export { createReceiptReader, type ReceiptReader } from './reader';
export { ocrActivities } from './activity';
