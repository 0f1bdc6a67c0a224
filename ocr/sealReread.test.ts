import { describe, expect, it } from 'vitest';
import type { OcrEngine, TextBox, TextFragment } from './engines/engine';
import type { GreyImage } from './image/greyImage';
import type { PreparedImage, PreprocessOptions } from './image/preprocess';
import { underSeal } from './image/seal';
import type { ReceiptReading } from './schema';
import { rereadUnderSeal, SEAL_REREAD } from './sealReread';
import type { Witness } from './witness';

const WIDTH = 400;
const HEIGHT = 200;
const LABEL = '票据号码:';

/** The number's line as the first reading saw it: every character sure but the sixth digit. */
const FIRST_NUMBER = '0083462156';
const RIGHT_NUMBER = '0083412156';
const NUMBER_LINE: TextFragment = {
  text: LABEL + FIRST_NUMBER,
  box: { x0: 200, y0: 10, x1: 390, y1: 34 },
  chars: [...LABEL].map(() => 0.99).concat([...FIRST_NUMBER].map((_, i) => (i === 5 ? 0.62 : 0.995))),
};
const FRAGMENTS: TextFragment[] = [
  { text: '票据代码:36010125', box: { x0: 10, y0: 10, x1: 180, y1: 34 }, chars: Array(13).fill(0.99) },
  NUMBER_LINE,
  { text: '校验码:a1b2c3', box: { x0: 10, y0: 60, x1: 150, y1: 84 }, chars: Array(10).fill(0.99) },
];

function reading(numberConfidence = 0.62): ReceiptReading {
  return {
    code: '36010125',
    number: FIRST_NUMBER,
    checkCode: 'a1b2c3',
    issueDate: null,
    payerName: null,
    payerId: null,
    hospitalName: null,
    total: null,
    totalInWords: null,
    items: null,
    fundPaid: null,
    accountPaid: null,
    cashPaid: null,
    confidence: {
      code: 0.99,
      number: numberConfidence,
      checkCode: 0.99,
      issueDate: 0,
      payerName: 0,
      payerId: 0,
      hospitalName: 0,
      total: 0,
      totalInWords: 0,
      items: 0,
      fundPaid: 0,
      accountPaid: 0,
      cashPaid: 0,
    },
    source: 'ppocr',
  };
}

/** Seal ink: a ring's stroke (3 px wide) running down through x = ringX, y from..to. */
function ringThrough(ringX: number, from: number, to: number): GreyImage {
  const data = new Uint8Array(WIDTH * HEIGHT).fill(255);
  for (let y = from; y < to; y++) for (let dx = 0; dx < 3; dx++) data[y * WIDTH + ringX + dx] = 0;
  return { width: WIDTH, height: HEIGHT, data };
}

/** The prepared page, with the ring across the number's digits (x ≈ 300) unless told otherwise. */
function prepared(sealInk: GreyImage | null = ringThrough(300, 0, 40)): PreparedImage {
  return {
    width: WIDTH,
    height: HEIGHT,
    data: new Uint8Array(WIDTH * HEIGHT).fill(255),
    sealInk,
    steps: {
      scale: 1,
      skewDegrees: 0.4,
      grain: 3,
      denoised: true,
      source: { width: WIDTH, height: HEIGHT },
      unlevelled: { width: WIDTH, height: HEIGHT },
    },
  };
}

/** An engine whose re-read of any box reads `text`, every character at `confidence`; it records what it was asked. */
function engineReading(text: string, confidence: number) {
  const asked = { prepared: [] as PreprocessOptions[], reread: [] as TextBox[][] };
  const engine: OcrEngine = {
    name: 'ppocr',
    workingWidth: WIDTH,
    prepare: (_image, options) => {
      asked.prepared.push(options);
      return Promise.resolve(prepared(null));
    },
    recognize: () => Promise.reject(new Error('no detection in a re-read')),
    reread: (_page, boxes) => {
      asked.reread.push([...boxes]);
      return Promise.resolve(boxes.map((box) => ({ text, box, chars: [...text].map(() => confidence) })));
    },
    close: () => Promise.resolve(),
  };
  return { engine, asked };
}

const COLOUR_PAGE = Buffer.from('the colour page');

/** A witness that reads `text` on every line; it records the boxes it was asked about. */
function witnessReading(text: string) {
  const asked: TextBox[][] = [];
  const witness: Witness = {
    read: (_page, boxes, script) => {
      expect(script).toBe('hex');
      asked.push([...boxes]);
      return Promise.resolve(boxes.map(() => text));
    },
    close: () => Promise.resolve(),
  };
  return { witness, asked };
}
/** The witness as it reads the number's line when it reads the value as re-read: No. as a 0. */
const AGREEING = witnessReading('0' + RIGHT_NUMBER).witness;

describe('an identifier re-read under the seal', () => {
  it('takes a seal-crossed low 票据号码 re-read in form, sure digits kept, read surely and alike by the witness, at 0.95', async () => {
    const { engine, asked } = engineReading(LABEL + RIGHT_NUMBER, 0.99);
    const { reading: after, rereads } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, AGREEING);
    expect(after.number).toBe(RIGHT_NUMBER);
    expect(after.confidence.number).toBe(SEAL_REREAD);
    expect({ ...after, number: FIRST_NUMBER, confidence: { ...after.confidence, number: 0.62 } }).toEqual(reading());
    expect(rereads).toEqual([expect.objectContaining({ field: 'number', accepted: true })]);
    // The page under the seal, levelled and denoised as the first was; only the number's line read again.
    expect(asked.prepared).toEqual([{ workingWidth: WIDTH, like: { skewDegrees: 0.4, denoised: true }, underSeal: true }]);
    expect(asked.reread).toEqual([[NUMBER_LINE.box]]);
  });

  it('refuses a sure re-read that the witness reads otherwise on the page under the seal', async () => {
    // A ring's faint edge across a 3 reads as an 8: PP-OCR is sure of it, tesseract reads the 3.
    const { engine } = engineReading(LABEL + '0083482156', 0.96);
    const { witness, asked } = witnessReading('00083432156');
    const { reading: after, rereads } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, witness);
    expect(after).toEqual(reading());
    expect(rereads).toEqual([expect.objectContaining({ witnessed: ['00083432156'], accepted: false })]);
    expect(asked).toEqual([[NUMBER_LINE.box]]);
  });

  it('refuses a witness whose text has the value after more characters than the label held', async () => {
    const { engine } = engineReading(LABEL + RIGHT_NUMBER, 0.99);
    const { witness } = witnessReading('123456' + RIGHT_NUMBER);
    const { reading: after } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, witness);
    expect(after).toEqual(reading());
  });

  it('takes a re-read of the first value, read surely, without asking the witness', async () => {
    const { engine } = engineReading(LABEL + FIRST_NUMBER, 0.97);
    const { witness, asked } = witnessReading('00083432156');
    const { reading: after, rereads } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, witness);
    expect(after.number).toBe(FIRST_NUMBER);
    expect(after.confidence.number).toBe(SEAL_REREAD);
    expect(rereads).toEqual([expect.objectContaining({ readSurely: true, witnessed: [], accepted: true })]);
    expect(asked).toEqual([]);
  });

  it('asks the witness nothing when PP-OCR’s re-read does not pass', async () => {
    const { engine } = engineReading(LABEL + RIGHT_NUMBER, 0.86);
    const { witness, asked } = witnessReading('0' + RIGHT_NUMBER);
    await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, witness);
    expect(asked).toEqual([]);
  });

  it('refuses a re-read that is not in the field’s form', async () => {
    const { engine } = engineReading(LABEL + '008341215', 0.99);
    const { reading: after, rereads } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, AGREEING);
    expect(after).toEqual(reading());
    expect(rereads.map((r) => r.accepted)).toEqual([false]);
  });

  it('refuses a re-read that changes a digit the first reading was sure of', async () => {
    const { engine } = engineReading(LABEL + '8083412156', 0.99);
    const { reading: after, rereads } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, AGREEING);
    expect(after).toEqual(reading());
    expect(rereads).toEqual([expect.objectContaining({ reread: { value: '8083412156', confidence: 0.99 }, accepted: false })]);
  });

  it('refuses a re-read that is itself below 0.90', async () => {
    const { engine } = engineReading(LABEL + RIGHT_NUMBER, 0.86);
    const { reading: after } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(), COLOUR_PAGE, engine, AGREEING);
    expect(after).toEqual(reading());
  });

  it('reads nothing again when no seal ink lies across the value (on its label, elsewhere, or none)', async () => {
    const { engine, asked } = engineReading(LABEL + RIGHT_NUMBER, 0.99);
    for (const ink of [ringThrough(205, 0, 40), ringThrough(300, 100, 190), null]) {
      const { reading: after } = await rereadUnderSeal(reading(), FRAGMENTS, prepared(ink), COLOUR_PAGE, engine, AGREEING);
      expect(after).toEqual(reading());
    }
    expect(asked).toEqual({ prepared: [], reread: [] });
  });

  it('reads nothing again when the field was read at 0.90 or more', async () => {
    const { engine, asked } = engineReading(LABEL + RIGHT_NUMBER, 0.99);
    const { reading: after } = await rereadUnderSeal(reading(0.9), FRAGMENTS, prepared(), COLOUR_PAGE, engine, AGREEING);
    expect(after).toEqual(reading(0.9));
    expect(asked).toEqual({ prepared: [], reread: [] });
  });
});

describe('the page under the seal', () => {
  it('gives a seal pixel its red value (dark over print, light over paper) and every other pixel its luminance', () => {
    // Red ink over black print, red ink over paper, black print, paper.
    const rgb = new Uint8Array([70, 20, 25, 235, 90, 95, 30, 30, 30, 250, 250, 250]);
    expect([...underSeal(rgb, 4, 1, 3).data]).toEqual([70, 235, 30, 250]);
  });
});
