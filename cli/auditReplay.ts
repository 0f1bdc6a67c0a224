import path from 'node:path';
import type { Client } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../logging/logger';
import { installRuntimeLogger } from '../logging/temporalLogger';
import type { AppConfig } from '../config/env';
import { openAppStore } from '../config/openAppStore';
import { maskIdNumbersIn } from '../rules/idNumber';
import { archiveClosedCaseHistories } from '../audit/history';
import { standingAfter } from '../audit/historyStanding';
import { replayCase, type CaseReplay, type RuleSetComparison } from '../audit/replay';
import { loadParametersFromDir } from '../audit/ruleSetVersion';
import { connectClient } from './temporalClient';
import { loadPublishedParameters, publishedVersionsOver } from '../store/parameterVersions';
import { configuredDataConverter } from '../temporal/dataConverter';
import { isListening } from '../temporal/devServer';
import { beijingTime } from '../time/beijing';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * `audit replay CASE`: replays the case's history — live from Temporal when it is reachable and
 * holds the workflow (open, or closed and retained), else the latest archived in the store —
 * against today's workflow code and re-runs its recorded decisions; prints the result as one JSON
 * object, a summary on stderr. Status 0 when everything matches, 1 otherwise. Needs no Temporal
 * server unless --archive (save the closed cases' histories first).
 */
export async function auditReplay(
  config: AppConfig,
  caseId: string,
  options: {
    archive?: boolean;
    today?: string;
    /** A copy of rules/ (params/, data/) to replay against instead of the shipped files. */ params?: string;
  },
  out: (line: string) => void,
): Promise<number> {
  // The replayer's worker narrates its bundling and state: the log file keeps it, the terminal shows the verdict.
  const logger = createLogger('audit', { logDir: path.join(config.dataDir, 'logs'), level: config.logLevel, terminalLevel: 'warn' });
  installRuntimeLogger(logger);
  const store = await openAppStore(config);
  const temporal = await reachTemporal(config);
  try {
    if (options.archive) {
      if (!temporal.client) throw new Error(`--archive needs Temporal: ${temporal.problem}`);
      await archiveClosedCaseHistories(store, temporal.client);
    }
    // The archive holds the histories sealed: the key ring opens them, as the workers' did.
    // Today's parameters: the shipped files (or the --params copy) with the versions published in the
    // store over them, so a decision made under a published version finds it; what they decide counts
    // working days with today's calendar, the store's years (the copy's own calendar with --params).
    const parameters = options.params
      ? await publishedVersionsOver(store, loadParametersFromDir(options.params))
      : await loadPublishedParameters(store);
    const todaysCalendar = options.params ? undefined : parameters.calendar;
    const replay = await replayCase(store, caseId, {
      workflowsPath: WORKFLOWS_PATH,
      today: options.today,
      parameters,
      todaysCalendar,
      dataConverter: configuredDataConverter(config),
      temporal: temporal.client,
      temporalProblem: temporal.problem,
    });
    process.stderr.write(replaySummary(replay));
    out(maskIdNumbersIn(JSON.stringify(replay)));
    return replay.ok ? 0 : 1;
  } finally {
    await temporal.close();
    await store.close();
  }
}

/** Temporal if it can be reached, else why not: replay then reads the archive. */
async function reachTemporal(config: AppConfig): Promise<{ client?: Client; problem?: string; close(): Promise<void> }> {
  const none = (problem: string) => ({ problem, close: () => Promise.resolve() });
  // The embedded server not running is the usual case after `npm run demo`: no need to wait for a timeout.
  if (config.temporal.address === undefined && !(await isListening(config.temporal.embeddedPort)))
    return none(`Temporal not running (no server on port ${config.temporal.embeddedPort})`);
  try {
    return await connectClient(config);
  } catch (err) {
    return none(err instanceof Error ? err.message : String(err));
  }
}

/** The replay as a person reads it: one line per part, mismatches in capitals. */
export function replaySummary(r: CaseReplay): string {
  const lines = [`case ${r.caseId}`];
  const h = r.history;
  lines.push(
    h.status === 'ok'
      ? `  workflow history: ${historySource(h)} — replays against today's code`
      : `  workflow history: ${h.status.toUpperCase()}${h.status === 'failed' && h.source ? ` (${historySource(h)})` : ''} — ${h.error}`,
  );
  if (h.status !== 'missing' && h.source === 'archive' && h.notLive) lines.push(`      not live: ${h.notLive}`);
  for (const d of r.decisions) {
    lines.push(
      d.match
        ? `  #${d.seq} ${d.step} under ${d.recorded.policyVersion}: re-decided identically (${String(d.recorded.outcome)})`
        : `  #${d.seq} ${d.step} under ${d.recorded.policyVersion}: MISMATCH ${d.error ?? d.diffs.map((x) => x.path).join(', ')}`,
    );
    lines.push(ruleSetLine(d.ruleSet));
  }
  if (r.decisions.length === 0) lines.push('  no rules decision on record');
  if (r.today) {
    lines.push(
      r.today.error
        ? `  today's parameters: ${r.today.error}`
        : r.today.differsFrom.length === 0
          ? `  today's parameters (${r.today.parameterVersion}): same decision`
          : `  today's parameters (${r.today.parameterVersion}) would decide ${r.today.decision?.outcome} ${r.today.decision?.amount ?? ''}; differs in ${r.today.differsFrom.map((x) => x.path).join(', ')}`,
    );
  }
  lines.push(r.ok ? 'REPLAY OK' : 'REPLAY FAILED');
  return lines.join('\n') + '\n';
}

/** Where the replayed history came from: `live from Temporal (open, 23 events)`, `archived at … (partial, …)`. */
function historySource(h: Exclude<CaseReplay['history'], { status: 'missing' }>): string {
  const events = 'events' in h ? `, ${h.events} events` : '';
  if (h.source === 'live') {
    const state = h.workflowStatus === 'RUNNING' ? 'open' : h.workflowStatus.toLowerCase().replaceAll('_', ' ');
    return `live from Temporal (${state}${events})`;
  }
  if (h.source === undefined) return 'archived';
  const complete = 'complete' in h && h.complete;
  return `archived at ${beijingTime(h.savedAt)} Beijing time (${complete ? 'complete' : `partial, ${standingAfter(h.afterStep)}`}${events})`;
}

function ruleSetLine(s: RuleSetComparison): string {
  const builds =
    s.recordedBuild === null
      ? ''
      : s.recordedBuild === s.todayBuild
        ? `, same build ${s.todayBuild}`
        : `, recorded build ${s.recordedBuild}, today ${s.todayBuild}`;
  if (s.sameFiles === null) return `      rule-set: ${s.recorded} (recorded without a data digest)`;
  if (s.sameFiles) return `      rule-set: parameter and calendar data as recorded (sha256:${s.recordedDigest!.slice(0, 12)}…${builds})`;
  return `      rule-set: DATA MISMATCH — ${s.policyVersion} was decided with data sha256:${s.recordedDigest}, today's files give ${s.todayDigest === null ? 'no such version' : `sha256:${s.todayDigest}`}${builds}`;
}
