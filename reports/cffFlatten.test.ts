import { describe, expect, it } from 'vitest';
import { flattenCharstring, UnflattenableCharstring, type ByteRange } from './cffFlatten';

/** Lays charstrings end to end in one buffer, as a font holds them, and returns where each lies. */
function layout(...parts: number[][]): { bytes: Uint8Array; ranges: ByteRange[] } {
  const ranges: ByteRange[] = [];
  let offset = 0;
  for (const p of parts) {
    ranges.push({ offset, length: p.length });
    offset += p.length;
  }
  return { bytes: Uint8Array.from(parts.flat()), ranges };
}

/** Type 2 one-byte integer operand (-107..107). */
const n = (v: number) => v + 139;
const [RMOVETO, RLINETO, CALLSUBR, RETURN, ENDCHAR, HSTEMHM, HINTMASK, CALLGSUBR] = [21, 5, 10, 11, 14, 18, 19, 29];

describe('flattenCharstring', () => {
  it('splices local and global subroutines in place of their calls, without the number or the return', () => {
    // Local index of 1 entry and global index of 2: bias 107, so entry 0 is number -107.
    const glyph = [n(10), n(20), RMOVETO, n(-107), CALLSUBR, n(-106), CALLGSUBR, ENDCHAR];
    const local0 = [n(1), n(2), RLINETO, RETURN];
    const global0 = [n(9), RETURN];
    const global1 = [n(3), n(4), RLINETO, n(-107), CALLGSUBR, RLINETO, RETURN];
    const { bytes, ranges } = layout(glyph, local0, global0, global1);
    const flat = flattenCharstring(bytes, ranges[0]!, [ranges[2]!, ranges[3]!], [ranges[1]!]);
    expect([...flat]).toEqual([n(10), n(20), RMOVETO, n(1), n(2), RLINETO, n(3), n(4), RLINETO, n(9), RLINETO, ENDCHAR]);
  });

  it('keeps operands pushed before a call that the subroutine goes on to use', () => {
    const glyph = [n(5), n(6), n(-107), CALLSUBR];
    const local0 = [RMOVETO, ENDCHAR];
    const { bytes, ranges } = layout(glyph, local0);
    expect([...flattenCharstring(bytes, ranges[0]!, [], [ranges[1]!])]).toEqual([n(5), n(6), RMOVETO, ENDCHAR]);
  });

  it('copies a hintmask with one mask byte per eight hints, counting hints declared on either side of a call', () => {
    // 5 hstem hints in the glyph, 4 vstem hints implied before the mask in the subroutine: 9 hints, 2 mask bytes.
    const stems = Array.from({ length: 10 }, (_, i) => n(i));
    const glyph = [...stems, HSTEMHM, n(-107), CALLSUBR, ENDCHAR];
    // The second mask byte, 0x0a, would read as callsubr if the mask were taken one byte short.
    const local0 = [...stems.slice(0, 8), HINTMASK, 0xff, 0x0a, n(1), n(1), RMOVETO, RETURN];
    const { bytes, ranges } = layout(glyph, local0);
    const flat = [...flattenCharstring(bytes, ranges[0]!, [], [ranges[1]!])];
    expect(flat).toEqual([...stems, HSTEMHM, ...stems.slice(0, 8), HINTMASK, 0xff, 0x0a, n(1), n(1), RMOVETO, ENDCHAR]);

    // One hint, one mask byte: 0x0a again, copied as mask, not called.
    const tricky = layout([n(0), n(1), HSTEMHM, HINTMASK, CALLSUBR, n(2), n(3), RMOVETO, ENDCHAR]);
    expect([...flattenCharstring(tricky.bytes, tricky.ranges[0]!, [], [])]).toEqual([
      n(0),
      n(1),
      HSTEMHM,
      HINTMASK,
      CALLSUBR,
      n(2),
      n(3),
      RMOVETO,
      ENDCHAR,
    ]);
  });

  it('stops at an endchar inside a subroutine', () => {
    const glyph = [n(-107), CALLSUBR, n(7), n(7), RLINETO];
    const local0 = [n(1), n(1), RMOVETO, ENDCHAR, n(2), RETURN];
    const { bytes, ranges } = layout(glyph, local0);
    expect([...flattenCharstring(bytes, ranges[0]!, [], [ranges[1]!])]).toEqual([n(1), n(1), RMOVETO, ENDCHAR]);
  });

  it('reads two- and three-byte subroutine numbers', () => {
    // 1240 global subroutines: bias 1131, so entry 1239 is number 108 (two bytes: 247 0).
    const target = [n(4), n(4), RMOVETO, RETURN];
    const filler = [RETURN];
    const parts = [[247, 0, CALLGSUBR, 28, 0xfb, 0x95, CALLGSUBR, ENDCHAR], ...Array.from({ length: 1239 }, () => filler), target];
    const { bytes, ranges } = layout(...parts);
    const globals = ranges.slice(1);
    // 28 0xfb95 is -1131: entry 0, which only returns.
    expect([...flattenCharstring(bytes, ranges[0]!, globals, [])]).toEqual([n(4), n(4), RMOVETO, ENDCHAR]);
  });

  it('refuses what it cannot flatten faithfully', () => {
    const refuse = (glyph: number[], local: number[][] = []) => {
      const { bytes, ranges } = layout(glyph, ...local);
      return () => flattenCharstring(bytes, ranges[0]!, [], ranges.slice(1));
    };
    // A subroutine number computed by an arithmetic operator (12 10: add).
    expect(refuse([n(1), n(2), 12, 10, CALLSUBR, ENDCHAR], [[RETURN]])).toThrow(UnflattenableCharstring);
    // A call with nothing on the stack, and one past the index.
    expect(refuse([CALLSUBR, ENDCHAR], [[RETURN]])).toThrow(UnflattenableCharstring);
    expect(refuse([n(-106), CALLSUBR, ENDCHAR], [[RETURN]])).toThrow('out of range');
    // A subroutine that calls itself.
    expect(refuse([n(-107), CALLSUBR], [[n(-107), CALLSUBR, RETURN]])).toThrow('nested too deep');
    // A CFF2 operator.
    expect(refuse([n(1), 16, ENDCHAR])).toThrow('operator 16');
  });
});
