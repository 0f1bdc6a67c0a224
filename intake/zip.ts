/**
 * Just enough of the zip format to look inside an .xlsx before exceljs does: the central directory
 * (names, declared sizes, flags) and one entry at a time inflated under a byte limit. exceljs
 * inflates everything it is given in memory; reading the directory first lets intake refuse a
 * truncated file, an encrypted archive or a zip bomb with a message, instead of an exception or
 * an exhausted heap.
 */
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is not an Office file. */
  method: number;
  flags: number;
  compressedSize: number;
  /** As declared by the directory: a lie is caught when the entry is inflated. */
  size: number;
  localOffset: number;
}

export type ZipProblem = 'truncated' | 'corrupt' | 'encrypted' | 'unsupported-method' | 'too-large';

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
  constructor(
    readonly problem: ZipProblem,
    message: string,
    /** The entry concerned, when there is one. */
    readonly part?: string,
  ) {
    super(message);
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

/** The entries of the archive's central directory; throws ZipFormatError when it cannot be found or read. */
export function readZipDirectory(bytes: Buffer): ZipEntry[] {
  const eocd = findEndOfDirectory(bytes);
  if (eocd < 0) throw new ZipFormatError('truncated', 'no end-of-directory record (the file was cut short)');
  let count = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === MAX16 || size === MAX32 || offset === MAX32) ({ count, size, offset } = zip64Directory(bytes, eocd));
  if (offset + size > bytes.length) throw new ZipFormatError('truncated', 'the directory points past the end of the file');

  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL)
      throw new ZipFormatError('corrupt', `directory entry ${i + 1} is damaged`);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw new ZipFormatError('truncated', `directory entry ${i + 1} runs past the end of the file`);
    const entry: ZipEntry = {
      name: bytes.toString('utf8', at + 46, at + 46 + nameLength),
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at = end;
  }
  return entries;
}

/**
 * The entry's bytes, inflated; throws ZipFormatError('too-large') past `maxBytes` or past the size
 * the directory declared (so a lying directory cannot make anyone inflate more than it says).
 */
export function inflateEntry(bytes: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  if (entry.flags & 0x1) throw new ZipFormatError('encrypted', `${entry.name} is encrypted`, entry.name);
  if (entry.size > maxBytes) throw new ZipFormatError('too-large', `${entry.name} declares ${entry.size} bytes`, entry.name);
  const at = entry.localOffset;
  if (at + 30 > bytes.length) throw new ZipFormatError('truncated', `${entry.name} starts past the end of the file`, entry.name);
  if (bytes.readUInt32LE(at) !== LOCAL) throw new ZipFormatError('corrupt', `${entry.name}: local header is damaged`, entry.name);
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipFormatError('truncated', `${entry.name} runs past the end of the file`, entry.name);
  const data = bytes.subarray(start, end);
  let out: Buffer;
  if (entry.method === 0) {
    out = data;
  } else if (entry.method === 8) {
    try {
      // One byte more than declared is enough to know the declaration was false.
      out = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size + 1) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE')
        throw new ZipFormatError('too-large', `${entry.name} inflates to more than the ${entry.size} bytes it declares`, entry.name);
      throw new ZipFormatError('corrupt', `${entry.name}: ${(error as Error).message}`, entry.name);
    }
  } else {
    throw new ZipFormatError('unsupported-method', `${entry.name}: compression method ${entry.method}`, entry.name);
  }
  if (out.length !== entry.size)
    throw new ZipFormatError('corrupt', `${entry.name}: ${out.length} bytes, the directory says ${entry.size}`, entry.name);
  return out;
}

function findEndOfDirectory(bytes: Buffer): number {
  // The record is 22 bytes plus a comment of at most 64 KiB, at the very end.
  const lowest = Math.max(0, bytes.length - 22 - MAX16);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}

function zip64Directory(bytes: Buffer, eocd: number): { count: number; size: number; offset: number } {
  const locator = eocd - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new ZipFormatError('corrupt', 'zip64 directory locator missing');
  const record = Number(bytes.readBigUInt64LE(locator + 8));
  if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== ZIP64_EOCD)
    throw new ZipFormatError('corrupt', 'zip64 directory record missing');
  return {
    count: safeNumber(bytes.readBigUInt64LE(record + 32)),
    size: safeNumber(bytes.readBigUInt64LE(record + 40)),
    offset: safeNumber(bytes.readBigUInt64LE(record + 48)),
  };
}

/** Sizes and offsets too large for 32 bits live in the zip64 extra field (id 1), in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  if (entry.size !== MAX32 && entry.compressedSize !== MAX32 && entry.localOffset !== MAX32) return;
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + length) throw new ZipFormatError('corrupt', `${entry.name}: zip64 field too short`);
        const value = safeNumber(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (entry.size === MAX32) entry.size = next();
      if (entry.compressedSize === MAX32) entry.compressedSize = next();
      if (entry.localOffset === MAX32) entry.localOffset = next();
      return;
    }
    at += 4 + length;
  }
  throw new ZipFormatError('corrupt', `${entry.name}: zip64 sizes missing`);
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('corrupt', 'zip64 value out of range');
  return Number(value);
}
