import { ActivityCancellationDetails } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { expect, it } from 'vitest';
import type { SubmitGuard } from '../bots';
import type { Store } from '../store';
import { backendKinds, storeForSuite } from '../store/testing/backends';
import { EntryFenced, fencedSubmitGuard, takeEntryLeaseForAttempt } from './entryFence';
import { describeEachBackend } from '../store/testing/onPostgres';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

/** An attempt of the entry activity of a case, as Temporal would describe it to the worker. */
function attemptOf(caseId: string, attempt: number, scheduledAfterMs: number, startToCloseTimeoutMs = 180_000) {
  const env = new MockActivityEnvironment(
    {
      activityId: '4',
      attempt,
      currentAttemptScheduledTimestampMs: T0 + scheduledAfterMs,
      startToCloseTimeoutMs,
      workflowExecution: { workflowId: `case-${caseId}`, runId: 'run-1' },
    },
    { logger: new DefaultLogger('ERROR') },
  );
  let heartbeats = 0;
  env.on('heartbeat', () => (heartbeats += 1));
  return {
    env,
    heartbeats: () => heartbeats,
    take: (store: Store) => env.run(() => takeEntryLeaseForAttempt(store, caseId)) as Promise<number>,
    guard: (store: Store, token: number) => env.run(async () => fencedSubmitGuard(store, caseId, token)) as Promise<SubmitGuard>,
  };
}

const fenced = (err: unknown) => {
  expect(err).toBeInstanceOf(EntryFenced);
  return err as EntryFenced;
};

describeEachBackend(backendKinds, 'the entry fence on $name', (kind) => {
  let store: Store;
  storeForSuite(kind, (opened) => (store = opened));

  it('lets an attempt submit until a retry takes the lease over, then refuses it naming both tokens', async () => {
    const first = attemptOf('F-1', 1, 0);
    const token = await first.take(store);
    const mayStillSubmit = await first.guard(store, token);
    await mayStillSubmit();
    expect(first.heartbeats()).toBe(1);

    // The first stood still past its heartbeat timeout; Temporal scheduled attempt 2 elsewhere.
    const retry = attemptOf('F-1', 2, 12_000);
    expect(await retry.take(store)).toBe(token + 1);
    const refusal = fenced(await mayStillSubmit().catch((e: unknown) => e));
    expect(refusal).toMatchObject({ reason: 'lease-taken-over', token, current: { token: token + 1, holder: 'case-F-1/run-1/4/2' } });
    expect(refusal.message).toMatch(/本次尝试令牌 1，当前令牌 2/);
    // The retry's own guard still lets it through.
    await (
      await retry.guard(store, token + 1)
    )();
  });

  it('refuses the lease to an attempt that wakes up after a newer one took it', async () => {
    const retry = attemptOf('F-2', 2, 12_000);
    await retry.take(store);
    const stale = attemptOf('F-2', 1, 0);
    const refusal = fenced(await stale.take(store).catch((e: unknown) => e));
    expect(refusal).toMatchObject({
      reason: 'lease-held-by-newer-attempt',
      token: null,
      current: { token: 1, holder: 'case-F-2/run-1/4/2' },
    });
  });

  it('refuses an attempt Temporal has cancelled or timed out, even while its token is the newest', async () => {
    const attempt = attemptOf('F-3', 1, 0);
    const token = await attempt.take(store);
    const mayStillSubmit = await attempt.guard(store, token);
    attempt.env.context.cancelled.catch(() => undefined);
    attempt.env.cancel('TIMED_OUT', new ActivityCancellationDetails({ timedOut: true }));
    const refusal = fenced(await mayStillSubmit().catch((e: unknown) => e));
    expect(refusal).toMatchObject({ reason: 'activity-cancelled', token, current: { token }, cancellation: 'TIMED_OUT' });
  });

  it('refuses an attempt whose lease outlived its start-to-close timeout', async () => {
    const attempt = attemptOf('F-4', 1, 0, 1);
    const token = await attempt.take(store);
    const mayStillSubmit = await attempt.guard(store, token);
    await new Promise((r) => setTimeout(r, 20));
    expect(fenced(await mayStillSubmit().catch((e: unknown) => e))).toMatchObject({ reason: 'lease-expired', token });
  });
});
