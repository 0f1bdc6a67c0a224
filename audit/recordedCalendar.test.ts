import { describe, expect, it } from 'vitest';
import { calendarOf, calendarRecord } from '../rules/calendar';
import { decide, defaultParameters, parseCaseFile, type Parameters } from '../rules';
import { exampleInput } from '../rules/testkit/examples';
import { comparableOf, redecide } from './redecide';
import { compareRuleSet, withRecordedCalendar } from './replay';
import { ruleSetVersionOf } from './ruleSetVersion';

/** Today's shipped files plus 2027 as the store would hold it after `calendar import`. */
const base = defaultParameters.calendar;
const with2027: Parameters = {
  ...defaultParameters,
  calendar: calendarOf([...base.years, 2027], [...base.holidays, '2027-01-01'], base.workingDays),
};

describe('a decision re-decides with the calendar it recorded', () => {
  const caseFile = { ...exampleInput('TR-2024-0010'), receivedDate: '2026-12-28' };
  const parsed = parseCaseFile(caseFile, with2027);
  if (!parsed.ok) throw new Error(parsed.error);
  const decision = decide(parsed.caseFile, with2027);
  const recorded = { ...comparableOf(decision), policyVersion: decision.policyVersion };
  const recordedCalendar = JSON.parse(JSON.stringify(calendarRecord(with2027.calendar))) as unknown;
  const ruleSetVersion = ruleSetVersionOf(decision.policyVersion, with2027, 'test')!;

  it("matches under the recorded calendar, whatever today's calendar lacks", () => {
    expect(decision.details).toMatchObject({ dueDate: '2027-01-05' });
    const used = withRecordedCalendar(defaultParameters, recordedCalendar);
    if ('error' in used) throw new Error(used.error);
    expect(redecide(caseFile, recorded, used)).toMatchObject({ ok: true, match: true });
    expect(compareRuleSet(ruleSetVersion, used).sameFiles).toBe(true);
  });

  it('would not match under the shipped calendar alone: that is why the calendar is recorded', () => {
    const result = redecide(caseFile, recorded, defaultParameters);
    expect(result).toMatchObject({ ok: true, match: false });
    expect(compareRuleSet(ruleSetVersion, defaultParameters).sameFiles).toBe(false);
  });

  it("older records without a calendar keep today's parameters; a damaged one is an error, not a guess", () => {
    expect(withRecordedCalendar(defaultParameters, undefined)).toBe(defaultParameters);
    expect(withRecordedCalendar(defaultParameters, { holidays: ['2027-02-30'], workingDays: [] })).toMatchObject({
      error: expect.stringMatching(/recorded bureau calendar/),
    });
  });
});
