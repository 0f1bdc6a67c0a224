import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { candidatesDigest, drawSample, sampleSize, seededStream, uniformBelow, wilsonInterval } from './sampling';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `YB2026-${String(i + 1).padStart(6, '0')}`);

describe('drawing a sample', () => {
  it('draws the same sample from the same seed, whatever order the candidates come in', () => {
    const candidates = ids(200);
    const a = drawSample(candidates, { rateBp: 500, minSize: 5, seed: 'seed-1' });
    const b = drawSample([...candidates].reverse(), { rateBp: 500, minSize: 5, seed: 'seed-1' });
    expect(a.drawn).toEqual(b.drawn);
    expect(a.candidatesDigest).toBe(b.candidatesDigest);
    expect(a.size).toBe(10);
    expect(new Set(a.drawn).size).toBe(10);
    for (const id of a.drawn) expect(candidates).toContain(id);
  });

  it('draws another sample from another seed', () => {
    const candidates = ids(200);
    const a = drawSample(candidates, { rateBp: 500, minSize: 5, seed: 'seed-1' });
    const c = drawSample(candidates, { rateBp: 500, minSize: 5, seed: 'seed-2' });
    expect(c.drawn).not.toEqual(a.drawn);
  });

  it('takes the rate rounded up, at least the minimum, never more than all', () => {
    expect(sampleSize(200, { rateBp: 500, minSize: 5 })).toBe(10);
    expect(sampleSize(201, { rateBp: 500, minSize: 5 })).toBe(11);
    expect(sampleSize(40, { rateBp: 500, minSize: 5 })).toBe(5);
    expect(sampleSize(3, { rateBp: 500, minSize: 5 })).toBe(3);
    expect(sampleSize(0, { rateBp: 500, minSize: 5 })).toBe(0);
    expect(drawSample(ids(3), { rateBp: 500, minSize: 5, seed: 'x' }).drawn.sort()).toEqual(ids(3));
  });

  it('records the digest of the ordered candidate list, one ID per line', () => {
    const d = drawSample(['B-2', 'A-1', 'C-3'], { rateBp: 10_000, minSize: 0, seed: 's' });
    expect(d.ordered).toEqual(['A-1', 'B-2', 'C-3']);
    expect(d.candidatesDigest).toBe(createHash('sha256').update('A-1\nB-2\nC-3').digest('hex'));
    expect(candidatesDigest(d.ordered)).toBe(d.candidatesDigest);
  });

  it('follows the published method: sha256(seed:block) words and a partial Fisher–Yates', () => {
    // Recomputed here step by step, as an outside auditor would, for 5 candidates and 2 draws.
    const words = (block: number) => {
      const h = createHash('sha256').update(`abc:${block}`).digest();
      return Array.from({ length: 8 }, (_, i) => h.readUInt32BE(i * 4));
    };
    const stream = words(0);
    const deck = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < 2; i++) {
      const bound = deck.length - i;
      let x = stream.shift()!;
      while (x >= 2 ** 32 - (2 ** 32 % bound)) x = stream.shift()!;
      const j = i + (x % bound);
      [deck[i], deck[j]] = [deck[j]!, deck[i]!];
    }
    expect(drawSample(['e', 'd', 'c', 'b', 'a'], { rateBp: 4000, minSize: 0, seed: 'abc' }).drawn).toEqual(deck.slice(0, 2));
    const next = seededStream('abc');
    expect(Array.from({ length: 9 }, next)).toEqual([...words(0), words(1)[0]]);
  });

  it('gives every candidate about the same chance over many seeds', () => {
    const candidates = ids(20);
    const hits = new Map<string, number>();
    for (let s = 0; s < 4000; s++)
      for (const id of drawSample(candidates, { rateBp: 1000, minSize: 0, seed: `s${s}` }).drawn) hits.set(id, (hits.get(id) ?? 0) + 1);
    // Each is drawn with probability 2/20: 400 expected of 4000, sd ≈ 19.
    for (const id of candidates) expect(Math.abs((hits.get(id) ?? 0) - 400)).toBeLessThan(100);
  });

  it('refuses a bound outside 1…2^32', () => {
    expect(() => uniformBelow(() => 0, 0)).toThrow(RangeError);
  });
});

describe('Wilson interval', () => {
  // The equivalent form (x + z²/2)/(n + z²) ± z·√n/(n + z²)·√(p(1−p) + z²/4n), computed independently.
  const z = 1.959963984540054;
  const other = (x: number, n: number) => {
    const p = x / n;
    const centre = (x + (z * z) / 2) / (n + z * z);
    const half = ((z * Math.sqrt(n)) / (n + z * z)) * Math.sqrt(p * (1 - p) + (z * z) / (4 * n));
    return [centre - half, centre + half];
  };

  it.each([
    [0, 10],
    [1, 10],
    [2, 40],
    [5, 5],
    [17, 300],
  ])('matches the formula for %i of %i', (x, n) => {
    const w = wilsonInterval(x, n)!;
    const [low, high] = other(x, n);
    expect(w.rate).toBeCloseTo(x / n, 12);
    expect(w.low).toBeCloseTo(Math.max(0, low!), 12);
    expect(w.high).toBeCloseTo(Math.min(1, high!), 12);
  });

  it('gives the textbook values: 1 of 10 → 1.79%…40.42%, 0 of 10 → 0…27.75%', () => {
    const one = wilsonInterval(1, 10)!;
    expect(one.low).toBeCloseTo(0.0179, 4);
    expect(one.high).toBeCloseTo(0.4042, 4);
    const none = wilsonInterval(0, 10)!;
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
  });

  it('is null for no verdicts and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});
