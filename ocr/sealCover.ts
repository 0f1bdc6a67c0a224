/**
 * Identifiers crossed by a seal. A stamp printed over a 票据号码 can hide part of a digit (an 8 under
 * the ring of the 票据监制章 reads as a 3), and the recogniser then reports the wrong digit as sure:
 * the second look cannot help, since every reading sees the same cut strokes. Where seal ink lies in
 * the text a 票据代码, 票据号码 or 校验码 was read from, its confidence is held below the level at
 * which the rules trust a field alone (RB-11), so a clerk compares it with the receipt. Names and
 * amounts are left alone: a name cut short does not pass for another person's, and the amounts are
 * held by the receipt's own arithmetic.
 */
import type { TextFragment } from './engines/engine';
import type { GreyImage } from './image/greyImage';
import type { ReceiptReading } from './schema';
import type { Witness } from './witness';

export const IDENTIFIERS = ['code', 'number', 'checkCode'] as const;

/** Below the rules' 0.90: the field goes to a clerk unless something else vouches for it. */
export const SEAL_COVERED_CEILING = 0.85;

/** Seal pixels in a fragment's box from which it counts as crossed (a scan's colour noise stays below). */
const MIN_SEAL_PIXELS = 24;

/** The reading with each identifier that a seal crosses held at most at SEAL_COVERED_CEILING. */
export function holdSealCoveredIdentifiers(
  reading: ReceiptReading,
  fragments: readonly TextFragment[],
  sealInk: GreyImage | null,
): { reading: ReceiptReading; covered: (typeof IDENTIFIERS)[number][] } {
  if (sealInk === null) return { reading, covered: [] };
  const covered = IDENTIFIERS.filter((field) => {
    const value = reading[field];
    return value !== null && reading.confidence[field] > SEAL_COVERED_CEILING && sealCrosses(fragments, value, sealInk);
  });
  if (covered.length === 0) return { reading, covered };
  const confidence = { ...reading.confidence };
  for (const field of covered) confidence[field] = SEAL_COVERED_CEILING;
  return { reading: { ...reading, confidence }, covered };
}

/** Confidence of a seal-crossed identifier the witness read character for character alike. */
const SEAL_WITNESSED = 0.95;

/**
 * The reading with a seal-held identifier trusted again when tesseract, reading the value's span cut
 * from the page with the seal removed, reads it alike (witnessReadsIdentifier). Tesseract segments and
 * recognises the cut strokes otherwise than PP-OCR: an 8 whose ring the seal took, read 6 by PP-OCR,
 * it read as 0 or dropped (README). Anything else leaves the field held.
 */
export async function witnessSealCovered(
  reading: ReceiptReading,
  covered: readonly (typeof IDENTIFIERS)[number][],
  fragments: readonly TextFragment[],
  page: GreyImage,
  witness: Witness,
): Promise<ReceiptReading> {
  const confidence = { ...reading.confidence };
  for (const field of covered) {
    const value = reading[field];
    if (value !== null && (await witnessReadsIdentifier(value, fragments, page, witness))?.alike) confidence[field] = SEAL_WITNESSED;
  }
  return { ...reading, confidence };
}

/**
 * What tesseract (eng, 0–9a–f only) reads in the value's span on each line that holds it, and whether
 * every reading has each character of the value alike, in order, at the end of what it read: the
 * span is widened by a character each side, so the label's last character (a colon read as 1, 码's
 * stroke as b) may stand before it, one and no more. Null when the value is not hex or no line holds it.
 */
export async function witnessReadsIdentifier(
  value: string,
  fragments: readonly TextFragment[],
  page: GreyImage,
  witness: Witness,
): Promise<{ texts: string[]; alike: boolean } | null> {
  if (!/^[0-9a-f]+$/.test(value)) return null;
  const spans = fragments.flatMap((f) => {
    const span = valueSpan(f, value);
    return span ? [span] : [];
  });
  if (spans.length === 0) return null;
  const texts = await witness.read(page, spans, 'hex');
  return { texts, alike: texts.every((text) => text.endsWith(value) && text.length <= value.length + 1) };
}

/** Whether seal ink crosses the value's span on any line that holds it. */
export function sealCrosses(fragments: readonly TextFragment[], value: string, sealInk: GreyImage): boolean {
  return fragments.some((fragment) => sealCrossedSpan(fragment, value, sealInk) !== null);
}

/** The value's span on the fragment's line when seal ink crosses it, else null. */
export function sealCrossedSpan(fragment: TextFragment, value: string, sealInk: GreyImage): TextFragment['box'] | null {
  const span = valueSpan(fragment, value);
  return span !== null && sealPixelsIn(sealInk, span) >= MIN_SEAL_PIXELS ? span : null;
}

/**
 * Where on its line a value stands, from its place in the fragment's text (a CJK character counted
 * twice as wide as a Latin one), widened by a character each side; null when the line lacks it.
 * A seal over the label alone hides nothing of the value.
 */
function valueSpan(fragment: TextFragment, value: string): TextFragment['box'] | null {
  const text = fragment.text.replace(/\s+/g, '');
  const at = text.indexOf(value);
  if (at < 0) return null;
  const widths = [...text].map((char) => (/[\u2e80-\uffff]/.test(char) ? 2 : 1));
  const total = widths.reduce((a, b) => a + b, 0);
  const unit = (fragment.box.x1 - fragment.box.x0) / total;
  const before = widths.slice(0, at).reduce((a, b) => a + b, 0);
  const inside = widths.slice(at, at + value.length).reduce((a, b) => a + b, 0);
  return {
    ...fragment.box,
    x0: fragment.box.x0 + (before - 1) * unit,
    x1: fragment.box.x0 + (before + inside + 1) * unit,
  };
}

function sealPixelsIn(ink: GreyImage, box: TextFragment['box']): number {
  const x0 = Math.max(0, Math.floor(box.x0));
  const x1 = Math.min(ink.width, Math.ceil(box.x1));
  const y0 = Math.max(0, Math.floor(box.y0));
  const y1 = Math.min(ink.height, Math.ceil(box.y1));
  let count = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * ink.width;
    for (let x = x0; x < x1; x++) if (ink.data[row + x]! < 128) count++;
  }
  return count;
}
