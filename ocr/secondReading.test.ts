import { describe, expect, it } from 'vitest';
import type { OcrEngine, TextBox, TextFragment } from './engines/engine';
import { extractReceipt } from './extract/extractReceipt';
import { rowsOf } from './layout/rows';
import { CORROBORATED, secondLook } from './secondReading';
import type { Witness } from './witness';

const PAGE = { width: 800, height: 400, data: new Uint8Array(800 * 400) };

/** A fragment on line `line` whose value characters (after the label) have confidence `value`. */
function fragment(line: number, label: string, text: string, value: number): TextFragment {
  return {
    text: label + text,
    box: { x0: 10, y0: 10 + line * 40, x1: 400, y1: 40 + line * 40 },
    chars: [...Array.from(label, () => 0.99), ...Array.from(text, () => value)],
  };
}

/** The page's lines as the first reading saw them. */
const FIRST = [
  fragment(0, '票据代码:', '51901249', 0.8),
  fragment(1, '票据号码:', '3019736932', 0.72),
  fragment(2, '校验码:', 'e4037a', 0.6),
  fragment(3, '交款人:', '朱倩', 0.99),
];

/** An engine whose second readings of a line are given per width scale, keyed by the line's first text. */
function engineRereading(
  byScale: Record<number, Record<string, [string, number]>>,
): OcrEngine & { reread: NonNullable<OcrEngine['reread']>; asked: TextBox[][] } {
  const asked: TextBox[][] = [];
  return {
    name: 'ppocr',
    workingWidth: 1400,
    recognize: () => Promise.resolve(FIRST),
    close: () => Promise.resolve(),
    asked,
    reread(_page, boxes, { widthScale }) {
      asked.push([...boxes]);
      return Promise.resolve(
        boxes.map((box) => {
          const first = FIRST.find((f) => f.box.y0 === box.y0)!;
          const [label] = /^[^:]+:/.exec(first.text)!;
          const [text, value] = byScale[widthScale]?.[first.text] ?? [first.text.slice(label.length), 0.99];
          return fragment((box.y0 - 10) / 40, label, text, value);
        }),
      );
    },
  };
}

async function look(engine: OcrEngine) {
  const rows = rowsOf(FIRST);
  return secondLook(extractReceipt(rows, 'ppocr'), rows, FIRST, PAGE, engine);
}

describe('the second look at fields read below 0.90', () => {
  it('corroborates a value both other samplings read the same and surely, and re-reads only the low lines', async () => {
    const engine = engineRereading({
      0.8: { '票据代码:51901249': ['51901249', 0.97], '票据号码:3019736932': ['3019736932', 0.91] },
      1.25: { '票据代码:51901249': ['51901249', 0.93], '票据号码:3019736932': ['3019736932', 0.95] },
    });
    const { reading, looks } = await look(engine);
    expect(reading.confidence.code).toBe(CORROBORATED);
    expect(reading.confidence.number).toBe(CORROBORATED);
    // The name was read surely the first time: its line is not read again.
    expect(reading.confidence.payerName).toBe(0.99);
    expect(engine.asked.flat().map((box) => box.y0)).not.toContain(130);
    expect(looks.map((l) => l.field).sort()).toEqual(['checkCode', 'code', 'number']);
  });

  it('keeps the confidence when a sampling reads another value, or when not both read it surely', async () => {
    const engine = engineRereading({
      0.8: { '票据代码:51901249': ['51901249', 0.99], '票据号码:3019736932': ['3019736932', 0.79], '校验码:e4037a': ['e4037a', 0.99] },
      1.25: { '票据代码:51901249': ['51901248', 0.99], '票据号码:3019736932': ['3019736932', 0.52], '校验码:e4037a': ['e4037a', 0.8] },
    });
    const { reading } = await look(engine);
    // A sampling disagrees on a digit.
    expect(reading.confidence.code).toBe(0.8);
    // All agree, none surely: how a digit under the seal was read wrong the same way each time.
    expect(reading.confidence.number).toBe(0.72);
    // One sure sampling among unsure ones is not enough.
    expect(reading.confidence.checkCode).toBe(0.6);
  });
});

/** A witness that reads each line as given, keyed by the line's first text; others as the first reading. */
function witnessReading(byLine: Record<string, string>): Witness & { asked: number } {
  const witness = {
    asked: 0,
    read(_page: unknown, boxes: readonly TextBox[]) {
      witness.asked += boxes.length;
      return Promise.resolve(
        boxes.map((box) => {
          const first = WITNESSED_FIRST.find((f) => f.box.y0 === box.y0)!;
          return byLine[first.text] ?? first.text;
        }),
      );
    },
    close: () => Promise.resolve(),
  };
  return witness;
}

/** A page whose name and check code were read low the first time. */
const WITNESSED_FIRST = [
  fragment(0, '票据代码:', '51901249', 0.99),
  fragment(1, '票据号码:', '3019736932', 0.72),
  fragment(2, '校验码:', 'e4037a', 0.7),
  fragment(3, '交款人:', '覃杰明', 0.73),
];

describe("the other engine's opinion of a low name or check code", () => {
  /** PP-OCR's other samplings read each line as the first did, at the given confidence. */
  function ppocrAgreeing(confidence: number): OcrEngine {
    return {
      name: 'ppocr',
      workingWidth: 1400,
      recognize: () => Promise.resolve(WITNESSED_FIRST),
      close: () => Promise.resolve(),
      reread: (_page, boxes) =>
        Promise.resolve(
          boxes.map((box) => {
            const first = WITNESSED_FIRST.find((f) => f.box.y0 === box.y0)!;
            return { ...first, chars: first.chars.map((c) => (c < 0.9 ? confidence : c)) };
          }),
        ),
    };
  }
  async function witnessedLook(engine: OcrEngine, witness: Witness) {
    const rows = rowsOf(WITNESSED_FIRST);
    return secondLook(extractReceipt(rows, 'ppocr'), rows, WITNESSED_FIRST, PAGE, engine, witness);
  }

  it('trusts a name and a check code both engines read exactly alike, and is never asked about a digit field', async () => {
    const witness = witnessReading({});
    const { reading, looks } = await witnessedLook(ppocrAgreeing(0.8), witness);
    expect(reading.confidence.payerName).toBe(CORROBORATED);
    expect(reading.confidence.checkCode).toBe(CORROBORATED);
    // A 票据号码 all samplings agree on unsurely stays low: a digit cut by a seal fools every engine alike.
    expect(reading.confidence.number).toBe(0.72);
    expect(looks.find((l) => l.field === 'number')!.witness).toBeUndefined();
    expect(witness.asked).toBe(2);
  });

  it('does not trust a value the other engine reads otherwise, even by one character', async () => {
    const witness = witnessReading({ '交款人:覃杰明': '交款人:覃杰朋', '校验码:e4037a': '校验码:e4O37a8' });
    const { reading } = await witnessedLook(ppocrAgreeing(0.8), witness);
    expect(reading.confidence.payerName).toBe(0.73);
    expect(reading.confidence.checkCode).toBe(0.7);
  });

  it('is not asked when the PP-OCR samplings disagree or one is below 0.5, nor about a name not of 2–4 characters', async () => {
    const witness = witnessReading({});
    const { reading } = await witnessedLook(ppocrAgreeing(0.4), witness);
    expect(reading.confidence.payerName).toBe(0.73);
    expect(witness.asked).toBe(0);

    const long = [...WITNESSED_FIRST.slice(0, 3), fragment(3, '交款人:', '欧阳覃杰明', 0.73)];
    const rows = rowsOf(long);
    const engine = {
      ...ppocrAgreeing(0.8),
      reread: (_p: unknown, boxes: readonly TextBox[]) => Promise.resolve(long.filter((f) => boxes.some((b) => b.y0 === f.box.y0))),
    };
    const fiveChars = await secondLook(extractReceipt(rows, 'ppocr'), rows, long, PAGE, engine, witnessReading({}));
    expect(fiveChars.reading.payerName).toBe('欧阳覃杰明');
    expect(fiveChars.reading.confidence.payerName).toBe(0.73);
  });
});
