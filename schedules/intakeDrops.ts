/**
 * What the front desk has dropped into a schedule's intake folder, in the order it is to be run.
 *
 * The folder holds exports as the front desk makes them: a workbook with its receipts in
 * `attachments/` beside it, either directly in the folder or each export in a folder of its own:
 *
 *     <folder>/2026-11-23.xlsx          <folder>/2026-11-24/申请.xlsx
 *     <folder>/attachments/             <folder>/2026-11-24/attachments/
 *
 * The same rule as `batch run`'s default (attachments/ beside the workbook), one level deep at most.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface IntakeDrop {
  /** Absolute path of the workbook. */
  file: string;
  /** Its path inside the intake folder, as people read it in the result. */
  fileName: string;
  mtimeMs: number;
  /** The `attachments/` folder beside the workbook, when there is one. */
  attachments?: string;
}

/** Excel's lock files (~$name.xlsx) and hidden files are not workbooks. */
const isWorkbookName = (name: string): boolean => name.toLowerCase().endsWith('.xlsx') && !name.startsWith('~$') && !name.startsWith('.');

async function dropsIn(dir: string, prefix: string): Promise<{ drops: IntakeDrop[]; subfolders: string[] }> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const attachmentsEntry = entries.find((e) => e.isDirectory() && e.name === 'attachments');
  const attachments = attachmentsEntry ? path.join(dir, attachmentsEntry.name) : undefined;
  const drops = await Promise.all(
    entries
      .filter((e) => e.isFile() && isWorkbookName(e.name))
      .map(async (e) => {
        const file = path.join(dir, e.name);
        return { file, fileName: prefix + e.name, mtimeMs: (await fs.stat(file)).mtimeMs, attachments };
      }),
  );
  const subfolders = entries.filter((e) => e.isDirectory() && e.name !== 'attachments' && !e.name.startsWith('.')).map((e) => e.name);
  return { drops, subfolders };
}

/** Every workbook of the folder and of its subfolders, oldest first (modification time, then name), each with its attachments. */
export async function listIntakeDrops(folder: string): Promise<IntakeDrop[]> {
  const top = await dropsIn(folder, '');
  const nested = await Promise.all(top.subfolders.map(async (name) => (await dropsIn(path.join(folder, name), `${name}/`)).drops));
  return [...top.drops, ...nested.flat()].sort((a, b) => a.mtimeMs - b.mtimeMs || a.fileName.localeCompare(b.fileName));
}
