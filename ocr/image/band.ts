/**
 * A band of the upload prepared again at another width: the lines the second look reads again, at
 * the cost of those rows rather than of the whole page. The first page's boxes are taken back to the
 * upload (unlevelled, unscaled), the rows they cover prepared with the first page's steps, and the
 * boxes carried onto the band.
 */
import type { TextBox } from '../engines/engine';
import type { PageImage, PreparedImage, PreprocessOptions } from './preprocess';

type Point = { x: number; y: number };
type Size = { width: number; height: number };

export interface Band {
  page: PreparedImage;
  /** The box of the first page on the band: the same text, as many times larger as the band is finer. */
  boxOnBand(box: TextBox): TextBox;
}

/** Room kept above and below the lines, in lines' heights: a line's descenders and a tilted line's ends. */
const MARGIN_LINES = 0.75;

/**
 * The rows of `image` under `boxes` of its first preparation `first`, prepared at `workingWidth`
 * levelled and denoised as `first` was.
 */
export async function prepareBand(
  image: PageImage,
  first: PreparedImage,
  boxes: readonly TextBox[],
  workingWidth: number,
  prepare: (image: PageImage, options: PreprocessOptions) => Promise<PreparedImage>,
): Promise<Band> {
  const { source } = first.steps;
  const ys = boxes.flatMap((box) => {
    const margin = (box.y1 - box.y0) * MARGIN_LINES;
    return corners(box).map((corner) => toSource(corner, first).y + (corner.y === box.y0 ? -margin : margin) / first.steps.scale);
  });
  const top = clamp(Math.floor(Math.min(...ys)), 0, source.height - 1);
  const bottom = clamp(Math.ceil(Math.max(...ys)), top + 1, source.height);
  const like = { skewDegrees: first.steps.skewDegrees, denoised: first.steps.denoised };
  const page = await prepare(image, { workingWidth, like, rows: { top, height: bottom - top } });
  const k = page.steps.scale / first.steps.scale;
  return {
    page,
    boxOnBand(box) {
      const middle = toSource({ x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2 }, first);
      const at = level(
        { x: middle.x * page.steps.scale, y: (middle.y - top) * page.steps.scale },
        page.steps.skewDegrees,
        page.steps.unlevelled,
        page,
      );
      const [halfWidth, halfHeight] = [((box.x1 - box.x0) * k) / 2, ((box.y1 - box.y0) * k) / 2];
      return {
        x0: clamp(Math.round(at.x - halfWidth), 0, page.width - 1),
        y0: clamp(Math.round(at.y - halfHeight), 0, page.height - 1),
        x1: clamp(Math.round(at.x + halfWidth), 1, page.width),
        y1: clamp(Math.round(at.y + halfHeight), 1, page.height),
      };
    },
  };
}

/** The point of the upload (as oriented) under a point of the whole page `page`. */
function toSource(point: Point, page: PreparedImage): Point {
  const unlevelled = unlevel(point, page.steps.skewDegrees, page.steps.unlevelled, page);
  return { x: unlevelled.x / page.steps.scale, y: unlevelled.y / page.steps.scale };
}

/**
 * Where a point of the page before levelling lands on the levelled page: levelImage turns the page by
 * −skew degrees about its middle (clockwise for a positive angle, y pointing down) onto a canvas grown
 * to hold it, and does nothing under 0.1°.
 */
export function level(point: Point, skewDegrees: number, before: Size, after: Size): Point {
  if (Math.abs(skewDegrees) < 0.1) return point;
  const t = (-skewDegrees * Math.PI) / 180;
  const [x, y] = [point.x - before.width / 2, point.y - before.height / 2];
  return { x: x * Math.cos(t) - y * Math.sin(t) + after.width / 2, y: x * Math.sin(t) + y * Math.cos(t) + after.height / 2 };
}

/** The inverse of `level`. */
export function unlevel(point: Point, skewDegrees: number, before: Size, after: Size): Point {
  if (Math.abs(skewDegrees) < 0.1) return point;
  const t = (skewDegrees * Math.PI) / 180;
  const [x, y] = [point.x - after.width / 2, point.y - after.height / 2];
  return { x: x * Math.cos(t) - y * Math.sin(t) + before.width / 2, y: x * Math.sin(t) + y * Math.cos(t) + before.height / 2 };
}

function corners(box: TextBox): Point[] {
  return [
    { x: box.x0, y: box.y0 },
    { x: box.x1, y: box.y0 },
    { x: box.x0, y: box.y1 },
    { x: box.x1, y: box.y1 },
  ];
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
