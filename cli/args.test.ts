import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelpRequested, parseArgs, UsageError } from './args';

const BATCH = { usage: 'batch run WORKBOOK.xlsx [--wait] [--report OUT.xlsx]', options: ['report'], flags: ['wait'] };

/** The UsageError a parse throws, to look at its message and usage line. */
function mistake(argv: string[]): UsageError {
  try {
    parseArgs(argv, BATCH);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseArgs: strict, per command', () => {
  it('takes positionals, flags and options with a value, anywhere and as --name=value', () => {
    const parsed = parseArgs(['--report=out.xlsx', 'intake.xlsx', '--wait'], BATCH);
    expect(parsed).toEqual({ positionals: ['intake.xlsx'], flags: new Set(['wait']), options: new Map([['report', 'out.xlsx']]) });
    expect(parseArgs(['intake.xlsx', '--report', 'r.xlsx'], BATCH).options.get('report')).toBe('r.xlsx');
    expect(parseArgs(['a', 'b'], { usage: 'decide FILE...' }).positionals).toEqual(['a', 'b']);
  });

  it('refuses what the command does not know, naming it, with the command usage line', () => {
    expect(mistake(['intake.xlsx', '--wiat'])).toMatchObject({ message: 'unknown option --wiat', usage: BATCH.usage });
    expect(mistake(['intake.xlsx', '-w']).message).toBe('unknown option -w');
    expect(mistake(['intake.xlsx', '--report']).message).toBe('--report needs a value');
    expect(mistake(['intake.xlsx', '--wait=yes']).message).toBe('--wait takes no value');
    expect(mistake(['intake.xlsx', '--report', '-x']).message).toMatch(
      /^--report needs a value; one that starts with "-" is written --report=-…/,
    );
  });

  it('answers --help with the usage line', () => {
    expect(() => parseArgs(['intake.xlsx', '--help'], BATCH)).toThrow(HelpRequested);
  });
});

describe('client.ts: a mistyped option', () => {
  it('exits 2 with the error and the command usage line on stderr, nothing on stdout', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'client.ts'), 'batch', 'run', 'intake.xlsx', '--wiat'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error: unknown option --wiat\nusage: npx tsx client.ts batch run WORKBOOK.xlsx [--wait] [--report OUT.xlsx] [--concurrency N] [--attachments DIR]\n',
    );
  });
});
