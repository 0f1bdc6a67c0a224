import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listIntakeDrops } from './intakeDrops';

describe('listIntakeDrops', () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-drops-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  function drop(relative: string, day: string): void {
    const file = path.join(folder, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, relative);
    fs.utimesSync(file, new Date(day), new Date(day));
  }

  it('lists every workbook oldest first, by name when dropped at the same time, without lock files', async () => {
    drop('c.xlsx', '2026-11-23');
    drop('b.xlsx', '2026-11-20');
    drop('a.xlsx', '2026-11-23');
    drop('~$a.xlsx', '2026-11-19');
    drop('notes.txt', '2026-11-19');
    expect((await listIntakeDrops(folder)).map((d) => d.fileName)).toEqual(['b.xlsx', 'a.xlsx', 'c.xlsx']);
  });

  it('pairs each workbook with the attachments/ folder beside it, in the folder or in an export folder of its own', async () => {
    drop('loose.xlsx', '2026-11-20');
    drop('2026-11-24/申请.xlsx', '2026-11-24');
    drop('2026-11-24/attachments/RB-2026-0005-1.png', '2026-11-24');
    drop('2026-11-21/申请.xlsx', '2026-11-21');
    const drops = await listIntakeDrops(folder);
    expect(drops.map((d) => [d.fileName, d.attachments && path.relative(folder, d.attachments)])).toEqual([
      ['loose.xlsx', undefined],
      ['2026-11-21/申请.xlsx', undefined],
      ['2026-11-24/申请.xlsx', path.join('2026-11-24', 'attachments')],
    ]);
    fs.mkdirSync(path.join(folder, 'attachments'));
    expect((await listIntakeDrops(folder))[0]).toMatchObject({ fileName: 'loose.xlsx', attachments: path.join(folder, 'attachments') });
    // A workbook inside attachments/ is not an export.
    drop('attachments/stray.xlsx', '2026-11-19');
    expect((await listIntakeDrops(folder)).map((d) => d.fileName)).not.toContain('attachments/stray.xlsx');
  });
});
