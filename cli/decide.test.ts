import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDecide } from './decide';

const example = (id: string) => join(import.meta.dirname, '..', 'fixtures', 'examples', `${id}.json`);

async function run(files: string[]): Promise<{ status: number; lines: any[] }> {
  const lines: string[] = [];
  const status = await runDecide(files, (line) => lines.push(line));
  for (const line of lines) expect(line).not.toContain('\n');
  return { status, lines: lines.map((line) => JSON.parse(line)) };
}

describe('runDecide', () => {
  it('prints one decision per file in argument order, status 0', async () => {
    const { status, lines } = await run([example('TR-2024-0010'), example('LS-2025-0002'), example('RB-2026-0020')]);
    expect(status).toBe(0);
    expect(lines.map((line) => [line.caseId, line.outcome])).toEqual([
      ['TR-2024-0010', 'approve'],
      ['LS-2025-0002', 'approve'],
      ['RB-2026-0020', 'review'],
    ]);
  });

  it('prints a field-path error line for an invalid file and returns 2, still deciding the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'decide-'));
    const invalid = join(dir, 'bad.json');
    const input = JSON.parse(JSON.stringify(await import(example('RB-2024-0017'), { with: { type: 'json' } }).then((m) => m.default)));
    input.receipts[0].total = '32911.5';
    writeFileSync(invalid, JSON.stringify(input));
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"caseId": ');
    const missing = join(dir, 'missing.json');

    const { status, lines } = await run([example('TR-2024-0010'), invalid, notJson, missing]);
    expect(status).toBe(2);
    expect(lines).toHaveLength(4);
    expect(lines[0].caseId).toBe('TR-2024-0010');
    expect(lines[1]).toEqual({ file: invalid, error: expect.stringMatching(/^receipts\[0\]\.total: expected money like "123\.45"/) });
    expect(lines[2]).toEqual({ file: notJson, error: expect.stringMatching(/^caseFile: not valid JSON/) });
    expect(lines[3]).toEqual({ file: missing, error: expect.stringMatching(/^caseFile: cannot read the file/) });
  });

  it('returns 0 for no files', async () => {
    expect(await run([])).toEqual({ status: 0, lines: [] });
  });
});
