/**
 * Grey conversion that suppresses red ink: the 收费专用章 is stamped in red over the 收款单位 and the
 * totals, and in luminance it is as dark as text. Red ink is bright in the red channel while black
 * ink stays dark in every channel, so strongly red pixels take their red value and fade out.
 */
import type { GreyImage } from './greyImage';

/** How much redder than green and blue a pixel must be to count as seal ink. */
const REDNESS_THRESHOLD = 20;

/**
 * Luminance of an RGB(A) raw buffer, with seal-red pixels lifted towards white, and where the seal
 * ink was (0 there, 255 elsewhere; null when there was none), since what it covered cannot be read.
 */
export function greyWithoutSeal(
  rgb: Uint8Array,
  width: number,
  height: number,
  channels: number,
): { grey: GreyImage; sealInk: GreyImage | null } {
  const data = new Uint8Array(width * height);
  let ink: Uint8Array | null = null;
  for (let i = 0, p = 0; i < data.length; i++, p += channels) {
    const r = rgb[p]!;
    const g = rgb[p + 1]!;
    const b = rgb[p + 2]!;
    const luminance = (r * 299 + g * 587 + b * 114 + 500) / 1000;
    const redness = r - (g > b ? g : b);
    if (redness > REDNESS_THRESHOLD) {
      (ink ??= new Uint8Array(data.length).fill(255))[i] = 0;
      // Seal ink over paper turns white; over text the red value stays low, so the text stays dark.
      data[i] = Math.max(luminance, Math.min(255, r + 2 * redness));
    } else {
      data[i] = luminance;
    }
  }
  return { grey: { width, height, data }, sealInk: ink === null ? null : { width, height, data: ink } };
}

/**
 * The page as seen under the seal: the grey page of greyWithoutSeal, except that each seal pixel
 * takes its red-channel value alone. Under red ink the red channel is what the black print beneath
 * lets through: dark where a stroke runs under the seal, light where only the seal lies. The faded
 * grey lifts a stroke's pixels by twice their redness, which a scan's or photo's blur makes large
 * where a thin stroke meets the ink, and a digit under the ring may lose the stroke that tells an 8
 * from a 6; the red value keeps it.
 */
export function underSeal(rgb: Uint8Array, width: number, height: number, channels: number): GreyImage {
  const data = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < data.length; i++, p += channels) {
    const r = rgb[p]!;
    const g = rgb[p + 1]!;
    const b = rgb[p + 2]!;
    const redness = r - (g > b ? g : b);
    data[i] = redness > REDNESS_THRESHOLD ? r : (r * 299 + g * 587 + b * 114 + 500) / 1000;
  }
  return { width, height, data };
}
