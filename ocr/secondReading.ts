/**
 * A second look at fields read below RB-11's level. A character probability under 0.9 often means
 * only that the recogniser hesitated (a rare surname, a digit touched by a seal), not that it was
 * wrong. The lines that hold such a field are recognised again, first from the same page with the
 * crop drawn 0.8 and 1.25 times as wide; a field that does not agree there is read once more from the
 * band of the upload under its lines prepared at twice the working width (image/band.ts), the crop as
 * wide and 1.25 times as wide. When both readings of either pair give the first reading's value, each
 * at ≥ 0.90, the value is corroborated; a value they disagree on keeps its confidence. Only low
 * fields are re-read: a receipt read confidently costs nothing more. Chosen with
 * bench/ocrSamplings.ts on 112 image receipts of the tuning layouts (seeds 4242 and 5151): of 61 right
 * low fields and 5 wrong ones, the page's pair raises 26 right, the band's 35, either of them 39, and
 * none of them a wrong one (the nearest: a 票据号码 digit under the seal, read 0.96 and 0.896 on the page).
 * One sure re-reading among unsure ones is no evidence (it once corroborated a 0 read for a 9).
 */
import { isDeepStrictEqual } from 'node:util';
import type { OcrEngine, TextBox, TextFragment } from './engines/engine';
import { extractReceipt } from './extract/extractReceipt';
import { TRUSTED } from './extract/infer';
import { locateFields } from './extract/locate';
import type { Band } from './image/band';
import type { GreyImage } from './image/greyImage';
import { rowsOf, type Row } from './layout/rows';
import { sumFen, toFen } from '../rules/money';
import type { ReceiptField, ReceiptReading } from './schema';
import { sealCrosses, witnessReadsIdentifier } from './sealCover';
import type { Witness, WitnessScript } from './witness';

/**
 * The band a field the page did not corroborate is read from: the upload prepared again at this many
 * times the engine's working width, levelled as the first. At the working width a small character in
 * a brush face (颖 in a KaiTi name) has lost strokes to two resamplings, and the recogniser hesitates
 * where a person does not; the finer band shows the upload's own pixels.
 */
export const FINER = 2;
/** The samplings of the page already read: the crop drawn this many times as wide. */
export const PAGE_WIDTH_SCALES = [0.8, 1.25] as const;
/** The samplings of the finer band, for a field the page's did not corroborate. */
export const BAND_WIDTH_SCALES = [1, 1.25] as const;
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
 * to four characters, a check code of six hex digits, a 票据代码 of eight digits and a 票据号码 of ten.
 * The digit fields are read by the other engine in their value's span alone (sealCover.ts), and only
 * where no seal ink crosses it: a digit cut by a seal's ring looks like another digit to every
 * recogniser, so two engines may agree on the wrong one (those are held for the seal instead), while a
 * digit blurred on plain paper is segmented and recognised by each engine in its own way.
 */
const WITNESSED: Partial<Record<ReceiptField, { shaped: (value: unknown) => boolean; script: WitnessScript; inSpan?: true }>> = {
  payerName: { shaped: (value) => typeof value === 'string' && /^[\u4e00-\u9fa5]{2,4}$/.test(value), script: 'chinese' },
  checkCode: { shaped: (value) => typeof value === 'string' && /^[0-9a-f]{6}$/.test(value), script: 'hex' },
  code: { shaped: (value) => typeof value === 'string' && /^\d{8}$/.test(value), script: 'hex', inSpan: true },
  number: { shaped: (value) => typeof value === 'string' && /^\d{10}$/.test(value), script: 'hex', inSpan: true },
};

export interface SecondLook {
  field: ReceiptField;
  first: { value: unknown; confidence: number };
  others: { value: unknown; confidence: number }[];
  agreed: boolean;
  /** What the other engine read, when it was asked. */
  witness?: unknown;
}

/**
 * The reading with the fields a second look corroborates raised to CORROBORATED, and what was seen.
 * The page may say where seal ink lay on it (a prepared page's `sealInk`).
 */
export async function secondLook(
  reading: ReceiptReading,
  rows: readonly Row[],
  fragments: readonly TextFragment[],
  page: GreyImage & { sealInk?: GreyImage | null },
  finer: (boxes: readonly TextBox[]) => Promise<Pick<Band, 'boxOnBand'> & { page: GreyImage }>,
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
  const reread = engine.reread.bind(engine);
  const { confidence: _c, source: _s, inferred: _i, layout: _l, ...values } = reading;
  const where = locateFields(rows, values);
  const lines = fragments.filter((fragment) => low.some((field) => onLineOf(where[field], fragment)));
  if (lines.length === 0) return { reading, looks: [] };
  // Digit fields a seal crosses are left to sealCover.ts: found once, not at every sampling.
  const sealInk = page.sealInk ?? null;
  const underSeal = new Set<ReceiptField>(
    low.filter((field) => WITNESSED[field]?.inSpan === true && sealInk !== null && sealCrosses(fragments, String(reading[field]), sealInk)),
  );
  const mayAskWitness = (field: ReceiptField) => witness !== undefined && !underSeal.has(field);
  // First the page already read, the crop drawn narrower and wider.
  const onPage: ReceiptReading[] = [];
  for (const widthScale of PAGE_WIDTH_SCALES) {
    // Once a sampling has read every low field otherwise, or too unsurely for agreement or the
    // witness to count, no further sampling of the page can change the reading.
    if (onPage.length > 0 && !low.some((field) => where[field] && stillOpen(field, reading, onPage, mayAskWitness(field)))) break;
    const again = await reread(
      page,
      lines.map((line) => line.box),
      { widthScale },
    );
    onPage.push(extractReceipt(rowsOf(replaced(fragments, lines, again)), reading.source));
  }
  // Then, for the fields that did not agree, the finer band under their lines.
  const open = low.filter((field) => where[field] && !agreedBy(field, reading, onPage));
  const onBand = open.length === 0 ? [] : await readFiner(open);
  const confidence = { ...reading.confidence };
  const looks: SecondLook[] = [];
  for (const field of low) {
    if (!where[field]) continue;
    const seenOnPage = onPage.map((other) => ({ value: other[field], confidence: other.confidence[field] }));
    const seenOnBand = open.includes(field) ? onBand.map((other) => ({ value: other[field], confidence: other.confidence[field] })) : [];
    const agreed = agreedBy(field, reading, onPage) || (open.includes(field) && agreedBy(field, reading, onBand));
    const look: SecondLook = {
      field,
      first: { value: reading[field], confidence: reading.confidence[field] },
      others: [...seenOnPage, ...seenOnBand],
      agreed,
    };
    if (!agreed && witness && mayAskWitness(field) && witnessMayVouch(field, reading, seenOnPage)) {
      if (WITNESSED[field]!.inSpan) {
        const seen = await witnessReadsIdentifier(String(reading[field]), fragments, page, witness);
        // The value itself when every span read alike, else what was read there.
        look.witness = seen?.alike ? reading[field] : (seen?.texts ?? null);
      } else look.witness = await witnessed(field, reading[field], where[field], fragments, page, witness, reading.source);
      look.agreed = isDeepStrictEqual(look.witness, reading[field]);
    }
    if (look.agreed) confidence[field] = Math.max(confidence[field], CORROBORATED);
    looks.push(look);
  }
  return { reading: { ...reading, confidence }, looks };

  /** The readings of the open fields' lines on the finer band, the crop as wide and wider. */
  async function readFiner(fields: readonly ReceiptField[]): Promise<ReceiptReading[]> {
    const theirs = lines.filter((line) => fields.some((field) => onLineOf(where[field], line)));
    // A band for each run of neighbouring lines, not one from the first to the last: rows between
    // them would be prepared at four times the pixels for nothing.
    const bands = [];
    for (const group of neighbouring(theirs)) {
      const band = await finer(group.map((line) => line.box));
      const boxes = group.map((line) => band.boxOnBand(line.box));
      bands.push({ page: band.page, boxes, back: new Map(boxes.map((box, i) => [key(box), group[i]!.box])) });
    }
    const readings: ReceiptReading[] = [];
    for (const widthScale of BAND_WIDTH_SCALES) {
      if (readings.length > 0 && !fields.some((field) => agreedBy(field, reading, readings))) break;
      const placed: TextFragment[] = [];
      for (const band of bands) {
        const again = await reread(band.page, band.boxes, { widthScale });
        // Back on the first page's boxes, so that the re-read lines take the place of the first reading's.
        placed.push(...again.map((fragment) => ({ ...fragment, box: band.back.get(key(fragment.box)) ?? fragment.box })));
      }
      readings.push(extractReceipt(rowsOf(replaced(fragments, theirs, placed)), reading.source));
    }
    return readings;
  }
}

/** The lines in runs from top to bottom, a line joining the run above when less than its own height below it. */
function neighbouring(lines: readonly TextFragment[]): TextFragment[][] {
  const runs: { bottom: number; lines: TextFragment[] }[] = [];
  for (const line of [...lines].sort((a, b) => a.box.y0 - b.box.y0)) {
    const last = runs.at(-1);
    if (last && line.box.y0 - last.bottom < line.box.y1 - line.box.y0) {
      last.lines.push(line);
      last.bottom = Math.max(last.bottom, line.box.y1);
    } else runs.push({ bottom: line.box.y1, lines: [line] });
  }
  return runs.map((run) => run.lines);
}

/**
 * Whether every other reading read the field's value as the first did, and surely: agreement among
 * unsure readings is not evidence (a digit under the seal was read the same wrong way three times at
 * 0.69, 0.79, 0.52), nor is one sure reading among unsure ones (a 0 for a 9 was corroborated that way).
 */
function agreedBy(field: ReceiptField, reading: ReceiptReading, others: readonly ReceiptReading[]): boolean {
  return (
    others.length > 0 &&
    reading.confidence[field] >= AGREEING_FLOOR &&
    others.every((other) => isDeepStrictEqual(other[field], reading[field]) && other.confidence[field] >= TRUSTED) &&
    (field !== 'items' || itemsAddUp(reading))
  );
}

/** Whether a fragment's middle lies on the line of a field's box. */
function onLineOf(box: readonly [number, number, number, number] | undefined, fragment: TextFragment): boolean {
  if (!box) return false;
  const middle = (fragment.box.y0 + fragment.box.y1) / 2;
  return middle >= box[1] && middle <= box[1] + box[3];
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
