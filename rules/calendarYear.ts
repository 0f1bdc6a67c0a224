/**
 * One year of the bureau calendar as the State Council publishes it (国务院办公厅关于某年部分节假日
 * 安排的通知): its holidays (放假) and its make-up working days (调休上班, weekend days worked).
 * This is the format `calendar import FILE` reads, in JSON or CSV:
 *
 *   JSON  { "year": 2027, "source": "国办发明电〔2026〕…号", "holidays": ["2027-01-01", …], "workingDays": ["2027-02-06", …] }
 *   CSV   a header line `date,kind` (a third column `note` is allowed and ignored), then one day a line:
 *         `2027-01-01,holiday` or `2027-02-06,working`; blank lines and lines starting with # are skipped.
 *
 * Every date must be a real date of that one year; a day is listed once, either a holiday or a
 * working day; a make-up working day falls on a Saturday or Sunday (a weekday works anyway).
 */
import { z } from 'zod';
import { isRealDate, weekday, yearOf } from './dates';

const year = z.int().min(1900).max(9999);
const date = z.string().refine(isRealDate, { message: 'expected a real date YYYY-MM-DD' });

const CalendarYearSchema = z
  .object({
    year,
    source: z.string().max(200).optional(),
    holidays: z.array(date).min(1, 'a year has at least one holiday'),
    workingDays: z.array(date),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Map<string, string>();
    for (const field of ['holidays', 'workingDays'] as const) {
      value[field].forEach((day, i) => {
        const path = [field, i];
        if (yearOf(day) !== value.year) ctx.addIssue({ code: 'custom', path, message: `${day} is not in ${value.year}` });
        const earlier = seen.get(day);
        if (earlier !== undefined) ctx.addIssue({ code: 'custom', path, message: `${day} is listed twice (first as ${earlier})` });
        seen.set(day, `${field}[${i}]`);
        const day0 = weekday(day);
        if (field === 'workingDays' && day0 !== 0 && day0 !== 6)
          ctx.addIssue({ code: 'custom', path, message: `${day} is a weekday: a make-up working day is a Saturday or Sunday` });
      });
    }
  });
export type CalendarYear = z.infer<typeof CalendarYearSchema>;

/** A calendar file that cannot be imported; the message names the line or field. */
export class CalendarFileError extends Error {}

/** Reads a year from JSON or CSV text (by the file name's extension); throws CalendarFileError. */
export function parseCalendarYearFile(fileName: string, text: string): CalendarYear {
  const raw = /\.csv$/i.test(fileName) ? fromCsv(text) : fromJson(text);
  const parsed = CalendarYearSchema.safeParse(raw.value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new CalendarFileError(`${fileName}: ${raw.where(issue.path)}: ${issue.message}`);
}

interface RawYear {
  value: unknown;
  /** Where a zod path points in the file: a JSON field path, or a CSV line. */
  where: (path: readonly PropertyKey[]) => string;
}

function fromJson(text: string): RawYear {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CalendarFileError(`not valid JSON: ${(err as Error).message}`);
  }
  return {
    value,
    where: (path) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || 'file',
  };
}

function fromCsv(text: string): RawYear {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const header = lines[headerIndex]?.split(',').map((c) => c.trim().toLowerCase());
  if (!header || header[0] !== 'date' || header[1] !== 'kind')
    throw new CalendarFileError(`line ${headerIndex + 1}: the header must be date,kind`);
  const days = { holidays: [] as string[], workingDays: [] as string[] };
  const lineOf = { holidays: [] as number[], workingDays: [] as number[] };
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [day = '', kind = ''] = line.split(',').map((c) => c.trim());
    const field = kind === 'holiday' ? 'holidays' : kind === 'working' ? 'workingDays' : null;
    if (field === null) throw new CalendarFileError(`line ${i + 1}: kind must be holiday or working, got ${JSON.stringify(kind)}`);
    if (!isRealDate(day)) throw new CalendarFileError(`line ${i + 1}: expected a real date YYYY-MM-DD, got ${JSON.stringify(day)}`);
    days[field].push(day);
    lineOf[field].push(i + 1);
  }
  const first = [...days.holidays, ...days.workingDays].sort()[0];
  if (first === undefined) throw new CalendarFileError('no days listed');
  return {
    // The year is the first date's: a date of another year is then reported on its own line.
    value: { year: yearOf(first), ...days },
    where: (path) => {
      const [field, index] = path as [keyof typeof lineOf, number];
      return typeof index === 'number' ? `line ${lineOf[field]?.[index]}` : String(field);
    },
  };
}
