/**
 * Scoring a reading against ground truth: a field is right only when exactly equal (items as a
 * whole list); a wrong field reported at confidence ≥ 0.9 is the failure that matters most.
 */
import type { ReceiptTruth } from '../fixtures/receipts/truth';
import { RECEIPT_FIELDS, type ReceiptField, type ReceiptReading } from '../ocr/schema';

export const TRUSTED_CONFIDENCE = 0.9;

export interface FieldScore {
  field: ReceiptField;
  right: boolean;
  confidence: number;
}

/** Per-field comparison; a file that could not be read scores every field wrong at confidence 0. */
export function scoreReading(truth: ReceiptTruth, reading: ReceiptReading | null): FieldScore[] {
  return RECEIPT_FIELDS.map((field) => ({
    field,
    right: reading !== null && JSON.stringify(reading[field]) === JSON.stringify(truth[field]),
    confidence: reading?.confidence[field] ?? 0,
  }));
}

export interface Tally {
  receipts: number;
  fields: number;
  exact: number;
  wrongAtHighConfidence: number;
  seconds: number;
  /** Fields wrong at ≥ 0.9: file, field, read value, truth — what to look at first. */
  trustedMistakes: string[];
  /** Every field not exact (mostly nulls), in the same form. */
  misses: string[];
}

export function emptyTally(): Tally {
  return { receipts: 0, fields: 0, exact: 0, wrongAtHighConfidence: 0, seconds: 0, trustedMistakes: [], misses: [] };
}

/** Adds one receipt's scores to a tally. */
export function addToTally(
  tally: Tally,
  file: string,
  scores: FieldScore[],
  seconds: number,
  describe: (field: ReceiptField) => string,
): void {
  tally.receipts++;
  tally.seconds += seconds;
  for (const score of scores) {
    tally.fields++;
    if (score.right) tally.exact++;
    else tally.misses.push(`${file} ${score.field}: ${describe(score.field)}`);
    if (!score.right && score.confidence >= TRUSTED_CONFIDENCE) {
      tally.wrongAtHighConfidence++;
      tally.trustedMistakes.push(`${file} ${score.field}: ${describe(score.field)}`);
    }
  }
}

/** The figures the benchmark reports for a tally. */
export function summary(tally: Tally) {
  return {
    receipts: tally.receipts,
    fields: tally.fields,
    exact: tally.exact,
    accuracy: tally.fields === 0 ? 0 : Math.round((tally.exact / tally.fields) * 10000) / 10000,
    wrongAtConfidence090: tally.wrongAtHighConfidence,
    secondsPerReceipt: tally.receipts === 0 ? 0 : Math.round((tally.seconds / tally.receipts) * 1000) / 1000,
    trustedMistakes: tally.trustedMistakes,
    misses: tally.misses,
  };
}
