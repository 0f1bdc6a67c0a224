import fs from 'node:fs';
import { ReceiptReadError } from '../ocr/errors';
import { MAX_FILE_BYTES } from '../ocr/input/limits';
import { sniff } from '../ocr/input/load';
import { openPdf } from '../ocr/input/pdf';
import { HttpError } from './http';

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
