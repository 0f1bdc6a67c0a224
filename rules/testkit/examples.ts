/** Test helpers: the spec's worked examples and valid 身份证号 for made-up people. Not used by the engine. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { idCheckCharacter } from '../idNumber';
import type { Check, Decision } from '../schemas';

const EXAMPLES_DIR = fileURLToPath(new URL('../../fixtures/examples/', import.meta.url));

/** Case IDs of every worked example, sorted. */
export function exampleIds(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.expected.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** The raw JSON of a worked example (a fresh copy each call, free to modify). */
export function exampleInput(id: string): any {
  return JSON.parse(readFileSync(`${EXAMPLES_DIR}${id}.json`, 'utf8'));
}

/** The expected decision of a worked example. */
export function exampleExpected(id: string): any {
  return JSON.parse(readFileSync(`${EXAMPLES_DIR}${id}.expected.json`, 'utf8'));
}

/** A GB 11643-valid 身份证号 for a birth date and sex. */
export function validIdNumber(birthDate: string, sex: 'M' | 'F', region = '440402'): string {
  const first17 = region + birthDate.replaceAll('-', '') + (sex === 'M' ? '013' : '024');
  return first17 + idCheckCharacter(first17);
}

/** The check of one rule in a decision; throws if the rule was not evaluated. */
export function checkOf(decision: Decision, rule: string): Check {
  const check = decision.checks.find((candidate) => candidate.rule === rule);
  if (check === undefined) throw new Error(`no check for ${rule}`);
  return check;
}
