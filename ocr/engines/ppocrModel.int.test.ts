import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../image/preprocess';
import type { GreyImage } from '../image/greyImage';
import { loadPpocrModels, type PpocrModels } from './ppocrModel';

const SAMPLES = ['photo-jpg-001.jpg', 'clean-png-001.png'].map((name) =>
  path.join(import.meta.dirname, '../../fixtures/receipts/samples', name),
);

describe('PP-OCR recognition run line by line', () => {
  let byGroup: PpocrModels;
  let byLine: PpocrModels;
  let pages: GreyImage[];

  beforeAll(async () => {
    [byGroup, byLine] = await Promise.all([loadPpocrModels({ linesPerRun: 8 }), loadPpocrModels()]);
    pages = await Promise.all(SAMPLES.map(async (file) => preprocess(await readFile(file), { workingWidth: 1400 })));
  }, 120_000);
  afterAll(async () => {
    await Promise.all([byGroup?.release(), byLine?.release()]);
  });

  it('reads every line, text and per-character confidence, exactly as a run of its padded group does', async () => {
    for (const page of pages) {
      const [grouped, lineByLine] = [await byGroup.recognize(page), await byLine.recognize(page)];
      expect(grouped.length).toBeGreaterThan(20);
      expect(lineByLine).toEqual(grouped);
    }
  });

  it('rereads boxes at another width scale alike', async () => {
    const page = pages[0]!;
    const boxes = (await byGroup.recognize(page)).slice(0, 11).map((fragment) => fragment.box);
    expect(await byLine.reread(page, boxes, 0.9)).toEqual(await byGroup.reread(page, boxes, 0.9));
  });
});
