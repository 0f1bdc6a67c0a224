import { describe, expect, it } from 'vitest';
import { identityCheck, outcomeOf, reasonsOf } from './common';
import { decideInput } from './engine';
import { exampleInput, validIdNumber } from './testkit/examples';
import type { Check } from './schemas';

const person = { idNumber: '440402199910304597', name: '程刚', sex: 'M' as const, birthDate: '1999-10-30' };

describe('CM-01 身份证号', () => {
  it('passes a valid number whose birth date and sex agree', () => {
    expect(identityCheck(person)).toMatchObject({ rule: 'CM-01', result: 'pass', severity: 'review' });
    expect(identityCheck({ ...person, idNumber: validIdNumber('1999-10-30', 'M') }).result).toBe('pass');
  });

  it('fails a bad checksum and names both characters', () => {
    const check = identityCheck({ ...person, idNumber: '440402199910304598' });
    expect(check.result).toBe('fail');
    expect(check.message).toContain('校验码 8 ≠ 应为 7');
  });

  it('accepts X as check character and only upper-case X', () => {
    const id = '44010619941011354X';
    const female = { idNumber: id, name: '余芳强', sex: 'F' as const, birthDate: '1994-10-11' };
    expect(identityCheck(female).result).toBe('pass');
    expect(identityCheck({ ...female, idNumber: id.toLowerCase() }).result).toBe('fail');
  });

  it('fails a birth date that differs from the record or does not exist', () => {
    expect(identityCheck({ ...person, birthDate: '1999-10-31' }).message).toContain('身份证出生日期 1999-10-30 ≠ 登记出生日期 1999-10-31');
    const impossible = '440402' + '19990230' + '013';
    const id =
      impossible +
      '10X98765432'[
        [...impossible].reduce((s, d, i) => s + Number(d) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i]!, 0) % 11
      ]!;
    expect(identityCheck({ ...person, idNumber: id, birthDate: '1999-02-28' }).result).toBe('fail');
  });

  it('fails when the 17th digit contradicts the sex', () => {
    const check = identityCheck({ ...person, sex: 'F' });
    expect(check.result).toBe('fail');
    expect(check.message).toContain('≠ 登记性别 女');
    expect(identityCheck({ ...person, idNumber: validIdNumber('1999-10-30', 'F'), sex: 'F' }).result).toBe('pass');
  });

  it('fails a wrong length and never prints the full number', () => {
    const check = identityCheck({ ...person, idNumber: '44040219991030459' });
    expect(check.result).toBe('fail');
    expect(check.message).toContain('≠ 18');
    expect(identityCheck({ ...person, sex: 'F' }).message).not.toContain(person.idNumber);
  });

  it('sends an otherwise approvable case to review', () => {
    const input = exampleInput('TR-2024-0010');
    input.person.idNumber = '440402199910304598';
    const result = decideInput(input);
    expect(result.ok && result.decision).toMatchObject({ outcome: 'review', reasons: ['CM-01'] });
  });
});

describe('outcome', () => {
  const check = (severity: Check['severity'], result: Check['result']): Check => ({
    rule: `${severity}-${result}`,
    severity,
    result,
    message: '',
  });

  it('reject beats review beats approve; skips and passes do not count', () => {
    expect(outcomeOf([check('review', 'fail'), check('reject', 'fail')])).toBe('reject');
    expect(outcomeOf([check('review', 'fail'), check('reject', 'pass')])).toBe('review');
    expect(outcomeOf([check('review', 'skip'), check('reject', 'pass'), check('info', 'pass')])).toBe('approve');
    expect(reasonsOf([check('review', 'fail'), check('reject', 'pass'), check('reject', 'fail')])).toEqual(['review-fail', 'reject-fail']);
  });
});
