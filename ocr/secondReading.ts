/**
 * A second look at fields read below RB-11's level. A character probability under 0.9 often means
 * only that the recogniser hesitated (a rare surname, a digit touched by a seal), not that it was
 * wrong. The lines that hold such a field are recognised again from other samplings of the same
 * pixels (the crop drawn narrower and wider); when both read the same value as the first reading,
 * each of them at ≥ 0.90, the value is corroborated. A value the readings
 * disagree on keeps its confidence. Only low fields are re-read: a receipt read confidently costs
 * nothing more. Calibrated on 48 image receipts of the tuning layouts (seed 4242, bench/ocrCalibrate.ts):
 * of 35 low fields all three readings agreed on, one was wrong (a 票据号码 digit under the seal, its
 * readings at 0.69, 0.79 and 0.52); requiring just one sure re-reading raised 22 of the 34 right
 * ones and not that one, but on the bench's tuning set it corroborated a 0 read for a 9, so both
 * re-readings must be sure: 12 of the 34 right ones are raised.
 */
import { isDeepStrictEqual } from 'node:util';
import type { OcrEngine, TextBox, TextFragment } from './engines/engine';
import { extractReceipt } from './extract/extractReceipt';
import { TRUSTED } from './extract/infer';
import { locateFields } from './extract/locate';
import type { GreyImage } from './image/greyImage';
import { rowsOf, type Row } from './layout/rows';
import { sumFen, toFen } from '../rules/money';
import type { ReceiptField, ReceiptReading } from './schema';
import type { Witness, WitnessScript } from './witness';

/** The samplings of the second look: the crop drawn this many times as wide. */
const WIDTH_SCALES = [0.8, 1.25] as const;
/** Confidence of a value every reading agrees on. */
export const CORROBORATED = 0.95;
/** A reading below this is too unsure to corroborate anything, even when it agrees. */
const AGREEING_FLOOR = 0.5;

/**
 * Fields a second look may corroborate: those RB-11 checks, minus the total, whose confidence comes
 * from the arithmetic cross-checks rather than from its characters. Items only when Σ items = total
 * holds (their amounts are already confirmed; the look is for the category names).
 */
const SECOND_LOOK_FIELDS = ['code', 'number', 'checkCode', 'issueDate', 'payerName', 'items'] as const satisfies readonly ReceiptField[];

/**
 * Fields another engine may vouch for, each with the shape its value must have: a Chinese name of two
 * to four characters, a check code of six hex digits. Not the digit fields: a digit cut by a seal's
 * ring looks like another digit to every recogniser, so two engines may agree on the wrong one.
 */
const WITNESSED: Partial<Record<ReceiptField, { shaped: (value: unknown) => boolean; script: WitnessScript }>> = {
  payerName: { shaped: (value) => typeof value === 'string' && /^[\u4e00-\u9fa5]{2,4}$/.test(value), script: 'chinese' },
  checkCode: { shaped: (value) => typeof value === 'string' && /^[0-9a-f]{6}$/.test(value), script: 'hex' },
};

export interface SecondLook {
  field: ReceiptField;
  first: { value: unknown; confidence: number };
  others: { value: unknown; confidence: number }[];
  agreed: boolean;
  /** What the other engine read, when it was asked. */
  witness?: unknown;
}

/** The reading with the fields a second look corroborates raised to CORROBORATED, and what was seen. */
export async function secondLook(
  reading: ReceiptReading,
  rows: readonly Row[],
  fragments: readonly TextFragment[],
  page: GreyImage,
  engine: OcrEngine,
  witness?: Witness,
): Promise<{ reading: ReceiptReading; looks: SecondLook[] }> {
  // Only fields another reading could corroborate are looked at: one read below AGREEING_FLOOR, or
  // items whose amounts do not add up to a confirmed total, would keep their confidence whatever the
  // other readings say, so their lines are not recognised again.
  const low = SECOND_LOOK_FIELDS.filter(
    (field) =>
      reading[field] !== null &&
      reading.confidence[field] < TRUSTED &&
      reading.confidence[field] >= AGREEING_FLOOR &&
      (field !== 'items' || itemsAddUp(reading)) &&
      !(reading.inferred ?? []).includes(field),
  );
  if (low.length === 0 || !engine.reread) return { reading, looks: [] };
  const { confidence: _c, source: _s, inferred: _i, layout: _l, ...values } = reading;
  const where = locateFields(rows, values);
  const lines = fragments.filter((fragment) =>
    low.some((field) => {
      const box = where[field];
      if (!box) return false;
      const middle = (fragment.box.y0 + fragment.box.y1) / 2;
      return middle >= box[1] && middle <= box[1] + box[3];
    }),
  );
  if (lines.length === 0) return { reading, looks: [] };
  const others: ReceiptReading[] = [];
  for (const widthScale of WIDTH_SCALES) {
    // Once a sampling has read every low field otherwise, or too unsurely for agreement or the
    // witness to count, no further sampling can change the reading: it is not recognised again.
    if (others.length > 0 && !low.some((field) => where[field] && stillOpen(field, reading, others, witness !== undefined))) break;
    const again = await engine.reread(
      page,
      lines.map((line) => line.box),
      { widthScale },
    );
    others.push(extractReceipt(rowsOf(replaced(fragments, lines, again)), reading.source));
  }
  const confidence = { ...reading.confidence };
  const looks: SecondLook[] = [];
  for (const field of low) {
    if (!where[field]) continue;
    const seen = others.map((other) => ({ value: other[field], confidence: other.confidence[field] }));
    const agreed =
      reading.confidence[field] >= AGREEING_FLOOR &&
      // Both other samplings must read the same value surely: agreement among unsure readings is not
      // evidence (a digit under the seal was read the same wrong way three times at 0.69, 0.79,
      // 0.52), nor is one sure reading among unsure ones (a 0 for a 9 was corroborated that way).
      seen.every((s) => isDeepStrictEqual(s.value, reading[field]) && s.confidence >= TRUSTED) &&
      (field !== 'items' || itemsAddUp(reading));
    const look: SecondLook = { field, first: { value: reading[field], confidence: reading.confidence[field] }, others: seen, agreed };
    if (!agreed && witness && witnessMayVouch(field, reading, seen)) {
      look.witness = await witnessed(field, reading[field], where[field], fragments, page, witness, reading.source);
      look.agreed = isDeepStrictEqual(look.witness, reading[field]);
    }
    if (look.agreed) confidence[field] = Math.max(confidence[field], CORROBORATED);
    looks.push(look);
  }
  return { reading: { ...reading, confidence }, looks };
}

/** Whether the samplings so far leave the field a chance of being corroborated, by PP-OCR or by the witness. */
function stillOpen(field: ReceiptField, reading: ReceiptReading, others: readonly ReceiptReading[], withWitness: boolean): boolean {
  const seen = others.map((other) => ({ value: other[field], confidence: other.confidence[field] }));
  const agreeing = seen.every((s) => isDeepStrictEqual(s.value, reading[field]) && s.confidence >= TRUSTED);
  return agreeing || (withWitness && witnessMayVouch(field, reading, seen));
}

/**
 * The other engine is asked only when every PP-OCR sampling read the same value, the first at ≥ 0.5
 * and each of them at ≥ 0.5 — agreement it could not reach surely — and the value has its field's shape.
 */
function witnessMayVouch(field: ReceiptField, reading: ReceiptReading, seen: readonly { value: unknown; confidence: number }[]): boolean {
  const witnessed = WITNESSED[field];
  return (
    witnessed !== undefined &&
    witnessed.shaped(reading[field]) &&
    reading.confidence[field] >= AGREEING_FLOOR &&
    seen.every((s) => isDeepStrictEqual(s.value, reading[field]) && s.confidence >= AGREEING_FLOOR)
  );
}

/** The field as read from the other engine's reading of the fragments on its line, the rest of the page as it was. */
async function witnessed(
  field: ReceiptField,
  value: unknown,
  box: readonly [number, number, number, number] | undefined,
  fragments: readonly TextFragment[],
  page: GreyImage,
  witness: Witness,
  source: ReceiptReading['source'],
): Promise<unknown> {
  if (!box) return null;
  // Only the fragments on the field's line that hold its value: the other cells (its label among
  // them) keep the first reading, and a line of the wrong script is not put to the witness.
  const lines = fragments.filter((fragment) => {
    const middle = (fragment.box.y0 + fragment.box.y1) / 2;
    return middle >= box[1] && middle <= box[1] + box[3] && fragment.text.toLowerCase().replace(/o/g, '0').includes(String(value));
  });
  if (lines.length === 0) return null;
  const texts = await witness.read(
    page,
    lines.map((line) => line.box),
    WITNESSED[field]!.script,
  );
  const again = lines.map((line, i) => ({ text: texts[i]!, box: line.box, chars: Array.from(texts[i]!, () => 1) }));
  return extractReceipt(rowsOf(replaced(fragments, lines, again)), source)[field];
}

/** Items are only looked at again when their amounts add up to a total the cross-checks confirmed. */
function itemsAddUp(reading: ReceiptReading): boolean {
  if (reading.total === null || reading.items === null || reading.confidence.total < TRUSTED) return false;
  return sumFen(reading.items.map((item) => toFen(item.amount))) === toFen(reading.total);
}

const key = (box: TextBox) => `${box.x0},${box.y0},${box.x1},${box.y1}`;

/** The page's fragments with the re-read lines in place of the first reading of them. */
export function replaced(
  fragments: readonly TextFragment[],
  lines: readonly TextFragment[],
  again: readonly TextFragment[],
): TextFragment[] {
  const reread = new Map(again.map((fragment) => [key(fragment.box), fragment]));
  const lineKeys = new Set(lines.map((line) => key(line.box)));
  return fragments.flatMap((fragment) => {
    const k = key(fragment.box);
    if (!lineKeys.has(k)) return [fragment];
    const other = reread.get(k);
    return other ? [other] : [];
  });
}
