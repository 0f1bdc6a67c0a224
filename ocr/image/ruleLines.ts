/**
 * Removal of table rules: the borders of 电子票据 tables touch the text in their cells, which makes
 * line finders merge cells and recognisers read │ as 1. Long straight ink runs are rules, never
 * characters, so they are painted paper-white.
 */
import type { GreyImage } from './greyImage';

/** The image without horizontal and vertical rules longer than `minLength` pixels. */
export function removeRuleLines(image: GreyImage, inkBelow: number, minLength: number): GreyImage {
  const { width, height, data } = image;
  const rule = new Uint8Array(width * height);
  // Runs may skip a gap of MAX_GAP pixels: a rule broken by JPEG or residual skew is still a rule,
  // and a dotted leader (……) is one too.
  for (let y = 0; y < height; y++) markRuns(width, (x) => data[y * width + x]! < inkBelow, minLength, (x) => (rule[y * width + x] = 1));
  for (let x = 0; x < width; x++) markRuns(height, (y) => data[y * width + x]! < inkBelow, minLength, (y) => (rule[y * width + x] = 1));
  const out = Uint8Array.from(data);
  for (let i = 0; i < rule.length; i++) {
    if (rule[i] === 0) continue;
    const [x, y] = [i % width, Math.floor(i / width)];
    // The anti-aliased fringe of a rule goes with it.
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const [nx, ny] = [x + dx, y + dy];
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && (dx === 0 && dy === 0 ? true : out[ny * width + nx]! < 230)) out[ny * width + nx] = 255;
      }
    }
  }
  return { width, height, data: out };
}

const MAX_GAP = 2;

function markRuns(length: number, isInk: (i: number) => boolean, minLength: number, mark: (i: number) => void): void {
  let start = -1;
  let lastInk = -1;
  for (let i = 0; i <= length; i++) {
    const ink = i < length && isInk(i);
    if (ink) {
      if (start < 0 || i - lastInk > MAX_GAP + 1) {
        if (start >= 0 && lastInk - start + 1 >= minLength) for (let j = start; j <= lastInk; j++) mark(j);
        start = i;
      }
      lastInk = i;
    }
  }
  if (start >= 0 && lastInk - start + 1 >= minLength) for (let j = start; j <= lastInk; j++) mark(j);
}
