/**
 * The engine interface: an OCR engine turns a prepared page into positioned text fragments with a
 * confidence per character. Everything after it (layout, fields, cross-checks) is engine-neutral,
 * and so is a PDF's text layer, which yields the same fragments without OCR.
 */
import { z } from 'zod';
import type { GreyImage } from '../image/greyImage';
import { preprocess, type PageImage, type PreparedImage, type PreprocessOptions } from '../image/preprocess';

const ENGINE_NAMES = ['ppocr', 'tesseract'] as const;
export const EngineNameSchema = z.enum(ENGINE_NAMES);
export type EngineName = z.infer<typeof EngineNameSchema>;

/** Axis-aligned box in page pixels (x right, y down). */
export interface TextBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A run of text on one line: a detected text box, a PDF text item, a tesseract word group. */
export interface TextFragment {
  text: string;
  box: TextBox;
  /** Confidence (0..1) of each character of `text`, same length. */
  chars: number[];
  /**
   * For a character read unsurely, by its index in `text`: what else the recogniser weighed where it
   * was least sure of it. Only engines that score every class (PP-OCR) give them.
   */
  rivals?: Readonly<Record<number, CharRivals>>;
}

/**
 * The classes a recogniser weighed for one character at the step it was least sure of it: the one read,
 * with its probability as read (a later check may lower the character's confidence below it), and the
 * others, best first, '' standing for "no character here" (CTC's blank).
 */
export interface CharRivals {
  read: number;
  others: readonly (readonly [char: string, probability: number])[];
}

export interface OcrEngine {
  readonly name: EngineName;
  /** Page width in pixels at which the engine reads body text best. */
  readonly workingWidth: number;
  /**
   * Preprocesses an encoded image or raw pixels as `preprocess()` does, off the caller's thread.
   * Engines without it leave preprocessing to the reader.
   */
  prepare?(image: PageImage, options: PreprocessOptions): Promise<PreparedImage>;
  recognize(page: GreyImage): Promise<TextFragment[]>;
  /**
   * Recognises the given boxes again, without detection, each crop drawn `widthScale` times as wide:
   * a second look at a line from another sampling of its pixels. Engines without it get no second
   * reading.
   */
  reread?(page: GreyImage, boxes: readonly TextBox[], options: { widthScale: number }): Promise<TextFragment[]>;
  close(): Promise<void>;
}

/** A fragment whose characters are all equally certain. */
export function uniformFragment(text: string, box: TextBox, confidence: number): TextFragment {
  return { text, box, chars: Array.from(text, () => confidence) };
}

/** The page prepared by the engine, off the caller's thread where it has its own, or here when it leaves that to the reader. */
export function preparePage(engine: Pick<OcrEngine, 'prepare'>, image: PageImage, options: PreprocessOptions): Promise<PreparedImage> {
  return engine.prepare ? engine.prepare(image, options) : preprocess(image, options);
}
