import { describe, expect, it } from 'vitest';
import { decideInput } from './engine';
import { DecisionSchema } from './schemas';
import { rulesOf } from './catalogue';
import { exampleExpected, exampleIds, exampleInput } from './testkit/examples';

describe('worked examples of POLICY.md', () => {
  const ids = exampleIds();

  it('covers all three businesses', () => {
    expect(ids.length).toBeGreaterThanOrEqual(24);
    expect(new Set(ids.map((id) => exampleInput(id).type))).toEqual(new Set(['lump-sum', 'transfer', 'reimbursement']));
  });

  it.each(ids)('%s decides exactly as expected', (id) => {
    const result = decideInput(exampleInput(id));
    if (!result.ok) throw new Error(result.error);
    const expected = exampleExpected(id);
    const { checks, ...decision } = result.decision;
    expect(decision).toEqual(expected);
    // Same keys in the same order as the expected file: the output is byte-stable.
    expect(JSON.stringify(decision.details)).toBe(JSON.stringify(expected.details));
    expect(DecisionSchema.parse(result.decision)).toEqual(result.decision);
    expect(checks.map((check) => check.rule)).toEqual(
      rulesOf(decision.type)
        .filter((rule) => !rule.onlyWhenFailing || decision.reasons.includes(rule.id))
        .map((rule) => rule.id),
    );
    expect(checks.filter((check) => check.result === 'fail').map((check) => check.rule)).toEqual(expected.reasons);
    for (const check of checks) expect(check.message).toMatch(/\p{Script=Han}/u);
  });
});
