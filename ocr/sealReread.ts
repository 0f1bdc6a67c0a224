/**
 * An identifier read unsurely where a red seal crosses it, read again on the page as seen under the
 * seal. The grey page fades the seal by lifting its pixels towards white, and with them any stroke
 * of black print the ink lies over: a digit under the 票据监制章's ring loses part of itself and is
 * read low, so the case goes to a clerk. In the red channel, red ink is light and black print under
 * it stays dark, so the same line cut from a page whose seal pixels take their red value
 * (`underSeal` in image/seal.ts) shows the digit whole. But the red value also keeps what the ring's
 * edges leave there: a photo's colour is coarser than its brightness, so a ring's edge is less red than
 * its middle and stays as a faint grey arc, and an arc across a 3's open side reads, surely, as an 8.
 * The page under the seal can add strokes where the faded page loses them. So the re-read is taken
 * only when it has its field's form, keeps every character the first reading was sure of, and is
 * itself read at ≥ 0.90; and then either it reads the first value again (the two pages, which err in
 * opposite ways, agree) or tesseract (the witness, eng limited to 0–9a–f) reads its value on the same
 * line of the page under the seal. Anything else leaves the first reading as it was.
 */
import { preparePage, type OcrEngine, type TextFragment } from './engines/engine';
import { extractReceipt } from './extract/extractReceipt';
import { identifierInForm } from './extract/fields';
import { TRUSTED } from './extract/infer';
import type { PageImage, PreparedImage } from './image/preprocess';
import { rowsOf } from './layout/rows';
import type { ReceiptReading } from './schema';
import { IDENTIFIERS, sealCrossedSpan } from './sealCover';
import { replaced } from './secondReading';
import { identifierAfterLabel, type Witness } from './witness';

/** Confidence of an identifier re-read under the seal in its form, with the first reading's sure characters. */
export const SEAL_REREAD = 0.95;
/** A character of the first reading at or above this is sure: the re-read must read it alike. */
const SURE_CHARACTER = 0.99;

export interface SealReread {
  field: (typeof IDENTIFIERS)[number];
  first: { value: string; confidence: number };
  reread: { value: unknown; confidence: number };
  /** Whether PP-OCR's re-read passed on its own: in form, sure characters kept, read at ≥ 0.90. */
  readSurely: boolean;
  /** What the witness read on the value's lines, when PP-OCR's re-read passed with another value. */
  witnessed: string[];
  accepted: boolean;
}

/**
 * The reading with each low, seal-crossed identifier replaced by its re-reading under the seal at
 * SEAL_REREAD when that re-reading passes; what was re-read, for calibration and tests.
 */
export async function rereadUnderSeal(
  reading: ReceiptReading,
  fragments: readonly TextFragment[],
  prepared: PreparedImage,
  page: PageImage,
  engine: OcrEngine,
  witness: Witness,
): Promise<{ reading: ReceiptReading; rereads: SealReread[] }> {
  const { sealInk } = prepared;
  if (sealInk === null || !engine.reread) return { reading, rereads: [] };
  const crossed = IDENTIFIERS.flatMap((field) => {
    const value = reading[field];
    if (value === null || reading.confidence[field] >= TRUSTED || (reading.inferred ?? []).includes(field)) return [];
    const lines = fragments.filter((fragment) => sealCrossedSpan(fragment, value, sealInk) !== null);
    return lines.length === 0 ? [] : [{ field, value, lines }];
  });
  if (crossed.length === 0) return { reading, rereads: [] };
  // Prepared once for every crossed field, levelled and denoised as the first page was, so that the
  // first reading's boxes fall on the same text.
  const options = {
    workingWidth: engine.workingWidth,
    like: { skewDegrees: prepared.steps.skewDegrees, denoised: prepared.steps.denoised },
    underSeal: true,
  };
  const seen = await preparePage(engine, page, options);
  let result = reading;
  const rereads: SealReread[] = [];
  for (const { field, value, lines } of crossed) {
    const again = await engine.reread(
      seen,
      lines.map((line) => line.box),
      { widthScale: 1 },
    );
    const other = extractReceipt(rowsOf(replaced(fragments, lines, again)), reading.source);
    const reread = { value: other[field], confidence: other.confidence[field] };
    const readSurely =
      typeof reread.value === 'string' &&
      identifierInForm(field, reread.value) &&
      reread.confidence >= TRUSTED &&
      lines.every((line) => keepsSureCharacters(line, value, reread.value as string));
    // A re-read that changes the value needs the witness; one that reads the first value surely is the
    // faded page and the page under the seal agreeing, and they err in opposite ways.
    const changed = readSurely && reread.value !== value;
    const witnessed = changed
      ? await witness.read(
          seen,
          lines.map((line) => line.box),
          'hex',
        )
      : [];
    const accepted = readSurely && (!changed || witnessed.some((text, i) => witnessReads(text, reread.value as string, lines[i]!, value)));
    rereads.push({ field, first: { value, confidence: reading.confidence[field] }, reread, readSurely, witnessed, accepted });
    if (accepted) result = { ...result, [field]: reread.value, confidence: { ...result.confidence, [field]: SEAL_REREAD } };
  }
  return { reading: result, rereads };
}

/**
 * Whether the re-read value has, at every place where the line's first reading of the value was sure
 * of its character, that same character. The value must stand in the line as it was read (the same
 * length once whitespace is dropped); a line where it cannot be found vouches for nothing.
 */
function keepsSureCharacters(line: TextFragment, first: string, reread: string): boolean {
  const kept = [...line.text].flatMap((char, i) => (/\s/.test(char) ? [] : [{ char, confidence: line.chars[i] ?? 0 }]));
  const at = kept
    .map((k) => k.char)
    .join('')
    .indexOf(first);
  if (at < 0 || reread.length !== first.length) return false;
  return [...first].every((char, i) => kept[at + i]!.confidence < SURE_CHARACTER || reread[i] === char);
}

/**
 * Whether the witness's text of a line is the re-read value after the line's label: no more
 * characters before it than the line held before the first reading's value.
 */
function witnessReads(witnessed: string, value: string, line: TextFragment, first: string): boolean {
  const before = line.text.replace(/\s/g, '').indexOf(first);
  return before >= 0 && identifierAfterLabel(witnessed, value.length, before) === value;
}
