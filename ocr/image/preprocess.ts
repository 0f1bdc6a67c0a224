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
import { greyWithoutSeal, underSeal } from './seal';

export interface PreprocessOptions {
  /** Width the page is scaled to; engines state the text size they read best at. */
  workingWidth: number;
  /**
   * The steps an earlier preparation of the same page took, taken again instead of estimated, so
   * that a box found on that page falls on the same text here (scaled by the ratio of the widths).
   */
  like?: Pick<PreparedImage['steps'], 'skewDegrees' | 'denoised'>;
  /**
   * Only these rows of the upload (as oriented; e.g. a band of lines to read again), scaled as the
   * whole upload's width would be: the band is prepared for a fraction of the page's cost.
   */
  rows?: { top: number; height: number };
  /**
   * Prepare the page as seen under the seal (`underSeal` in seal.ts: the seal's pixels by their red
   * value). No seal ink is reported for it.
   */
  underSeal?: boolean;
}

export interface PreparedImage extends GreyImage {
  /**
   * Where seal ink lay on the page, levelled with it (0 = ink), or null when there was none: text
   * under an opaque stamp may have lost strokes, so its readings are not trusted alone.
   */
  sealInk: GreyImage | null;
  /**
   * What was done, for logs and tests, and where a point of the upload lands on the page: the upload's
   * size as oriented (`source`, the whole of it even when only `rows` were prepared), the size it was
   * scaled to before levelling (`unlevelled`).
   */
  steps: {
    scale: number;
    skewDegrees: number;
    grain: number;
    denoised: boolean;
    source: { width: number; height: number };
    unlevelled: { width: number; height: number };
  };
}

/** Grain above which the median filter runs (clean renderings measure below 1). */
const GRAIN_THRESHOLD = 2.5;

/**
 * Pixels already decoded (a rendered PDF page): handed over as they are, since encoding them to
 * PNG and decoding that again cost more than rendering the page.
 */
export interface RawPixels {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA) */
  channels: 3 | 4;
  data: Uint8Array;
}

/** An encoded image (PNG, JPEG, …) or decoded pixels, as the reader hands them to preprocessing. */
export type PageImage = Buffer | RawPixels;

/** Prepares an encoded image (PNG, JPEG, …) or raw pixels for recognition. */
export async function preprocess(image: PageImage, options: PreprocessOptions): Promise<PreparedImage> {
  const source = Buffer.isBuffer(image)
    ? sharp(image, { limitInputPixels: 60_000_000 })
    : sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
        limitInputPixels: 60_000_000,
        raw: { width: image.width, height: image.height, channels: image.channels },
      });
  // rotate() with no angle applies the EXIF orientation phones write.
  const decoded = source.rotate().flatten({ background: '#ffffff' });
  const meta = await decoded.clone().metadata();
  const sourceWidth = meta.autoOrient?.width ?? meta.width ?? options.workingWidth;
  const sourceHeight = meta.autoOrient?.height ?? meta.height ?? options.workingWidth;
  const scale = options.workingWidth / sourceWidth;
  const { rows } = options;
  const { data, info } = await (rows ? decoded.extract({ left: 0, top: rows.top, width: sourceWidth, height: rows.height }) : decoded)
    .resize({ width: options.workingWidth, kernel: 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const withoutSeal = options.underSeal
    ? { grey: underSeal(data, info.width, info.height, info.channels), sealInk: null }
    : greyWithoutSeal(data, info.width, info.height, info.channels);
  let grey: GreyImage = withoutSeal.grey;
  const grain = estimateGrain(grey);
  const denoised = options.like?.denoised ?? grain > GRAIN_THRESHOLD;
  if (denoised) grey = await toGreyImage(greySharp(grey).median(3));
  grey = flattenLighting(grey);
  const ink = Math.min(otsuThreshold(grey), 170);
  const skewDegrees = options.like?.skewDegrees ?? estimateSkew(grey, ink);
  grey = await levelImage(grey, skewDegrees);
  grey = removeRuleLines(grey, ink, Math.round(options.workingWidth * 0.06));
  const sealInk = withoutSeal.sealInk && (await levelImage(withoutSeal.sealInk, skewDegrees));
  const unlevelled = { width: info.width, height: info.height };
  const steps = { scale, skewDegrees, grain, denoised, source: { width: sourceWidth, height: sourceHeight }, unlevelled };
  return { ...grey, sealInk, steps };
}
