import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CalendarFileError, parseCalendarYearFile } from '../rules/calendarYear';
import { weekday } from '../rules/dates';
import {
  calendarYear,
  CalendarYearExists,
  importCalendarYear,
  recordCalendarShown,
  type CalendarActor,
  type Store,
  type StoredCalendarYear,
} from '../store';
import { beijingIso } from '../time/beijing';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { provenPerson } from './password';

/** Each calendar command's arguments and usage line. */
const CALENDAR_COMMANDS = {
  import: { usage: 'calendar import FILE.json|FILE.csv [--replace] --as USER', options: ['as'], flags: ['replace'] },
  show: { usage: 'calendar show YEAR --as USER', options: ['as'] },
} as const satisfies Record<string, CommandSpec>;
const USAGE = Object.values(CALENDAR_COMMANDS)
  .map((c) => c.usage)
  .join('\n');

/** Who is at the terminal: `--as` or ZHISHEN_USER, and the password from ZHISHEN_PASSWORD or a prompt. */
export interface CliPerson {
  user: string | undefined;
  password: string | undefined;
}

/** Who may change the calendar every working-day count depends on. */
const MAY_IMPORT = new Set(['admin', 'manager']);

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

type Out = (line: string) => void;

/**
 * `calendar import FILE [--replace]` and `calendar show YEAR`: the bureau calendar's years (the
 * format is rules/calendarYear.ts). Both need a proven person (`--as USER` and their password) and
 * are written to the `_admin` audit trail.
 */
export async function runCalendarCommand(
  args: string[],
  store: Store,
  cli: CliPerson,
  out: Out = (l) => process.stdout.write(l + '\n'),
  err: Out = (l) => process.stderr.write(l + '\n'),
): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !Object.hasOwn(CALENDAR_COMMANDS, sub))
    throw new UsageError(sub ? `unknown calendar command: ${sub}` : 'calendar needs a command', USAGE);
  const spec: CommandSpec = CALENDAR_COMMANDS[sub as keyof typeof CALENDAR_COMMANDS];
  const parsed = parseArgs(rest, spec);
  const who = parsed.options.get('as') ?? cli.user;
  switch (sub) {
    case 'import': {
      const file = parsed.positionals[0];
      if (!file || parsed.positionals.length !== 1) throw new UsageError('calendar import needs one file', spec.usage);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, spec.usage);
      }
      let year;
      try {
        year = parseCalendarYearFile(path.basename(file), text);
      } catch (e) {
        if (e instanceof CalendarFileError) return refuse(err, `calendar import refused: ${e.message}`);
        throw e;
      }
      const person = await provenPerson(store, who, cli.password, 'imports the calendar');
      if (!MAY_IMPORT.has(person.role))
        return refuse(
          err,
          `calendar import refused: ${person.username} is ${person.role}; only an admin or a manager imports the calendar`,
        );
      const by: CalendarActor = { actor: { kind: 'user', name: person.username }, via: 'cli' };
      const sha256 = crypto.createHash('sha256').update(text).digest('hex');
      try {
        const stored = await importCalendarYear(
          store,
          by,
          { ...year, file: path.basename(file), sha256 },
          { replace: parsed.flags.has('replace') },
        );
        out(JSON.stringify(shown(stored)));
        err(
          `calendar ${stored.year}: ${stored.holidays.length} holidays, ${stored.workingDays.length} make-up working days imported by ${person.username}`,
        );
        return 0;
      } catch (e) {
        if (e instanceof CalendarYearExists) return refuse(err, `calendar import refused: ${e.message}`);
        throw e;
      }
    }
    case 'show': {
      const text = parsed.positionals[0];
      if (!text || !/^\d{4}$/.test(text) || parsed.positionals.length !== 1)
        throw new UsageError('calendar show needs a year, such as 2027', spec.usage);
      const person = await provenPerson(store, who, cli.password, 'reads the calendar');
      const found = await calendarYear(store, Number(text));
      await recordCalendarShown(store, { actor: { kind: 'user', name: person.username }, via: 'cli' }, Number(text), found);
      if (!found)
        return refuse(err, `the bureau calendar has no ${text}: import the State Council's holidays of ${text} (calendar import FILE)`);
      out(JSON.stringify(shown(found)));
      for (const line of readable(found)) err(line);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}

function refuse(err: Out, message: string): number {
  err(message);
  return 1;
}

/** The year as JSON, its import time in Beijing time. */
function shown(y: StoredCalendarYear) {
  return { ...y, importedAt: y.importedAt === null ? null : beijingIso(y.importedAt) };
}

/** The year as the bureau reads it: one dated line a day, in date order. */
function readable(y: StoredCalendarYear): string[] {
  const days = [...y.holidays.map((d) => [d, '放假'] as const), ...y.workingDays.map((d) => [d, '调休上班'] as const)].sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return [
    `${y.year} 年工作日历（${y.origin === 'shipped' ? '随程序提供' : `导入：${y.importedBy}，${y.importedAt ? beijingIso(y.importedAt) : ''}`}${y.source ? `，依据 ${y.source}` : ''}）`,
    ...days.map(([d, kind]) => `${d} ${WEEKDAYS[weekday(d)]} ${kind}`),
  ];
}
