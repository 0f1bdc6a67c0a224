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
  // Ink looked up once per pixel: the runs below visit every pixel three times.
  const inked = new Uint8Array(width * height);
  for (let i = 0; i < inked.length; i++) inked[i] = data[i]! < inkBelow ? 1 : 0;
  const ink = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && inked[y * width + x] === 1;
  // Runs may skip a gap of MAX_GAP pixels: a rule broken by JPEG or residual skew is still a rule.
  for (let y = 0; y < height; y++) markRuns(inked, rule, y * width, 1, width, minLength, MAX_GAP, 1);
  for (let x = 0; x < width; x++) markRuns(inked, rule, x, width, height, minLength, MAX_GAP, 1);
  // Dotted leaders (西药费 ……… 12.50) are rules with wide gaps; what tells them from a line of text
  // is that nothing is inked a few pixels above and below them, and that they are dotted: a solid
  // stroke with clear space around it is a character (the 一 of 王一, the middle of 王 beside it).
  for (let y = LEADER_CLEARANCE; y < height - LEADER_CLEARANCE; y++) {
    markRuns(inked, rule, y * width, 1, width, minLength / 2, LEADER_GAP, 2, (from, to) => {
      let crossings = 0;
      for (let x = from; x <= to; x++) if (ink(x, y - LEADER_CLEARANCE) || ink(x, y + LEADER_CLEARANCE)) crossings++;
      const length = to - from + 1;
      return crossings < length * 0.05 && (length >= minLength || !solidNearby(ink, from, to, y));
    });
  }
  const out = Uint8Array.from(data);
  for (let i = 0; i < rule.length; i++) {
    if (rule[i] === 0) continue;
    const [x, y] = [i % width, Math.floor(i / width)];
    // The anti-aliased fringe of a rule goes with it, and the full height of a leader's dots.
    const reach = rule[i] === 2 ? LEADER_CLEARANCE - 1 : 1;
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const [nx, ny] = [x + dx, y + dy];
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && (dx === 0 && dy === 0 ? true : out[ny * width + nx]! < 230))
          out[ny * width + nx] = 255;
      }
    }
  }
  return { width, height, data: out };
}

const MAX_GAP = 2;
const LEADER_GAP = 9;
const LEADER_CLEARANCE = 4;
/** Unbroken ink at least this long is a stroke; a leader's dots are a few pixels each. */
const SOLID_STRETCH = 12;
/** Share of a short run that may lie in strokes for it still to be a leader. */
const LEADER_MAX_SOLID = 0.5;

/**
 * True when most of [from, to] lies in long unbroken stretches of ink (within a pixel of row `y`):
 * strokes of characters, not the short dots of a leader.
 */
function solidNearby(ink: (x: number, y: number) => boolean, from: number, to: number, y: number): boolean {
  let inLong = 0;
  let stretch = 0;
  const close = () => {
    if (stretch >= SOLID_STRETCH) inLong += stretch;
    stretch = 0;
  };
  for (let x = from; x <= to; x++) {
    if (ink(x, y - 1) || ink(x, y) || ink(x, y + 1)) stretch++;
    else close();
  }
  close();
  return inLong >= (to - from + 1) * LEADER_MAX_SOLID;
}

/**
 * Marks with `value` the runs of ink along one row or column of `inked` (pixel i of it at
 * offset + i × stride) at least `minLength` long, bridging gaps of up to `maxGap`, that `accept` allows.
 */
function markRuns(
  inked: Uint8Array,
  rule: Uint8Array,
  offset: number,
  stride: number,
  length: number,
  minLength: number,
  maxGap: number,
  value: number,
  accept?: (from: number, to: number) => boolean,
): void {
  let start = -1;
  let lastInk = -1;
  const close = () => {
    if (start >= 0 && lastInk - start + 1 >= minLength && (accept === undefined || accept(start, lastInk)))
      for (let j = start; j <= lastInk; j++) rule[offset + j * stride] = value;
  };
  for (let i = 0, at = offset; i < length; i++, at += stride) {
    if (inked[at] === 0) continue;
    if (start < 0 || i - lastInk > maxGap + 1) {
      close();
      start = i;
    }
    lastInk = i;
  }
  close();
}
