import { describe, expect, it } from 'vitest';
import type { GreyImage } from './greyImage';
import { removeRuleLines } from './ruleLines';

function page(draw: (ink: (x: number, y: number) => void) => void): GreyImage {
  const [width, height] = [300, 60];
  const data = new Uint8Array(width * height).fill(255);
  draw((x, y) => (data[y * width + x] = 0));
  return { width, height, data };
}

const inkAt = (image: GreyImage, x: number, y: number) => image.data[y * image.width + x]! < 128;

describe('rule removal', () => {
  it('removes long rules and dotted leaders', () => {
    const image = page((ink) => {
      for (let x = 10; x < 290; x++) ink(x, 10);
      for (let x = 10; x < 100; x += 5) for (let d = 0; d < 2; d++) ink(x + d, 40);
    });
    const out = removeRuleLines(image, 128, 120);
    expect(inkAt(out, 150, 10)).toBe(false);
    expect(inkAt(out, 50, 40)).toBe(false);
  });

  it('keeps a solid horizontal stroke as short as a character (the 一 of a name at a cell edge)', () => {
    const image = page((ink) => {
      for (let x = 40; x < 72; x++) for (let y = 30; y < 32; y++) ink(x, y);
      for (let x = 78; x < 106; x++) for (let y = 30; y < 32; y++) ink(x, y);
    });
    const out = removeRuleLines(image, 128, 120);
    expect(inkAt(out, 50, 30)).toBe(true);
    expect(inkAt(out, 90, 30)).toBe(true);
  });
});
