import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  patched,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { noticeActivities } from '../notices/activities';
import type { auditActivities } from '../audit/activities';
import type { DecidedCase, DefaultQueueActivities, LeanCaseActivities, LegacyBotActivities, OcrActivities } from './activityContracts';
import { CaseOutcomeKey } from './searchAttributes';
import { caseSettledSignal, caseStateQuery, reportBySignalSignal } from './messages';
import { Mutex } from './mutex';
import { awaitDocuments, awaitReview } from './review';
import { botOptions, caseStepOptions, localStepOptions, ocrOptions, recordOptions } from './retryPolicies';
import type { CaseInput, CaseResult, RetrySettings } from './types';

/** The case's activities, retried as its batch asked (workflows/retryPolicies.ts says why each is set so). */
function caseActivities(retry: RetrySettings | undefined) {
  return {
    steps: proxyActivities<DefaultQueueActivities>(caseStepOptions(retry)),
    ocr: proxyActivities<OcrActivities>(ocrOptions(retry)),
    records: proxyActivities<ReturnType<typeof noticeActivities> & ReturnType<typeof auditActivities>>(recordOptions(retry)),
    bots: proxyActivities<LegacyBotActivities>(botOptions(retry)),
    lean: proxyActivities<LeanCaseActivities>(recordOptions(retry)),
    local: proxyLocalActivities<DefaultQueueActivities & LeanCaseActivities>(localStepOptions),
  };
}

/**
 * Cases started since take the short store steps together and as local activities (no server
 * events, no workflow task of their own); runs recorded before replay their separate activities.
 */
const LEAN_CASE = 'lean-case-v1';

/**
 * Cases of a batch that takes a closed case's result from its child handle (`settleByCompletion`
 * in their input) close without the settle signal — the batch sees the child close — unless the
 * batch asked for it before continuing as new. Cases started otherwise signal as before.
 */
const SETTLE_BY_COMPLETION = 'settle-by-completion-v1';

/**
 * Both changes above, and archiving while waiting for a clerk (workflows/historyArchive.ts), under
 * one patch for cases started since: each patch a case takes costs it a marker and an upsert of
 * Temporal's change-version search attribute (the SDK adds one for every patch), so a case records
 * one instead of two or three. Runs recorded with the separate patches, or without, replay as before.
 */
const CASE_V2 = 'case-v2';

/**
 * A step tried as a local activity, then, if its quick attempts all failed for a technical fault,
 * as an ordinary activity retried without limit. The step is idempotent either way: a retry
 * records nothing twice. A fault a retry cannot fix ends the step as before.
 */
async function localFirst<T>(local: () => Promise<T>, remote: () => Promise<T>): Promise<T> {
  try {
    return await local();
  } catch (err) {
    // A local activity's last failure may reach the workflow as it was thrown, not wrapped in an ActivityFailure.
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (!(err instanceof TemporalFailure) || isCancellation(err) || (cause instanceof ApplicationFailure && cause.nonRetryable)) throw err;
    return remote();
  }
}

/** How long a case returned for documents (退回补正) waits for them by default, in calendar days. */
const DEFAULT_RETURN_DEADLINE_DAYS = 30;

/**
 * One case, start to finish: accept the row, read its facts, decide by the rulebook; what the rules
 * send to review waits for a clerk (a case returned for documents goes round again when they are
 * handed in, or closes as 不予受理 at the deadline); the bots enter the final result into the core
 * system (a refusal there goes back to a clerk); close. A case run again after a failed run enters
 * the clerk's decision its trail already holds instead of deciding again.
 */
export async function caseWorkflow(input: CaseInput): Promise<CaseResult> {
  const { steps, records, bots, lean, local } = caseActivities(input.retry);
  const v2 = patched(CASE_V2);
  const isLean = v2 || patched(LEAN_CASE);
  let step = 'accept';
  let result: CaseResult | null = null;
  // Human acts on this case, one at a time, whichever stage takes them.
  const gate = new Mutex();
  setHandler(caseStateQuery, () => ({ step, result }));

  // The batch is told once, when the bots are done with the case: closed, or waiting for a clerk.
  let told = false;
  const settle = async (r: CaseResult) => {
    if (told) return;
    told = true;
    await tellBatch(r);
  };
  // The batch run holding this case's handle is continuing as new: the next one sees only signals.
  let signalAsked = false;
  setHandler(reportBySignalSignal, () => {
    signalAsked = true;
  });

  let current = input;
  let round = 1;
  let resumed: Awaited<ReturnType<LeanCaseActivities['openCase']>>;
  if (isLean) {
    resumed = await localFirst(
      () => local.openCase(input),
      () => lean.openCase(input),
    );
  } else {
    await steps.acceptCase(input);
    resumed = patched('resume-from-trail-v1') ? await steps.resumeFromTrail({ caseId: input.caseRow.caseId }) : null;
  }
  let pending: DecidedCase;
  if (resumed) {
    round = resumed.round;
    pending = { result: resumed.result, caseFile: null, provisionalOutcome: resumed.result.outcome === 'reject' ? 'reject' : 'approve' };
  } else {
    pending = await gatherAndDecide({ ...current, round }, (s) => (step = s), isLean);
  }
  result = pending.result;
  // The outcome as last shown to Temporal's visibility: on the lean path an unchanged outcome is not sent again.
  let shown: string | null = null;
  const showOutcome = (outcome: string) => {
    if (isLean && outcome === shown) return;
    shown = outcome;
    upsertSearchAttributes([{ key: CaseOutcomeKey, value: outcome }]);
  };
  showOutcome(result.outcome);

  for (;;) {
    if (pending.result.outcome === 'review') {
      step = 'review';
      const inReview = pending.result;
      const review = await awaitReview(
        { ...current, round },
        pending.result,
        pending.caseFile,
        pending.provisionalOutcome,
        round,
        () => settle(inReview),
        gate,
        v2,
      );
      result = review.result;
      if (review.kind === 'returned') {
        step = 'awaiting-documents';
        const documents = await awaitDocuments(
          { ...current, round },
          round,
          gate,
          input.settings?.returnDeadlineDays ?? DEFAULT_RETURN_DEADLINE_DAYS,
          v2,
        );
        if (documents.kind === 'expired') {
          result = documents.result;
        } else {
          const { supply } = documents;
          // The receipts handed in are the case's from now on (零星报销); other businesses keep theirs as evidence.
          if (supply.receipts && supply.attachmentsDir) {
            current = {
              ...current,
              attachmentsDir: supply.attachmentsDir,
              caseRow: { ...current.caseRow, row: { ...(current.caseRow.row as object), attachments: supply.receipts } },
            };
          }
          round += 1;
          pending = await gatherAndDecide({ ...current, round }, (s) => (step = s), isLean);
          result = pending.result;
          continue;
        }
      }
    } else {
      result = pending.result;
    }
    showOutcome(result.outcome);

    step = 'enter';
    const entry = await bots.enterResult({ ...current, round, result });
    if (entry.ok) break;
    // The core system refused the entry (e.g. someone entered the case otherwise): a clerk sorts it out.
    round += 1;
    const exception = await steps.raiseException({ ...current, round, code: entry.code, message: entry.message });
    pending = {
      result: { ...exception, amount: result.amount, details: result.details, policyVersion: result.policyVersion },
      caseFile: pending.caseFile,
      provisionalOutcome: pending.provisionalOutcome,
    };
  }

  step = 'close';
  if (isLean) {
    const finishing = { ...current, result };
    await localFirst(
      () => local.finishCase(finishing),
      () => lean.finishCase(finishing),
    );
  } else await steps.closeCase({ ...current, result });
  // Cases that started before notices and archiving existed replay without them.
  if (!isLean && patched('notice-and-archive-v1')) {
    step = 'notice';
    await records.issueNotice({ caseId: input.caseRow.caseId });
    // The history up to here: what an auditor replays once Temporal's retention has removed it.
    await records.archiveHistory({ caseId: input.caseRow.caseId, after: 'notice-issued' });
  }
  // Read after the last step: a request that came in meanwhile has been handled by now (Temporal
  // does not let a workflow close with a signal it has not seen).
  const byCompletion = input.settleByCompletion === true && (v2 || patched(SETTLE_BY_COMPLETION));
  if (!byCompletion || signalAsked) await settle(result);
  // Updates still being answered (e.g. the one that decided) finish before the case closes.
  await condition(allHandlersFinished);
  step = 'closed';
  return result;
}

async function gatherAndDecide(input: CaseInput, at: (step: string) => void, isLean: boolean): Promise<DecidedCase> {
  const { steps, ocr, bots, local } = caseActivities(input.retry);
  const decideCase: DefaultQueueActivities['decideCase'] = (x) =>
    isLean
      ? localFirst(
          () => local.decideCase(x),
          () => steps.decideCase(x),
        )
      : steps.decideCase(x);
  at('read-facts');
  const reading = await bots.readFacts(input);
  if (!reading.ok) {
    at('exception');
    return {
      result: await steps.raiseException({ ...input, code: reading.code, message: reading.message }),
      caseFile: null,
      provisionalOutcome: 'approve',
    };
  }
  if (input.caseRow.type !== 'reimbursement') {
    at('decide');
    return decideCase({ ...input, facts: reading.facts });
  }
  at('read-receipts');
  const files = (input.caseRow.row as { attachments?: string[] }).attachments ?? [];
  let receipts;
  try {
    if (!input.attachmentsDir)
      throw ApplicationFailure.nonRetryable('本批次未提交票据附件目录（batch run --attachments DIR）', 'AttachmentUnreadable');
    receipts = await ocr.readReceipts({ caseId: input.caseRow.caseId, attachmentsDir: input.attachmentsDir, files });
  } catch (err) {
    // A missing, unreadable or non-receipt file will not read better on a retry: a clerk looks at it.
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (!(cause instanceof ApplicationFailure)) throw err;
    at('exception');
    const result = await steps.raiseException({ ...input, code: 'RECEIPT-UNREADABLE', message: `票据无法识别：${cause.message}` });
    return { result, caseFile: null, provisionalOutcome: 'approve' };
  }
  at('decide');
  return decideCase({ ...input, facts: reading.facts, receipts });
}

/** The batch waits for the bots, not for clerks: it is told when a case is closed or handed to a clerk. */
async function tellBatch(result: CaseResult): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(caseSettledSignal, { caseId: result.caseId, result });
  } catch {
    // The batch is gone (finished or terminated): nobody is waiting for this case any more.
  }
}
