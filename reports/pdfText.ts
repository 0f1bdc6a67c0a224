/** The text of a PDF, page by page (pdfjs-dist): how tests and auditors read back what was written. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// pdfjs reads the standard 14 fonts' metrics from its own package when a PDF uses them.
const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const standardFontDataUrl = path.join(pdfjsDir, 'standard_fonts') + path.sep;
// CID fonts (our CJK text is Identity-H) may name predefined CMaps.
const cMapUrl = path.join(pdfjsDir, 'cmaps') + path.sep;

/** Extracts the text of every page, lines joined by newlines, pages by a blank line. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    standardFontDataUrl,
    cMapUrl,
    cMapPacked: true,
  }).promise;
  const pages: string[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(text);
    }
  } finally {
    await doc.destroy();
  }
  return pages.join('\n\n');
}
