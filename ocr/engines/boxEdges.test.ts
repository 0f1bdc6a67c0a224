import { describe, expect, it } from 'vitest';
import { EDGE_PADDING, mergeLineEnds, pad, safeEdges } from './boxEdges';

describe('text boxes made safe at their ends', () => {
  it('merges a split-off last character into its line', () => {
    const line = { x0: 100, y0: 10, x1: 400, y1: 40 };
    const lastChar = { x0: 405, y0: 11, x1: 432, y1: 39 };
    expect(mergeLineEnds([lastChar, line])).toEqual([{ x0: 100, y0: 10, x1: 432, y1: 40 }]);
  });

  it('keeps apart the cells of a row, and boxes on other lines', () => {
    const label = { x0: 0, y0: 10, x1: 120, y1: 40 };
    const value = { x0: 170, y0: 10, x1: 400, y1: 40 };
    const below = { x0: 122, y0: 60, x1: 140, y1: 90 };
    expect(mergeLineEnds([label, value, below])).toHaveLength(3);
  });

  it('widens a box by a share of its height, never past halfway to its neighbour', () => {
    const [alone] = pad([{ x0: 100, y0: 0, x1: 300, y1: 30 }], 1000);
    const want = Math.round(EDGE_PADDING * 30);
    expect(alone).toEqual({ x0: 100 - want, y0: 0, x1: 300 + want, y1: 30 });
    const [left, right] = pad(
      [
        { x0: 0, y0: 0, x1: 100, y1: 30 },
        { x0: 104, y0: 0, x1: 200, y1: 30 },
      ],
      1000,
    );
    expect(left!.x1).toBe(102);
    expect(right!.x0).toBe(102);
  });

  it('stays on the page', () => {
    expect(safeEdges([{ x0: 2, y0: 0, x1: 998, y1: 30 }], 1000)).toEqual([{ x0: 0, y0: 0, x1: 1000, y1: 30 }]);
  });
});
