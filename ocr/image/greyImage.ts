/** A single-channel 8-bit image in memory: what every preprocessing step passes to the next. */
import sharp, { type Sharp } from 'sharp';

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major luminance, 0 black … 255 white. */
  data: Uint8Array;
}

/** Wraps a grey image for sharp. */
export function greySharp(image: GreyImage): Sharp {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 1 },
  });
}

/** Reads a sharp pipeline back as a grey image (first channel). */
export async function toGreyImage(pipeline: Sharp): Promise<GreyImage> {
  const { data, info } = await pipeline.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** A lossless PNG of the image, for engines that take encoded images. */
export function greyPng(image: GreyImage): Promise<Buffer> {
  return greySharp(image).png({ compressionLevel: 1 }).toBuffer();
}

/** The Otsu threshold: the grey level that best separates ink from paper. */
export function otsuThreshold(image: GreyImage): number {
  const histogram = new Float64Array(256);
  const { data } = image;
  for (let i = 0; i < data.length; i++) histogram[data[i]!]!++;
  const total = image.data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * histogram[i]!;
  let [weightBackground, sumBackground, best, bestVariance] = [0, 0, 128, -1];
  for (let t = 0; t < 256; t++) {
    weightBackground += histogram[t]!;
    if (weightBackground === 0) continue;
    const weightForeground = total - weightBackground;
    if (weightForeground === 0) break;
    sumBackground += t * histogram[t]!;
    const meanBackground = sumBackground / weightBackground;
    const meanForeground = (sumAll - sumBackground) / weightForeground;
    const variance = weightBackground * weightForeground * (meanBackground - meanForeground) ** 2;
    if (variance > bestVariance) [bestVariance, best] = [variance, t];
  }
  return best;
}
