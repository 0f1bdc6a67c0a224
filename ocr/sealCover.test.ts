import { describe, expect, it } from 'vitest';
import type { TextFragment } from './engines/engine';
import type { GreyImage } from './image/greyImage';
import { greyWithoutSeal } from './image/seal';
import type { ReceiptReading } from './schema';
import { holdSealCoveredIdentifiers, SEAL_COVERED_CEILING, witnessSealCovered } from './sealCover';
import type { Witness } from './witness';

const WIDTH = 400;
const HEIGHT = 200;

function reading(): ReceiptReading {
  const confidence = {
    code: 0.97,
    number: 0.93,
    checkCode: 0.96,
    issueDate: 0.98,
    payerName: 0.97,
    payerId: 0.9,
    hospitalName: 0.96,
    total: 0.99,
    totalInWords: 0.95,
    items: 0.95,
    fundPaid: 0.98,
    accountPaid: 0.98,
    cashPaid: 0.98,
  };
  return {
    code: '36010125',
    number: '0083412156',
    checkCode: 'a1b2c3',
    issueDate: '2025-07-10',
    payerName: '付梅',
    payerId: null,
    hospitalName: '南昌市第三医院',
    total: '120.00',
    totalInWords: '壹佰贰拾元整',
    items: [{ category: '西药费', amount: '120.00' }],
    fundPaid: '80.00',
    accountPaid: '20.00',
    cashPaid: '20.00',
    confidence,
    source: 'ppocr',
  };
}

const fragment = (text: string, x0: number, y0: number, x1: number, y1: number): TextFragment => ({
  text,
  box: { x0, y0, x1, y1 },
  chars: [...text].map(() => 0.95),
});

const FRAGMENTS = [
  fragment('票据代码:36010125', 10, 10, 190, 34),
  fragment('No.0083412156', 220, 10, 390, 34),
  fragment('缴款人:付梅', 10, 60, 150, 84),
];

/** A mask with a ring's stroke (3 px wide) running down through x = 300..302, y from..to. */
function ringThrough(x: number, from: number, to: number): GreyImage {
  const data = new Uint8Array(WIDTH * HEIGHT).fill(255);
  for (let y = from; y < to; y++) for (let dx = 0; dx < 3; dx++) data[y * WIDTH + x + dx] = 0;
  return { width: WIDTH, height: HEIGHT, data };
}

describe('identifiers crossed by a seal', () => {
  it('holds a 票据号码 the ring crosses below the rules’ trust, and nothing else', () => {
    const { reading: held, covered } = holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(300, 0, 40));
    expect(covered).toEqual(['number']);
    expect(held.number).toBe('0083412156');
    expect(held.confidence.number).toBe(SEAL_COVERED_CEILING);
    expect(held.confidence.number).toBeLessThan(0.9);
    expect({ ...held.confidence, number: 0.93 }).toEqual(reading().confidence);
  });

  it('leaves the reading alone when the seal lies elsewhere or there is none', () => {
    expect(holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(300, 100, 190)).covered).toEqual([]);
    expect(holdSealCoveredIdentifiers(reading(), FRAGMENTS, null).reading).toEqual(reading());
  });

  it('holds nothing when the seal crosses the label and not the value', () => {
    // 'No.0083412156' spans x 220..390 at 13 units of ~13 px: the label is x 220..259.
    expect(holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(222, 0, 40)).covered).toEqual([]);
    expect(holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(370, 0, 40)).covered).toEqual(['number']);
  });

  it('does not count a few stray red pixels of a scan as a seal', () => {
    expect(holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(300, 12, 18)).covered).toEqual([]);
  });

  it('holds no name: a name cut short does not pass for another person', () => {
    const { covered } = holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(60, 50, 90));
    expect(covered).toEqual([]);
  });

  it('never raises a confidence already below the ceiling', () => {
    const low = reading();
    low.confidence.number = 0.6;
    expect(holdSealCoveredIdentifiers(low, FRAGMENTS, ringThrough(300, 0, 40)).reading.confidence.number).toBe(0.6);
  });
});

/** A witness that reads every line as `text`, and records which script it was asked in. */
function witnessReading(text: string): Witness & { scripts: string[] } {
  const scripts: string[] = [];
  return {
    scripts,
    read: async (_page, boxes, script) => {
      scripts.push(script);
      return boxes.map(() => text);
    },
    close: async () => {},
  };
}

describe('a seal-held identifier put to the witness', () => {
  const page: GreyImage = { width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT).fill(255) };
  const held = () => holdSealCoveredIdentifiers(reading(), FRAGMENTS, ringThrough(300, 0, 40));

  it('is trusted again when tesseract reads every character alike, a label character before it allowed', async () => {
    for (const text of ['0083412156', '10083412156']) {
      const { reading: h, covered } = held();
      const witness = witnessReading(text);
      const vouched = await witnessSealCovered(h, covered, FRAGMENTS, page, witness);
      expect(vouched.confidence.number).toBeGreaterThanOrEqual(0.9);
      expect(witness.scripts).toEqual(['hex']);
    }
  });

  it('stays held when one character differs, one is missing or more than the label’s last character crept in', async () => {
    for (const text of ['0083412158', '083412156', '120083412156', '']) {
      const { reading: h, covered } = held();
      expect((await witnessSealCovered(h, covered, FRAGMENTS, page, witnessReading(text))).confidence.number).toBe(SEAL_COVERED_CEILING);
    }
  });

  it('asks nothing when no identifier is held', async () => {
    const witness = witnessReading('0083412156');
    expect(await witnessSealCovered(reading(), [], FRAGMENTS, page, witness)).toEqual(reading());
    expect(witness.scripts).toEqual([]);
  });
});

describe('greyWithoutSeal', () => {
  it('marks seal red as ink to look out for, and black text or grey paper not', () => {
    // Three RGB pixels: seal red on paper, black text, grey paper.
    const rgb = new Uint8Array([216, 38, 43, 20, 20, 20, 200, 198, 195]);
    const { grey, sealInk } = greyWithoutSeal(rgb, 3, 1, 3);
    expect(Array.from(sealInk!.data)).toEqual([0, 255, 255]);
    expect(grey.data[0]).toBeGreaterThan(200);
    expect(grey.data[1]).toBeLessThan(40);
    expect(greyWithoutSeal(new Uint8Array([20, 20, 20, 200, 198, 195]), 2, 1, 3).sealInk).toBeNull();
  });
});
