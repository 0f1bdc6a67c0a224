/**
 * Glyphs the recogniser dropped. CTC can leave out a character and stay sure of the rest: a dense 鑫
 * after 彭思 (彭思 read at 0.99), the 海 of 珠海市, the 金 of 医保统筹基金支付. Nothing in the
 * characters' own confidences shows it, but the line's crop does: ink where no character was marked.
 * CTC marks each character near its middle, so a dropped glyph's ink lies between two marks, or
 * after the last, beyond what the characters on either side take up.
 */

/**
 * The confidence of a character next to ink the recogniser read nothing from. Below what a second
 * look can corroborate (secondReading.ts), so a value read short goes to a clerk rather than through.
 */
export const UNREAD_INK_CONFIDENCE = 0.3;

/** A gap between what two characters take up this many ems wide or more can hold a dropped glyph. */
const GAP_EMS = 0.8;
/** Ink columns in such a gap that make a glyph, in ems. */
const INK_EMS = 0.5;
/** The em of a line with too few characters to measure it on: a glyph's width against the crop's height. */
const EM_OF_LINE_HEIGHT = 0.7;

/** A line as the recogniser saw it: grey levels, `height` rows of `width`, drawn `widthScale` times as wide as its box's proportions. */
export interface LineCrop {
  width: number;
  height: number;
  data: Uint8Array;
  widthScale: number;
}

/**
 * The indices of the characters next to unread ink: the one after a gap between two recognised
 * characters, or the last one when the ink runs on past it. `centres` are the characters' marks in
 * the crop's pixels. An em is measured on the line from its characters' spacing (a CJK or
 * full-width character one em, anything else half), or taken from its height when it has fewer
 * than three characters.
 */
export function unreadInk(line: LineCrop, text: string, centres: readonly number[]): number[] {
  const chars = Array.from(text);
  if (chars.length === 0 || chars.length !== centres.length) return [];
  const ems = chars.map(emsOf);
  const pitches = centres.slice(1).map((x, i) => (x - centres[i]!) / ((ems[i]! + ems[i + 1]!) / 2));
  const em = pitches.length >= 2 ? median(pitches) : EM_OF_LINE_HEIGHT * line.height * line.widthScale;
  // The crop's ink level, found once and only when a gap is wide enough to ask about.
  let threshold: number | null | undefined;
  const unread: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const from = centres[i]! + (ems[i]! * em) / 2;
    const to = i + 1 < chars.length ? centres[i + 1]! - (ems[i + 1]! * em) / 2 : line.width;
    if (to - from < GAP_EMS * em) continue;
    threshold ??= inkThreshold(line);
    if (threshold !== null && inkColumns(line, threshold, from, to) >= INK_EMS * em) unread.push(Math.min(i + 1, chars.length - 1));
  }
  return unread;
}

const emsOf = (char: string) => (/[\u2e80-\uffff]/.test(char) ? 1 : 0.5);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A third of the way from the crop's lightest grey to its darkest, below which a pixel is ink; null
 * without contrast. Not halfway: a dense glyph blurred on a photo is a mid-grey smudge beside its
 * sharper neighbours (鄢 before 文健, its columns at 90–165 where 文's reach 45), and that is the
 * glyph a recogniser drops.
 */
function inkThreshold(line: LineCrop): number | null {
  let [lightest, darkest] = [0, 255];
  for (const level of line.data) {
    if (level > lightest) lightest = level;
    if (level < darkest) darkest = level;
  }
  return lightest - darkest < 48 ? null : lightest - (lightest - darkest) / 3;
}

/**
 * Columns of the crop in [from, to) that hold a glyph's ink: pixels below `threshold` at least a
 * quarter of the crop's height apart, top to bottom. Strokes of a character span that; a dotted
 * leader, an underline or a speck does not.
 */
function inkColumns(line: LineCrop, threshold: number, from: number, to: number): number {
  let columns = 0;
  for (let col = Math.max(0, Math.ceil(from)); col < Math.min(line.width, to); col++) {
    let [first, last] = [-1, -1];
    for (let y = 0; y < line.height; y++) {
      if (line.data[y * line.width + col]! >= threshold) continue;
      if (first < 0) first = y;
      last = y;
    }
    if (first >= 0 && last - first >= line.height / 4) columns++;
  }
  return columns;
}
