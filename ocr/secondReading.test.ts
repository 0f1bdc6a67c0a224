import { describe, expect, it } from 'vitest';
import type { OcrEngine, TextBox, TextFragment } from './engines/engine';
import { extractReceipt } from './extract/extractReceipt';
import { rowsOf } from './layout/rows';
import { CORROBORATED, secondLook } from './secondReading';
import type { Witness } from './witness';

const PAGE = { width: 800, height: 400, data: new Uint8Array(800 * 400) };
/** The band of the upload under the open lines, prepared again at one and a half times the width. */
const BAND = { width: 1200, height: 600, data: new Uint8Array(1200 * 600) };
/** A finer band that counts the lines it was prepared for. */
function finerBand() {
  const preparedFor: TextBox[][] = [];
  const finer = (boxes: readonly TextBox[]) => {
    preparedFor.push([...boxes]);
    return Promise.resolve({
      page: BAND,
      boxOnBand: (b: TextBox) => ({ x0: b.x0 * 1.5, y0: b.y0 * 1.5, x1: b.x1 * 1.5, y1: b.y1 * 1.5 }),
    });
  };
  return Object.assign(finer, { preparedFor });
}
/** The first page's line a box stands on, the box on the page or on the band. */
const lineOf = (lines: readonly TextFragment[], page: unknown, box: TextBox) =>
  lines.find((f) => f.box.y0 === (page === BAND ? Math.round(box.y0 / 1.5) : box.y0))!;

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

type Readings = Record<number, Record<string, [string, number]>>;

/**
 * An engine whose second readings of a line are given per width scale, on the page and on the band,
 * keyed by the line's first text; a line not given is read as the first reading's text at 0.99.
 */
function engineRereading(
  onPage: Readings,
  onBand: Readings = {},
): OcrEngine & { reread: NonNullable<OcrEngine['reread']>; asked: { page: string; boxes: TextBox[] }[] } {
  const asked: { page: string; boxes: TextBox[] }[] = [];
  return {
    name: 'ppocr',
    workingWidth: 1400,
    recognize: () => Promise.resolve(FIRST),
    close: () => Promise.resolve(),
    asked,
    reread(page, boxes, { widthScale }) {
      asked.push({ page: page === BAND ? 'band' : 'page', boxes: [...boxes] });
      const given = page === BAND ? onBand : onPage;
      return Promise.resolve(
        boxes.map((box) => {
          const first = lineOf(FIRST, page, box);
          const [label] = /^[^:]+:/.exec(first.text)!;
          const [text, value] = given[widthScale]?.[first.text] ?? [first.text.slice(label.length), 0.99];
          return { ...fragment(0, label, text, value), box };
        }),
      );
    },
  };
}

async function look(engine: OcrEngine, finer = finerBand()) {
  const rows = rowsOf(FIRST);
  return secondLook(extractReceipt(rows, 'ppocr'), rows, FIRST, PAGE, finer, engine);
}

/** Page readings that corroborate nothing: a digit misread, unsure readings, one sure among unsure. */
const PAGE_UNSURE: Readings = {
  0.8: { '票据代码:51901249': ['51901249', 0.99], '票据号码:3019736932': ['3019736932', 0.79], '校验码:e4037a': ['e4037a', 0.99] },
  1.25: { '票据代码:51901249': ['51901248', 0.99], '票据号码:3019736932': ['3019736932', 0.52], '校验码:e4037a': ['e4037a', 0.8] },
};

describe('the second look at fields read below 0.90', () => {
  it('corroborates a value both samplings of the page read the same and surely, re-reading only the low lines and preparing no band', async () => {
    const engine = engineRereading({
      0.8: { '票据代码:51901249': ['51901249', 0.97], '票据号码:3019736932': ['3019736932', 0.91] },
      1.25: { '票据代码:51901249': ['51901249', 0.93], '票据号码:3019736932': ['3019736932', 0.95] },
    });
    const finer = finerBand();
    const { reading, looks } = await look(engine, finer);
    expect(reading.confidence.code).toBe(CORROBORATED);
    expect(reading.confidence.number).toBe(CORROBORATED);
    expect(reading.confidence.checkCode).toBe(CORROBORATED);
    // The name was read surely the first time: its line is not read again.
    expect(reading.confidence.payerName).toBe(0.99);
    expect(engine.asked.flatMap((a) => a.boxes).map((box) => box.y0)).not.toContain(130);
    expect(looks.map((l) => l.field).sort()).toEqual(['checkCode', 'code', 'number']);
    expect(finer.preparedFor).toEqual([]);
  });

  it('keeps the confidence when a sampling reads another value, or when not both read it surely, on the page and on the band', async () => {
    const engine = engineRereading(PAGE_UNSURE, { 1: PAGE_UNSURE[0.8]!, 1.25: PAGE_UNSURE[1.25]! });
    const { reading } = await look(engine);
    // A sampling disagrees on a digit.
    expect(reading.confidence.code).toBe(0.8);
    // All agree, none surely: how a digit under the seal was read wrong the same way each time.
    expect(reading.confidence.number).toBe(0.72);
    // One sure sampling among unsure ones is not enough.
    expect(reading.confidence.checkCode).toBe(0.6);
  });

  it('corroborates on the finer band, prepared under the lines the page left open, what both its samplings read the same and surely', async () => {
    const onPage: Readings = {
      0.8: { '票据代码:51901249': ['51901249', 0.85], '票据号码:3019736932': ['3019736932', 0.88] },
      1.25: { '票据代码:51901249': ['51901249', 0.86], '票据号码:3019736932': ['3019736932', 0.87] },
    };
    const onBand: Readings = {
      1: { '票据代码:51901249': ['51901249', 0.97], '票据号码:3019736932': ['3019736932', 0.96] },
      1.25: { '票据代码:51901249': ['51901249', 0.98], '票据号码:3019736932': ['3019736932', 0.89] },
    };
    const engine = engineRereading(onPage, onBand);
    const finer = finerBand();
    const { reading, looks } = await look(engine, finer);
    expect(reading.confidence.code).toBe(CORROBORATED);
    // Unsure once on the band: not corroborated.
    expect(reading.confidence.number).toBe(0.72);
    // Corroborated on the page already: its line is not on the band.
    expect(reading.confidence.checkCode).toBe(CORROBORATED);
    expect(finer.preparedFor).toEqual([[FIRST[0]!.box, FIRST[1]!.box]]);
    // The band's lines are cut where the first page's boxes fall on it.
    expect(engine.asked.filter((a) => a.page === 'band').map((a) => a.boxes)[0]).toContainEqual({ x0: 15, y0: 15, x1: 600, y1: 60 });
    expect(looks.find((l) => l.field === 'code')!.others).toHaveLength(4);
  });

  it('prepares a band for each run of neighbouring open lines, not one across the rows between them', async () => {
    const unsure: Readings = {
      0.8: { '票据代码:51901249': ['51901249', 0.85], '校验码:e4037a': ['e4037a', 0.85] },
      1.25: { '票据代码:51901249': ['51901249', 0.85], '校验码:e4037a': ['e4037a', 0.85] },
    };
    const finer = finerBand();
    const { reading } = await look(engineRereading(unsure), finer);
    // The 票据代码 (line 0) and the 校验码 (line 2) with the corroborated 票据号码 between them.
    expect(finer.preparedFor).toEqual([[FIRST[0]!.box], [FIRST[2]!.box]]);
    expect(reading.confidence.code).toBe(CORROBORATED);
    expect(reading.confidence.checkCode).toBe(CORROBORATED);
  });
});

/**
 * A witness that reads each line as given, keyed by the line's first text; others as the first
 * reading. Asked about a span of a line (an identifier's value), it reads `bySpan`'s text, else the
 * value after the label.
 */
function witnessReading(
  byLine: Record<string, string>,
  bySpan: Record<string, string> = {},
): Witness & { asked: number; spans: TextBox[] } {
  const witness = {
    asked: 0,
    spans: [] as TextBox[],
    read(_page: unknown, boxes: readonly TextBox[]) {
      witness.asked += boxes.length;
      return Promise.resolve(
        boxes.map((box) => {
          const first = WITNESSED_FIRST.find((f) => f.box.y0 === box.y0)!;
          if (box.x0 === first.box.x0) return byLine[first.text] ?? first.text;
          witness.spans.push(box);
          return bySpan[first.text] ?? first.text.slice(first.text.indexOf(':') + 1);
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
      reread: (page, boxes) =>
        Promise.resolve(
          boxes.map((box) => {
            const first = lineOf(WITNESSED_FIRST, page, box);
            return { ...first, box, chars: first.chars.map((c) => (c < 0.9 ? confidence : c)) };
          }),
        ),
    };
  }
  async function witnessedLook(engine: OcrEngine, witness: Witness, page: typeof PAGE & { sealInk?: typeof PAGE } = PAGE) {
    const rows = rowsOf(WITNESSED_FIRST);
    return secondLook(extractReceipt(rows, 'ppocr'), rows, WITNESSED_FIRST, page, finerBand(), engine, witness);
  }

  it('trusts a name and a check code both engines read exactly alike', async () => {
    const witness = witnessReading({});
    const { reading, looks } = await witnessedLook(ppocrAgreeing(0.8), witness);
    expect(reading.confidence.payerName).toBe(CORROBORATED);
    expect(reading.confidence.checkCode).toBe(CORROBORATED);
    expect(looks.find((l) => l.field === 'payerName')!.witness).toBe('覃杰明');
  });

  it("trusts a 票据号码 no seal crosses when tesseract reads its span alike, the label's last character before it at most", async () => {
    for (const span of ['3019736932', '13019736932']) {
      const witness = witnessReading({}, { '票据号码:3019736932': span });
      const { reading, looks } = await witnessedLook(ppocrAgreeing(0.8), witness);
      expect(reading.confidence.number).toBe(CORROBORATED);
      expect(looks.find((l) => l.field === 'number')!.witness).toBe('3019736932');
      // Only the value's span was put to it, not the label.
      const line = WITNESSED_FIRST[1]!.box;
      expect(witness.spans.map((box) => box.y0)).toEqual([line.y0]);
      expect(witness.spans[0]!.x0).toBeGreaterThan(line.x0 + (line.x1 - line.x0) / 3);
    }
  });

  it('does not trust a 票据号码 tesseract reads otherwise, by one digit or with more before it', async () => {
    for (const span of ['3019736982', '3019736932'.slice(1), '8313019736932']) {
      const { reading, looks } = await witnessedLook(ppocrAgreeing(0.8), witnessReading({}, { '票据号码:3019736932': span }));
      expect(reading.confidence.number).toBe(0.72);
      expect(looks.find((l) => l.field === 'number')!.witness).toEqual([span]);
    }
  });

  it('does not ask about a 票据号码 whose value seal ink crosses: a cut digit fools both engines alike', async () => {
    // Seal ink (0) over the right half of the 票据号码's line, where its digits stand.
    const sealInk = { width: PAGE.width, height: PAGE.height, data: new Uint8Array(PAGE.width * PAGE.height).fill(255) };
    const line = WITNESSED_FIRST[1]!.box;
    for (let y = line.y0; y < line.y1; y++) sealInk.data.fill(0, y * PAGE.width + 300, y * PAGE.width + 360);
    const witness = witnessReading({});
    const { reading, looks } = await witnessedLook(ppocrAgreeing(0.8), witness, { ...PAGE, sealInk });
    expect(reading.confidence.number).toBe(0.72);
    expect(looks.find((l) => l.field === 'number')!.witness).toBeUndefined();
    expect(witness.spans).toEqual([]);
    // The name and the check code, which no seal crosses, are asked about as before.
    expect(reading.confidence.payerName).toBe(CORROBORATED);
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
      reread: (p: unknown, boxes: readonly TextBox[]) => Promise.resolve(boxes.map((box) => ({ ...lineOf(long, p, box), box }))),
    };
    const fiveChars = await secondLook(extractReceipt(rows, 'ppocr'), rows, long, PAGE, finerBand(), engine, witnessReading({}));
    expect(fiveChars.reading.payerName).toBe('欧阳覃杰明');
    expect(fiveChars.reading.confidence.payerName).toBe(0.73);
  });
});
