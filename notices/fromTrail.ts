/** A notice's content from the audit trail: the last rules decision and, if any, the clerk's final word. */
import type { AuditEvent } from '../store/auditEvent';
import type { NoticeRecord } from './noticeContent';
import { beijingDate } from '../time/beijing';

type Check = { rule: string; result: 'pass' | 'fail' | 'skip'; message?: string };

/**
 * Builds the notice of a case from its events, or says why there is none: no final outcome yet
 * (still in review), or no decision with the applicant's particulars.
 */
export function noticeRecordFromEvents(
  caseId: string,
  events: readonly AuditEvent[],
): { ok: true; record: NoticeRecord } | { ok: false; reason: string } {
  const decided = [...events]
    .reverse()
    .find((e) => (e.inputs as { caseFile?: unknown } | null)?.caseFile !== undefined && e.outcome !== null);
  if (!decided) return { ok: false, reason: `case ${caseId} has no rules decision on record` };
  const caseFile = (decided.inputs as { caseFile: { type: NoticeRecord['type']; person: { name: string; idNumber: string } } }).caseFile;
  const ruled = decided.outcome as { outcome: string; amount: string | null; checks?: Check[] };
  // A clerk's decision after the rules' one is final; so is the 补正 deadline passing unanswered.
  const reviewed = [...events].reverse().find((e) => (e.step === 'reviewed' || e.step === 'return-expired') && e.seq > decided.seq);
  const expired = reviewed?.step === 'return-expired' ? (reviewed.outcome as { message?: string }) : null;
  const after = expired
    ? { outcome: 'reject', amount: null }
    : (reviewed?.outcome as { after?: { outcome: string; amount: string | null } } | undefined)?.after;
  const outcome = after?.outcome ?? ruled.outcome;
  const amount = after ? after.amount : ruled.amount;
  if (outcome !== 'approve' && outcome !== 'reject') return { ok: false, reason: `case ${caseId} is ${outcome}: no final decision yet` };
  const checks = ruled.checks ?? [];
  const failed = checks.filter((c) => c.result === 'fail').map((c) => ({ rule: c.rule, message: c.message ?? '' }));
  const comment = (reviewed?.inputs as { comment?: string } | undefined)?.comment ?? null;
  return {
    ok: true,
    record: {
      caseId,
      type: caseFile.type,
      outcome,
      amount: outcome === 'reject' ? null : amount,
      person: { name: caseFile.person.name, idNumber: caseFile.person.idNumber },
      // A clerk who rejects against passing rules gives their comment as the grounds.
      failed: expired
        ? [{ rule: '补正逾期', message: expired.message ?? '逾期未补交材料' }]
        : outcome === 'reject' && failed.length === 0 && comment
          ? [{ rule: '人工审核', message: comment }]
          : outcome === 'reject'
            ? failed
            : [],
      applied: checks.map((c) => ({ rule: c.rule, result: c.result })),
      policyVersion: decided.ruleSetVersion,
      decidedOn: beijingDate((reviewed ?? decided).at),
      reviewedBy: expired ? null : (reviewed?.actor.name ?? null),
      reviewComment: comment,
    },
  };
}
