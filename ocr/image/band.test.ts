import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { TextBox } from '../engines/engine';
import { level, prepareBand, unlevel } from './band';
import type { GreyImage } from './greyImage';
import { preprocess } from './preprocess';

/** A white upload with black squares centred where given. */
async function uploadWithSquares(width: number, height: number, centres: [number, number][], side = 24): Promise<Buffer> {
  const square = await sharp({ create: { width: side, height: side, channels: 3, background: '#000000' } })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(centres.map(([x, y]) => ({ input: square, left: x - side / 2, top: y - side / 2 })))
    .png()
    .toBuffer();
}

/** The middle of the dark pixels inside `box`, or null when there are none. */
function darkMiddle(page: GreyImage, box: TextBox): { x: number; y: number } | null {
  let [sx, sy, n] = [0, 0, 0];
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      if (page.data[y * page.width + x]! < 100) [sx, sy, n] = [sx + x, sy + y, n + 1];
    }
  }
  return n === 0 ? null : { x: sx / n, y: sy / n };
}

describe('a band of the upload prepared again, finer', () => {
  it('undoes levelling exactly', () => {
    const before = { width: 1400, height: 900 };
    const after = { width: 1450, height: 980 };
    const point = { x: 321, y: 654 };
    const back = unlevel(level(point, 2.7, before, after), 2.7, before, after);
    expect(back.x).toBeCloseTo(point.x, 6);
    expect(back.y).toBeCloseTo(point.y, 6);
  });

  it.each([0, 3.2, -2.4])(
    'carries a box of the first page onto the same ink of the band, the page levelled by %f°',
    async (skewDegrees) => {
      const centres: [number, number][] = [
        [300, 400],
        [1500, 430],
        [900, 1000],
      ];
      const upload = await uploadWithSquares(1800, 1300, centres);
      const like = { skewDegrees, denoised: false };
      const first = await preprocess(upload, { workingWidth: 1400, like });
      // The squares on the first page, found where they are rather than where the geometry says.
      const onFirst = centres.map(([x, y]) => {
        const guess = level({ x: x * first.steps.scale, y: y * first.steps.scale }, skewDegrees, first.steps.unlevelled, first);
        const around = {
          x0: Math.round(guess.x - 30),
          y0: Math.round(guess.y - 30),
          x1: Math.round(guess.x + 30),
          y1: Math.round(guess.y + 30),
        };
        const middle = darkMiddle(first, around)!;
        expect(middle).not.toBeNull();
        return {
          x0: Math.round(middle.x - 14),
          y0: Math.round(middle.y - 14),
          x1: Math.round(middle.x + 14),
          y1: Math.round(middle.y + 14),
        };
      });
      // The two upper squares only: the band holds their rows, not the lower square's.
      const band = await prepareBand(upload, first, onFirst.slice(0, 2), 2100, preprocess);
      expect(band.page.width).toBeGreaterThanOrEqual(2100);
      expect(band.page.height).toBeLessThan(first.height * 0.5);
      for (const box of onFirst.slice(0, 2)) {
        const onBand = band.boxOnBand(box);
        expect(onBand.x1 - onBand.x0).toBeCloseTo((box.x1 - box.x0) * 1.5, -1);
        const middle = darkMiddle(band.page, onBand)!;
        expect(middle).not.toBeNull();
        expect(Math.abs(middle.x - (onBand.x0 + onBand.x1) / 2)).toBeLessThan(3);
        expect(Math.abs(middle.y - (onBand.y0 + onBand.y1) / 2)).toBeLessThan(3);
      }
    },
  );
});
