/**
 * Inlines a CFF (Type 2) charstring's subroutine calls: the glyph's outline and hints as one
 * charstring that calls nothing, so a font subset needs no subroutine index at all.
 *
 * The drawing is the same: a call only splices the subroutine's bytes into the caller's (the
 * operand stack and the hint count carry across the call), so the flattened charstring runs the
 * same operators on the same operands. A construct whose subroutine number is not a literal just
 * before the call (the deprecated arithmetic operators could compute one) is refused
 * (UnflattenableCharstring), and the caller keeps the subroutinised form.
 */

/** Where a charstring or subroutine lies in the font's bytes (fontkit's CFF INDEX entries). */
export interface ByteRange {
  offset: number;
  length: number;
}

export class UnflattenableCharstring extends Error {
  constructor(reason: string) {
    super(`CFF charstring not flattened: ${reason}`);
    this.name = 'UnflattenableCharstring';
  }
}

/** The Type 2 subroutine number bias for an index of this many entries. */
function bias(count: number): number {
  return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

const OP = {
  hstem: 1,
  vstem: 3,
  callsubr: 10,
  return: 11,
  escape: 12,
  endchar: 14,
  hstemhm: 18,
  hintmask: 19,
  cntrmask: 20,
  vstemhm: 23,
  shortint: 28,
  callgsubr: 29,
} as const;

/** Operators that draw or hint and clear the stack, besides the stem and mask operators. */
const CLEARING = new Set([4, 5, 6, 7, 8, 21, 22, 24, 25, 26, 27, 30, 31]);
/** flex, hflex, hflex1, flex1: the only two-byte operators a Type 2 outline needs. */
const FLEX = new Set([34, 35, 36, 37]);
/** The Type 2 limit on subroutine nesting; more means a cycle. */
const MAX_DEPTH = 10;

/** An operand on the stack: its value if a literal integer, and where its bytes lie in the output. */
interface Operand {
  value: number | null;
  start: number;
  end: number;
}

/**
 * The charstring at `glyph` in `bytes` with every callsubr/callgsubr replaced by the body of the
 * subroutine it calls (without its return), recursively.
 */
export function flattenCharstring(
  bytes: Uint8Array,
  glyph: ByteRange,
  globalSubrs: readonly ByteRange[],
  localSubrs: readonly ByteRange[],
): Uint8Array {
  const out: number[] = [];
  const stack: Operand[] = [];
  const globalBias = bias(globalSubrs.length);
  const localBias = bias(localSubrs.length);
  let stems = 0;
  let ended = false;

  const countStems = () => {
    stems += stack.length >> 1;
    stack.length = 0;
  };
  const copy = (from: number, to: number) => {
    for (let i = from; i < to; i++) out.push(bytes[i]!);
  };

  const run = (range: ByteRange, depth: number): void => {
    if (depth > MAX_DEPTH) throw new UnflattenableCharstring('subroutines nested too deep');
    let pos = range.offset;
    const end = range.offset + range.length;
    while (pos < end && !ended) {
      const b = bytes[pos]!;
      if (b >= 32 || b === OP.shortint) {
        const size = b === OP.shortint ? 3 : b <= 246 ? 1 : b <= 254 ? 2 : 5;
        const start = out.length;
        copy(pos, pos + size);
        stack.push({ value: literal(bytes, pos), start, end: out.length });
        pos += size;
        continue;
      }
      pos++;
      switch (b) {
        case OP.callsubr:
        case OP.callgsubr: {
          const index = stack.pop();
          // The number is dropped from the output: it must be the last bytes written.
          if (index?.value == null || index.end !== out.length) {
            throw new UnflattenableCharstring('subroutine number is not a literal operand');
          }
          out.length = index.start;
          const subrs = b === OP.callsubr ? localSubrs : globalSubrs;
          const subr = subrs[index.value + (b === OP.callsubr ? localBias : globalBias)];
          if (!subr) throw new UnflattenableCharstring('subroutine number out of range');
          run(subr, depth + 1);
          break;
        }
        case OP.return:
          if (depth === 0) throw new UnflattenableCharstring('return outside a subroutine');
          return;
        case OP.endchar:
          out.push(b);
          ended = true;
          return;
        case OP.hstem:
        case OP.vstem:
        case OP.hstemhm:
        case OP.vstemhm:
          countStems();
          out.push(b);
          break;
        case OP.hintmask:
        case OP.cntrmask: {
          // Operands left before the first mask are vstem hints; the mask has a bit per hint.
          countStems();
          const maskBytes = (stems + 7) >> 3;
          copy(pos - 1, pos + maskBytes);
          pos += maskBytes;
          break;
        }
        case OP.escape: {
          const op2 = bytes[pos++]!;
          if (!FLEX.has(op2)) throw new UnflattenableCharstring(`operator 12 ${op2}`);
          out.push(b, op2);
          stack.length = 0;
          break;
        }
        default:
          if (!CLEARING.has(b)) throw new UnflattenableCharstring(`operator ${b}`);
          out.push(b);
          stack.length = 0;
      }
    }
  };

  run(glyph, 0);
  return Uint8Array.from(out);
}

/** The integer a Type 2 number encodes at pos, or null for a 16.16 fixed-point number. */
function literal(bytes: Uint8Array, pos: number): number | null {
  const b = bytes[pos]!;
  if (b === OP.shortint) return ((bytes[pos + 1]! << 24) | (bytes[pos + 2]! << 16)) >> 16;
  if (b <= 246) return b - 139;
  if (b <= 250) return (b - 247) * 256 + bytes[pos + 1]! + 108;
  if (b <= 254) return -(b - 251) * 256 - bytes[pos + 1]! - 108;
  return null;
}
