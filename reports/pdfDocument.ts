/**
 * A plain text PDF (title, headings, wrapped paragraphs, A4 pages) in an embedded, subset CJK font.
 * Notices, audit exports and batch summaries are laid out as text blocks and drawn here.
 *
 * pdf-lib embeds and subsets a TrueType/OpenType font only through a fontkit; its standard fonts
 * are WinAnsi and cannot draw one Chinese character. We take upstream `fontkit` 2.x, not pdf-lib's
 * fork `@pdf-lib/fontkit` 1.1.1: that fork's subsetter writes an invalid CFF for Noto Sans CJK
 * (text still extracts, but viewers draw blank glyphs — pdf-lib issues #808, #1232).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { PDFDocument, rgb, typedArrayFor, type PDFFont, type PDFPage } from 'pdf-lib';
import { setting } from '../config/env';
import { writeSubsetWithoutSubrs } from './cffSubsetFlat';

/** ZHISHEN_CJK_FONT; by default Debian's fonts-noto-cjk, a TrueType collection of which we take the Simplified Chinese face. */
const CJK_FONT_PATH = setting('ZHISHEN_CJK_FONT');
const CJK_FONT_MEMBER = 'NotoSansCJKsc-Regular';
const FONTKIT_PACKAGE = 'fontkit';

/** Raised when the font engine pdf-lib needs to embed the CJK font is not installed. */
export class FontkitMissingError extends Error {
  constructor() {
    super(
      `PDF output needs the npm package ${FONTKIT_PACKAGE} 2.x (npm install ${FONTKIT_PACKAGE}@^2.0.4) to embed and subset the CJK font`,
    );
    this.name = 'FontkitMissingError';
  }
}

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  /** Small monospace-like lines: hashes, identifiers. */
  | { kind: 'small'; text: string };

interface Fontkit {
  create(buffer: Uint8Array, postscriptName?: string): unknown;
}

interface FontkitSubset {
  encode(): Uint8Array;
  encodeStream?: () => EventEmitter;
}

/**
 * Adapts a fontkit 2 font to what pdf-lib 1.17 expects of its fork:
 * - `encodeStream()` on subsets (data/end events): fontkit 2 has only a synchronous `encode()`,
 *   so each subset gets the old method, emitting after pdf-lib has subscribed;
 * - `font.cff`, which pdf-lib reads to embed a CFF font as CIDFontType0C/FontFile3 (Noto Sans CJK
 *   is CFF-flavoured); fontkit 2 names the table `'CFF '` only.
 */
function adaptForPdfLib(
  font: { createSubset(): FontkitSubset; layout(text: string, ...rest: unknown[]): unknown } & Record<string, unknown>,
): unknown {
  if (!('cff' in font)) Object.defineProperty(font, 'cff', { get: () => font['CFF '] ?? font['CFF2'] });
  // pdf-lib shapes every line twice (wrap's widths, then drawText's glyphs) and a notice's wording
  // recurs in every notice: the glyph runs of text shaped with the default features are
  // remembered. A run is a pure function of the face and the text, and pdf-lib only reads its
  // glyphs (fontkit caches the glyph objects per face anyway); bounded, as names and amounts differ.
  const layout = font.layout.bind(font);
  const runs = new Map<string, unknown>();
  font.layout = (text: string, ...rest: unknown[]) => {
    if (typeof text !== 'string' || rest.some((r) => r !== undefined)) return layout(text, ...rest);
    let run = runs.get(text);
    if (run === undefined) {
      if (runs.size >= BOUNDED_ENTRIES) runs.clear();
      runs.set(text, (run = layout(text)));
    }
    return run;
  };
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    writeSubsetWithoutSubrs(subset);
    subset.encodeStream ??= () => {
      const stream = new EventEmitter();
      setImmediate(() => {
        try {
          stream.emit('data', subset.encode());
          stream.emit('end');
        } catch (err) {
          stream.emit('error', err);
        }
      });
      return stream;
    };
    return subset;
  };
  return font;
}

let fontkitPromise: Promise<Fontkit | null> | undefined;

/** fontkit if installed, else null; imported by a computed name so the code compiles without it. */
function loadFontkit(): Promise<Fontkit | null> {
  const name = FONTKIT_PACKAGE;
  fontkitPromise ??= import(/* @vite-ignore */ name).then(
    (mod: { default?: Fontkit } & Partial<Fontkit>) => mod.default ?? (mod as Fontkit),
    () => null,
  );
  return fontkitPromise;
}

let sharedFont: { path: string; font: Promise<{ bytes: Buffer; font: unknown }> } | undefined;

/**
 * The CJK face, read and parsed once per process: the collection is 19 MB, and parsing it again for
 * every notice cost more than laying the notice out. fontkit fonts are not changed by use (each PDF
 * takes its own subset), and layout is synchronous, so concurrent renderings can share one.
 */
function cjkFont(fontkit: Fontkit): Promise<{ bytes: Buffer; font: unknown }> {
  if (sharedFont?.path !== CJK_FONT_PATH) {
    const font = fs.promises
      .readFile(CJK_FONT_PATH)
      .then((bytes) => ({ bytes, font: adaptForPdfLib(fontkit.create(bytes, CJK_FONT_MEMBER) as never) }));
    sharedFont = { path: CJK_FONT_PATH, font };
    font.catch(() => {
      if (sharedFont?.font === font) sharedFont = undefined;
    });
  }
  return sharedFont.font;
}

/** True when PDFs with Chinese text can be written here. */
export async function pdfSupported(): Promise<boolean> {
  return (await loadFontkit()) !== null && fs.existsSync(CJK_FONT_PATH);
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const STYLE = {
  title: { size: 18, gapBefore: 0, gapAfter: 14 },
  heading: { size: 13, gapBefore: 10, gapAfter: 6 },
  paragraph: { size: 11, gapBefore: 0, gapAfter: 6 },
  small: { size: 8, gapBefore: 0, gapAfter: 2 },
} as const;

/**
 * A new PDF document with its metadata set and the CJK font embedded as a subset: what every PDF
 * of ours starts from, whether it is laid out as text blocks (renderTextPdf) or drawn (charts).
 */
export async function cjkPdfDocument(meta: {
  title: string;
  subject?: string;
  author?: string;
}): Promise<{ doc: PDFDocument; font: PDFFont }> {
  const fontkit = await loadFontkit();
  if (!fontkit) throw new FontkitMissingError();
  const doc = await PDFDocument.create();
  deflateNatively(doc);
  // A TTC holds several faces; fontkit needs the member's PostScript name, pdf-lib passes none:
  // the face is created once, with it (cjkFont), and handed to pdf-lib as it asks.
  const shared = await cjkFont(fontkit);
  doc.registerFontkit({ create: () => shared.font } as never);
  const font = await doc.embedFont(shared.bytes, { subset: true });
  doc.setTitle(meta.title);
  if (meta.subject) doc.setSubject(meta.subject);
  doc.setAuthor(meta.author ?? '智审 zhishen');
  doc.setCreator('zhishen');
  // Fixed dates keep the same input rendering to the same bytes.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return { doc, font };
}

/**
 * pdf-lib deflates the embedded font file and its ToUnicode map (and a chart's images) with pako,
 * in JavaScript: 1.8–2.4 ms of a notice's 13 for its 27 KB. Node's zlib (the same format at the same
 * default level, in native code) takes 0.5 ms, so the document's context deflates with it: pdf-lib
 * only asks that `flateStream` return a FlateDecode stream of the contents.
 */
function deflateNatively(doc: PDFDocument): void {
  const context = doc.context;
  context.flateStream = (contents, dict = {}) =>
    context.stream(zlib.deflateSync(typedArrayFor(contents)), {
      ...dict,
      Filter: 'FlateDecode',
    });
}

/** Renders blocks into a PDF with the CJK font embedded as a subset (only the glyphs used). */
export async function renderTextPdf(
  blocks: readonly Block[],
  meta: { title: string; subject?: string; author?: string },
): Promise<Uint8Array> {
  const { doc, font } = await cjkPdfDocument(meta);
  const shared = await cjkFont((await loadFontkit())!);

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const width = A4[0] - 2 * MARGIN;
  const newPage = (): PDFPage => {
    page = doc.addPage(A4);
    y = A4[1] - MARGIN;
    return page;
  };
  let measures = measuresByFace.get(shared.font as object);
  if (!measures) measuresByFace.set(shared.font as object, (measures = wrapMeasures()));
  for (const block of blocks) {
    const style = STYLE[block.kind];
    y -= style.gapBefore;
    for (const line of wrap(block.text, font, style.size, width, measures)) {
      if (y - style.size < MARGIN) newPage();
      y -= style.size * 1.35;
      page.drawText(line, { x: MARGIN, y, size: style.size, font, color: rgb(0, 0, 0) });
    }
    y -= style.gapAfter;
  }
  return doc.save({ useObjectStreams: false });
}

/** What wrap has measured, per font face: the same for every document that embeds it. */
const measuresByFace = new WeakMap<object, WrapMeasures>();

/**
 * Widths wrap has measured and lines it has broken, by size. Entries are a pure function of the
 * face, the size and the text, so they hold across documents. The shaped widths and the broken
 * paragraphs are bounded: a worker renders notices for ever, and names and amounts differ in each.
 */
export interface WrapMeasures {
  /** Single characters, by size: a handful of thousands at most. */
  advances: Map<string, number>;
  /** Shaped widths of candidate lines near the limit, by size. */
  exact: Map<string, number>;
  /** Paragraphs already broken, by size and width: the notices' fixed wording recurs in every one. */
  lines: Map<string, readonly string[]>;
}

export function wrapMeasures(): WrapMeasures {
  return { advances: new Map(), exact: new Map(), lines: new Map() };
}

const BOUNDED_ENTRIES = 4096;

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= BOUNDED_ENTRIES) map.clear();
  map.set(key, value);
  return value;
}

/**
 * Breaks text into lines that fit the width: by character, as Chinese has no spaces to break at.
 *
 * The exact width of a line (shaped: ligatures and other substitutions) costs a layout of the whole line, so measuring it after
 * every character made a line quadratic: 0.4 s of CPU per notice, most of a case's notice step
 * (`npm run bench`). The width is summed per character instead, and the exact width is asked only
 * within an em of the limit, where a ligature could tip it: the same breaks, far fewer layouts.
 * Those layouts, and whole paragraphs, are remembered (WrapMeasures): most of a notice's text is
 * the same wording in every notice.
 */
export function wrap(
  text: string,
  font: Pick<PDFFont, 'widthOfTextAtSize'>,
  size: number,
  width: number,
  measures: WrapMeasures = wrapMeasures(),
): string[] {
  const { advances, exact } = measures;
  const paragraphKey = `${size}\u0000${width}\u0000${text}`;
  const known = measures.lines.get(paragraphKey);
  if (known) return [...known];
  const key = (chars: string) => `${size}\u0000${chars}`;
  const advance = (ch: string) => {
    const w = advances.get(key(ch));
    return w ?? remember(advances, key(ch), font.widthOfTextAtSize(ch, size));
  };
  const shaped = (chars: string) => {
    const w = exact.get(key(chars));
    return w ?? remember(exact, key(chars), font.widthOfTextAtSize(chars, size));
  };
  const slack = size;
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let estimate = 0;
    for (const ch of paragraph) {
      const w = advance(ch);
      if (line) {
        const next = estimate + w;
        const tooWide = next < width - slack ? false : next > width + slack ? true : shaped(line + ch) > width;
        if (tooWide) {
          lines.push(line);
          line = '';
          estimate = 0;
        }
      }
      line += ch;
      estimate += w;
    }
    lines.push(line);
  }
  remember(measures.lines, paragraphKey, lines);
  return [...lines];
}
