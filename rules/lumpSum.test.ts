import { describe, expect, it } from 'vitest';
import { decide } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { statutoryRetirementMonth } from './lumpSum';
import { defaultParameters } from './params';
import { checkOf, exampleInput, validIdNumber } from './testkit/examples';
import type { LumpSumDecision } from './schemas';

const delayTable = defaultParameters.lumpSum.retirementDelay;

/** LS-2025-0002 (an approve) with changes; parsed so that input errors surface. */
function decideVariant(change: (input: any) => void): LumpSumDecision {
  const input = exampleInput('LS-2025-0002');
  change(input);
  const parsed = parseCaseFile(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return decide(parsed.caseFile) as LumpSumDecision;
}

describe('statutory retirement month (2025 reform)', () => {
  // Each cohort: the month before its start (no delay), its first months, and the birth months
  // around the one where the delay reaches its maximum.
  it.each([
    [60, '1964-12-15', '2024-12'], // before 1965-01: 60 years, no delay
    [60, '1965-01-01', '2025-02'], // k = 0 → 1 month
    [60, '1965-04-30', '2025-05'], // k = 3 → 1
    [60, '1965-05-01', '2025-07'], // k = 4 → 2
    [60, '1976-08-31', '2039-07'], // k = 139 → 35
    [60, '1976-09-01', '2039-09'], // k = 140 → 36, the cap
    [60, '1980-01-01', '2043-01'], // capped at 36
    [55, '1969-12-31', '2024-12'],
    [55, '1970-01-01', '2025-02'],
    [55, '1970-11-17', '2026-02'], // k = 10 → 3 (LS-2026-0001)
    [55, '1981-08-01', '2039-07'], // k = 139 → 35
    [55, '1981-09-01', '2039-09'], // k = 140 → 36
    [50, '1974-12-31', '2024-12'],
    [50, '1975-01-01', '2025-02'], // k = 0 → 1
    [50, '1975-02-01', '2025-03'], // k = 1 → 1
    [50, '1975-03-01', '2025-05'], // k = 2 → 2
    [50, '1984-10-01', '2039-09'], // k = 117 → 59
    [50, '1984-11-01', '2039-11'], // k = 118 → 60, the cap
    [50, '1990-01-01', '2045-01'], // capped at 60
  ] as const)('original age %i, born %s → %s', (age, birthDate, expected) => {
    expect(statutoryRetirementMonth(birthDate, age, delayTable)).toBe(expected);
  });
});

describe('lump-sum rules', () => {
  it('LS-01 rejects residents', () => {
    const decision = decideVariant((c) => (c.scheme = 'resident'));
    expect(decision.reasons).toEqual(['LS-01']);
    expect(decision.outcome).toBe('reject');
    expect(decision.amount).toBeNull();
  });

  it('LS-02: retirement on the application date passes, the day after fails, none fails', () => {
    expect(
      checkOf(
        decideVariant((c) => (c.retirement.date = c.applicationDate)),
        'LS-02',
      ).result,
    ).toBe('pass');
    expect(
      checkOf(
        decideVariant((c) => (c.retirement.date = '2025-03-17')),
        'LS-02',
      ).result,
    ).toBe('fail');
    const none = decideVariant((c) => (c.retirement = null));
    expect(checkOf(none, 'LS-02').result).toBe('fail');
    expect(checkOf(none, 'LS-03').result).toBe('pass');
    expect(checkOf(none, 'LS-04').result).toBe('pass');
  });

  it.each(['illness', 'special-occupation'])('LS-03 sends %s retirement to review', (kind) => {
    const decision = decideVariant((c) => (c.retirement.kind = kind));
    expect(decision.outcome).toBe('review');
    expect(decision.reasons).toEqual(['LS-03']);
    expect(decision.amount).toBe('41174.51');
  });

  it('LS-04: retiring in the statutory month passes, the month before fails', () => {
    // Born 1962-04 (age 60, before the reform): statutory month 2022-04.
    expect(
      checkOf(
        decideVariant((c) => (c.retirement.date = '2022-04-01')),
        'LS-04',
      ).result,
    ).toBe('pass');
    expect(
      checkOf(
        decideVariant((c) => (c.retirement.date = '2022-03-31')),
        'LS-04',
      ).result,
    ).toBe('fail');
  });

  it('LS-05 needs 认定 only when there are deemed months', () => {
    expect(
      checkOf(
        decideVariant((c) => Object.assign(c.contributions, { deemedMonths: 0, deemedCertified: false })),
        'LS-05',
      ).result,
    ).toBe('pass');
    const uncertified = decideVariant((c) => Object.assign(c.contributions, { deemedMonths: 1, deemedCertified: false }));
    expect(checkOf(uncertified, 'LS-05').result).toBe('fail');
    expect(uncertified.details.cumulativeMonths).toBe(238); // not counted until certified
    const certified = decideVariant((c) => Object.assign(c.contributions, { deemedMonths: 1, deemedCertified: true }));
    expect(certified.details.cumulativeMonths).toBe(239);
  });

  it('LS-06 rejects a pending transfer, whose months do not count', () => {
    const decision = decideVariant((c) => (c.contributions.transferStatus = 'pending'));
    expect(decision.reasons).toEqual(['LS-06']);
    expect(decision.details.cumulativeMonths).toBe(219);
  });

  it('LS-07: arrears of one month reject, none pass', () => {
    expect(
      checkOf(
        decideVariant((c) => (c.contributions.arrearsMonths = 1)),
        'LS-07',
      ).result,
    ).toBe('fail');
    expect(
      checkOf(
        decideVariant((c) => (c.contributions.arrearsMonths = 0)),
        'LS-07',
      ).result,
    ).toBe('pass');
  });

  it('LS-08: exactly the required months rejects, one short pays one month', () => {
    const full = decideVariant((c) => Object.assign(c.contributions, { localActualMonths: 281, transferredMonths: 19 }));
    expect(full.details).toMatchObject({ cumulativeMonths: 300, shortfallMonths: 0 });
    expect(full.reasons).toEqual(['LS-08']);
    const short = decideVariant((c) => Object.assign(c.contributions, { localActualMonths: 280, transferredMonths: 19 }));
    expect(short.details.shortfallMonths).toBe(1);
    // 1 × 7813.00 × 0.085 = 664.105: exactly half a fen, rounded up.
    expect(short.amount).toBe('664.11');
  });

  it('the local minimum can make the shortfall', () => {
    // 119 local months + 200 transferred: 319 ≥ 300 counted, but 1 short of 120 local months.
    const decision = decideVariant((c) => Object.assign(c.contributions, { localActualMonths: 119, transferredMonths: 200 }));
    expect(decision.details).toMatchObject({ cumulativeMonths: 319, shortfallMonths: 1 });
    expect(decision.amount).toBe('664.11');
  });

  it('subtracts overlaps', () => {
    expect(decideVariant((c) => (c.contributions.overlapMonths = 10)).details.cumulativeMonths).toBe(228);
  });

  it('uses the women’s requirement by sex', () => {
    const decision = decideVariant((c) => {
      c.person.sex = 'F';
      c.person.idNumber = validIdNumber(c.person.birthDate, 'F');
    });
    expect(decision.details).toMatchObject({ requiredMonths: 240, cumulativeMonths: 238, shortfallMonths: 2 });
    expect(decision.amount).toBe('1328.21'); // 2 × 664.105
  });

  it('chooses required months by retirement date: 2029-12-31 vs 2030-01-01', () => {
    const retire = (date: string) =>
      decideVariant((c) => {
        c.person.birthDate = '1969-11-01';
        c.person.idNumber = validIdNumber('1969-11-01', 'M');
        c.retirement.date = date;
        c.applicationDate = date;
      });
    expect(retire('2029-12-31')).toMatchObject({ policyVersion: 'lump-sum@2020-01-01', details: { requiredMonths: 300 } });
    expect(retire('2030-01-01')).toMatchObject({ policyVersion: 'lump-sum@2030-01-01', details: { requiredMonths: 360 } });
  });

  it('chooses base and rate by application year', () => {
    expect(decideVariant((c) => (c.applicationDate = '2024-12-31')).details.base).toBe('7512.00');
    expect(decideVariant((c) => (c.applicationDate = '2025-01-01')).details.base).toBe('7813.00');
    expect(decideVariant((c) => (c.applicationDate = '2026-06-30')).details.base).toBe('8102.00');
    // A year not yet published keeps the latest base in force, like every other parameter.
    expect(decideVariant((c) => (c.applicationDate = '2027-01-04')).details.base).toBe('8102.00');
  });

  it('uses the application date as effective date when there is no retirement', () => {
    expect(decideVariant((c) => (c.retirement = null)).policyVersion).toBe('lump-sum@2020-01-01');
  });
});
