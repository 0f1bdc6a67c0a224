/**
 * Beijing time (Asia/Shanghai, UTC+08:00): the one way a time is shown to people and written into
 * machine output meant to be read. Instants are stored and hashed in UTC; only display converts.
 * China has kept +08:00 all year since 1991, so the offset is a constant and the result never
 * depends on the server's time zone or its ICU data.
 */

const BEIJING_OFFSET_MS = 8 * 3600_000;

type Instant = Date | string | number;

function msOf(instant: Instant): number {
  return instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
}

/** The wall-clock fields in Beijing as `YYYY-MM-DDTHH:MM:SS.mmm`, or null for an invalid instant. */
function wallClock(instant: Instant): string | null {
  const ms = msOf(instant);
  if (!Number.isFinite(ms)) return null;
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 23);
}

/** For people: `2026-12-01 07:30:05` Beijing time; `—` for no time; the text itself if it is not one. */
export function beijingTime(instant: Instant | null | undefined): string {
  if (instant === null || instant === undefined || instant === '') return '—';
  const wall = wallClock(instant);
  return wall === null ? String(instant) : wall.slice(0, 19).replace('T', ' ');
}

/** For people, to the minute: `2026-12-01 07:30`. */
export function beijingMinute(instant: Instant | null | undefined): string {
  const text = beijingTime(instant);
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text) ? text.slice(0, 16) : text;
}

/** For machine output: ISO 8601 with the +08:00 offset, `2026-12-01T07:30:05.123+08:00`. */
export function beijingIso(instant: Instant): string {
  const wall = wallClock(instant);
  if (wall === null) throw new RangeError(`not a time: ${String(instant)}`);
  return `${wall}+08:00`;
}

/** The bureau's calendar date of an instant: `2026-12-02` for 2026-12-01T16:00Z. */
export function beijingDate(instant: Instant): string {
  const wall = wallClock(instant);
  if (wall === null) throw new RangeError(`not a time: ${String(instant)}`);
  return wall.slice(0, 10);
}

/** The Beijing hour an instant falls in, `2026-12-02 00:00`: the bucket of hourly counts. */
export function beijingHour(instant: Instant): string {
  const wall = wallClock(instant);
  if (wall === null) throw new RangeError(`not a time: ${String(instant)}`);
  return `${wall.slice(0, 10)} ${wall.slice(11, 13)}:00`;
}

/** The Beijing calendar year of an instant. */
export function beijingYear(instant: Instant): number {
  return Number(beijingDate(instant).slice(0, 4));
}
