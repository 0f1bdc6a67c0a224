import type { ReviewDecisionInput, ReviewState } from './reviewTypes';

/** The rule that flags a large payable for two people (POLICY.md RB-13). */
export const FOUR_EYES_RULE = 'RB-13';

/**
 * Why a decision needs a second person (双人复核), in Chinese; empty when one clerk may decide
 * alone. Money and the core system's data are never one person's call: a large payable, an
 * outcome other than the rules', a changed amount, or corrected core-system facts.
 */
export function secondLookNeeds(
  state: Pick<ReviewState, 'ruleResult' | 'provisionalOutcome' | 'factsCorrected'>,
  decision: Pick<ReviewDecisionInput, 'decision' | 'amount'>,
): string[] {
  if (decision.decision === 'return') return [];
  const needs: string[] = [];
  if (state.ruleResult.reasons.includes(FOUR_EYES_RULE)) needs.push('RB-13 大额，需双人复核');
  if (decision.decision !== state.provisionalOutcome) needs.push(`改变规则结果（${state.provisionalOutcome} → ${decision.decision}）`);
  if (decision.amount !== undefined && decision.amount !== state.ruleResult.amount)
    needs.push(`更改金额（${state.ruleResult.amount ?? '无'} → ${decision.amount}）`);
  if (state.factsCorrected) needs.push('更正了核心系统提供的数据');
  return needs;
}
