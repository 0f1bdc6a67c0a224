/**
 * From untrusted JSON to a case file, or one input error `<field path>: <problem>` that names the
 * field (POLICY.md "Invalid input"). Never throws for bad input and never shows a stack trace.
 */
import type { z } from 'zod';
import { CASE_TYPES, isCaseType } from './caseTypes';
import { CaseFileSchema, type CaseFile } from './schemas';
import { defaultParameters, type Parameters } from './params';
import { formatInputProblem, isInputProblem, type InputProblem } from './inputProblem';
import { selectLumpSumParameters } from './lumpSum';
import { selectTransferParameters } from './transfer';
import { selectReimbursementParameters } from './reimbursement';

export type ParseResult = { ok: true; caseFile: CaseFile } | { ok: false; error: string };

/** Validates a case file against its business's schema, its effective date and the calendar. */
export function parseCaseFile(input: unknown, params: Parameters = defaultParameters): ParseResult {
  const typeProblem = caseTypeProblem(input);
  if (typeProblem !== null) return { ok: false, error: formatInputProblem(typeProblem) };
  const parsed = CaseFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: issue === undefined ? 'caseFile: invalid' : formatIssue(issue) };
  }
  const problem = inputProblemOf(parsed.data, params);
  if (problem !== null) return { ok: false, error: formatInputProblem(problem) };
  return { ok: true, caseFile: parsed.data };
}

/** What the schema cannot see: cross-field impossibilities and effective dates no parameters cover. */
function inputProblemOf(caseFile: CaseFile, params: Parameters): InputProblem | null {
  switch (caseFile.type) {
    case 'lump-sum':
      return problemOrNull(selectLumpSumParameters(caseFile, params));
    case 'transfer':
      return problemOrNull(selectTransferParameters(caseFile, params));
    case 'reimbursement': {
      const { admissionDate, dischargeDate } = caseFile.visit;
      if (dischargeDate < admissionDate) {
        return { field: 'visit.dischargeDate', problem: `${dischargeDate} is before visit.admissionDate ${admissionDate}` };
      }
      return problemOrNull(selectReimbursementParameters(caseFile, params));
    }
  }
}

/** Formats a zod path as `receipts[1].total`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += (text === '' ? '' : '.') + String(segment);
  }
  return text === '' ? 'caseFile' : text;
}

function problemOrNull(selection: object): InputProblem | null {
  return isInputProblem(selection) ? selection : null;
}

function caseTypeProblem(input: unknown): InputProblem | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { field: 'caseFile', problem: `expected a JSON object, got ${describeValue(input)}` };
  }
  const type = (input as Record<string, unknown>)['type'];
  if (isCaseType(type)) return null;
  const expected = CASE_TYPES.map((name) => JSON.stringify(name)).join(', ');
  return {
    field: 'type',
    problem:
      type === undefined ? `required field is missing (one of ${expected})` : `expected one of ${expected}, got ${describeValue(type)}`,
  };
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

function formatIssue(issue: z.core.$ZodIssue): string {
  const input: unknown = 'input' in issue ? issue.input : undefined;
  return `${formatPath(issue.path)}: ${describeIssue(issue, input)}`;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'required field is missing';
      if (issue.message.startsWith('Invalid input'))
        return `expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(input)}`;
      return `${issue.message}, got ${describeValue(input)}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(input)}`;
    case 'unrecognized_keys':
      return `unknown field ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
