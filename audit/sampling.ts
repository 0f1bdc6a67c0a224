/**
 * 抽检: drawing a sample of cases that anyone can repeat from its record, and the interval around the
 * disagreement rate found in it. Pure: no store, no clock, no randomness but the seed's.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The draw's method as recorded with a sample: a reader of the record knows which algorithm to rerun. */
const DRAW_METHOD = 'sha256-ctr/fisher-yates/v1';

export const SampleSpec = z.strictObject({
  /** Share of the candidates in basis points (500 = 5%): an integer, so the size never depends on float rounding. */
  rateBp: z.number().int().min(1).max(10_000),
  /** At least this many (or all candidates, if fewer). */
  minSize: z.number().int().min(0).max(10_000),
  /** Any text; the same seed over the same candidates draws the same sample. */
  seed: z.string().min(1).max(200),
});
export type SampleSpec = z.infer<typeof SampleSpec>;

export interface Draw {
  /** The candidates in the order the draw runs over them: by case ID. */
  ordered: string[];
  /** sha256 of the ordered candidate IDs, one per line: shows later that the list was the same. */
  candidatesDigest: string;
  size: number;
  /** The drawn case IDs in the order drawn. */
  drawn: string[];
  method: typeof DRAW_METHOD;
}

/** How many to draw from `count` candidates: the rate rounded up, at least minSize, at most all. */
export function sampleSize(count: number, spec: Pick<SampleSpec, 'rateBp' | 'minSize'>): number {
  const byRate = Math.ceil((count * spec.rateBp) / 10_000);
  return Math.min(count, Math.max(spec.minSize, byRate));
}

/** The digest of a candidate list (IDs joined by newlines, in the given order). */
export function candidatesDigest(ordered: readonly string[]): string {
  return createHash('sha256').update(ordered.join('\n')).digest('hex');
}

/**
 * A deterministic stream of 32-bit integers from a seed: sha256(seed ‖ ':' ‖ block counter), eight
 * words per block. Cryptographic hashing makes the stream unpredictable without the seed and
 * trivially reproducible with it, in any language.
 */
export function seededStream(seed: string): () => number {
  let block = 0;
  let words: number[] = [];
  return () => {
    if (words.length === 0) {
      const digest = createHash('sha256').update(`${seed}:${block++}`).digest();
      words = Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(i * 4));
    }
    return words.shift()!;
  };
}

/** A uniform integer in [0, bound) by rejection (no modulo bias). */
export function uniformBelow(next: () => number, bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) throw new RangeError(`bound must be 1…2^32, not ${bound}`);
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const x = next();
    if (x < limit) return x % bound;
  }
}

/**
 * Draws the sample: the candidates ordered by case ID (code-unit order, as the database's "C"
 * collation), then a partial Fisher–Yates shuffle driven by the seed's stream; the first `size`
 * places are the sample. Every candidate has the same chance; the seed and the digest make it checkable.
 */
export function drawSample(candidates: readonly string[], spec: SampleSpec): Draw {
  const { rateBp, minSize, seed } = SampleSpec.parse(spec);
  const ordered = [...new Set(candidates)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const size = sampleSize(ordered.length, { rateBp, minSize });
  const deck = [...ordered];
  const next = seededStream(seed);
  for (let i = 0; i < size; i++) {
    const j = i + uniformBelow(next, deck.length - i);
    [deck[i], deck[j]] = [deck[j]!, deck[i]!];
  }
  return { ordered, candidatesDigest: candidatesDigest(ordered), size, drawn: deck.slice(0, size), method: DRAW_METHOD };
}

/** z for a two-sided 95% interval: the 97.5th percentile of the standard normal. */
const Z95 = 1.959963984540054;

export interface Interval {
  rate: number;
  low: number;
  high: number;
}

/**
 * The Wilson score interval for `successes` out of `n` (here: disagreements out of verdicts):
 * (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). Unlike p ± z·√(p(1−p)/n) it stays inside
 * [0, 1] and is honest at 0 of n, which is what a clean sample usually shows. Null for n = 0.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n)
    throw new RangeError(`wilsonInterval: need 0 ≤ successes ≤ n integers, got ${successes}/${n}`);
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** A share as a percentage with two decimals, e.g. `4.17%`. */
export const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;
