import fs from 'node:fs';
import path from 'node:path';
import { ReceiptReadError } from '../ocr/errors';
import { MAX_FILE_BYTES } from '../ocr/input/limits';
import { sniff } from '../ocr/input/load';
import { openPdf } from '../ocr/input/pdf';
import { HttpError } from './http';

const RECEIPT_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.pdf']);

/**
 * A case's receipt attachment on disk, looked up under the attachments directory (in the case's own
 * folder first); undefined when it is not there, of an unknown type, or would resolve outside.
 */
export function findAttachment(attachmentsDir: string, caseId: string, name: string): { file: string } | undefined {
  if (!RECEIPT_EXTENSIONS.has(path.extname(name).toLowerCase()) || name.includes('..') || path.isAbsolute(name) || /[\\\0]/.test(name)) return undefined;
  let root: string;
  try {
    root = fs.realpathSync(attachmentsDir);
  } catch {
    return undefined;
  }
  for (const candidate of [path.join(root, caseId, name), path.join(root, name)]) {
    try {
      const real = fs.realpathSync(candidate);
      if (real.startsWith(root + path.sep) && fs.statSync(real).isFile()) return { file: real };
    } catch {
      // not there: try the next place
    }
  }
  return undefined;
}

const CONTENT_TYPE = { png: 'image/png', jpeg: 'image/jpeg', pdf: 'application/pdf' } as const;

/**
 * The bytes to show a clerk and their type, judged by content, never by the file's name: a file that
 * is no receipt image or PDF is not served, nor is a PDF the reader refused (scripts, launch actions,
 * embedded files): the clerk's browser would be the one to run what it carries.
 */
export async function attachmentForDisplay(file: string, name: string): Promise<{ bytes: Buffer; contentType: string }> {
  if (fs.statSync(file).size > MAX_FILE_BYTES) throw new HttpError(413, `附件 ${name} 过大，未显示`);
  const bytes = fs.readFileSync(file);
  const kind = sniff(bytes);
  if (kind === null) throw new HttpError(415, `附件 ${name} 不是 PNG、JPEG 或 PDF 文件，未显示`);
  if (kind === 'pdf') {
    try {
      await (await openPdf(name, bytes)).document.destroy();
    } catch (error) {
      if (error instanceof ReceiptReadError) throw new HttpError(403, `附件 ${name} 未显示：${error.message}`);
      throw error;
    }
  }
  return { bytes, contentType: CONTENT_TYPE[kind] };
}
