/**
 * An entry point makes what it creates owner only before anything else, whatever umask it was
 * started with: `client.ts template` writes through exceljs, which sets no mode of its own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('entry points', () => {
  it('client.ts creates 0600 files though started with umask 022', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-umask-'));
    try {
      const out = path.join(dir, 'template.xlsx');
      const run = spawnSync('sh', ['-c', `umask 022 && exec "${process.execPath}" --import tsx client.ts template "${out}"`], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
      // The control: the same write from a process that keeps umask 022 is group and world readable.
      const control = path.join(dir, 'control.txt');
      const loose = spawnSync('sh', ['-c', `umask 022 && exec "${process.execPath}" -e "require('fs').writeFileSync('${control}', 'x')"`], {
        encoding: 'utf8',
      });
      expect(loose.status, loose.stderr).toBe(0);
      expect(fs.statSync(control).mode & 0o777).toBe(0o644);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
