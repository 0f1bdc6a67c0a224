/**
 * Layout: fragments that share a baseline form a row, read left to right; rows are read top to
 * bottom. A row's text joins its fragments with `|`, so that values in neighbouring cells (数量 1,
 * 金额 126.01) never run together, and keeps each character's confidence beside it.
 */
import type { CharRivals, TextFragment } from '../engines/engine';
import { normalizeChar } from '../extract/normalize';

const CELL_SEPARATOR = '|';

export interface Row {
  /** Normalised text of the row's fragments joined by `|`, spaces removed. */
  text: string;
  /** Confidence of each character of `text` (separators count as certain). */
  confidence: number[];
  /** What else the recogniser weighed for a character of `text` it read unsurely, by index (engine.ts). */
  rivals: Record<number, CharRivals>;
  top: number;
  bottom: number;
  /** Horizontal extent of the row's fragments, in page pixels. */
  left: number;
  right: number;
}

/** Groups fragments into rows by vertical overlap and builds each row's text. */
export function rowsOf(fragments: readonly TextFragment[]): Row[] {
  const sorted = [...fragments].sort((a, b) => centre(a) - centre(b));
  const groups: TextFragment[][] = [];
  for (const fragment of sorted) {
    const group = groups.find((candidate) => sameLine(candidate, fragment));
    if (group) group.push(fragment);
    else groups.push([fragment]);
  }
  return groups
    .map((group) => rowText(group.sort((a, b) => a.box.x0 - b.box.x0)))
    .filter((row) => row.text.replaceAll(CELL_SEPARATOR, '') !== '')
    .sort((a, b) => a.top - b.top);
}

function centre(fragment: TextFragment): number {
  return (fragment.box.y0 + fragment.box.y1) / 2;
}

/** Same line when the fragment's centre falls inside the middle half of the group's height. */
function sameLine(group: readonly TextFragment[], fragment: TextFragment): boolean {
  const top = Math.min(...group.map((f) => f.box.y0));
  const bottom = Math.max(...group.map((f) => f.box.y1));
  const height = Math.min(bottom - top, fragment.box.y1 - fragment.box.y0);
  const middle = (top + bottom) / 2;
  return Math.abs(centre(fragment) - middle) < height * 0.45;
}

function rowText(fragments: readonly TextFragment[]): Row {
  let text = '';
  const confidence: number[] = [];
  const rivals: Record<number, CharRivals> = {};
  for (const fragment of fragments) {
    if (text !== '') {
      text += CELL_SEPARATOR;
      confidence.push(1);
    }
    const chars = Array.from(fragment.text);
    // Confidences are per UTF-16 unit in the engines only for BMP text; receipts are all BMP.
    chars.forEach((char, i) => {
      const normal = normalizeChar(char);
      if (normal === '') return;
      const weighed = fragment.rivals?.[i];
      if (weighed && normal === char) rivals[confidence.length] = weighed;
      text += normal;
      for (let k = 0; k < normal.length; k++) confidence.push(fragment.chars[i] ?? 0);
    });
  }
  return {
    text,
    confidence,
    rivals,
    top: Math.min(...fragments.map((f) => f.box.y0)),
    bottom: Math.max(...fragments.map((f) => f.box.y1)),
    left: Math.min(...fragments.map((f) => f.box.x0)),
    right: Math.max(...fragments.map((f) => f.box.x1)),
  };
}
