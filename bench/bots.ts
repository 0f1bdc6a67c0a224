/**
 * `npm run bench:bots` (tsx bench/bots.ts [--cases N] [--slots N] [--chromium PATH] [--block] [--look] [--trace every-step|on-retry|off] [--no-evidence]):
 * the bots alone, per business, against a stand-in in this process — no Temporal, no store, no OCR.
 * Each case is read (readFacts) and entered (enterResult) through one browser pool, as a worker's
 * legacy-bots queue does; prints per business the page loads and seconds per read and per entry,
 * and Chromium's CPU seconds per case (its whole process tree, sampled from /proc) by process type
 * (browser, renderer, zygote, utility…) and by step. For comparing browsers and flags on the same cases
 * in a minute or two (docs/bots-performance.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { browserCoreSystem } from '../activities/coreSystem';
import { entryRequestOf, factsQuery } from '../activities/legacyBots';
import { createBrowserPool } from '../bots';
import { BOT_TRACE_POLICIES } from '../bots/tracePolicy';
import { botChromiumPath } from '../config/defaults';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { legacyDataFile, seedCaseFiles, startLegacySystem, STAND_IN_DEFAULT_CREDENTIALS } from '../fixtures/legacy-system';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import type { IntakeRow } from '../intake/schemas';
import { chromiumTreeCpu, ProcSampler } from './throughput/procStats';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '30' },
    slots: { type: 'string', default: '4' },
    seed: { type: 'string', default: '20261201' },
    chromium: { type: 'string' },
    /** Abort images, fonts and media through the contexts' routing. */
    block: { type: 'boolean', default: false },
    /** Search 业务受理查询 before every entry, as a retry does. */
    look: { type: 'boolean', default: false },
    /** Which steps record an evidence trace (ZHISHEN_BOT_TRACE; every step is a first attempt here, so only `every-step` traces). */
    trace: { type: 'string', default: 'on-retry' },
    /** No evidence at all: no trace, no screenshot of a failure. */
    'no-evidence': { type: 'boolean', default: false },
  },
});
const count = Number(values.cases);
const slots = Number(values.slots);
if (!Number.isInteger(count) || count < 3) throw new Error(`--cases must be an integer ≥ 3, got ${values.cases}`);
if (!Number.isInteger(slots) || slots < 1) throw new Error(`--slots must be a positive integer, got ${values.slots}`);
const trace = z.enum(BOT_TRACE_POLICIES).parse(values.trace);
const executablePath = values.chromium ?? botChromiumPath();
const log = (m: string) => process.stderr.write(`${m}\n`);

/**
 * Chromium CPU by step: the process tree is read at every step's start and end, and what it used
 * since the last reading is shared equally among the steps running meanwhile (`between steps` when
 * none). The parts add up to the whole; with `--slots 1` each step's share is exactly its own.
 */
class StepMeter {
  private last = chromiumTreeCpu(process.pid);
  private readonly running = new Map<number, string>();
  private nextId = 0;
  readonly byStep = new Map<string, Record<string, number>>();

  private settle(): void {
    const now = chromiumTreeCpu(process.pid);
    const used: Record<string, number> = {};
    for (const [pid, { type, cpu }] of now) {
      const d = cpu - (this.last.get(pid)?.cpu ?? 0);
      if (d > 0) used[type] = (used[type] ?? 0) + d;
    }
    this.last = now;
    const kinds = this.running.size ? [...this.running.values()] : ['between steps'];
    for (const kind of kinds) {
      const into = this.byStep.get(kind) ?? {};
      for (const [type, d] of Object.entries(used)) into[type] = (into[type] ?? 0) + d / kinds.length;
      this.byStep.set(kind, into);
    }
  }

  async measure<T>(kind: string, step: () => Promise<T>): Promise<T> {
    this.settle();
    const id = this.nextId++;
    this.running.set(id, kind);
    try {
      return await step();
    } finally {
      this.settle();
      this.running.delete(id);
    }
  }

  finish(): void {
    this.settle();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-bench-bots-'));
try {
  const caseFiles = generateCases({ seed: Number(values.seed), count }).map((g) => g.caseFile);
  seedCaseFiles(dir, caseFiles);
  const workbook = path.join(dir, 'intake.xlsx');
  await writeIntakeWorkbook(workbook, caseFiles);
  const { rows } = await readIntakeWorkbook(workbook);
  const legacy = await startLegacySystem({ dataFile: legacyDataFile(dir), port: 0, users: [STAND_IN_DEFAULT_CREDENTIALS] });
  const pool = createBrowserPool({
    size: slots,
    legacyUrl: legacy.url,
    credentials: STAND_IN_DEFAULT_CREDENTIALS,
    executablePath,
    blockResources: values.block,
    evidenceDir: values['no-evidence'] ? undefined : path.join(dir, 'evidence'),
    trace,
  });
  const core = browserCoreSystem(pool);
  let meter: StepMeter;
  try {
    // Warm up: the browser starts and every slot logs in before the clock runs.
    await Promise.all(Array.from({ length: slots }, () => pool.withSession(async () => undefined)));
    const sampler = new ProcSampler({ me: { pids: () => [process.pid], tree: true } }, 250);
    meter = new StepMeter();
    const t0 = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < rows.length) await runCase(rows[next++]!);
    };
    await Promise.all(Array.from({ length: slots }, lane));
    const wall = (performance.now() - t0) / 1000;
    meter.finish();
    const usage = sampler.stop();
    const me = usage.groups.me!;
    const chromiumCpu = Object.entries(me.byCommand)
      .filter(([c]) => !c.startsWith('node'))
      .reduce((s, [, v]) => s + v, 0);
    const stats = core.stats?.() ?? {};
    log(
      `${rows.length} cases, ${slots} slots, ${path.basename(executablePath)}${values.block ? ', blocking' : ''}${values.look ? ', look' : ''}${values['no-evidence'] ? ', no evidence' : `, trace ${trace}`}`,
    );
    log('step                  steps  loads/step  s/step');
    for (const [kind, s] of Object.entries(stats).sort())
      log(
        `${kind.padEnd(20)}  ${String(s.steps).padStart(5)}  ${(s.pageLoads / s.steps).toFixed(2).padStart(10)}  ${(s.milliseconds / s.steps / 1000).toFixed(3).padStart(6)}`,
      );
    const loads = Object.values(stats).reduce((n, s) => n + s.pageLoads, 0);
    log(`wall ${wall.toFixed(1)} s, ${((rows.length / wall) * 60).toFixed(1)} cases/min`);
    log(`page loads per case ${(loads / rows.length).toFixed(2)}`);
    log(
      `Chromium CPU s per case ${(chromiumCpu / rows.length).toFixed(3)} (node incl. stand-in ${((me.cpuSeconds - chromiumCpu) / rows.length).toFixed(3)})`,
    );
    const types = Object.entries(me.byChromiumType).sort((a, b) => b[1] - a[1]);
    log(`Chromium CPU s per case by process: ${types.map(([t, v]) => `${t} ${(v / rows.length).toFixed(3)}`).join(' · ')}`);
    const columns = [...new Set(['browser', 'renderer', ...types.map(([t]) => t)])];
    const short = (t: string) => t.replace(/^utility:/, '').replace(/-process$/, '');
    log(
      `Chromium CPU s per step${slots > 1 ? ' (shared equally among steps running at once; --slots 1 for exact)' : ''}\n${'step'.padEnd(20)}  ${columns.map((c) => short(c).padStart(9)).join('')}   total`,
    );
    const byStep: Record<string, Record<string, number>> = {};
    for (const [kind, cpu] of [...meter.byStep].sort()) {
      const steps = stats[kind]?.steps ?? 1;
      const per = (v: number | undefined) => ((v ?? 0) / steps).toFixed(3);
      const total = Object.values(cpu).reduce((a, b) => a + b, 0);
      log(`${kind.padEnd(20)}  ${columns.map((c) => per(cpu[c]).padStart(9)).join('')}  ${per(total).padStart(6)}`);
      byStep[kind] = cpu;
    }
    log(`machine busy ${usage.machine.busySeconds.toFixed(1)} of ${usage.machine.capacitySeconds.toFixed(1)} CPU s`);
    process.stdout.write(
      `${JSON.stringify({ cases: rows.length, slots, chromium: executablePath, wallSeconds: wall, chromiumCpuPerCase: chromiumCpu / rows.length, chromiumCpuByType: me.byChromiumType, chromiumCpuByStep: byStep, loadsPerCase: loads / rows.length, stats })}\n`,
    );
  } finally {
    await pool.close();
    await legacy.close();
  }

  async function runCase(row: IntakeRow): Promise<void> {
    const reading = await meter.measure(`${row.type}/read`, () => core.readFacts(factsQuery(row), `${row.caseId}-facts`));
    if (!reading.ok) return;
    // A decision the stand-in accepts for every business; the rules are not what is measured here.
    const request = entryRequestOf(row, {
      caseId: row.caseId,
      type: row.type,
      outcome: 'reject',
      amount: null,
      reasons: ['BENCH'],
      messages: [],
      policyVersion: null,
    });
    const entry = await meter.measure(`${row.type}/enter`, () =>
      core.enterResult(request, `${row.caseId}-enter`, undefined, { look: values.look }),
    );
    if (!entry.ok) throw new Error(`${row.caseId}: entry refused: ${entry.code} ${entry.message}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
