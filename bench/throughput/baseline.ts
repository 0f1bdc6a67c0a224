/**
 * The benchmark's baseline: the same work as the real stack, as a plain loop in one process —
 * per case the same bot read of the facts, the same OCR of its receipts, assemble + decide, and the
 * same bot entry for the cases that are entered — at the same concurrency and with the same pool
 * sizes (browser contexts with evidence tracing, one OCR engine, OCR slots) as a worker, but with no
 * Temporal, no store, no audit trail, no notices. Run as a child process of bench/run.ts:
 *
 *   node --import tsx bench/throughput/baseline.ts SPEC.json OUT.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { assembleCaseFile } from '../../activities/caseFile';
import { browserCoreSystem } from '../../activities/coreSystem';
import { resultOf } from '../../activities/decision';
import { entryRequestOf, factsQuery } from '../../activities/legacyBots';
import { createBrowserPool, TechnicalFault, type BotStepStats } from '../../bots';
import type { BotTracePolicy } from '../../bots/tracePolicy';
import { STAND_IN_DEFAULT_CREDENTIALS } from '../../fixtures/legacy-system/credentials';
import { inProcessingOrder } from '../../intake/processingOrder';
import { readIntakeWorkbook } from '../../intake/readWorkbook';
import type { IntakeRow } from '../../intake/schemas';
import { createReceiptReader } from '../../ocr';
import { readReceiptFiles, type ReadReceiptsResult } from '../../ocr/activity';
import { decide, parseCaseFile } from '../../rules';
import type { CaseType } from '../../rules/caseTypes';
import type { CaseOutcome } from '../../workflows/types';

export interface BaselineSpec {
  workbook: string;
  attachmentsDir: string;
  legacyUrl: string;
  concurrency: number;
  botSlots: number;
  ocrSlots: number;
  /** Threads of one PP-OCR model run, as the workers' ZHISHEN_OCR_THREADS. */
  ocrThreads: number;
  evidenceDir: string;
  /** Which bot steps record a trace, as the workers' ZHISHEN_BOT_TRACE. */
  botTrace: BotTracePolicy;
  chromiumPath?: string;
}

export interface BaselineCase {
  caseId: string;
  type: CaseType;
  outcome: CaseOutcome;
  amount: string | null;
  /** Milliseconds from the loop's start. */
  startMs: number;
  settledMs: number;
  factsMs: number;
  ocrMs: number;
  receipts: number;
  decideMs: number;
  enterMs: number;
  entered: boolean;
}

export interface BaselineResult {
  wallSeconds: number;
  cases: BaselineCase[];
  /** Bot steps retried after a technical fault (none expected: the stand-in runs without faults). */
  retries: number;
  /** This process's CPU seconds (user + system) during the loop. */
  cpuSeconds: number;
  /** The bots' steps, page loads and time by business and step. */
  botSteps: Record<string, BotStepStats>;
}

/** Counting semaphore, in arrival order. */
class Slots {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

export async function runBaseline(spec: BaselineSpec): Promise<BaselineResult> {
  // Preparation, not timed: the rows as the batch's intake step reads them, in the batch's order.
  const rows = inProcessingOrder((await readIntakeWorkbook(spec.workbook)).rows);
  const pool = createBrowserPool({
    size: spec.botSlots,
    legacyUrl: spec.legacyUrl,
    credentials: STAND_IN_DEFAULT_CREDENTIALS,
    executablePath: spec.chromiumPath,
    evidenceDir: spec.evidenceDir,
    trace: spec.botTrace,
  });
  const core = browserCoreSystem(pool);
  const reader = createReceiptReader({ threads: spec.ocrThreads });
  // As a worker's task queues do: at most this many bot steps and receipt readings at once; the
  // time of a step is counted from when it got its slot, as an activity's from when it started.
  const botSlots = new Slots(spec.botSlots);
  const ocrSlots = new Slots(spec.ocrSlots);
  let retries = 0;

  // A technical fault is retried, as Temporal would; the stand-in has no faults here.
  async function retried<T>(work: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(attempt);
      } catch (err) {
        if (!(err instanceof TechnicalFault) || attempt >= 5) throw err;
        retries += 1;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const since = () => performance.now() - started;
  const cases: BaselineCase[] = [];

  async function runCase(row: IntakeRow): Promise<void> {
    const c: BaselineCase = {
      caseId: row.caseId,
      type: row.type,
      outcome: 'review',
      amount: null,
      startMs: since(),
      settledMs: 0,
      factsMs: 0,
      ocrMs: 0,
      receipts: 0,
      decideMs: 0,
      enterMs: 0,
      entered: false,
    };
    const settle = () => {
      c.settledMs = since();
      cases.push(c);
      // bench/scaling.ts samples the processes' CPU at each settled case it is told of.
      process.send?.({ settled: cases.length, type: c.type, receipts: c.receipts, heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20 });
    };
    let t = 0;
    const reading = await botSlots.run(() => {
      t = performance.now();
      return retried((attempt) => core.readFacts(factsQuery(row), `${row.caseId}-facts`, attempt));
    });
    c.factsMs = performance.now() - t;
    if (!reading.ok) return settle();
    let receipts: ReadReceiptsResult | undefined;
    if (row.type === 'reimbursement') {
      const files = row.attachments ?? [];
      t = performance.now();
      try {
        receipts = await ocrSlots.run(() => {
          t = performance.now();
          return readReceiptFiles(reader, { caseId: row.caseId, attachmentsDir: spec.attachmentsDir, files });
        });
      } catch (err) {
        if (!(err instanceof ApplicationFailure)) throw err;
        return settle();
      } finally {
        c.ocrMs = performance.now() - t;
        c.receipts = files.length;
      }
    }
    t = performance.now();
    const parsed = parseCaseFile(assembleCaseFile(row, reading.facts, receipts?.receipts));
    if (!parsed.ok) {
      c.decideMs = performance.now() - t;
      return settle();
    }
    const result = resultOf(
      { caseId: row.caseId, type: row.type, sheet: row.sheet, rowNumber: row.rowNumber, row },
      decide(parsed.caseFile),
    );
    c.decideMs = performance.now() - t;
    c.outcome = result.outcome;
    c.amount = result.amount;
    if (result.outcome !== 'review') {
      const entry = await botSlots.run(() => {
        t = performance.now();
        // As the activity does: look for an earlier entry only when an earlier attempt may have made one.
        return retried((attempt) =>
          core.enterResult(entryRequestOf(row, result), `${row.caseId}-enter`, undefined, { look: attempt > 1 }, attempt),
        );
      });
      c.enterMs = performance.now() - t;
      if (!entry.ok) throw new Error(`${row.caseId}: entry refused: ${entry.code} ${entry.message}`);
      c.entered = true;
    }
    settle();
  }

  try {
    let next = 0;
    const lane = async () => {
      while (next < rows.length) await runCase(rows[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, rows.length) }, lane));
  } finally {
    await reader.close();
    await pool.close();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds: since() / 1000, cases, retries, cpuSeconds: (cpu.user + cpu.system) / 1e6, botSteps: pool.stats() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [specFile, outFile] = process.argv.slice(2);
  if (!specFile || !outFile) throw new Error('usage: baseline.ts SPEC.json OUT.json');
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as BaselineSpec;
  const result = await runBaseline(spec);
  fs.writeFileSync(outFile, JSON.stringify(result));
}
