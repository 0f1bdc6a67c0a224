/**
 * Loading an upload: the bytes (from a path or given), refused when too large, and its type from
 * its magic bytes, never from its name, because claimants rename files freely.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ReceiptReadError } from '../errors';
import sharp from 'sharp';
import { fileTooLarge, MAX_FILE_BYTES, MAX_IMAGE_ASPECT, MAX_IMAGE_PIXELS } from './limits';

export type ReceiptInput = string | { bytes: Buffer; name: string };
export type FileKind = 'png' | 'jpeg' | 'pdf';

export interface LoadedFile {
  name: string;
  bytes: Buffer;
  kind: FileKind;
}

/** Reads and classifies an upload; throws ReceiptReadError naming the file and the problem. */
export async function loadReceiptFile(input: ReceiptInput): Promise<LoadedFile> {
  const name = typeof input === 'string' ? input : input.name;
  const bytes = typeof input === 'string' ? await readFromDisk(input) : input.bytes;
  if (bytes.length > MAX_FILE_BYTES) throw new ReceiptReadError(name, fileTooLarge(bytes.length));
  if (bytes.length === 0) throw new ReceiptReadError(name, 'empty file');
  const kind = sniff(bytes);
  if (kind === null) {
    const what = describeContent(bytes);
    throw new ReceiptReadError(
      name,
      what
        ? `unsupported file type: ${what} (expected PNG, JPEG or PDF)`
        : `unsupported file type${extensionHint(name)} (expected PNG, JPEG or PDF)`,
    );
  }
  if (kind !== 'pdf') await checkImageSize(name, bytes);
  return { name, bytes, kind };
}

/**
 * An image's size from its header, before anything decodes it: a decompression bomb (a few
 * kilobytes that decode to gigapixels) or a strip no receipt is shaped like is refused here.
 */
async function checkImageSize(name: string, bytes: Buffer): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (error) {
    throw new ReceiptReadError(name, `not a readable image (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!width || !height) throw new ReceiptReadError(name, 'not a readable image (no width or height in its header)');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ReceiptReadError(
      name,
      `image too large (${width}×${height} px, ${((width * height) / 1e6).toFixed(1)} MP; at most ${MAX_IMAGE_PIXELS / 1e6} MP)`,
    );
  }
  if (Math.max(width, height) > MAX_IMAGE_ASPECT * Math.min(width, height)) {
    throw new ReceiptReadError(name, `not shaped like a receipt (${width}×${height} px)`);
  }
}

/** What a file that is none of the accepted types is, when its first bytes say so. */
function describeContent(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 512);
  const ascii = head.toString('latin1');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(ascii))
    return 'an SVG image, which can carry scripts';
  if (/^\s*<(!doctype html|html|head|body|script)[\s>]/i.test(ascii)) return 'an HTML page';
  if (ascii.startsWith('GIF8')) return 'a GIF image';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'a WebP image';
  if (ascii.slice(4, 8) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|avif)/.test(ascii.slice(8, 12)))
    return 'a HEIC/AVIF photo (export it as JPEG)';
  if (ascii.startsWith('BM')) return 'a BMP image';
  if (ascii.startsWith('II*\u0000') || ascii.startsWith('MM\u0000*')) return 'a TIFF image';
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) return 'a ZIP archive (or an Office document)';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'an Office 97-2003 document';
  if (head.length > 0 && !head.includes(0) && [...head].every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d))
    return 'text, not an image';
  return null;
}

async function readFromDisk(file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new ReceiptReadError(file, 'is a directory');
    if (info.size > MAX_FILE_BYTES) throw new ReceiptReadError(file, fileTooLarge(info.size));
    return await readFile(file);
  } catch (error) {
    if (error instanceof ReceiptReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReceiptReadError(file, `cannot read the file (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`);
  }
}

/** The file's type from its magic bytes, or null when it is none of PNG, JPEG, PDF. */
export function sniff(bytes: Buffer): FileKind | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  // The header may follow a little junk; readers accept it within the first kilobyte.
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  return null;
}

function extensionHint(name: string): string {
  const extension = path.extname(name).toLowerCase();
  return extension === '' ? '' : ` (${extension} content)`;
}
