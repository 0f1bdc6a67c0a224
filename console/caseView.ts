import type { Client } from '@temporalio/client';
import { maskDeep } from '../logging/logger';
import { getCase, listEvents, type AuditEvent, type AuditStep, type StoredCase, type Store } from '../store';
import { reviewStateQuery } from '../workflows/messages';
import type { ReviewState } from '../workflows/reviewTypes';
import { caseWorkflowId } from '../workflows/types';
import { citationText } from '../rules/citation';
import { ruleCitationOf, type Parameters } from '../rules/params';
import { loadPublishedParameters } from '../store/parameterVersions';

export interface RuleCheck {
  rule: string;
  result: string;
  severity: string;
  message: string;
  basis?: string;
}

/** The rules' latest word on the case: the first decision, or the last re-decision after a correction. */
interface LatestDecision {
  step: AuditStep;
  at: string;
  outcome: string;
  amount: string | null;
  reasons: string[];
  checks: RuleCheck[];
  details: Record<string, unknown>;
  ruleSetVersion: string | null;
  caseFile: Record<string, unknown> | null;
}

export interface CaseView {
  stored: StoredCase;
  /** The application as accepted at intake. */
  application: Record<string, unknown> | null;
  /** Where the batch said the receipt files are, when its intake recorded it. */
  attachmentsDir: string | null;
  /** The latest case file (decided, corrected, or kept by an exception) with where OCR read each receipt field. */
  readCaseFile: Record<string, unknown> | null;
  /** That case file as the rules saw it: what a clerk's correction applies to. */
  correctableCaseFile: Record<string, unknown> | null;
  /** What the core system said, or the fault it gave. */
  facts: Record<string, unknown> | null;
  factsFault: { code: string; message: string } | null;
  /** An exception raised instead of a decision (no facts, unread receipts…). */
  exception: { code: string; message: string } | null;
  decision: LatestDecision | null;
  events: AuditEvent[];
  /** The workflow's own view of the review; null once the case is finished or unreachable. */
  review: ReviewState | null;
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Everything the case page shows, from the register, the audit trail and the running workflow. */
export async function loadCaseView(
  store: Store,
  temporal: Client,
  caseId: string,
  options: { maskIds: boolean },
): Promise<CaseView | undefined> {
  const stored = await getCase(store, caseId);
  if (!stored) return undefined;
  const events = await listEvents(store, caseId);
  const review = stored.status === 'review' ? await queryReview(temporal, caseId) : null;
  const view = withCitations(viewOfEvents(stored, events, review), await loadPublishedParameters(store));
  // Managers and auditors see the same page with every 身份证号 masked, the trail included.
  return options.maskIds ? (maskDeep(view) as CaseView) : view;
}

/**
 * Each rule's basis (依据): the 文号 and article of the parameter version that decided, shipped or
 * published in the store; the catalogue's basis stays for a rule the version does not cite.
 */
export function withCitations(view: CaseView, params: Parameters): CaseView {
  const decision = view.decision;
  if (!decision) return view;
  const checks = decision.checks.map((c) => {
    const cited = ruleCitationOf(params, decision.ruleSetVersion, c.rule);
    return cited ? { ...c, basis: citationText(cited) } : c;
  });
  return { ...view, decision: { ...decision, checks } };
}

async function queryReview(temporal: Client, caseId: string): Promise<ReviewState | null> {
  try {
    return await temporal.workflow.getHandle(caseWorkflowId(caseId)).query(reviewStateQuery);
  } catch {
    // Not (or no longer) in review, or Temporal unreachable: the page falls back to the register.
    return null;
  }
}

function viewOfEvents(stored: StoredCase, events: AuditEvent[], review: ReviewState | null): CaseView {
  const last = (pred: (e: AuditEvent) => boolean) => [...events].reverse().find(pred);
  const intake = events.find((e) => e.step === 'intake');
  const factsEvent = last((e) => e.step === 'facts-read');
  const factsOutcome = asRecord(factsEvent?.outcome);
  const decided = last((e) => e.step === 'decided' || e.step === 'corrected');
  const exceptionEvent = last((e) => e.step === 'exception');
  const exceptionOutcome = asRecord(exceptionEvent?.outcome);
  const useException = exceptionEvent && (!decided || exceptionEvent.seq > decided.seq);

  const exceptionWithFile = useException && asRecord(asRecord(exceptionEvent?.inputs)?.caseFile) ? exceptionEvent : undefined;
  const correctableCaseFile = asRecord(asRecord((exceptionWithFile ?? decided)?.inputs)?.caseFile);
  const readCaseFile = receiptsWithLayouts(events, correctableCaseFile);
  let decision: LatestDecision | null = null;
  if (decided) {
    const outcome = asRecord(decided.outcome) ?? {};
    decision = {
      step: decided.step,
      at: decided.at,
      outcome: String(outcome.outcome ?? ''),
      amount: (outcome.amount as string | null | undefined) ?? null,
      reasons: Array.isArray(outcome.reasons) ? (outcome.reasons as string[]) : [],
      checks: Array.isArray(outcome.checks) ? (outcome.checks as RuleCheck[]) : [],
      details: asRecord(outcome.details) ?? {},
      ruleSetVersion: decided.ruleSetVersion,
      caseFile: asRecord(asRecord(decided.inputs)?.caseFile),
    };
  }
  const fault =
    factsOutcome && factsOutcome.found === false
      ? { code: String(factsOutcome.code ?? ''), message: String(factsOutcome.message ?? '') }
      : null;
  return {
    stored,
    application: asRecord(asRecord(intake?.inputs)?.row),
    readCaseFile,
    correctableCaseFile,
    attachmentsDir:
      typeof asRecord(intake?.inputs)?.attachmentsDir === 'string' ? (asRecord(intake?.inputs)!.attachmentsDir as string) : null,
    facts: asRecord(factsOutcome?.facts),
    factsFault: fault,
    exception:
      useException && exceptionOutcome
        ? { code: String((exceptionOutcome.reasons as string[] | undefined)?.[0] ?? ''), message: String(exceptionOutcome.message ?? '') }
        : null,
    decision,
    events,
    review,
  };
}

/**
 * The latest case file a clerk can look at — decided, corrected, or kept by an exception because it
 * could not be decided — with each receipt's OCR layout (boxes, page size) from the event that read it.
 */
function receiptsWithLayouts(events: AuditEvent[], caseFile: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!caseFile) return null;
  const withLayouts = [...events].reverse().find((e) => Array.isArray(asRecord(e.inputs)?.receiptLayouts));
  const layouts = (asRecord(withLayouts?.inputs)?.receiptLayouts ?? []) as ({
    width: number;
    height: number;
    boxes: Record<string, unknown>;
  } | null)[];
  const receipts = Array.isArray(caseFile.receipts) ? (caseFile.receipts as Record<string, unknown>[]) : [];
  return {
    ...caseFile,
    receipts: receipts.map((r, i) => {
      const layout = layouts[i];
      return layout ? { ...r, boxes: layout.boxes, imageSize: { width: layout.width, height: layout.height } } : r;
    }),
  };
}
