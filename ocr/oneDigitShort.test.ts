import { describe, expect, it } from 'vitest';
import { uniformFragment } from './engines/engine';
import { extractReceipt } from './extract/extractReceipt';
import { rowsOf } from './layout/rows';
import type { GreyImage } from './image/greyImage';
import { fillOneDigitShort } from './oneDigitShort';
import { SEAL_COVERED_CEILING } from './sealCover';
import type { Witness } from './witness';

const page: GreyImage = { width: 400, height: 100, data: new Uint8Array(400 * 100).fill(255) } as GreyImage;

/** A witness that reads every line as `text`, and counts what it was asked. */
function witnessReading(text: string): Witness & { asked: number } {
  const witness = {
    asked: 0,
    read: async (_page: GreyImage, boxes: readonly unknown[]) => {
      witness.asked += boxes.length;
      return boxes.map(() => text);
    },
    close: async () => {},
  };
  return witness;
}

async function fill(numberLine: string, witness: Witness) {
  const fragments = [
    uniformFragment('票据代码44363355', { x0: 0, y0: 0, x1: 150, y1: 30 }, 0.99),
    uniformFragment(numberLine, { x0: 200, y0: 0, x1: 380, y1: 30 }, 0.99),
    uniformFragment('合计(小写)¥122.69', { x0: 0, y0: 50, x1: 200, y1: 80 }, 0.99),
  ];
  const rows = rowsOf(fragments);
  return fillOneDigitShort(extractReceipt(rows, 'ppocr'), rows, fragments, page, witness);
}

describe('an identifier one digit short', () => {
  it('takes the witness digit for the one PP-OCR could not read, held below the trust level', async () => {
    const filled = await fill('No.6261645#54', witnessReading('6261645754'));
    expect(filled.number).toBe('6261645754');
    expect(filled.confidence.number).toBe(SEAL_COVERED_CEILING);
  });

  it('leaves it unread when the witness disagrees with a digit PP-OCR read, or reads more than the line holds', async () => {
    expect((await fill('No.6261645#54', witnessReading('6261645758'))).number).toBeNull();
    expect((await fill('No.6261645#54', witnessReading('62616457'))).number).toBeNull();
    expect((await fill('No.6261645#54', witnessReading('12346261645754'))).number).toBeNull();
  });

  it('asks nothing when the number was read or two characters are unreadable', async () => {
    const witness = witnessReading('6261645754');
    expect((await fill('No.6261645754', witness)).number).toBe('6261645754');
    expect((await fill('No.626#645#54', witness)).number).toBeNull();
    expect(witness.asked).toBe(0);
  });
});
