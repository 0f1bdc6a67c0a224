import { describe, expect, it } from 'vitest';
import { parseCaseFile, formatPath } from './parseCaseFile';
import { decideInput } from './engine';
import { exampleInput } from './testkit/examples';

/** The input error for an example with one change; fails the test if the input was accepted. */
function errorFor(id: string, change: (input: any) => void): string {
  const input = exampleInput(id);
  change(input);
  const result = parseCaseFile(input);
  if (result.ok) throw new Error('input was accepted');
  return result.error;
}

describe('invalid case files name the field', () => {
  it('missing field', () => {
    expect(errorFor('LS-2024-0003', (c) => delete c.person.birthDate)).toBe('person.birthDate: required field is missing');
    expect(errorFor('RB-2024-0017', (c) => delete c.receipts[0].total)).toBe('receipts[0].total: required field is missing');
  });

  it('wrong type', () => {
    expect(errorFor('LS-2024-0003', (c) => (c.contributions.localActualMonths = '236'))).toBe(
      'contributions.localActualMonths: expected a whole number, got "236"',
    );
    expect(errorFor('TR-2024-0010', (c) => (c.retired = 'no'))).toBe('retired: expected true or false, got "no"');
    expect(errorFor('RB-2024-0017', (c) => (c.receipts[0].total = 32911.54))).toBe(
      'receipts[0].total: expected money like "123.45", got the number 32911.54',
    );
    expect(errorFor('RB-2024-0017', (c) => (c.receipts = {}))).toBe('receipts: expected a list, got an object');
  });

  it('wrong enum value or literal', () => {
    expect(errorFor('LS-2024-0003', (c) => (c.scheme = 'civil-servant'))).toBe(
      'scheme: expected one of "employee", "resident", got "civil-servant"',
    );
    expect(errorFor('LS-2024-0003', (c) => (c.originalRetirementAge = 65))).toBe(
      'originalRetirementAge: expected one of 60, 55, 50, got the number 65',
    );
    expect(errorFor('RB-2024-0017', (c) => (c.details[2].class = 'D'))).toBe('details[2].class: expected one of "A", "B", "C", got "D"');
  });

  it('wrong or missing type names `type`', () => {
    expect(errorFor('LS-2024-0003', (c) => (c.type = 'pension'))).toBe(
      'type: expected one of "lump-sum", "transfer", "reimbursement", got "pension"',
    );
    expect(errorFor('LS-2024-0003', (c) => delete c.type)).toMatch(/^type: required field is missing/);
    expect(errorFor('LS-2024-0003', (c) => (c.type = 3))).toMatch(/^type: expected one of/);
  });

  it('impossible dates and malformed months', () => {
    expect(errorFor('LS-2024-0003', (c) => (c.applicationDate = '2024-02-30'))).toBe('applicationDate: 2024-02-30 is not a real date');
    expect(errorFor('LS-2024-0003', (c) => (c.applicationDate = '2023-02-29'))).toBe('applicationDate: 2023-02-29 is not a real date');
    expect(errorFor('LS-2024-0003', (c) => (c.person.birthDate = '1964/07/08'))).toMatch(/^person\.birthDate: expected a date YYYY-MM-DD/);
    expect(errorFor('TR-2024-0010', (c) => (c.to.coverageStart = '2024-13'))).toMatch(/^to\.coverageStart: expected a month YYYY-MM/);
    expect(errorFor('RB-2024-0017', (c) => (c.coverage[0].from = '2015-1'))).toMatch(/^coverage\[0\]\.from: expected a month YYYY-MM/);
  });

  it('money with other than two decimals, or negative', () => {
    expect(errorFor('RB-2024-0017', (c) => (c.receipts[0].total = '32911.5'))).toMatch(
      /^receipts\[0\]\.total: expected money like "123\.45"/,
    );
    expect(errorFor('RB-2024-0017', (c) => (c.receipts[0].items[1].amount = '30307.690'))).toMatch(
      /^receipts\[0\]\.items\[1\]\.amount: expected money/,
    );
    expect(errorFor('RB-2024-0017', (c) => (c.details[0].amount = '2329'))).toMatch(/^details\[0\]\.amount: expected money/);
    expect(errorFor('TR-2024-0010', (c) => (c.accountFundsReceived = '-1.00'))).toMatch(/^accountFundsReceived: expected money/);
  });

  it('effective date before the earliest parameter version', () => {
    expect(errorFor('LS-2024-0003', (c) => (c.retirement.date = '2019-12-31'))).toBe(
      'retirement.date: 2019-12-31 is before the earliest lump-sum parameter version 2020-01-01',
    );
    expect(
      errorFor('LS-2025-0004', (c) => {
        c.applicationDate = '2019-06-01';
      }),
    ).toBe('applicationDate: 2019-06-01 is before the earliest lump-sum parameter version 2020-01-01');
    expect(errorFor('LS-2024-0003', (c) => (c.applicationDate = '2023-12-31'))).toMatch(
      /^applicationDate: 2023-12-31 is before the first year with a contribution base/,
    );
    expect(errorFor('RB-2024-0017', (c) => (c.visit.admissionDate = '2022-12-31'))).toBe(
      'visit.admissionDate: 2022-12-31 is before the earliest reimbursement parameter version 2023-01-01',
    );
    expect(errorFor('TR-2024-0010', (c) => (c.receivedDate = '2021-10-31'))).toBe(
      'receivedDate: 2021-10-31 is before the earliest transfer parameter version 2021-11-01',
    );
  });

  it('a transfer received outside the calendar years is a case, not an input error (TR-07 sends it to a clerk)', () => {
    for (const receivedDate of ['2023-12-29', '2026-12-28', '2027-01-04']) {
      expect(parseCaseFile({ ...exampleInput('TR-2024-0010'), receivedDate }).ok, receivedDate).toBe(true);
    }
    expect(parseCaseFile({ ...exampleInput('TR-2024-0010'), receivedDate: '2024-01-02' }).ok).toBe(true);
  });

  it('a discharge before the admission', () => {
    expect(errorFor('RB-2024-0017', (c) => (c.visit.dischargeDate = '2024-10-06'))).toBe(
      'visit.dischargeDate: 2024-10-06 is before visit.admissionDate 2024-10-07',
    );
  });

  it('not an object at all', () => {
    for (const input of [null, 42, 'case', [], undefined]) {
      const result = parseCaseFile(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^caseFile: expected a JSON object/);
    }
  });

  it('no receipts', () => {
    expect(errorFor('RB-2024-0017', (c) => (c.receipts = []))).toBe('receipts: at least one receipt is required');
  });

  it('decideInput returns the error instead of a decision', () => {
    const input = exampleInput('RB-2024-0017');
    input.receipts[0].total = '1.5';
    const result = decideInput(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('formats paths like a.b[1].c', () => {
    expect(formatPath(['receipts', 1, 'items', 0, 'amount'])).toBe('receipts[1].items[0].amount');
    expect(formatPath([])).toBe('caseFile');
  });

  it('accepts every worked example', () => {
    for (const id of ['LS-2024-0003', 'TR-2024-0010', 'RB-2024-0017']) expect(parseCaseFile(exampleInput(id)).ok).toBe(true);
  });
});
