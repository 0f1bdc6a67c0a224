import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../image/preprocess';
import type { GreyImage } from '../image/greyImage';
import { createPpocrEngine, OcrThreadStoppedError, type PpocrEngine } from './ppocr';

const SAMPLE = path.join(import.meta.dirname, '../../fixtures/receipts/samples/photo-jpg-001.jpg');

/**
 * The share of `work`'s time in which a 10 ms timer kept turning: the time of every gap between its
 * turns beyond 25 ms counts as held. Work on the caller's thread holds the loop for nearly all of
 * it; a moment's scheduling delay on a loaded machine (seen at 450 ms once in CI) costs only that moment.
 */
async function loopFreeShare<T>(work: () => Promise<T>): Promise<{ result: T; free: number }> {
  const GAP_ALLOWED = 25;
  let last = performance.now();
  let held = 0;
  const turn = () => {
    const now = performance.now();
    held += Math.max(0, now - last - GAP_ALLOWED);
    last = now;
  };
  const ticker = setInterval(turn, 10);
  const start = performance.now();
  try {
    const result = await work();
    turn();
    const took = performance.now() - start;
    return { result, free: 1 - held / took };
  } finally {
    clearInterval(ticker);
  }
}

describe('PP-OCR in its own thread', () => {
  let engine: PpocrEngine;
  let page: GreyImage;

  beforeAll(async () => {
    engine = await createPpocrEngine();
    page = await preprocess(await readFile(SAMPLE), { workingWidth: engine.workingWidth });
  }, 120_000);
  afterAll(() => engine.close());

  it('leaves the event loop free while it reads a page', async () => {
    const { result, free } = await loopFreeShare(() => engine.recognize(page));
    expect(result.map((fragment) => fragment.text).join('')).toContain('合计');
    // On the caller's thread the model runs left the loop free a third of a reading; the timer now turns
    // throughout (the bound leaves room for a loaded machine's scheduling, not for a model run).
    expect(free).toBeGreaterThan(0.75);
  });

  it('fails the page being read when its thread dies, and reads the next one in a new thread', async () => {
    const before = await engine.recognize(page);
    const reading = engine.recognize(page);
    // Well into the reading: the thread takes the message between two of its model runs.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await engine.crashThreadForTest();
    await expect(reading).rejects.toThrow(OcrThreadStoppedError);
    expect(await engine.recognize(page)).toEqual(before);
  });

  it('prepares a page in the thread exactly as preprocess() does here', async () => {
    const encoded = await readFile(SAMPLE);
    const { result: prepared, free } = await loopFreeShare(() => engine.prepare!(encoded, { workingWidth: engine.workingWidth }));
    expect({ ...prepared, data: null }).toEqual({ ...page, data: null });
    expect(Buffer.from(prepared.data).equals(Buffer.from(page.data))).toBe(true);
    // preprocess() here left the loop free 0.4 of the time.
    expect(free).toBeGreaterThan(0.75);
    const damaged = encoded.subarray(0, 200);
    const here = await preprocess(damaged, { workingWidth: engine.workingWidth }).then(
      () => 'read',
      (error: Error) => error.message,
    );
    expect(here).not.toBe('read');
    await expect(engine.prepare!(damaged, { workingWidth: engine.workingWidth })).rejects.toThrow(here);
  });

  it('prepares raw pixels (a rendered PDF page) in the thread as it prepares the same pixels encoded', async () => {
    const { data, info } = await sharp(await readFile(SAMPLE))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: 4 as const, data: new Uint8Array(data) };
    const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
      .png()
      .toBuffer();
    const [fromRaw, fromPng] = [
      await engine.prepare!(raw, { workingWidth: engine.workingWidth }),
      await preprocess(png, { workingWidth: engine.workingWidth }),
    ];
    expect({ ...fromRaw, data: null, sealInk: null }).toEqual({ ...fromPng, data: null, sealInk: null });
    expect(Buffer.from(fromRaw.data).equals(Buffer.from(fromPng.data))).toBe(true);
    // The caller's pixels are copied for the thread, not taken from it.
    expect(Buffer.from(raw.data).equals(data)).toBe(true);
  });

  it("passes the thread's errors on as they are", async () => {
    const outside = { x0: page.width - 10, y0: 0, x1: page.width + 40, y1: 40 };
    await expect(engine.reread!(page, [outside], { widthScale: 1 })).rejects.toThrow(/extract_area|bad extract area/);
    // The thread survives a failed page.
    const [first] = (await engine.recognize(page)).filter((fragment) => fragment.text.length >= 4);
    const again = await engine.reread!(page, [first!.box], { widthScale: 1 });
    expect(again.map((fragment) => fragment.box)).toEqual([first!.box]);
  });
});

describe('PP-OCR reading several pages at once', () => {
  it('reads pages given together on its threads exactly as one thread reads them in turn', async () => {
    const samples = ['photo-jpg-001.jpg', 'clean-png-001.png'].map((name) =>
      path.join(import.meta.dirname, '../../fixtures/receipts/samples', name),
    );
    const one = await createPpocrEngine({ threads: 1 });
    const two = await createPpocrEngine({ threads: 1, pages: 2 });
    try {
      const pages = await Promise.all(samples.map(async (file) => preprocess(await readFile(file), { workingWidth: one.workingWidth })));
      // Three pages for two threads: one waits its turn on a busy thread.
      const order = [pages[0]!, pages[1]!, pages[0]!];
      const inTurn: Awaited<ReturnType<typeof one.recognize>>[] = [];
      for (const page of order) inTurn.push(await one.recognize(page));
      const together = await Promise.all(order.map((page) => two.recognize(page)));
      expect(together).toEqual(inTurn);
      expect(inTurn[0]).not.toEqual(inTurn[1]);
      const [line] = inTurn[1]!.filter((fragment) => fragment.text.length >= 4);
      const rereads = await Promise.all([two.reread!(pages[1]!, [line!.box], { widthScale: 1.25 }), two.recognize(pages[0]!)]);
      expect(rereads).toEqual([await one.reread!(pages[1]!, [line!.box], { widthScale: 1.25 }), inTurn[0]]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 120_000);
});
