/**
 * One simulation as a person asks for it (CLI or console): simulated, charted, written as a
 * workbook, and recorded in the `_admin` trail with who asked, the draft's digest, the range and
 * the counts.
 */
import { recordAdminAct, type Store } from '../store';
import { renderSimulationChart } from './chart';
import { simulateDraft, type SimulateOptions, type SimulationResult } from './simulate';
import { simulationWorkbook } from './workbook';

/** Who asked, proven by the caller (console session or CLI password), and through what. */
export interface SimulationActor {
  username: string;
  role: string;
  via: 'cli' | 'console';
}

export interface SimulationRun {
  result: SimulationResult;
  chartPng: Buffer;
  workbook: Buffer;
  at: Date;
}

/** Runs the simulation, renders its chart and workbook, and records the run. */
export async function runSimulation(store: Store, by: SimulationActor, options: SimulateOptions, now = new Date()): Promise<SimulationRun> {
  const result = await simulateDraft(store, options);
  const chartPng = await renderSimulationChart(result);
  const workbook = await simulationWorkbook(result, chartPng, now);
  await recordSimulation(store, by, result, now);
  return { result, chartPng, workbook, at: now };
}

/** The `policy-simulated` event: who, the draft's digest and files, the range, the counts. */
async function recordSimulation(store: Store, by: SimulationActor, result: SimulationResult, at: Date): Promise<void> {
  await recordAdminAct(store, {
    area: 'policy-admin',
    via: by.via,
    step: 'policy-simulated',
    actor: { kind: 'user', name: by.username },
    at,
    inputs: { role: by.role, via: by.via, draft: result.draft, range: result.range, type: result.type },
    outcome: {
      cases: result.cases,
      flips: result.flipTotal,
      affected: result.affectedTotal,
      amountChanged: result.amountChanged,
      approvedDeltaFen: result.money.deltaFen,
      reviewLoad: result.reviewLoad,
      notReproduced: result.notReproduced.count,
      errors: result.errors.count,
    },
    about: result.draft.sha256,
  });
}
