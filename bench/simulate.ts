/**
 * `npm run bench:simulate [-- --decisions N] [--seed N] [--page N]` (N audit events a page): the impact simulation benchmark.
 *
 * Builds a throwaway embedded store (PGlite, temporary folder) holding N recorded decisions
 * (default 100,000) across the three businesses — generated case files decided and written as
 * decideAndRecord writes them, in bulk INSERTs of the same rows (appendEvent, one chain read and
 * write per event, would take far longer than the simulation itself) — then times simulateDraft
 * with a draft that lowers reimbursement ratios and raises lump-sum required months, against the
 * 60-second target. Building the store is not timed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCases } from '../fixtures/generate';
import { defaultParameters } from '../rules';
import { openStore } from '../store';
import { loadBureauCalendar } from '../store/calendarYears';
import { loadDraft } from '../policy/draft';
import { simulateDraft } from '../policy/simulate';
import { parseArgs, UsageError, type ParsedArgs } from '../cli/args';
import { recordFirstDecisionsInBulk, type DecisionToRecord } from './decisionRows';
import lumpSumData from '../rules/params/lump-sum.json' with { type: 'json' };
import reimbursementData from '../rules/params/reimbursement.json' with { type: 'json' };

const TARGET_SECONDS = 60;
const USAGE = 'bench:simulate [--decisions N] [--seed N] [--page N]';

function positive(args: ParsedArgs, name: string, fallback: number): number {
  const text = args.options.get(name);
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--${name} needs a positive whole number, got ${text}`, USAGE);
  return Number(text);
}

/** A draft folder: reimbursement ratios 5 points lower, lump-sum required months a year longer (every version). */
function writeDraft(dir: string): void {
  const reimbursement = structuredClone(reimbursementData);
  for (const v of reimbursement.versions) {
    v.inpatientRatio.resident = (Number(v.inpatientRatio.resident) - 0.05).toFixed(2);
    v.inpatientRatio.employeeRetired = (Number(v.inpatientRatio.employeeRetired) - 0.05).toFixed(2);
    v.outpatientRatio.employee = (Number(v.outpatientRatio.employee) - 0.05).toFixed(2);
  }
  const lumpSum = structuredClone(lumpSumData);
  for (const v of lumpSum.versions) {
    v.requiredMonths.men += 12;
    v.requiredMonths.women += 12;
  }
  fs.writeFileSync(path.join(dir, 'reimbursement.json'), JSON.stringify(reimbursement, null, 2));
  fs.writeFileSync(path.join(dir, 'lump-sum.json'), JSON.stringify(lumpSum, null, 2));
}

/** Decision times spread over 2026-01-01 … 2026-11-30 (UTC), one every few minutes. */
function decidedAt(i: number): string {
  const start = Date.parse('2026-01-01T01:00:00Z');
  const span = Date.parse('2026-11-30T09:00:00Z') - start;
  return new Date(start + Math.floor((i * 7919 * 60_000) % span)).toISOString();
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { usage: USAGE, options: ['decisions', 'seed', 'page'] });
  const decisions = positive(args, 'decisions', 100_000);
  const seed = positive(args, 'seed', 20261201);
  const pageSize = positive(args, 'page', 2000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-bench-simulate-'));
  const store = await openStore({ dataDir: path.join(dir, 'store') });
  try {
    const params = { ...defaultParameters, calendar: await loadBureauCalendar(store) };
    const buildStart = performance.now();
    const chunk = 2000;
    for (let done = 0; done < decisions; done += chunk) {
      const count = Math.min(chunk, decisions - done);
      const items: DecisionToRecord[] = generateCases({ seed: seed + done, count }).map((g, i) => ({
        caseFile: { ...g.caseFile, caseId: `${g.caseFile.caseId}-${done + i + 1}` },
        at: decidedAt(done + i),
      }));
      await recordFirstDecisionsInBulk(store, items, params);
      process.stderr.write(`\rstore: ${done + count} / ${decisions} decisions recorded`);
    }
    const buildSeconds = (performance.now() - buildStart) / 1000;
    process.stderr.write(`\rstore: ${decisions} decisions recorded in ${buildSeconds.toFixed(1)} s (bulk INSERT, not timed)\n`);

    const draftDir = path.join(dir, 'draft');
    fs.mkdirSync(draftDir);
    writeDraft(draftDir);
    const draft = loadDraft(draftDir);

    const load = os.loadavg()[0]!;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await simulateDraft(store, { draft, base: params, pageSize });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // CPU time of this process (PGlite runs in it): what the run costs without the other processes' share of the cores.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rate = result.cases / seconds;
    console.log(
      JSON.stringify(
        {
          decisions: result.cases,
          scanned: result.scanned,
          errors: result.errors.count,
          flips: result.flipTotal,
          affected: result.affectedTotal,
          deltaFen: result.money.deltaFen,
          notReproduced: result.notReproduced.count,
          seconds: Number(seconds.toFixed(2)),
          decisionsPerSecond: Math.round(rate),
          targetSeconds: TARGET_SECONDS,
          targetOverMeasured: Number((TARGET_SECONDS / seconds).toFixed(2)),
          cpuSeconds: Number(cpuSeconds.toFixed(2)),
          decisionsPerCpuSecond: Math.round(result.cases / cpuSeconds),
          loadAverage1m: Number(load.toFixed(2)),
          cpus: os.cpus().length,
          pageSize,
        },
        null,
        2,
      ),
    );
    console.log(
      `${result.cases} decisions re-decided twice in ${seconds.toFixed(1)} s: ${Math.round(rate)} decisions/s; ` +
        `target ${TARGET_SECONDS} s, ${(TARGET_SECONDS / seconds).toFixed(2)}× ${seconds <= TARGET_SECONDS ? 'within' : 'OVER'} it ` +
        `(load average ${load.toFixed(2)} on ${os.cpus().length} cores when it started; ${cpuSeconds.toFixed(1)} s of CPU)`,
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\nusage: npm run ${USAGE}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
