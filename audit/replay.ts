/**
 * `audit replay CASE`: the case's workflow history — live from Temporal when it holds it, else the
 * one archived in the store — against today's workflow code (Temporal's replayer), and each
 * recorded decision against the rulebook. A case still waiting for a person replays as far as it went.
 */
import type { Client } from '@temporalio/client';
import type { DataConverter, Payload } from '@temporalio/common';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { defaultParameters, isCaseType, loadCalendar, type BureauCalendar, type Parameters } from '../rules';
import type { Decision } from '../rules/schemas';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import type { AuditStep, Store } from '../store';
import { fetchLiveHistory, loadWorkflowHistory, type History } from './history';
import { pinnedParameters, recordedOf, redecide, todaysParameters, type FieldDiff, type RecordedDecision } from './redecide';
import { currentBuild, parseRuleSetVersion, ruleSetDigest } from './ruleSetVersion';
import { beijingDate } from '../time/beijing';

export interface ReplayOptions {
  /** Today's workflow code: a prebuilt bundle (fast, for several replays) or the path of workflows/index.ts. */
  workflowBundle?: WorkflowBundle;
  workflowsPath?: string;
  /** The date "today's parameters" are taken on (YYYY-MM-DD); default: today in Beijing. */
  today?: string;
  /**
   * What opens the archived history's payloads: histories are kept as Temporal held them, sealed
   * (temporal/dataConverter.ts), so the replayer needs the key ring that sealed them.
   */
  dataConverter: DataConverter;
  /** Today's parameter and calendar data; default: the files shipped in rules/ (see loadParametersFromDir). */
  parameters?: Parameters;
  /**
   * The bureau calendar in force today (the store's years over the shipped seed), for what today's
   * parameters would decide; default: the calendar of `parameters`. Recorded decisions are re-decided
   * with the calendar they recorded.
   */
  todaysCalendar?: BureauCalendar;
  /**
   * Temporal, when reachable: the history is read live from it (the case open, or closed and
   * retained), else from the archive. Without it (or when its call fails) the archive alone.
   */
  temporal?: Client;
  /** Why there is no `temporal` (e.g. it is not running), said in the verdict. */
  temporalProblem?: string;
}

/** The recorded rule-set version against today's files and build. */
export interface RuleSetComparison {
  /** As recorded, e.g. `lump-sum@2025-01-01+sha256:…/build:…`. */
  recorded: string;
  policyVersion: string;
  recordedDigest: string | null;
  /** Digest of today's data for the same parameter version; null when that version is gone. */
  todayDigest: string | null;
  /** False when today's parameter or calendar data differ from those that decided; null when the record has no digest. */
  sameFiles: boolean | null;
  recordedBuild: string | null;
  todayBuild: string;
}

/** Where the replayed history came from. */
type HistorySource =
  | { source: 'live'; workflowStatus: string }
  | {
      source: 'archive';
      savedAt: string;
      /** The audit step a partial archive reaches: where the case stood (waiting for a person). */
      afterStep: AuditStep | null;
      /** Why not live: Temporal unreachable, or no longer holding the workflow. */
      notLive: string | null;
    };

type HistoryVerdict =
  | ({ status: 'ok'; workflowId: string; runId: string; events: number; complete: boolean; sha256: string } & HistorySource)
  | ({ status: 'failed'; workflowId: string; runId: string; error: string; kind: string } & (HistorySource | { source?: undefined }))
  | { status: 'missing'; error: string };

interface DecisionReplay {
  seq: number;
  step: AuditStep;
  recorded: RecordedDecision;
  ruleSet: RuleSetComparison;
  reDecided: Decision | null;
  match: boolean;
  diffs: FieldDiff[];
  error?: string;
}

interface TodayReplay {
  parameterVersion: string | null;
  decision: Decision | null;
  /** How today's decision differs from the recorded one (empty when it would decide the same). */
  differsFrom: FieldDiff[];
  error?: string;
}

export interface CaseReplay {
  caseId: string;
  history: HistoryVerdict;
  /** The case's last decision, replayed; null when the rules never decided it (e.g. sent to a clerk before). */
  decision: DecisionReplay | null;
  /** Every recorded decision of the case (later rounds, corrections), replayed. */
  decisions: DecisionReplay[];
  today: TodayReplay | null;
  /**
   * True when the history replayed and every recorded decision re-decides identically under
   * parameter and calendar data with the recorded digest.
   */
  ok: boolean;
}

/** Beijing's calendar date: the bureau's "today", whatever the server's time zone. */
function beijingToday(now = new Date()): string {
  return beijingDate(now);
}

/** Replays one case from the store: history, recorded decisions, and today's parameters. */
export async function replayCase(store: Store, caseId: string, options: ReplayOptions): Promise<CaseReplay> {
  const stored = await getCase(store, caseId);
  const workflowId = stored?.workflowId ?? `case-${caseId}`;
  const history = await replayHistory(store, workflowId, stored?.runId ?? undefined, options);
  const params = options.parameters ?? defaultParameters;

  const events = await listEvents(store, caseId);
  const decisions: DecisionReplay[] = [];
  for (const event of events) {
    const inputs = event.inputs as { caseFile?: unknown; calendar?: unknown } | null;
    const caseFile = inputs?.caseFile;
    if (caseFile === undefined || event.ruleSetVersion === null) continue;
    const used = withRecordedCalendar(params, inputs?.calendar);
    if ('error' in used) {
      const ruleSet = compareRuleSet(event.ruleSetVersion, params);
      const recorded = recordedOf(event.outcome, ruleSet.policyVersion);
      decisions.push({ seq: event.seq, step: event.step, recorded, ruleSet, reDecided: null, match: false, diffs: [], error: used.error });
      continue;
    }
    const ruleSet = compareRuleSet(event.ruleSetVersion, used);
    const recorded = recordedOf(event.outcome, ruleSet.policyVersion);
    const pinned = pinnedParameters(ruleSet.policyVersion, used);
    const result = 'error' in pinned ? { ok: false as const, error: pinned.error } : redecide(caseFile, recorded, pinned);
    decisions.push(
      result.ok
        ? { seq: event.seq, step: event.step, recorded, ruleSet, reDecided: result.decision, match: result.match, diffs: result.diffs }
        : { seq: event.seq, step: event.step, recorded, ruleSet, reDecided: null, match: false, diffs: [], error: result.error },
    );
  }
  const decision = decisions.at(-1) ?? null;
  const lastDecided = [...events].reverse().find((e) => decision && e.seq === decision.seq);
  const today =
    decision && lastDecided
      ? replayToday(
          (lastDecided.inputs as { caseFile: unknown }).caseFile,
          decision.recorded,
          options.today ?? beijingToday(),
          options.todaysCalendar ? { ...params, calendar: options.todaysCalendar } : params,
        )
      : null;

  return {
    caseId,
    history,
    decision,
    decisions,
    today,
    ok: history.status === 'ok' && decisions.every((d) => d.match && d.ruleSet.sameFiles !== false),
  };
}

/**
 * The parameters a recorded decision is re-decided with: today's, with the bureau calendar the
 * decision recorded (years imported or replaced since change nothing for it). Older records carry
 * no calendar: theirs was the shipped file, which today's parameters hold.
 */
export function withRecordedCalendar(params: Parameters, recordedCalendar: unknown): Parameters | { error: string } {
  if (recordedCalendar === undefined) return params;
  try {
    return { ...params, calendar: loadCalendar(recordedCalendar) };
  } catch (err) {
    return { error: `the recorded bureau calendar cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The recorded rule-set version against the digest of today's data for the same parameter version. */
export function compareRuleSet(recorded: string, params: Parameters): RuleSetComparison {
  const parsed = parseRuleSetVersion(recorded);
  const today = ruleSetDigest(parsed.policyVersion, params);
  const todayDigest = 'digest' in today ? today.digest : null;
  return {
    recorded,
    policyVersion: parsed.policyVersion,
    recordedDigest: parsed.digest,
    todayDigest,
    sameFiles: parsed.digest === null ? null : parsed.digest === todayDigest,
    recordedBuild: parsed.build,
    todayBuild: currentBuild(),
  };
}

function replayToday(caseFile: unknown, recorded: RecordedDecision, today: string, params: Parameters): TodayReplay {
  const type = (caseFile as { type?: unknown }).type;
  if (!isCaseType(type)) {
    return { parameterVersion: null, decision: null, differsFrom: [], error: `unknown case type ${String(type)}` };
  }
  const todays = todaysParameters(type, today, params);
  if ('error' in todays) return { parameterVersion: null, decision: null, differsFrom: [], error: todays.error };
  const result = redecide(caseFile, recorded, todays.params, todays.label);
  if (!result.ok) return { parameterVersion: todays.label, decision: null, differsFrom: [], error: result.error };
  return { parameterVersion: todays.label, decision: result.decision, differsFrom: result.diffs };
}

/** The history to replay: live from Temporal when it has it, else the archive's; or why there is none. */
async function historyToReplay(
  store: Store,
  workflowId: string,
  runId: string | undefined,
  options: ReplayOptions,
): Promise<
  { history: History; runId: string; events: number; complete: boolean; sha256: string; from: HistorySource } | { failed: HistoryVerdict }
> {
  let notLive = options.temporalProblem ?? 'no Temporal connection';
  if (options.temporal) {
    const live = await fetchLiveHistory(options.temporal, workflowId, runId).catch((err: unknown) => err as Error);
    if (live instanceof Error) notLive = `Temporal not reachable: ${live.message}`;
    else if (!live) notLive = `Temporal no longer holds ${workflowId}`;
    else
      return {
        history: live.history,
        runId: live.runId,
        events: live.eventCount,
        complete: live.complete,
        sha256: live.sha256,
        from: { source: 'live', workflowStatus: live.status },
      };
  }
  const loaded = await loadWorkflowHistory(store, workflowId, runId).catch((err: unknown) => err as Error);
  if (loaded instanceof Error)
    return { failed: { status: 'failed', workflowId, runId: runId ?? '', error: loaded.message, kind: loaded.name } };
  if (!loaded)
    return {
      failed: {
        status: 'missing',
        error: `${notLive}, and no saved history for ${workflowId}: it was never archived (see archiveClosedCaseHistories)`,
      },
    };
  return {
    history: loaded.history,
    runId: loaded.runId,
    events: loaded.eventCount,
    complete: loaded.complete,
    sha256: loaded.sha256,
    from: { source: 'archive', savedAt: loaded.savedAt, afterStep: loaded.afterStep, notLive },
  };
}

async function replayHistory(store: Store, workflowId: string, runId: string | undefined, options: ReplayOptions): Promise<HistoryVerdict> {
  const found = await historyToReplay(store, workflowId, runId, options);
  if ('failed' in found) return found.failed;
  if (!options.workflowBundle && !options.workflowsPath) throw new Error('replayCase: give workflowBundle or workflowsPath');
  // Every sealed payload must open before the replayer runs: its own error would only say "Encoded failure".
  const unopened = await firstUnopenedPayload(found.history, options.dataConverter);
  if (unopened) return { status: 'failed', workflowId, runId: found.runId, error: unopened.message, kind: unopened.name, ...found.from };
  const replayOptions = options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: options.workflowsPath! };
  try {
    // A history that ends while the case waits for a person replays as far as it goes.
    await Worker.runReplayHistory(
      { ...replayOptions, dataConverter: options.dataConverter, replayName: 'zhishen-audit-replay' },
      found.history,
      workflowId,
    );
  } catch (err) {
    // DeterminismViolationError (code changed incompatibly) or ReplayError (the workflow failed on replay).
    const error = err instanceof Error ? err : new Error(String(err));
    return { status: 'failed', workflowId, runId: found.runId, error: error.message, kind: error.name, ...found.from };
  }
  return {
    status: 'ok',
    workflowId,
    runId: found.runId,
    events: found.events,
    complete: found.complete,
    sha256: found.sha256,
    ...found.from,
  };
}

/** The payloads of a history, wherever they sit in its events (inputs, results, failures, headers…). */
function payloadsIn(node: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(node)) for (const item of node) payloadsIn(item, found);
  else if (node && typeof node === 'object' && !ArrayBuffer.isView(node)) {
    const candidate = node as { metadata?: unknown; data?: unknown };
    if (candidate.metadata && typeof candidate.metadata === 'object' && ArrayBuffer.isView(candidate.data))
      found.push(candidate as Payload);
    else for (const value of Object.values(node)) payloadsIn(value, found);
  }
  return found;
}

/** The first error opening the history's payloads with the data converter's codecs, if any. */
async function firstUnopenedPayload(history: History, dataConverter: DataConverter): Promise<Error | null> {
  const codecs = [...(dataConverter.payloadCodecs ?? [])].reverse();
  for (const payload of payloadsIn(history.events ?? [])) {
    try {
      let opened = [payload];
      for (const codec of codecs) opened = await codec.decode(opened);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }
  return null;
}
