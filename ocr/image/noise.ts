/**
 * Grain estimate: on clean renderings the paper is flat; on scans and photos neighbouring paper
 * pixels differ by several levels. Only grainy images get the median filter, which would
 * otherwise thin strokes for nothing.
 */
import type { GreyImage } from './greyImage';

/** Mean absolute difference between horizontally adjacent paper pixels (both brighter than 160). */
export function estimateGrain(image: GreyImage): number {
  const { width, height, data } = image;
  let [sum, count] = [0, 0];
  for (let y = 0; y < height; y += 3) {
    for (let x = 0; x + 1 < width; x += 3) {
      const [a, b] = [data[y * width + x]!, data[y * width + x + 1]!];
      if (a > 160 && b > 160) {
        sum += Math.abs(a - b);
        count++;
      }
    }
  }
  return count === 0 ? 0 : sum / count;
}
