import { describe, expect, it } from 'vitest';
import { CalendarFileError, parseCalendarYearFile } from './calendarYear';
import { calendarOf, defaultCalendar, missingYearsAround, workingDaysAfter } from './calendar';

const json = (value: unknown) => JSON.stringify(value);
const refusal = (file: string, text: string): string => {
  try {
    parseCalendarYearFile(file, text);
  } catch (err) {
    expect(err).toBeInstanceOf(CalendarFileError);
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
};

describe('calendar file of a year', () => {
  it('reads JSON and CSV alike', () => {
    const fromJson = parseCalendarYearFile(
      '2027.json',
      json({ year: 2027, source: '国办发明电', holidays: ['2027-01-01'], workingDays: ['2027-02-06'] }),
    );
    const fromCsv = parseCalendarYearFile(
      '2027.csv',
      '\uFEFFdate,kind,note\n# 元旦\n2027-01-01,holiday,元旦\n\n2027-02-06,working,春节调休\n',
    );
    expect(fromJson).toMatchObject({ year: 2027, holidays: ['2027-01-01'], workingDays: ['2027-02-06'] });
    expect(fromCsv).toEqual({ year: 2027, holidays: ['2027-01-01'], workingDays: ['2027-02-06'] });
  });

  it('names the field of a bad JSON date, a date of another year, a day listed twice', () => {
    expect(refusal('y.json', json({ year: 2027, holidays: ['2027-01-01', '2027-02-30'], workingDays: [] }))).toBe(
      'y.json: holidays[1]: expected a real date YYYY-MM-DD',
    );
    expect(refusal('y.json', json({ year: 2027, holidays: ['2026-12-31'], workingDays: [] }))).toBe(
      'y.json: holidays[0]: 2026-12-31 is not in 2027',
    );
    expect(refusal('y.json', json({ year: 2027, holidays: ['2027-02-06'], workingDays: ['2027-02-06'] }))).toBe(
      'y.json: workingDays[0]: 2027-02-06 is listed twice (first as holidays[0])',
    );
    expect(refusal('y.json', json({ year: 2027, holidays: ['2027-01-01'], workingDays: ['2027-01-04'] }))).toMatch(
      /^y\.json: workingDays\[0\]: 2027-01-04 is a weekday/,
    );
    expect(refusal('y.json', json({ year: 2027, holidays: [], workingDays: [] }))).toBe(
      'y.json: holidays: a year has at least one holiday',
    );
    expect(refusal('y.json', '{ "year": 2027,')).toMatch(/^not valid JSON/);
  });

  it('names the line of a bad CSV row', () => {
    expect(refusal('y.csv', 'date,kind\n2027-01-01,holiday\n2027-13-01,holiday\n')).toBe(
      'line 3: expected a real date YYYY-MM-DD, got "2027-13-01"',
    );
    expect(refusal('y.csv', 'date,kind\n2027-01-01,holiday\n2027-01-02,rest\n')).toBe(
      'line 3: kind must be holiday or working, got "rest"',
    );
    expect(refusal('y.csv', 'date,kind\n2027-01-01,holiday\n\n2027-01-01,working\n')).toBe(
      'y.csv: line 4: 2027-01-01 is listed twice (first as holidays[0])',
    );
    expect(refusal('y.csv', 'date,kind\n2027-01-01,holiday\n2028-01-01,holiday\n')).toBe('y.csv: line 3: 2028-01-01 is not in 2027');
    expect(refusal('y.csv', 'day,type\n2027-01-01,holiday\n')).toBe('line 1: the header must be date,kind');
  });
});

describe('years the calendar lacks', () => {
  it('a working-day count says which year it ran into', () => {
    expect(workingDaysAfter(defaultCalendar, '2026-12-28', 5)).toEqual({ missingYear: 2027 });
    expect(workingDaysAfter(defaultCalendar, '2023-12-29', 5)).toEqual({ missingYear: 2023 });
    expect(workingDaysAfter(defaultCalendar, '2026-12-24', 5)).toEqual({ date: '2026-12-31' });
  });

  it('a year missing between imported ones is missing too', () => {
    const gap = calendarOf([2026, 2028], ['2026-01-01', '2028-01-01'], []);
    expect(workingDaysAfter(gap, '2026-12-30', 5)).toEqual({ missingYear: 2027 });
  });

  it('in December the next year is wanted as well', () => {
    expect(missingYearsAround(defaultCalendar, '2026-11-30')).toEqual([]);
    expect(missingYearsAround(defaultCalendar, '2026-12-01')).toEqual([2027]);
    expect(missingYearsAround(defaultCalendar, '2027-03-01')).toEqual([2027]);
    expect(missingYearsAround(calendarOf([...defaultCalendar.years, 2027], ['2027-01-01'], []), '2026-12-01')).toEqual([]);
  });
});
