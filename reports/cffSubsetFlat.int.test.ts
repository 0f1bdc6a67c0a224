import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { setting } from '../config/env';
import { flattenCharstring } from './cffFlatten';
import { pdfSupported, renderTextPdf } from './pdfDocument';
import { pdfText } from './pdfText';

const canPdf = await pdfSupported();
const TEXT = '趸缴决定书：申请人阿卜杜热合曼·买买提明，应趸缴金额人民币 32541.15 元。如不服本决定，可申请行政复议。';

interface FontkitGlyph {
  id: number;
  path: { toSVG(): string };
}
interface FontkitCff {
  stream: { buffer: Uint8Array };
  globalSubrIndex: { offset: number; length: number }[];
  topDict: { CharStrings: { offset: number; length: number }[] };
  privateDictForGlyph(gid: number): { Subrs?: { offset: number; length: number }[] } | null;
}
interface FontkitFace {
  'CFF ': FontkitCff;
  glyphsForString(text: string): FontkitGlyph[];
}

/** The outline fontkit draws for a charstring given as bytes, with the glyph's own private dict. */
function outlineOf(charstring: Uint8Array, glyph: FontkitGlyph, cff: FontkitCff): string {
  const view = new DataView(charstring.buffer, charstring.byteOffset, charstring.byteLength);
  const stream = {
    pos: 0,
    readUInt8: () => view.getUint8(stream.pos++),
    readInt16BE: () => view.getInt16((stream.pos += 2) - 2),
    readInt32BE: () => view.getInt32((stream.pos += 4) - 4),
  };
  const privateDict = { ...cff.privateDictForGlyph(glyph.id), Subrs: [] };
  const font = {
    'CFF ': {
      version: 1,
      stream,
      globalSubrIndex: [],
      topDict: { CharStrings: [{ offset: 0, length: charstring.length }] },
      privateDictForGlyph: () => privateDict,
    },
  };
  const copy = Object.assign(Object.create(Object.getPrototypeOf(glyph) as object) as FontkitGlyph, { id: 0, _font: font });
  return copy.path.toSVG();
}

/** The Global Subr INDEX's entry count in a CFF (after the header, Name, Top DICT and String INDEXes). */
function globalSubrCount(cff: Uint8Array): number {
  let pos = cff[2]!;
  const skipIndex = () => {
    const count = (cff[pos]! << 8) | cff[pos + 1]!;
    if (count === 0) return void (pos += 2);
    const offSize = cff[pos + 2]!;
    const lastOffsetAt = pos + 3 + count * offSize;
    let last = 0;
    for (let i = 0; i < offSize; i++) last = last * 256 + cff[lastOffsetAt + i]!;
    pos = lastOffsetAt + offSize + last - 1;
  };
  for (let i = 0; i < 3; i++) skipIndex();
  return (cff[pos]! << 8) | cff[pos + 1]!;
}

describe.skipIf(!canPdf)('a CFF font subset written without subroutines', () => {
  it('flattens the real face’s glyphs to the outlines fontkit draws from the subroutinised ones', async () => {
    type Fontkit = { create(b: Buffer, name: string): FontkitFace };
    const name = 'fontkit'; // by a computed name, as pdfDocument imports it: it has no type declarations
    const mod = (await import(/* @vite-ignore */ name)) as { default?: Fontkit } & Fontkit;
    const fontkit = mod.default ?? mod;
    const face = fontkit.create(fs.readFileSync(setting('ZHISHEN_CJK_FONT')), 'NotoSansCJKsc-Regular');
    const cff = face['CFF '];
    const glyphs = face.glyphsForString(TEXT);
    expect(glyphs.length).toBeGreaterThan(40);
    for (const glyph of glyphs) {
      const local = cff.privateDictForGlyph(glyph.id)?.Subrs ?? [];
      const flat = flattenCharstring(cff.stream.buffer, cff.topDict.CharStrings[glyph.id]!, cff.globalSubrIndex, local);
      expect(outlineOf(flat, glyph, cff), `glyph ${glyph.id}`).toBe(glyph.path.toSVG());
    }
  });

  it('embeds a subset with an empty global subroutine index, a fraction of the size, its text extractable', async () => {
    const pdf = await renderTextPdf(
      [
        { kind: 'title', text: '趸缴决定书' },
        { kind: 'paragraph', text: TEXT },
      ],
      { title: 'subset' },
    );
    const doc = await PDFDocument.load(pdf);
    const fontFiles = doc.context
      .enumerateIndirectObjects()
      .map(([, obj]) => obj)
      .filter((obj): obj is PDFRawStream => obj instanceof PDFRawStream)
      .filter((s) => (s.dict as PDFDict).get(PDFName.of('Subtype')) === PDFName.of('CIDFontType0C'));
    expect(fontFiles).toHaveLength(1);
    const cff = decodePDFRawStream(fontFiles[0]!).decode();
    expect(globalSubrCount(cff)).toBe(0);
    // With Noto Sans CJK's 32,000 subroutine entries kept, the subset alone was over 110 KB.
    expect(cff.length).toBeLessThan(30_000);
    expect(await pdfText(pdf)).toContain('买买提明');
  });
});
