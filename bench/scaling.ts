/**
 * `npx tsx bench/scaling.ts [--cases 500] [--every 50] [--seed N] [--out FILE]`: does a case cost more
 * the more cases came before it? Runs the benchmark's plain loop (bench/throughput/baseline.ts, no
 * Temporal) against a stand-in seeded as `npm run bench` seeds it, and reads the CPU of every process
 * involved each time another `--every` cases have settled: the loop's node process by thread (its
 * main thread, the receipt reader's, sharp's…), its Chromium by process type, and this process (the
 * stand-in). Prints CPU seconds per case for each stretch, so that growth shows as rising rows. The
 * workbook lists its sheets one business after another (趸缴, 转移, 零星报销), so the loop takes the
 * businesses in turn: compare stretches of the same business (each row names its businesses).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { botChromiumPath } from '../config/defaults';
import { loadConfig } from '../config/env';
import { legacyDataFile, seedCaseFiles, startLegacySystem, STAND_IN_DEFAULT_CREDENTIALS } from '../fixtures/legacy-system';
import { defaultOcrSlots, DEFAULT_BOT_SLOTS } from '../worker';
import type { BaselineSpec } from './throughput/baseline';
import { prepareCorpus } from './throughput/prepare';
import { chromiumTreeCpu, threadCpu } from './throughput/procStats';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '500' },
    every: { type: 'string', default: '50' },
    seed: { type: 'string', default: '20261201' },
    concurrency: { type: 'string', default: '8' },
    out: { type: 'string' },
  },
});
const count = Number(values.cases);
const every = Number(values.every);
const seed = Number(values.seed);
const ROOT = path.resolve(import.meta.dirname, '..');
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Sample {
  settled: number;
  seconds: number;
  threads: Record<string, number>;
  chromium: Record<string, number>;
  standIn: number;
  heapUsedMb: number;
  receipts: number;
  types: Record<string, number>;
}

// Chromium's CPU so far by process type, kept per process so that one which has exited still counts.
const chromiumSeen = new Map<number, { type: string; cpu: number }>();

function sampleOf(pid: number, settled: number, started: number): Omit<Sample, 'heapUsedMb' | 'receipts' | 'types'> {
  for (const [id, p] of chromiumTreeCpu(pid)) chromiumSeen.set(id, p);
  const chromium: Record<string, number> = {};
  for (const { type, cpu } of chromiumSeen.values()) chromium[type] = (chromium[type] ?? 0) + cpu;
  const self = process.cpuUsage();
  return {
    settled,
    seconds: (performance.now() - started) / 1000,
    threads: threadCpu(pid),
    chromium,
    standIn: (self.user + self.system) / 1e6,
  };
}

const corpus = await prepareCorpus({ seed, count, log });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-bench-scaling-'));
try {
  seedCaseFiles(
    dir,
    corpus.cases.map((c) => c.caseFile),
  );
  const legacy = await startLegacySystem({ dataFile: legacyDataFile(dir), port: 0, users: [STAND_IN_DEFAULT_CREDENTIALS] });
  try {
    const { worker } = loadConfig();
    const spec: BaselineSpec = {
      workbook: corpus.workbook,
      attachmentsDir: corpus.attachmentsDir,
      legacyUrl: legacy.url,
      concurrency: Number(values.concurrency),
      botSlots: DEFAULT_BOT_SLOTS,
      ocrThreads: worker.ocrThreads,
      ocrSlots: defaultOcrSlots(),
      evidenceDir: path.join(dir, 'evidence'),
      botTrace: worker.botTrace,
      chromiumPath: botChromiumPath(),
    };
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench', 'throughput', 'baseline.ts'), specFile, path.join(dir, 'result.json')],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const samples: Sample[] = [{ ...sampleOf(child.pid!, 0, started), heapUsedMb: 0, receipts: 0, types: {} }];
    let receipts = 0;
    let types: Record<string, number> = {};
    child.on('message', (m: { settled: number; type: string; receipts: number; heapUsedMb: number }) => {
      receipts += m.receipts;
      types[m.type] = (types[m.type] ?? 0) + 1;
      if (m.settled % every !== 0 && m.settled !== count) return;
      samples.push({ ...sampleOf(child.pid!, m.settled, started), heapUsedMb: m.heapUsedMb, receipts, types });
      receipts = 0;
      types = {};
      log(`  ${m.settled}/${count} settled`);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    if (code !== 0) throw new Error(`baseline exited with ${code}`);
    report(samples);
  } finally {
    await legacy.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

function report(samples: Sample[]): void {
  const rows = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const n = b.settled - a.settled;
    const per = (x: number) => Math.round((x / n) * 1000) / 1000;
    const threadNames = new Set([...Object.keys(a.threads), ...Object.keys(b.threads)]);
    const threads: Record<string, number> = {};
    let node = 0;
    for (const name of threadNames) {
      const used = (b.threads[name] ?? 0) - (a.threads[name] ?? 0);
      node += used;
      if (used / n >= 0.002) threads[name] = per(used);
    }
    const chromium: Record<string, number> = {};
    let chromiumAll = 0;
    for (const type of new Set([...Object.keys(a.chromium), ...Object.keys(b.chromium)])) {
      const used = (b.chromium[type] ?? 0) - (a.chromium[type] ?? 0);
      chromiumAll += used;
      chromium[type] = per(used);
    }
    rows.push({
      cases: `${a.settled + 1}–${b.settled}`,
      wallPerCase: per(b.seconds - a.seconds),
      node: per(node),
      threads,
      chromium: per(chromiumAll),
      chromiumByType: chromium,
      standIn: per(b.standIn - a.standIn),
      heapUsedMb: Math.round(b.heapUsedMb),
      receipts: b.receipts,
      types: b.types,
    });
  }
  for (const r of rows) {
    log(
      `${r.cases.padEnd(9)} wall ${r.wallPerCase.toFixed(3)} s/case · node ${r.node.toFixed(3)} ${JSON.stringify(r.threads)} · chromium ${r.chromium.toFixed(3)} ${JSON.stringify(r.chromiumByType)} · stand-in ${r.standIn.toFixed(3)} · heap ${r.heapUsedMb} MB · receipts ${r.receipts} · ${JSON.stringify(r.types)}`,
    );
  }
  if (values.out) fs.writeFileSync(values.out, JSON.stringify({ cases: count, every, seed, rows }, null, 1));
}
