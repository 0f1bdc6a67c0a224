/**
 * From a decoded upload to the image the engines read: scaled to a working resolution, grey with
 * the red seal faded out, denoised when grainy, lighting evened out, levelled, rules removed.
 */
import sharp from 'sharp';
import { estimateSkew, levelImage } from './deskew';
import { flattenLighting } from './flatField';
import { greySharp, otsuThreshold, toGreyImage, type GreyImage } from './greyImage';
import { estimateGrain } from './noise';
import { removeRuleLines } from './ruleLines';
import { greyWithoutSeal } from './seal';

export interface PreprocessOptions {
  /** Width the page is scaled to; engines state the text size they read best at. */
  workingWidth: number;
}

export interface PreparedImage extends GreyImage {
  /** What was done, for logs and tests. */
  steps: { scale: number; skewDegrees: number; grain: number; denoised: boolean };
}

/** Grain above which the median filter runs (clean renderings measure below 1). */
const GRAIN_THRESHOLD = 2.5;

/** Prepares an encoded image (PNG, JPEG, …) for recognition. */
export async function preprocess(encoded: Buffer, options: PreprocessOptions): Promise<PreparedImage> {
  // rotate() with no angle applies the EXIF orientation phones write.
  const decoded = sharp(encoded, { limitInputPixels: 60_000_000 }).rotate().flatten({ background: '#ffffff' });
  const meta = await decoded.clone().metadata();
  const sourceWidth = meta.autoOrient?.width ?? meta.width ?? options.workingWidth;
  const scale = options.workingWidth / sourceWidth;
  const { data, info } = await decoded
    .resize({ width: options.workingWidth, kernel: 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let grey: GreyImage = greyWithoutSeal(data, info.width, info.height, info.channels);
  const grain = estimateGrain(grey);
  const denoised = grain > GRAIN_THRESHOLD;
  if (denoised) grey = await toGreyImage(greySharp(grey).median(3));
  grey = flattenLighting(grey);
  const ink = Math.min(otsuThreshold(grey), 170);
  const skewDegrees = estimateSkew(grey, ink);
  grey = await levelImage(grey, skewDegrees);
  grey = removeRuleLines(grey, ink, Math.round(options.workingWidth * 0.06));
  return { ...grey, steps: { scale, skewDegrees, grain, denoised } };
}
