/** A case's audit trail as readable lines: the shared wording of `audit export` PDF and workbook. */
import { maskIdNumbersIn } from '../rules/idNumber';
import type { AuditEvent } from '../store/auditEvent';
import type { ChainVerdict } from '../store/verifyChain';

export { STEP_NAMES } from './stepNames';

/** Who acted, e.g. `bot:zhishen-rulebook@0.1.0`. */
export function actorText(e: AuditEvent): string {
  return `${e.actor.kind}:${e.actor.name}${e.actor.version ? '@' + e.actor.version : ''}`;
}

/** The event's result in a few words: outcome, amount, reasons. */
export function outcomeText(e: AuditEvent): string {
  const o = e.outcome as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') return '';
  const parts: string[] = [];
  if (typeof o.outcome === 'string') parts.push(o.outcome);
  if (typeof o.amount === 'string') parts.push(`¥${o.amount}`);
  if (Array.isArray(o.reasons) && o.reasons.length > 0) parts.push(o.reasons.join(','));
  const after = o.after as { outcome?: string; amount?: string | null } | undefined;
  if (after?.outcome) parts.push(`→ ${after.outcome}${after.amount ? ' ¥' + after.amount : ''}`);
  return parts.join(' ');
}

/** The verification verdict in Chinese, naming the first bad event. */
export function verdictText(v: ChainVerdict): string {
  return v.ok ? `校验通过：${v.events} 条事件的哈希链完整` : `校验失败：案件 ${v.caseId} 第 ${v.seq} 条事件 ${v.problem}（${v.detail}）`;
}

/** Any text leaving the clerks' screens: 身份证号 masked. */
export const masked = (text: string): string => maskIdNumbersIn(text);
