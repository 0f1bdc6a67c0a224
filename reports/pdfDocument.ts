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
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

/** Debian's fonts-noto-cjk: a TrueType collection, of which we take the Simplified Chinese face. */
export const CJK_FONT_PATH = process.env.ZHISHEN_CJK_FONT ?? '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const CJK_FONT_MEMBER = 'NotoSansCJKsc-Regular';
export const FONTKIT_PACKAGE = 'fontkit';

/** Raised when the font engine pdf-lib needs to embed the CJK font is not installed. */
export class FontkitMissingError extends Error {
  constructor() {
    super(`PDF output needs the npm package ${FONTKIT_PACKAGE} 2.x (npm install ${FONTKIT_PACKAGE}@^2.0.4) to embed and subset the CJK font`);
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
function adaptForPdfLib(font: { createSubset(): FontkitSubset } & Record<string, unknown>): unknown {
  if (!('cff' in font)) Object.defineProperty(font, 'cff', { get: () => font['CFF '] ?? font['CFF2'] });
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
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
export function loadFontkit(): Promise<Fontkit | null> {
  const name = FONTKIT_PACKAGE;
  fontkitPromise ??= import(/* @vite-ignore */ name).then(
    (mod: { default?: Fontkit } & Partial<Fontkit>) => (mod.default ?? (mod as Fontkit)),
    () => null,
  );
  return fontkitPromise;
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

/** Renders blocks into a PDF with the CJK font embedded as a subset (only the glyphs used). */
export async function renderTextPdf(blocks: readonly Block[], meta: { title: string; subject?: string; author?: string }): Promise<Uint8Array> {
  const fontkit = await loadFontkit();
  if (!fontkit) throw new FontkitMissingError();
  const doc = await PDFDocument.create();
  // A TTC holds several faces; fontkit needs the member's PostScript name, pdf-lib passes none.
  doc.registerFontkit({ create: (bytes: Uint8Array) => adaptForPdfLib(fontkit.create(bytes, CJK_FONT_MEMBER) as never) } as never);
  const font = await doc.embedFont(fs.readFileSync(CJK_FONT_PATH), { subset: true });
  doc.setTitle(meta.title);
  if (meta.subject) doc.setSubject(meta.subject);
  doc.setAuthor(meta.author ?? '智审 zhishen');
  doc.setCreator('zhishen');
  // Fixed dates keep the same input rendering to the same bytes.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const width = A4[0] - 2 * MARGIN;
  const newPage = (): PDFPage => {
    page = doc.addPage(A4);
    y = A4[1] - MARGIN;
    return page;
  };
  for (const block of blocks) {
    const style = STYLE[block.kind];
    y -= style.gapBefore;
    for (const line of wrap(block.text, font, style.size, width)) {
      if (y - style.size < MARGIN) newPage();
      y -= style.size * 1.35;
      page.drawText(line, { x: MARGIN, y, size: style.size, font, color: rgb(0, 0, 0) });
    }
    y -= style.gapAfter;
  }
  return doc.save({ useObjectStreams: false });
}

/** Breaks text into lines that fit the width: by character, as Chinese has no spaces to break at. */
export function wrap(text: string, font: Pick<PDFFont, 'widthOfTextAtSize'>, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const ch of paragraph) {
      if (line && font.widthOfTextAtSize(line + ch, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines;
}
