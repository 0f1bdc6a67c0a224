import { describe, expect, it } from 'vitest';
import { unreadInk, type LineCrop } from './unreadInk';

const HEIGHT = 48;

/** A white crop with a dark block for each glyph ([first, last] columns), rows 10–38 as a character's strokes span. */
function crop(width: number, glyphs: readonly [number, number][], extra: (data: Uint8Array) => void = () => {}): LineCrop {
  const data = new Uint8Array(width * HEIGHT).fill(250);
  for (const [x0, x1] of glyphs) for (let y = 10; y <= 38; y++) data.fill(20, y * width + x0, y * width + x1 + 1);
  extra(data);
  return { width, height: HEIGHT, data, widthScale: 1 };
}

/** Three glyphs 30 px wide on a 40 px pitch, marked at their middles. */
const THREE = [
  [10, 40],
  [50, 80],
  [90, 120],
] as [number, number][];

describe('ink the recogniser read nothing from', () => {
  it('finds nothing when every glyph has its character', () => {
    expect(unreadInk(crop(140, THREE), '彭思鑫', [25, 65, 105])).toEqual([]);
    // Four characters measure their own em.
    const four = crop(180, [...THREE, [130, 160]]);
    expect(unreadInk(four, '彭思鑫磊', [25, 65, 105, 145])).toEqual([]);
  });

  it('holds the last character when the ink runs on past it by a glyph', () => {
    expect(unreadInk(crop(140, THREE), '彭思', [25, 65])).toEqual([1]);
  });

  it('holds the character after a gap that holds a glyph', () => {
    expect(unreadInk(crop(140, THREE), '彭鑫', [25, 105])).toEqual([1]);
    const five = crop(220, [...THREE, [130, 160], [170, 200]]);
    // 珠[海]市第二: the em is measured on the line's other pitches, the gap is twice it.
    expect(unreadInk(five, '珠市第二', [25, 105, 145, 185])).toEqual([1]);
  });

  it('counts a blurred glyph, mid-grey beside sharp ones, as ink', () => {
    // 缴款人鄢文健 on a photo, read 缴款人文健: the dropped 鄢 a smudge at 160 where its neighbours reach 20.
    const line = (grey: number) =>
      crop(260, [...THREE, [170, 200], [210, 240]], (data) => {
        for (let y = 10; y <= 38; y++) data.fill(grey, y * 260 + 130, y * 260 + 161);
      });
    expect(unreadInk(line(160), '缴款人文健', [25, 65, 105, 185, 225])).toEqual([3]);
    // Lighter than a third of the way to the darkest: a stain or a faded seal, not a glyph.
    expect(unreadInk(line(200), '缴款人文健', [25, 65, 105, 185, 225])).toEqual([]);
  });

  it('takes no dotted leader, underline or empty space for a glyph', () => {
    const leader = crop(300, THREE, (data) => {
      for (let y = 30; y <= 33; y++) for (let x = 130; x < 300; x += 6) data.fill(20, y * 300 + x, y * 300 + x + 3);
    });
    expect(unreadInk(leader, '挂号费', [25, 65, 105])).toEqual([]);
    // A label and its value far apart on one line, nothing between them.
    const spaced = crop(260, [...THREE, [200, 230]]);
    expect(unreadInk(spaced, '交款人王', [25, 65, 105, 215])).toEqual([]);
  });

  it('reads digits as half an em: a full number is not taken for a short one', () => {
    const digits: [number, number][] = Array.from({ length: 8 }, (_, i) => [10 + i * 20, 24 + i * 20]);
    const centres = digits.map(([a, b]) => (a + b) / 2);
    expect(unreadInk(crop(180, digits), '44363355', centres)).toEqual([]);
    // The last two digits unread: ink past the sixth.
    expect(unreadInk(crop(180, digits), '443633', centres.slice(0, 6))).toEqual([5]);
  });

  it('says nothing about a crop without contrast or a text its marks do not match', () => {
    const blank = { width: 140, height: HEIGHT, data: new Uint8Array(140 * HEIGHT).fill(200), widthScale: 1 };
    expect(unreadInk(blank, '彭思', [25, 65])).toEqual([]);
    expect(unreadInk(crop(140, THREE), '彭思', [25])).toEqual([]);
  });
});
