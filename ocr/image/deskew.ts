/**
 * Skew estimation by projection profiles: text rows and table rules make the horizontal ink
 * profile sharpest when the page is level, so the angle that maximises its energy is the skew.
 */
import { greySharp, toGreyImage, type GreyImage } from './greyImage';

const MAX_DEGREES = 6;
const SAMPLE_WIDTH = 800;

/** The page's skew in degrees (positive: the text runs down to the right, clockwise). */
export function estimateSkew(image: GreyImage, inkBelow: number): number {
  const step = Math.max(1, Math.floor(image.width / SAMPLE_WIDTH));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < image.height; y += step) {
    for (let x = 0; x < image.width; x += step) {
      if (image.data[y * image.width + x]! < inkBelow) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length < 50) return 0;
  const score = (degrees: number) => profileEnergy(xs, ys, Math.tan((degrees * Math.PI) / 180), image.height, step);
  let best = 0;
  let bestScore = score(0);
  for (let degrees = -MAX_DEGREES; degrees <= MAX_DEGREES; degrees += 0.25) {
    const s = score(degrees);
    if (s > bestScore) [best, bestScore] = [degrees, s];
  }
  const coarse = best;
  for (let degrees = coarse - 0.25; degrees <= coarse + 0.25; degrees += 0.05) {
    const s = score(degrees);
    if (s > bestScore) [best, bestScore] = [degrees, s];
  }
  return best;
}

function profileEnergy(xs: number[], ys: number[], slope: number, height: number, step: number): number {
  const margin = Math.ceil(Math.abs(slope) * 4000) + height;
  const bins = new Float64Array(Math.ceil((2 * margin) / step) + 1);
  for (let i = 0; i < xs.length; i++) {
    const level = ys[i]! - xs[i]! * slope + margin;
    bins[Math.floor(level / step)]!++;
  }
  let energy = 0;
  for (const count of bins) energy += count * count;
  return energy;
}

/** The image rotated by −skew so its rows are level; paper-white fills the corners. */
export async function levelImage(image: GreyImage, skewDegrees: number): Promise<GreyImage> {
  if (Math.abs(skewDegrees) < 0.1) return image;
  return toGreyImage(greySharp(image).rotate(-skewDegrees, { background: { r: 255, g: 255, b: 255 } }));
}
