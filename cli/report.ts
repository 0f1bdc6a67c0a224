import fs from 'node:fs';
import path from 'node:path';
import { loadMonthlyReport } from '../reports/monthlyLoad';
import { monthlySummaryLines } from '../reports/monthly';
import { monthlyPdf } from '../reports/monthlyPdf';
import { monthlyWorkbook } from '../reports/monthlyWorkbook';
import type { Store } from '../store';
import { isBeijingMonth } from '../time/beijingMonth';
import { HelpRequested, parseArgs, UsageError, type CommandSpec } from './args';
import { provenPerson } from './password';

/** The report commands' arguments and usage line. */
const REPORT_COMMANDS = {
  monthly: { usage: 'report monthly --month YYYY-MM [--out DIR] --as USER', options: ['month', 'out', 'as'] },
} as const satisfies Record<string, CommandSpec>;

/** Who reads the management reports. */
const MAY_READ = new Set(['manager', 'admin', 'auditor']);

type Out = (line: string) => void;

/** What `report monthly` was asked for, its arguments checked. */
export interface MonthlyReportRequest {
  month: string;
  outDir: string | undefined;
  as: string | undefined;
}

/**
 * Checks `report monthly` arguments before anything is opened: a UsageError (exit 2) names what is
 * wrong, e.g. `--month 2026-13`.
 */
export function parseReportArgs(args: readonly string[]): MonthlyReportRequest {
  const [sub, ...rest] = args;
  const spec = REPORT_COMMANDS.monthly;
  if (sub === '--help' || sub === '-h') throw new HelpRequested(spec.usage);
  if (sub !== 'monthly') throw new UsageError(sub ? `unknown report command: ${sub}` : 'report needs a command', spec.usage);
  const parsed = parseArgs(rest, spec);
  if (parsed.positionals.length > 0) throw new UsageError(`report monthly takes no argument ${parsed.positionals[0]}`, spec.usage);
  const month = parsed.options.get('month');
  if (!month) throw new UsageError('report monthly needs --month YYYY-MM', spec.usage);
  if (!isBeijingMonth(month)) throw new UsageError(`--month ${month} is not a month: write YYYY-MM with a month 01 to 12`, spec.usage);
  const outDir = parsed.options.get('out');
  if (outDir !== undefined && fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory())
    throw new UsageError(`--out ${outDir} is not a directory`, spec.usage);
  return { month, outDir, as: parsed.options.get('as') };
}

/**
 * `report monthly --month YYYY-MM [--out DIR] --as USER`: the monthly management report of a Beijing
 * month as a Chinese summary on stdout, and with `--out` its workbook and PDF in DIR. Needs a proven
 * manager, admin or auditor.
 */
export async function runReportCommand(
  args: readonly string[] | MonthlyReportRequest,
  store: Store,
  cli: { user: string | undefined; password: string | undefined },
  out: Out = (l) => process.stdout.write(l + '\n'),
  err: Out = (l) => process.stderr.write(l + '\n'),
  now: () => Date = () => new Date(),
): Promise<number> {
  const { month, outDir, as } = Array.isArray(args) ? parseReportArgs(args) : (args as MonthlyReportRequest);
  const person = await provenPerson(store, as ?? cli.user, cli.password, 'reads the report');
  if (!MAY_READ.has(person.role)) {
    err(`report monthly refused: ${person.username} is ${person.role}; only a manager, an admin or an auditor reads the monthly report`);
    return 1;
  }
  const report = await loadMonthlyReport(store, month, now());
  if (outDir !== undefined) {
    // Both files are made before either is written: a failure leaves nothing half-written.
    const files: [string, Uint8Array][] = [
      [`monthly-${month}.xlsx`, await monthlyWorkbook(report)],
      [`monthly-${month}.pdf`, await monthlyPdf(report)],
    ];
    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, bytes] of files) {
      const file = path.join(outDir, name);
      fs.writeFileSync(`${file}.part`, bytes);
      fs.renameSync(`${file}.part`, file);
      err(`wrote ${file}`);
    }
  }
  for (const line of monthlySummaryLines(report)) out(line);
  return 0;
}
