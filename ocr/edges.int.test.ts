/**
 * Names that run to the edge of their cell: the last character of a long hospital name, or a
 * one-stroke 一 ending a payer's name, must survive detection and rule removal.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../fixtures/generate/random';
import { degrade, scanDegradation } from '../fixtures/receipts/degrade';
import { receiptHtml } from '../fixtures/receipts/layouts';
import { openRenderer } from '../fixtures/receipts/render';
import { drawReceipt, PROVINCES } from '../fixtures/receipts/truth';
import { createReceiptReader } from './reader';

const CASES = [
  { hospitalName: '杭州市城西社区卫生服务中心', payerName: '王一' },
  { hospitalName: '南昌市第三中西医结合医院', payerName: '付梅一' },
];

let dir: string;
const files: { file: string; expected: (typeof CASES)[number] }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zhishen-ocr-edges-'));
  const renderer = await openRenderer();
  try {
    for (const [i, expected] of CASES.entries()) {
      const random = new Random(9100 + i);
      const printed = drawReceipt(random, PROVINCES[i]!);
      Object.assign(printed.truth, expected);
      // ebill-grid prints both names in table cells, the hospital in the narrow last column.
      const png = await renderer.png(receiptHtml('ebill-grid', printed, random), 1.5);
      const clean = path.join(dir, `edge-${i}.png`);
      const scan = path.join(dir, `edge-${i}.jpg`);
      await writeFile(clean, png);
      await writeFile(
        scan,
        await degrade(await renderer.png(receiptHtml('ebill-grid', printed, new Random(9100 + i)), 2), scanDegradation(random), random),
      );
      files.push({ file: clean, expected }, { file: scan, expected });
    }
  } finally {
    await renderer.close();
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('names at the edge of their cell', () => {
  const reader = createReceiptReader();
  afterAll(() => reader.close());

  it('reads them to their last character', async () => {
    for (const { file, expected } of files) {
      const reading = await reader.read(file);
      expect({ hospitalName: reading.hospitalName, payerName: reading.payerName }, path.basename(file)).toEqual(expected);
    }
  }, 120_000);
});
