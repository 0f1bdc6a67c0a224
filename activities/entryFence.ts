import { Context } from '@temporalio/activity';
import type { SubmitGuard } from '../bots';
import type { Store } from '../store';
import { execution } from './decision';
import { currentEntryLease, takeEntryLease, type EntryLease } from '../store/entryLeases';
import { listEvents } from '../store/auditTrail';

/** Why an attempt was stopped short of entering a case. */
export type FenceReason = 'lease-held-by-newer-attempt' | 'lease-taken-over' | 'lease-expired' | 'activity-cancelled';

/**
 * The attempt lost its right to enter the case: another attempt took the entry lease over, or
 * Temporal gave this one up (cancelled, timed out). Nothing was submitted.
 */
export class EntryFenced extends Error {
  override readonly name = 'EntryFenced';

  constructor(
    readonly reason: FenceReason,
    /** This attempt's token; null when it never got the lease. */
    readonly token: number | null,
    /** The lease as it stands, when there is one. */
    readonly current: EntryLease | undefined,
    /** Temporal's reason, for a cancelled attempt (TIMED_OUT, NOT_FOUND, CANCELLED…). */
    readonly cancellation?: string,
  ) {
    super(
      `录入被拦截（${reason}）：本次尝试令牌 ${token ?? '无'}，当前令牌 ${current?.token ?? '无'}${cancellation ? `，Temporal：${cancellation}` : ''}`,
    );
  }
}

/** The running activity attempt, as the lease names and ranks it. */
function thisAttempt() {
  const { activityId, attempt, currentAttemptScheduledTimestampMs, startToCloseTimeoutMs } = Context.current().info;
  const { workflowId, runId } = execution('entry-lease');
  return {
    holder: `${workflowId}/${runId}/${activityId}/${attempt}`,
    attemptScheduledAt: new Date(currentAttemptScheduledTimestampMs).toISOString(),
    // Temporal has given the attempt up by then, whatever became of its worker.
    ttlMs: Math.max(1, startToCloseTimeoutMs),
  };
}

/** Takes the case's entry lease for the running attempt; an attempt a newer one has overtaken is fenced. */
export async function takeEntryLeaseForAttempt(store: Store, caseId: string): Promise<number> {
  const taken = await takeEntryLease(store, { caseId, ...thisAttempt() });
  if (!taken.ok) throw new EntryFenced('lease-held-by-newer-attempt', null, taken.current);
  return taken.token;
}

/**
 * The guard the bot asks right before it clicks what sends the entry: the attempt still holds the
 * newest token of the case, its lease has not run out, and Temporal has not cancelled it. The
 * heartbeat goes first so that a verdict the server has (the attempt timed out while this worker
 * stood still) has the store's round trip to arrive in; the token is the check that does not
 * depend on that.
 */
export function fencedSubmitGuard(store: Store, caseId: string, token: number): SubmitGuard {
  const context = Context.current();
  return async () => {
    context.heartbeat();
    const current = await currentEntryLease(store, caseId);
    if (current?.token !== token) throw new EntryFenced('lease-taken-over', token, current);
    if (!current.live) throw new EntryFenced('lease-expired', token, current);
    const signal = context.cancellationSignal;
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      throw new EntryFenced('activity-cancelled', token, current, reason instanceof Error ? reason.message : String(reason));
    }
  };
}

/** Steps on a case's trail that only an entry attempt writes. */
const ENTRY_ATTEMPT_STEPS = new Set(['entered', 'entry-refused', 'entry-fenced']);

/**
 * Whether anything before this attempt can have sent the case's entry, so that the bot must search
 * 业务受理查询 before it submits (look-before-submit). Every attempt that may click 确定 holds the
 * entry lease first, so token 1 on the first attempt means none did — unless the case was worked
 * before leases existed, which its trail shows (an entry step, or a bot fault of one). A crash
 * between 确定 and its confirmation is retried as attempt 2, which looks.
 */
export async function mayHaveBeenEntered(store: Store, caseId: string, attempt: number, token: number): Promise<boolean> {
  if (attempt > 1 || token > 1) return true;
  const events = await listEvents(store, caseId);
  return events.some(
    (e) => ENTRY_ATTEMPT_STEPS.has(e.step) || (e.step === 'bot-fault' && (e.inputs as { step?: unknown } | null)?.step === 'entered'),
  );
}
