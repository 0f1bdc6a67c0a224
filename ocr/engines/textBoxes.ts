/**
 * DB post-processing: text regions are the connected components of the thresholded probability
 * map, kept when their mean probability is high enough (PaddleOCR's box score).
 */
import type { TextBox } from './engine';

/** Bounding boxes of 4-connected regions above `threshold` whose mean probability ≥ `minScore`. */
export function connectedBoxes(probability: Float32Array, width: number, height: number, threshold: number, minScore: number): TextBox[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  let next = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || probability[start]! <= threshold) continue;
    next++;
    labels[start] = next;
    let top = 0;
    stack[top++] = start;
    let [x0, y0, x1, y1, sum, count] = [width, height, 0, 0, 0, 0];
    while (top > 0) {
      const i = stack[--top]!;
      const [x, y] = [i % width, (i / width) | 0];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      sum += probability[i]!;
      count++;
      // Left, right, up, down: the order the sum of probabilities is taken in.
      for (let k = 0; k < 4; k++) {
        const n =
          k === 0
            ? x > 0
              ? i - 1
              : -1
            : k === 1
              ? x + 1 < width
                ? i + 1
                : -1
              : k === 2
                ? y > 0
                  ? i - width
                  : -1
                : y + 1 < height
                  ? i + width
                  : -1;
        if (n >= 0 && labels[n] === 0 && probability[n]! > threshold) {
          labels[n] = next;
          stack[top++] = n;
        }
      }
    }
    if (count >= 6 && sum / count >= minScore && Math.min(x1 - x0, y1 - y0) >= 2) boxes.push({ x0, y0, x1: x1 + 1, y1: y1 + 1 });
  }
  return boxes;
}
