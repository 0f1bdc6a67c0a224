/**
 * `audit replay` from the console: the same replayCase as the CLI, with the workflow code bundled
 * once per console process (bundling takes seconds; the code does not change while it runs) and the
 * case's history fetched from Temporal into the store first when it was never archived.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { loadWorkflowHistory, saveWorkflowHistory } from '../audit/history';
import { replayCase, type CaseReplay } from '../audit/replay';
import { installRuntimeLogger, temporalLoggerFor } from '../logging/temporalLogger';
import { getCase } from '../store';
import { loadBureauCalendar } from '../store/calendarYears';
import { configuredDataConverter } from '../temporal/dataConverter';
import type { ConsoleDeps } from './context';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let bundled: Promise<WorkflowBundle> | undefined;

function workflowBundle(deps: ConsoleDeps): Promise<WorkflowBundle> {
  bundled ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: temporalLoggerFor(deps.logger) }).catch((err: unknown) => {
    bundled = undefined;
    throw err;
  });
  return bundled;
}

/** Replays one case for an auditor; a history Temporal cannot give is reported by the replay as missing. */
export async function replayForAuditor(deps: ConsoleDeps, caseId: string): Promise<CaseReplay> {
  const stored = await getCase(deps.store, caseId);
  const workflowId = stored?.workflowId ?? `case-${caseId}`;
  const runId = stored?.runId ?? undefined;
  // A history saved while the run was open is replaced by a longer one when Temporal still has it.
  const saved = await loadWorkflowHistory(deps.store, workflowId, runId).catch(() => undefined);
  if (!saved?.complete) {
    await saveWorkflowHistory(deps.store, deps.temporal, workflowId, runId, caseId).catch((err: unknown) => {
      deps.logger.warn(`console: history of ${workflowId} not archived for replay: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
  // The replayer runs a worker: its narration goes to the console's log, not the terminal. Another
  // part of this process may have installed the SDK's runtime first; then that one's logger stays.
  try {
    installRuntimeLogger(deps.logger);
  } catch {
    /* already installed */
  }
  return replayCase(deps.store, caseId, {
    workflowBundle: await workflowBundle(deps),
    todaysCalendar: await loadBureauCalendar(deps.store),
    dataConverter: configuredDataConverter(deps.config),
  });
}
