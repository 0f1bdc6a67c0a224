/**
 * Which bot steps record a Playwright trace, kept as evidence when the step fails (bots/evidence.ts).
 * - `on-retry`: only a step that a failed attempt of the same step came before, as Playwright Test's
 *   `on-first-retry`. Recording costs every step about as much CPU as its Chromium spends on the
 *   screens (docs/bots-performance.md §17), and a first failure still keeps its screenshot and page;
 *   a fault that persists is traced on its next attempt.
 * - `every-step`: every step, so that a first failure keeps its trace too.
 * - `off`: none.
 */
export const BOT_TRACE_POLICIES = ['on-retry', 'every-step', 'off'] as const;

export type BotTracePolicy = (typeof BOT_TRACE_POLICIES)[number];

/** Whether a step's attempt (1 for the first) records a trace under the policy. */
export function tracesAttempt(policy: BotTracePolicy, attempt: number): boolean {
  return policy === 'every-step' || (policy === 'on-retry' && attempt > 1);
}
