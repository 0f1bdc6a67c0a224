/**
 * The file before the workbook: is it an .xlsx at all, is it whole, is it small enough to parse?
 * Everything here is read from the bytes and the zip directory, without exceljs, so that a batch
 * can be refused at the command line before it is submitted, and a worker never parses what would
 * exhaust it. Each refusal names the file and what it actually is, because "not a workbook" does
 * not tell a clerk that the file is encrypted, or an old .xls, or a web page named .xlsx.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { IntakeError } from './errors';
import { MAX_SHEET_ROWS, MAX_WORKBOOK_BYTES, MAX_WORKBOOK_PARTS, MAX_WORKBOOK_UNZIPPED_BYTES } from './limits';
import { SHEET, SHEET_ORDER } from './sheets';
import { inflateEntry, readZipDirectory, ZipFormatError, type ZipEntry } from './zip';

export interface WorkbookOutline {
  /** Worksheets in workbook order, with the number of `<row>` elements each holds. */
  sheets: { name: string; rows: number }[];
}

const SAVE_AS = '请在 Excel 中打开，“另存为 Excel 工作簿 (*.xlsx)”后重新提交';

/** How a file is named in messages: its path, or "the uploaded file" for bytes. */
export function workbookLabel(source: string | Buffer): string {
  return typeof source === 'string' ? `文件 ${source}` : '上传的文件';
}

/** The bytes of a workbook given by path or bytes; a file over the size limit is refused before it is read. */
export async function readWorkbookBytes(source: string | Buffer): Promise<Buffer> {
  const label = workbookLabel(source);
  if (typeof source !== 'string') {
    refuseSize(label, source.length);
    return source;
  }
  try {
    const info = await stat(source);
    if (info.isDirectory()) throw new IntakeError(`${label}是一个目录，不是 Excel 工作簿`);
    refuseSize(label, info.size);
    return await readFile(source);
  } catch (error) {
    if (error instanceof IntakeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new IntakeError(code === 'ENOENT' ? `找不到${label}` : `无法读取${label}（${code ?? '未知错误'}）`);
  }
}

/** Checks the file is a whole .xlsx within the limits; throws IntakeError naming what is wrong. */
export function inspectWorkbook(bytes: Buffer, label: string): WorkbookOutline {
  refuseSize(label, bytes.length);
  if (bytes.length === 0) throw new IntakeError(`${label}是空文件（0 字节），不是 Excel 工作簿`);
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) throw new IntakeError(notZipMessage(bytes, label));

  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(bytes);
  } catch (error) {
    throw zipError(error, label);
  }
  if (entries.length > MAX_WORKBOOK_PARTS) {
    throw new IntakeError(`${label}中有 ${entries.length} 个部件，超过上限 ${MAX_WORKBOOK_PARTS} 个：这不像是一个申请工作簿`);
  }
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > MAX_WORKBOOK_UNZIPPED_BYTES) throw new IntakeError(unzippedTooLarge(label, declared));
  if (entries.some((e) => e.flags & 0x1)) throw new IntakeError(`${label}是设置了密码的 zip 压缩包，不是 Excel 工作簿（.xlsx）`);

  const byName = new Map(entries.map((e) => [e.name, e]));
  const workbookPart = byName.get('xl/workbook.xml');
  if (!workbookPart) throw new IntakeError(notWorkbookZipMessage(bytes, entries, byName, label));

  // Every part is inflated once here, within what it declared: a lying directory or damaged data
  // is found now, and exceljs is then only given an archive whose sizes are known to be true.
  const parts = new Map<string, Buffer>();
  const keep = (name: string) => name === 'xl/workbook.xml' || name === 'xl/_rels/workbook.xml.rels';
  const rowsByPart = new Map<string, number>();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    let data: Buffer;
    try {
      data = inflateEntry(bytes, entry, MAX_WORKBOOK_UNZIPPED_BYTES);
    } catch (error) {
      throw zipError(error, label);
    }
    if (keep(entry.name)) parts.set(entry.name, data);
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) rowsByPart.set(entry.name, countRows(data));
  }

  const sheets = listSheets(parts.get('xl/workbook.xml')!, parts.get('xl/_rels/workbook.xml.rels')).map(({ name, part }) => ({
    name,
    rows: part === undefined ? 0 : (rowsByPart.get(part) ?? 0),
  }));
  for (const sheet of sheets) {
    if (sheet.rows > MAX_SHEET_ROWS) {
      throw new IntakeError(
        `${label}的工作表「${sheet.name}」有 ${sheet.rows.toLocaleString('en-US')} 行，超过上限 ${MAX_SHEET_ROWS.toLocaleString('en-US')} 行：请拆分为多个工作簿分批提交`,
      );
    }
  }
  return { sheets };
}

/** The workbook must have at least one business sheet, and no two sheets of one name. */
export function requireBusinessSheets(names: readonly string[], hint = ''): void {
  const seen = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (!SHEET_ORDER.includes(name as (typeof SHEET_ORDER)[number])) continue;
    if (seen.has(name)) throw new IntakeError(`工作簿中有两个名为「${name}」的工作表，无法确定使用哪一个`);
    seen.add(name);
  }
  if (![SHEET.lumpSum, SHEET.transfer, SHEET.reimbursement].some((sheet) => seen.has(sheet))) {
    const actual = names.map((n) => `「${n}」`).join('、') || '（无）';
    throw new IntakeError(
      `工作簿中没有找到业务工作表（应有 ${SHEET.lumpSum}、${SHEET.transfer}、${SHEET.reimbursement} 中的至少一个），实际工作表：${actual}${hint}`,
    );
  }
}

/** Reads and inspects a workbook file and checks its sheet names: what `batch run` does before submitting. */
export async function checkWorkbookFile(file: string, label = workbookLabel(file)): Promise<WorkbookOutline> {
  const outline = inspectWorkbook(await readWorkbookBytes(file), label);
  requireBusinessSheets(outline.sheets.map((s) => s.name));
  return outline;
}

/** Refuses a workbook file over the size limit from its size alone, before anything copies or reads it. */
export async function checkWorkbookSize(file: string, label = workbookLabel(file)): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info) refuseSize(label, info.size);
}

function refuseSize(label: string, size: number): void {
  if (size > MAX_WORKBOOK_BYTES) {
    throw new IntakeError(`${label}过大（${megabytes(size)} MB，上限 ${megabytes(MAX_WORKBOOK_BYTES)} MB）：请拆分为多个工作簿分批提交`);
  }
}

function unzippedTooLarge(label: string, bytes: number): string {
  return `${label}解压后有 ${megabytes(bytes)} MB（上限 ${megabytes(MAX_WORKBOOK_UNZIPPED_BYTES)} MB）：工作簿中可能粘贴了大量图片，或是压缩炸弹；请删除无关内容后重新提交`;
}

function zipError(error: unknown, label: string): IntakeError {
  if (!(error instanceof ZipFormatError)) return new IntakeError(`${label}已损坏或不是有效的 .xlsx 工作簿：${(error as Error).message}`);
  switch (error.problem) {
    case 'truncated':
      return new IntakeError(`${label}已损坏或不是有效的 .xlsx 工作簿：文件不完整，可能在下载或复制时被截断；请重新导出后提交`);
    case 'too-large':
      return new IntakeError(`${label}中的部件 ${error.part ?? ''} 解压后比记录的大小更大：疑似压缩炸弹或文件损坏，请重新导出后提交`);
    case 'encrypted':
      return new IntakeError(`${label}是设置了密码的 zip 压缩包，不是 Excel 工作簿（.xlsx）`);
    case 'unsupported-method':
    case 'corrupt':
      return new IntakeError(
        `${label}已损坏或不是有效的 .xlsx 工作簿：${error.part ? `部件 ${error.part} 的` : ''}压缩数据损坏；请重新导出后提交`,
      );
  }
}

/** What a file that is not a zip archive is, as far as its first bytes tell. */
function notZipMessage(bytes: Buffer, label: string): string {
  if (isOle(bytes)) {
    if (bytes.includes(utf16('EncryptedPackage')) || bytes.includes(utf16('EncryptionInfo'))) {
      return `${label}：工作簿已加密（设置了打开密码），无法读取。请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”清空密码，保存为 .xlsx 后重新提交`;
    }
    if (bytes.includes(utf16('Workbook')) || bytes.includes(utf16('Book'))) {
      return `${label}是旧版 Excel 97-2003 工作簿（.xls），不是 Excel 工作簿（.xlsx）：${SAVE_AS}`;
    }
    return `${label}是 Office 97-2003 文档（OLE 复合文件），不是 Excel 工作簿（.xlsx）`;
  }
  const head = bytes.subarray(0, 4096);
  if (head.includes('%PDF-')) return `${label}是 PDF 文件，不是 Excel 工作簿（.xlsx）`;
  if (isText(head)) {
    const text = head.toString('utf8');
    if (/urn:schemas-microsoft-com:office:spreadsheet/i.test(text))
      return `${label}是 Excel 2003 XML 表格，不是 Excel 工作簿（.xlsx）：${SAVE_AS}`;
    if (/<(html|table|!doctype\s+html)[\s>]/i.test(text)) {
      return `${label}是网页（HTML）表格，不是 Excel 工作簿（.xlsx）：有些系统“导出 Excel”导出的其实是网页，${SAVE_AS}`;
    }
    return `${label}是文本文件（如 CSV），不是 Excel 工作簿（.xlsx）：${SAVE_AS}`;
  }
  return `${label}不是 Excel 工作簿（.xlsx）：${SAVE_AS}`;
}

/** A zip archive without xl/workbook.xml: say which other document it is. */
function notWorkbookZipMessage(bytes: Buffer, entries: ZipEntry[], byName: Map<string, ZipEntry>, label: string): string {
  if (byName.has('xl/workbook.bin')) return `${label}是 Excel 二进制工作簿（.xlsb），不是 .xlsx：${SAVE_AS}`;
  const mimetype = byName.get('mimetype');
  if (mimetype && mimetype.size < 200) {
    const type = safeInflate(bytes, mimetype);
    if (type?.includes('opendocument.spreadsheet')) return `${label}是 OpenDocument 表格（.ods），不是 Excel 工作簿（.xlsx）：${SAVE_AS}`;
  }
  if (byName.has('word/document.xml')) return `${label}是 Word 文档（.docx），不是 Excel 工作簿（.xlsx）`;
  if (byName.has('ppt/presentation.xml')) return `${label}是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿（.xlsx）`;
  const files = entries.filter((e) => !e.name.endsWith('/'));
  const shown = files
    .slice(0, 3)
    .map((e) => e.name)
    .join('、');
  return `${label}是 zip 压缩包（含 ${files.length} 个文件：${shown}${files.length > 3 ? ' 等' : ''}），不是 Excel 工作簿（.xlsx）`;
}

function safeInflate(bytes: Buffer, entry: ZipEntry): string | null {
  try {
    return inflateEntry(bytes, entry, 200).toString('utf8');
  } catch {
    return null;
  }
}

/** Sheet names in workbook order with the part holding each (charts and dialog sheets have none that counts). */
function listSheets(workbookXml: Buffer, relsXml: Buffer | undefined): { name: string; part: string | undefined }[] {
  const targets = new Map<string, string>();
  for (const match of (relsXml?.toString('utf8') ?? '').matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const attrs = attributes(match[1]!);
    if (attrs.Id && attrs.Target && /\/worksheet$/.test(attrs.Type ?? '')) {
      const target = attrs.Target.startsWith('/') ? attrs.Target.slice(1) : path.posix.normalize(path.posix.join('xl', attrs.Target));
      targets.set(attrs.Id, target);
    }
  }
  const sheets: { name: string; part: string | undefined }[] = [];
  for (const match of workbookXml.toString('utf8').matchAll(/<(?:\w+:)?sheet\b([^>]*)>/g)) {
    const attrs = attributes(match[1]!);
    if (attrs.name === undefined) continue;
    sheets.push({ name: attrs.name, part: attrs.id === undefined ? undefined : targets.get(attrs.id) });
  }
  return sheets;
}

/** Attributes by local name (`r:id` → `id`), entities decoded. */
function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) {
    const local = match[1]!.includes(':') && !match[1]!.startsWith('xmlns') ? match[1]!.split(':')[1]! : match[1]!;
    found[local] = decodeEntities(match[2]!);
  }
  return found;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, entity: string) => {
    switch (entity.toLowerCase()) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

/** Counts `<row` elements (with or without a namespace prefix) without building a string of the part. */
function countRows(xml: Buffer): number {
  let count = 0;
  for (let at = xml.indexOf('row'); at >= 0; at = xml.indexOf('row', at + 3)) {
    const before = xml[at - 1];
    const after = xml[at + 3];
    const opens = before === 0x3c /* < */ || (before === 0x3a /* : */ && xml.lastIndexOf(0x3c, at) > xml.lastIndexOf(0x3e, at));
    if (opens && (after === 0x20 || after === 0x3e || after === 0x2f || after === 0x09 || after === 0x0a || after === 0x0d)) count++;
  }
  return count;
}

function isOle(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
}

/** No NUL byte and hardly any control characters: text (UTF-8, GBK, …) rather than binary. */
function isText(head: Buffer): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) control++;
  }
  return control <= head.length * 0.02;
}

function utf16(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
