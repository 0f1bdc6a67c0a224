/**
 * Evens out uneven lighting (phone photos lit from one side, scanner shading): the paper's
 * brightness is estimated per block from its brightest pixels, smoothed, and divided out.
 */
import type { GreyImage } from './greyImage';

const BLOCK = 32;

/** The image with the paper brought to white everywhere; text contrast is preserved. */
export function flattenLighting(image: GreyImage): GreyImage {
  const { width, height, data } = image;
  const columns = Math.ceil(width / BLOCK);
  const rows = Math.ceil(height / BLOCK);
  const paper = new Float32Array(columns * rows);
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < columns; bx++) {
      paper[by * columns + bx] = blockPaperLevel(image, bx * BLOCK, by * BLOCK);
    }
  }
  // Blocks that are all ink (a thick title, a seal) would darken the estimate: take the brightest
  // neighbour, then average, so one dark block never drags the paper level down.
  const smooth = boxAverage(neighbourMax(paper, columns, rows), columns, rows);
  const out = new Uint8Array(data.length);
  // Where each column falls between block centres is the same on every row: worked out once.
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  const weight = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) / BLOCK - 0.5, 0), columns - 1);
    left[x] = Math.floor(fx);
    right[x] = Math.min(left[x]! + 1, columns - 1);
    weight[x] = fx - left[x]!;
  }
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) / BLOCK - 0.5, 0), rows - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, rows - 1);
    const wy = fy - y0;
    const top = y0 * columns;
    const bottom = y1 * columns;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = left[x]!;
      const x1 = right[x]!;
      const wx = weight[x]!;
      const level =
        (smooth[top + x0]! * (1 - wx) + smooth[top + x1]! * wx) * (1 - wy) +
        (smooth[bottom + x0]! * (1 - wx) + smooth[bottom + x1]! * wx) * wy;
      const value = (data[row + x]! * 255) / Math.max(level, 40);
      out[row + x] = value > 255 ? 255 : value;
    }
  }
  return { width, height, data: out };
}

/** The 90th-percentile brightness of a block: paper, ignoring the occasional bright speckle. */
function blockPaperLevel(image: GreyImage, left: number, top: number): number {
  const histogram = new Uint32Array(256);
  let count = 0;
  for (let y = top; y < Math.min(top + BLOCK, image.height); y++) {
    for (let x = left; x < Math.min(left + BLOCK, image.width); x++) {
      histogram[image.data[y * image.width + x]!]!++;
      count++;
    }
  }
  let seen = 0;
  for (let level = 255; level >= 0; level--) {
    seen += histogram[level]!;
    if (seen >= count * 0.1) return level;
  }
  return 255;
}

function neighbourMax(values: Float32Array, columns: number, rows: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      let best = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx >= 0 && ny >= 0 && nx < columns && ny < rows) best = Math.max(best, values[ny * columns + nx]!);
        }
      }
      out[y * columns + x] = best;
    }
  }
  return out;
}

function boxAverage(values: Float32Array, columns: number, rows: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      let [sum, n] = [0, 0];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx >= 0 && ny >= 0 && nx < columns && ny < rows) [sum, n] = [sum + values[ny * columns + nx]!, n + 1];
        }
      }
      out[y * columns + x] = sum / n;
    }
  }
  return out;
}
