/** Test helpers: rows from lines of text, as an engine would report them. */
import { uniformFragment, type TextFragment } from './engines/engine';
import { rowsOf, type Row } from './layout/rows';

/**
 * Rows from lines of text; within a line, cells separated by two or more spaces become separate
 * fragments side by side, as a detector reports separate boxes.
 */
export function rowsFromLines(lines: readonly string[], confidence = 0.99): Row[] {
  return rowsOf(fragmentsFromLines(lines, confidence));
}

/** The fragments behind rowsFromLines. */
function fragmentsFromLines(lines: readonly string[], confidence = 0.99): TextFragment[] {
  const fragments: TextFragment[] = [];
  lines.forEach((line, row) => {
    let x = 0;
    for (const cell of line.split(/ {2,}/)) {
      const width = cell.length * 30;
      fragments.push(uniformFragment(cell, { x0: x, y0: row * 50, x1: x + width, y1: row * 50 + 30 }, confidence));
      x += width + 60;
    }
  });
  return fragments;
}
