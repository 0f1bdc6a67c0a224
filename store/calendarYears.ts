/**
 * The bureau calendar's years in the store (070_calendar_years.sql), seeded by the calendar shipped
 * in rules/data/calendar.json: a stored year replaces the shipped one, and a year in neither is
 * missing. Importing and showing a year are administrative acts, written to the `_admin` trail.
 */
import { calendarOf, defaultCalendar, type BureauCalendar } from '../rules/calendar';
import type { CalendarYear } from '../rules/calendarYear';
import { yearOf } from '../rules/dates';
import type { Actor } from './auditEvent';
import { isoUtc } from './sqlTime';
import type { Store } from './store';
import { recordAdminAct } from './userAdmin';

/** One year of the calendar and where it comes from. */
export interface StoredCalendarYear {
  year: number;
  holidays: string[];
  workingDays: string[];
  /** `shipped` for the seed file's years; else the imported file's source line, if it had one. */
  source: string | null;
  origin: 'shipped' | 'imported';
  importedBy: string | null;
  importedAt: string | null;
}

interface YearRow {
  year: number;
  holidays: string[];
  working_days: string[];
  source: string | null;
  imported_by: string;
  imported_at: string;
}

/** The shipped calendar, cut into its years. */
function shippedYears(): StoredCalendarYear[] {
  return defaultCalendar.years.map((year) => ({
    year,
    holidays: [...defaultCalendar.holidays].filter((d) => yearOf(d) === year).sort(),
    workingDays: [...defaultCalendar.workingDays].filter((d) => yearOf(d) === year).sort(),
    source: 'rules/data/calendar.json',
    origin: 'shipped' as const,
    importedBy: null,
    importedAt: null,
  }));
}

async function importedYears(store: Store): Promise<StoredCalendarYear[]> {
  const rows = await store.db.query<YearRow>(
    `SELECT year, holidays, working_days, source, imported_by, ${isoUtc('imported_at')} AS imported_at FROM calendar_years ORDER BY year`,
  );
  return rows.map((r) => ({
    year: Number(r.year),
    holidays: [...r.holidays].sort(),
    workingDays: [...r.working_days].sort(),
    source: r.source,
    origin: 'imported' as const,
    importedBy: r.imported_by,
    importedAt: r.imported_at,
  }));
}

/** Every year the bureau calendar knows, ascending: imported ones over the shipped seed. */
async function calendarYears(store: Store): Promise<StoredCalendarYear[]> {
  const byYear = new Map<number, StoredCalendarYear>();
  for (const y of shippedYears()) byYear.set(y.year, y);
  for (const y of await importedYears(store)) byYear.set(y.year, y);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

/** One year, or undefined when the calendar lacks it. */
export async function calendarYear(store: Store, year: number): Promise<StoredCalendarYear | undefined> {
  return (await calendarYears(store)).find((y) => y.year === year);
}

/** The bureau calendar in force: what decisions and deadlines count working days with. */
export async function loadBureauCalendar(store: Store): Promise<BureauCalendar> {
  const years = await calendarYears(store);
  return calendarOf(
    years.map((y) => y.year),
    years.flatMap((y) => y.holidays),
    years.flatMap((y) => y.workingDays),
  );
}

/** The year is already known (shipped or imported): importing it again needs `replace`. */
export class CalendarYearExists extends Error {}

/** Who acts, proven (the CLI checks their console password), and from where. */
export interface CalendarActor {
  actor: Actor;
  via: 'cli' | 'console';
}

/**
 * Stores a year and writes the act to the `_admin` trail with the days it brought (and, when it
 * replaced a year, the days it replaced). Throws CalendarYearExists unless `replace`.
 */
export async function importCalendarYear(
  store: Store,
  by: CalendarActor,
  input: CalendarYear & { file: string; sha256: string },
  options: { replace: boolean },
): Promise<StoredCalendarYear> {
  const before = await calendarYear(store, input.year);
  if (before && !options.replace)
    throw new CalendarYearExists(
      `the calendar already has ${input.year} (${before.origin}${before.importedBy ? ` by ${before.importedBy}` : ''}): import it again with --replace`,
    );
  const holidays = [...input.holidays].sort();
  const workingDays = [...input.workingDays].sort();
  await store.db.query(
    `INSERT INTO calendar_years (year, holidays, working_days, source, imported_by, imported_at)
     VALUES ($1, $2::text::jsonb, $3::text::jsonb, $4, $5, now())
     ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, working_days = EXCLUDED.working_days,
       source = EXCLUDED.source, imported_by = EXCLUDED.imported_by, imported_at = now()`,
    [input.year, JSON.stringify(holidays), JSON.stringify(workingDays), input.source ?? null, by.actor.name],
  );
  await record(store, by, before ? 'calendar-replaced' : 'calendar-imported', {
    inputs: { year: input.year, file: input.file, sha256: input.sha256, via: by.via },
    outcome: {
      year: input.year,
      holidays,
      workingDays,
      ...(input.source ? { source: input.source } : {}),
      ...(before ? { replaced: { origin: before.origin, holidays: before.holidays, workingDays: before.workingDays } } : {}),
    },
  });
  return (await calendarYear(store, input.year))!;
}

/** Writes that someone looked at a year (and whether the calendar had it). */
export async function recordCalendarShown(
  store: Store,
  by: CalendarActor,
  year: number,
  shown: StoredCalendarYear | undefined,
): Promise<void> {
  await record(store, by, 'calendar-shown', {
    inputs: { year, via: by.via },
    outcome: { year, known: shown !== undefined, ...(shown ? { origin: shown.origin } : {}) },
  });
}

async function record(
  store: Store,
  by: CalendarActor,
  step: 'calendar-imported' | 'calendar-replaced' | 'calendar-shown',
  event: { inputs: Record<string, unknown>; outcome: Record<string, unknown> },
): Promise<void> {
  await recordAdminAct(store, {
    area: 'calendar-admin',
    via: by.via,
    step,
    actor: by.actor,
    inputs: event.inputs,
    outcome: event.outcome,
    about: String(event.inputs.year),
  });
}
