/**
 * Active content in a PDF: JavaScript, actions that launch programs or send data, embedded files
 * (other than the XML data file some e-invoices carry), XFA forms, Flash. The reader never runs any of it (pdfjs has no scripting here and eval is off),
 * but a medical e-invoice never carries it either, and the same file is shown to a clerk whose
 * browser might run it: such a PDF is refused, with what was found, and goes to a clerk as
 * unreadable rather than being read as if it were an ordinary receipt.
 *
 * Every object of the file is visited (pdf-lib parses object streams, where a compressed /JS hides
 * from a byte search), and pdfjs is asked for the scripts it knows of as a second opinion.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFStream, PDFString, type PDFObject } from 'pdf-lib';
import type { PDFDocumentProxy } from 'pdfjs-dist/types/src/display/api';

/** Action types (`/S`) that run code, start programs, send or fetch data. */
const ACTIVE_ACTIONS: Record<string, string> = {
  JavaScript: 'JavaScript',
  Launch: 'a Launch action (starts a program)',
  SubmitForm: 'a SubmitForm action (sends data)',
  ImportData: 'an ImportData action',
  GoToE: 'a GoToE action (opens an embedded document)',
  RichMediaExecute: 'RichMedia (Flash)',
  Rendition: 'a Rendition action (plays media)',
};

/** Keys whose mere presence means active content. */
const ACTIVE_KEYS: Record<string, string> = {
  JS: 'JavaScript',
  JavaScript: 'JavaScript',
  RichMedia: 'RichMedia (Flash)',
  XFA: 'an XFA form',
};

/** An e-invoice may carry its data as an embedded XML file; anything else embedded is not a receipt's. */
const embeddedFile = (name: string) => (/\.xml$/i.test(name) ? null : `an embedded file ${name}`);

/** What active content the PDF carries, in words; empty for an ordinary document. */
export async function findActiveContent(bytes: Buffer, document: PDFDocumentProxy): Promise<string[]> {
  const found = new Set<string>();
  await objectsOf(bytes, found);
  // pdfjs' own view: document, form and page scripts, and attachments.
  if ((await document.getJSActions().catch(() => null)) !== null) found.add('JavaScript');
  if (await document.hasJSActions().catch(() => false)) found.add('JavaScript');
  const attachments = (await document.getAttachments().catch(() => null)) as Record<string, { filename?: string }> | null;
  for (const [key, attachment] of Object.entries(attachments ?? {})) {
    const what = embeddedFile(attachment.filename ?? key);
    if (what) found.add(what);
  }
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const scripts = (await page.getJSActions().catch(() => null)) as Record<string, unknown> | null;
    if (scripts && Object.keys(scripts).length > 0) found.add('JavaScript');
  }
  return [...found].sort();
}

async function objectsOf(bytes: Buffer, found: Set<string>): Promise<void> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { ignoreEncryption: true, throwOnInvalidObject: false, updateMetadata: false });
  } catch {
    // pdf-lib cannot parse what pdfjs could (pdfjs repairs more): fall back to the names in the raw bytes.
    for (const match of bytes.toString('latin1').matchAll(/\/([A-Za-z#0-9]+)/g)) {
      const name = decodeName(match[1]!);
      const what = ACTIVE_KEYS[name] ?? ACTIVE_ACTIONS[name] ?? (name === 'EmbeddedFile' ? 'an embedded file' : undefined);
      if (what) found.add(what);
    }
    return;
  }
  const seen = new Set<PDFObject>();
  const visit = (object: PDFObject | undefined): void => {
    if (object === undefined || seen.has(object)) return;
    seen.add(object);
    if (object instanceof PDFStream) return visit(object.dict);
    if (object instanceof PDFArray) {
      for (let i = 0; i < object.size(); i++) visit(object.get(i));
      return;
    }
    if (!(object instanceof PDFDict)) return;
    // A file specification with embedded data (/EF): named by /UF or /F.
    const embedded = object.get(PDFName.of('EF'));
    if (embedded !== undefined) {
      const name = object.get(PDFName.of('UF')) ?? object.get(PDFName.of('F'));
      const what = embeddedFile(name instanceof PDFString || name instanceof PDFHexString ? name.decodeText() : 'without a name');
      if (what) found.add(what);
    }
    for (const [key, value] of object.entries()) {
      const name = key.decodeText();
      if (ACTIVE_KEYS[name]) found.add(ACTIVE_KEYS[name]);
      if (name === 'S' && value instanceof PDFName && ACTIVE_ACTIONS[value.decodeText()]) found.add(ACTIVE_ACTIONS[value.decodeText()]!);
      visit(value);
    }
  };
  for (const [, object] of pdf.context.enumerateIndirectObjects()) visit(object);
  visit(pdf.context.trailerInfo.Root);
}

/** A PDF name with its #xx escapes decoded (/J#61vaScript is /JavaScript). */
function decodeName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
