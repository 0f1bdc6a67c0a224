/**
 * What the reader returns for one receipt: the `receipts[i]` fields of POLICY.md §3, each null when
 * it could not be read, and a confidence per field (0..1) that the cross-checks have already
 * adjusted. RB-11 sends any of code, number, checkCode, issueDate, payerName, total, items below
 * 0.90 to review.
 */
import { z } from 'zod';
import { DateSchema, MoneySchema } from '../rules/formats';

export const RECEIPT_FIELDS = [
  'code',
  'number',
  'checkCode',
  'issueDate',
  'payerName',
  'payerId',
  'hospitalName',
  'total',
  'totalInWords',
  'items',
  'fundPaid',
  'accountPaid',
  'cashPaid',
] as const;
export type ReceiptField = (typeof RECEIPT_FIELDS)[number];

const Confidence = z.number().min(0).max(1);

const ReceiptItemSchema = z.object({ category: z.string(), amount: MoneySchema });

export const ReceiptReadingSchema = z.object({
  code: z.string().nullable(),
  number: z.string().nullable(),
  checkCode: z.string().nullable(),
  issueDate: DateSchema.nullable(),
  payerName: z.string().nullable(),
  payerId: z.string().nullable(),
  hospitalName: z.string().nullable(),
  total: MoneySchema.nullable(),
  totalInWords: z.string().nullable(),
  items: z.array(ReceiptItemSchema).nullable(),
  fundPaid: MoneySchema.nullable(),
  accountPaid: MoneySchema.nullable(),
  cashPaid: MoneySchema.nullable(),
  confidence: z.object(Object.fromEntries(RECEIPT_FIELDS.map((field) => [field, Confidence])) as Record<ReceiptField, typeof Confidence>),
  /**
   * Fields that were not read but worked out from the receipt's arithmetic (total = fund + account +
   * cash, Σ items = total, 大写 = 小写); absent when every value was read.
   */
  inferred: z.array(z.enum(RECEIPT_FIELDS)).optional(),
  /** How the text was obtained: a PDF's text layer or an OCR engine. */
  source: z.enum(['pdf-text', 'ppocr', 'tesseract']),
  /**
   * Where each field was read on the page OCR saw (the image scaled to the engine's working width),
   * as [x, y, width, height] of its line, so that a clerk sees what was read where. Absent for a
   * PDF's text layer.
   */
  layout: z
    .object({
      width: z.number().positive(),
      height: z.number().positive(),
      boxes: z.record(z.string(), z.tuple([z.number(), z.number(), z.number(), z.number()])),
    })
    .optional(),
});
export type ReceiptReading = z.infer<typeof ReceiptReadingSchema>;
export type ReceiptValues = Omit<ReceiptReading, 'confidence' | 'source'>;
