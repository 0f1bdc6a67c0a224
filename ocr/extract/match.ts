/**
 * Label matching over rows: a pattern names its value with the group `v`; the match carries the
 * value's text and the weakest confidence among its characters.
 */
import type { Row } from '../layout/rows';

export interface Match {
  value: string;
  /** Minimum character confidence over the value. */
  confidence: number;
  rowIndex: number;
  /** Offset of the value in the row's text. */
  start: number;
}

/** First match of `pattern` (which must define the group `v`) in reading order. */
export function firstMatch(rows: readonly Row[], pattern: RegExp): Match | null {
  return allMatches(rows, pattern)[0] ?? null;
}

/** Every match of `pattern` in reading order. */
export function allMatches(rows: readonly Row[], pattern: RegExp): Match[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? `${pattern.flags}d` : `${pattern.flags}gd`);
  const matches: Match[] = [];
  rows.forEach((row, rowIndex) => {
    for (const m of row.text.matchAll(global)) {
      const span = m.indices?.groups?.v;
      const value = m.groups?.v;
      if (!span || value === undefined) continue;
      matches.push({ value, confidence: spanConfidence(row, span[0], span[1]), rowIndex, start: span[0] });
    }
  });
  return matches;
}

/** Weakest character confidence in `row.text[start, end)`; 0 for an empty span. */
export function spanConfidence(row: Row, start: number, end: number): number {
  if (end <= start) return 0;
  let min = 1;
  for (let i = start; i < end; i++) min = Math.min(min, row.confidence[i] ?? 0);
  return min;
}
